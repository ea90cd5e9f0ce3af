package main

import (
	"fmt"
	"os"
	"os/exec"
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
		"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "not-numeric-token", "X_ACCESS_TOKEN_SECRET": "ts",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = buildPublishers(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "X_") {
		t.Fatalf("buildPublishers with a malformed X token = %v, want an error naming the X account", err)
	}
}
