package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/internal/fakes/xfake"
	"github.com/reelpost/reelpost/store"
)

// checkLine is the form of check's lines when the configuration holds:
// nothing else (a configuration problem after "configuration: ok") may
// appear, and an account is shown by its whole label and its ID.
var checkLine = regexp.MustCompile(`^(configuration: ok \(|ledger: (ok \(|FAILED: )|accounts: |TMDB: (ok \(|refused: |FAILED: )|` +
	`(X|MASTODON|BLUESKY)(_[1-9][0-9]*)? (x|mastodon|bluesky):\S+: (ok \(|refused: |FAILED: ))`)

// halfLabel is a label without its number or network: "X_", "MASTODON_".
var halfLabel = regexp.MustCompile(`(^|\s)(X|MASTODON|BLUESKY)_[\s:]`)

// checkLines splits check's output and fails on a half-empty label, and,
// when the configuration is said to be ok, on any other kind of line.
func checkLines(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	configOK := strings.HasPrefix(out, "configuration: ok")
	for _, l := range lines {
		if configOK && !checkLine.MatchString(l) {
			t.Errorf("configuration: ok, then %q:\n%s", l, out)
		}
		if halfLabel.MatchString(l) {
			t.Errorf("a half-empty label: %q", l)
		}
	}
	return lines
}

func TestCheck(t *testing.T) {
	t.Parallel()
	const (
		xToken, xTokenSecret = "1234-accesstokenvalue", "x-token-secret-value"
		mastoToken           = "mastodon-token-value"
		bskyPassword         = "bsky-app-password-value"
	)
	xs := xfake.New(t, xfake.Credentials{APIKey: "ck", APISecret: "x-consumer-secret-value", AccessToken: xToken,
		AccessTokenSecret: xTokenSecret, UserID: "1234", Username: "films"})
	ms := mastodonfake.New(t, mastodonfake.Options{AccessToken: mastoToken, Username: "films"})
	bs := blueskyfake.New(t, blueskyfake.Account{Handle: "films.test", AppPassword: bskyPassword})
	dir := t.TempDir()
	env := map[string]string{
		"FEED_URLS": "https://films.example/feed", "DATABASE_URL": filepath.Join(dir, "reelpost.db"),
		"X_API_KEY": "ck", "X_API_SECRET": "x-consumer-secret-value", "X_ACCESS_TOKEN": xToken,
		"X_ACCESS_TOKEN_SECRET": xTokenSecret, "X_API_URL": xs.URL,
		"MASTODON_SERVER": ms.URL, "MASTODON_ACCESS_TOKEN": mastoToken,
		"BLUESKY_HANDLE": "films.test", "BLUESKY_APP_PASSWORD": bskyPassword, "BLUESKY_PDS_URL": bs.URL(),
		// A second Mastodon account whose token the server refuses.
		"MASTODON_2_SERVER": ms.URL, "MASTODON_2_ACCESS_TOKEN": "revoked-token-value",
	}
	out, errOut, code := runCLI(t, env, "check")
	if code != exitFailure {
		t.Errorf("exit %d, want %d when one account fails", code, exitFailure)
	}
	var ok, refused int
	for _, l := range checkLines(t, out) {
		switch {
		case strings.Contains(l, ": ok (as "):
			ok++
		case strings.Contains(l, ": refused: "):
			refused++
			if !strings.HasPrefix(l, "MASTODON_2 mastodon:") || !strings.Contains(l, "#2: refused") {
				t.Errorf("the refused account should be the second Mastodon one, by label and ID: %q", l)
			}
			// What to do, in the operator's words, the account said once.
			if !strings.Contains(l, "#2: refused: HTTP 401") || !strings.Contains(l, "make a new one under Preferences > Development") ||
				strings.Count(l, "mastodon:") != 1 || strings.Contains(l, "permanent") {
				t.Errorf("the refusal should say what to do, naming the account once: %q", l)
			}
		}
	}
	if ok != 3 || refused != 1 {
		t.Errorf("want 3 accounts ok and 1 refused, got %d and %d:\n%s", ok, refused, out)
	}
	for _, want := range []string{"configuration: ok (1 feed(s), 4 account(s))", "ledger: ok (sqlite " + env["DATABASE_URL"] + " does not exist yet"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{xToken, xTokenSecret, "x-consumer-secret-value", mastoToken, "revoked-token-value", bskyPassword} {
		if strings.Contains(out+errOut, secret) {
			t.Errorf("check output shows a secret %q:\n%s%s", secret, out, errOut)
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("check created %v", es)
	}
}

// Every problem of the configuration, one per line, at once; no line
// saying the configuration is fine.
func TestCheckListsEveryProblem(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, map[string]string{
		"POLL_INTERVAL": "banana", "MASTODON_SERVER": "https://m.example", "MASTADON_ACCESS_TOKEN": "t",
		"FEED_2_URL": "https://a.example/feed", "FEED_2_TO": "BLUESKY", "FEED_INCLUDE": "(review",
	}, "check")
	if code != exitConfig {
		t.Errorf("exit %d, want %d", code, exitConfig)
	}
	lines := checkLines(t, out)
	for _, want := range []string{
		"FEED_2_TO: BLUESKY is not a configured account",
		"FEED_INCLUDE: \"(review\" is not a Go regular expression",
		"MASTADON_ACCESS_TOKEN is not a reelpost variable; did you mean MASTODON_ACCESS_TOKEN?",
		"MASTODON_ACCESS_TOKEN: not set, but other MASTODON_* variables are",
		"POLL_INTERVAL: expected a Go duration",
	} {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, want)
		}
		if !found {
			t.Errorf("no line starting %q:\n%s", want, out)
		}
	}
	if len(lines) != 5 || strings.Contains(out, "configuration: ok") {
		t.Errorf("want the 5 problems, one per line, and nothing saying all is well:\n%s", out)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "5 problem(s)") {
		t.Errorf("stderr should sum up in one line: %q", errOut)
	}
}

