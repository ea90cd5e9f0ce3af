package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/config"
)

func TestOwnerID(t *testing.T) {
	t.Parallel()
	got := ownerID(&config.Config{InstanceID: "replica-a"})
	if !strings.HasPrefix(got, "replica-a/") || len(got) <= len("replica-a/") {
		t.Fatalf("owner with INSTANCE_ID = %q, want replica-a/ and this process's suffix", got)
	}
	a, b := ownerID(&config.Config{}), ownerID(&config.Config{})
	if a == "" || a != b {
		t.Fatalf("default owner = %q then %q: want one stable, non-empty name per process", a, b)
	}
	if !strings.HasSuffix(a, got[len("replica-a"):]) {
		t.Fatalf("owners %q and %q of one process end differently", a, got)
	}
	// Another process (a CLI command beside the daemon, a restart in the
	// same container) with the same INSTANCE_ID gets another name.
	cmd := exec.Command(os.Args[0], "-test.run=^TestOwnerIDHelper$")
	cmd.Env = append(os.Environ(), "REELPOST_OWNER_HELPER=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	other := strings.TrimSpace(strings.TrimPrefix(strings.Split(string(out), "\n")[0], "owner "))
	if !strings.HasPrefix(other, "replica-a/") || other == got {
		t.Fatalf("another process with INSTANCE_ID=replica-a is named %q, this one %q: want distinct names", other, got)
	}
}

// TestOwnerIDHelper is not a test: run by TestOwnerID as another process,
// it prints that process's owner name.
func TestOwnerIDHelper(t *testing.T) {
	if os.Getenv("REELPOST_OWNER_HELPER") != "1" {
		t.Skip("run by TestOwnerID as its second process")
	}
	fmt.Println("owner", ownerID(&config.Config{InstanceID: "replica-a"}))
}

func TestBuildPublishersNamesTheAccount(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(map[string]string{
		"MASTODON_SERVER": "https://example.social", "MASTODON_ACCESS_TOKEN": "t",
		"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "12-token", "X_ACCESS_TOKEN_SECRET": "ts",
	})
	if err != nil {
		t.Fatal(err)
	}
	// Load refuses such a token; a publisher built anyway must say which
	// account is wrong.
	cfg.X[0].AccessToken = "not-numeric-token"
	_, err = buildPublishers(cfg, nil, newGuard(cfg, nil, nil))
	if err == nil || !strings.Contains(err.Error(), "X_") {
		t.Fatalf("buildPublishers with a malformed X token = %v, want an error naming the X account", err)
	}
}

// A bad configuration leaves nothing behind: once and run refuse it before
// the ledger is opened, so no reelpost.db appears where the operator ran
// them.
func TestNothingCreatedBeforeTheConfigurationHolds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no feed", map[string]string{}, "FEED_URLS: empty: nothing to poll"},
		{"misspelt variable", map[string]string{"FEED_URLS": "https://a.example/feed", "MASTADON_SERVER": "m.example"}, "did you mean MASTODON_SERVER?"},
		{"template failing on a review", map[string]string{"FEED_URLS": "https://a.example/feed", "POST_TEMPLATE": "{{.Title.Nope}}"}, "POST_TEMPLATE"},
		{"X token of the wrong form", map[string]string{"FEED_URLS": "https://a.example/feed",
			"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "not-numeric", "X_ACCESS_TOKEN_SECRET": "ts"}, "X_ACCESS_TOKEN"},
	}
	for _, tc := range cases {
		for _, cmd := range []string{"once", "run"} {
			t.Run(tc.name+"/"+cmd, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				env := map[string]string{"DATABASE_URL": filepath.Join(dir, "reelpost.db"), "HTTP_ADDR": ""}
				for k, v := range tc.env {
					env[k] = v
				}
				_, errOut, code := runCLI(t, env, cmd)
				if code != exitConfig || !strings.Contains(errOut, tc.want) {
					t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitConfig, tc.want)
				}
				if es, _ := os.ReadDir(dir); len(es) != 0 {
					t.Errorf("reelpost %s with a bad configuration left %v behind", cmd, es)
				}
			})
		}
	}
}

// Commands that only look at the ledger say there is none instead of
// creating one.
func TestLookingCommandsCreateNoLedger(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	db := filepath.Join(t.TempDir(), "reelpost.db")
	w.env["DATABASE_URL"] = db
	for _, args := range [][]string{{"status"}, {"status", "--json"}, {"repost", "--dry-run", "review-1"}} {
		_, errOut, err := w.run(args...)
		var b strings.Builder
		code := exitCode(err, &b)
		msg := errOut + b.String()
		if code != exitFailure || !strings.Contains(msg, "no ledger at "+db) {
			t.Errorf("reelpost %s: exit %d, %q; want %d and \"no ledger at %s\"", strings.Join(args, " "), code, msg, exitFailure, db)
		}
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Fatalf("reelpost %s created %s", strings.Join(args, " "), db)
		}
	}
}

// A feed given to preview is the argument's fault when it is wrong, not
// FEED_URLS'.
func TestPreviewBlamesTheArgument(t *testing.T) {
	t.Parallel()
	_, errOut, code := runCLI(t, map[string]string{"FEED_URLS": "https://a.example/feed"}, "preview", "ftp://x")
	if code != exitUsage || !strings.Contains(errOut, `argument "ftp://x"`) || strings.Contains(errOut, "FEED_URLS") {
		t.Errorf("preview ftp://x: exit %d, %q; want a usage error about the argument", code, errOut)
	}
}

// Every subcommand's help speaks of accounts as the operator meets them:
// the IDs status shows, not a made-up form.
func TestHelpNamesAccountsAsTheyAre(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"status", "repost", "retry", "check", "preview"} {
		out, _, code := runCLI(t, nil, cmd, "--help")
		if code != exitOK {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		help := strings.Join(strings.Fields(out), " ")
		for _, want := range []string{"x:<user id>", "mastodon:<host>", "mastodon:<host>#2", "bluesky:@<handle>"} {
			if !strings.Contains(help, want) {
				t.Errorf("reelpost %s --help does not show %q:\n%s", cmd, want, out)
			}
		}
		if strings.Contains(help, "mastodon:@") {
			t.Errorf("reelpost %s --help shows an account ID form that does not exist:\n%s", cmd, out)
		}
	}
}

// --account takes a label as the configuration names the account.
func TestRepostAccountByLabel(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	out := w.mustRun("repost", "--dry-run", "--account", "mastodon", "--account", "BLUESKY", "review-1")
	if !strings.Contains(out, "mastodon:") || !strings.Contains(out, "bluesky:@") || strings.Contains(out, "x:987654321") {
		t.Errorf("--account mastodon --account BLUESKY printed:\n%s", out)
	}
	_, _, err := w.run("repost", "--dry-run", "--account", "MASTODON_2", "review-1")
	if exitCodeOf(err) != exitUsage || !strings.Contains(err.Error(), "configured: X x:987654321, MASTODON mastodon:") {
		t.Errorf("--account MASTODON_2 (not configured) = %v, want the configured accounts listed by label and ID", err)
	}
}