// What run refuses after the variables (a template that fails on a review,
// no feed, a ledger that cannot be made) is what check reports.
func TestCheckWhatRunRefuses(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "missing")
	out, _, code := runCLI(t, map[string]string{
		"DATABASE_URL": filepath.Join(dir, "reelpost.db"),
		"X_TEMPLATE":   "{{.Title.Nope}}", "REPOST_TEMPLATE": "{{index .Genres 9}}",
	}, "check")
	if code != exitConfig {
		t.Errorf("exit %d, want %d", code, exitConfig)
	}
	lines := checkLines(t, out)
	for _, want := range []string{
		"X_TEMPLATE: ", "REPOST_TEMPLATE: ", "FEED_URLS: empty: nothing to poll",
		"ledger: FAILED: sqlite " + filepath.Join(dir, "reelpost.db") + ": cannot be created: no such directory: " + dir,
	} {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, want)
		}
		if !found {
			t.Errorf("no line starting %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "configuration: ok") {
		t.Errorf("configuration said ok:\n%s", out)
	}
}

func TestCheckAllWell(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "reelpost.db")
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, errOut, code := runCLI(t, map[string]string{"FEED_URLS": "https://a.example/feed", "DATABASE_URL": db,
		"FEED_2_URL": "https://b.example/feed", "FEED_2_TEMPLATE": "{{.Title}} {{.Link}}"}, "check")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	want := "configuration: ok (2 feed(s), 0 account(s))\n" +
		"ledger: ok (sqlite " + db + ", schema version " + itoa(store.SchemaVersion(store.DialectSQLite)) + ")\n" +
		"accounts: none configured: reelpost runs in dry run, printing posts instead of sending them\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

// fakeTMDB answers GET /3/authentication as TMDB does
// (https://developer.themoviedb.org/docs/errors): 200 with success for the
// good key, as api_key or as a bearer token, 401 with status_code 7 else.
func fakeTMDB(t *testing.T, goodKey, goodToken string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/3/authentication" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("api_key") == goodKey || r.Header.Get("Authorization") == "Bearer "+goodToken {
			_ = json.NewEncoder(w).Encode(map[string]any{"success": true, "status_code": 1, "status_message": "Success."})
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"success": false, "status_code": 7,
			"status_message": "Invalid API key: You must be granted a valid key."})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckTMDB(t *testing.T) {
	t.Parallel()
	const (
		good     = "0123456789abcdef0123456789abcdef"
		bad      = "ffffffffffffffffffffffffffffffff"
		token    = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
		badToken = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ5In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	)
	srv := fakeTMDB(t, good, token)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, tc := range []struct {
		name, key, url, want string
		code                 int
	}{
		{"v3 key", good, srv.URL, "TMDB: ok (v3 API key)", exitOK},
		{"v4 token", token, srv.URL, "TMDB: ok (v4 read access token)", exitOK},
		{"refused key", bad, srv.URL, "TMDB: refused: ", exitFailure},
		{"refused token", badToken, srv.URL, "TMDB: refused: ", exitFailure},
		{"down", bad, down.URL, "TMDB: FAILED: ", exitFailure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, map[string]string{"FEED_URLS": "https://a.example/feed",
				"DATABASE_URL": filepath.Join(t.TempDir(), "reelpost.db"), "TMDB_API_KEY": tc.key, "TMDB_API_URL": tc.url}, "check")
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%s", code, tc.code, out)
			}
			found := false
			for _, l := range checkLines(t, out) {
				found = found || strings.HasPrefix(l, tc.want)
			}
			if !found {
				t.Errorf("no line starting %q:\n%s", tc.want, out)
			}
			if strings.HasPrefix(tc.want, "TMDB: refused") && !strings.Contains(out, "Invalid API key") {
				t.Errorf("the refusal does not give TMDB's reason:\n%s", out)
			}
			if strings.Contains(out+errOut, tc.key) {
				t.Errorf("the key is shown:\n%s%s", out, errOut)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// An X token of the wrong form is a configuration problem: check names the
// variable, in the words the X publisher would use, without the token.
func TestCheckRefusesAnXTokenOfTheWrongForm(t *testing.T) {
	t.Parallel()
	out, _, code := runCLI(t, map[string]string{
		"DATABASE_URL": filepath.Join(t.TempDir(), "reelpost.db"),
		"X_2_API_KEY":  "k", "X_2_API_SECRET": "s", "X_2_ACCESS_TOKEN": "not-an-x-token", "X_2_ACCESS_TOKEN_SECRET": "ts",
	}, "check")
	if code != exitConfig || !strings.Contains(out, "X_2_ACCESS_TOKEN: not an X access token: expected <user id>-<rest>\n") ||
		strings.Contains(out, "not-an-x-token") {
		t.Errorf("exit %d:\n%s\nwant %d and the X_2_ACCESS_TOKEN problem without the token", code, out, exitConfig)
	}
}
