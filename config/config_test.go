package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(map[string]string{"FEED_URLS": "https://films.example/feed/, ./testdata/feed.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.FeedURLs, []string{"https://films.example/feed/", "./testdata/feed.xml"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("FeedURLs = %q, want %q", got, want)
	}
	if c.PollInterval != 5*time.Minute || c.DatabaseURL != "reelpost.db" || c.HTTPAddr != ":8080" ||
		c.LogLevel != "info" || c.LogFormat != "json" || !c.FetchPages || c.MaxPostsPerPoll != 3 {
		t.Errorf("defaults wrong: %+v", c)
	}
	if c.LeaseDuration != 2*time.Minute {
		t.Errorf("LEASE_DURATION default = %s", c.LeaseDuration)
	}
	if c.Accounts() != 0 || !c.EffectiveDryRun() {
		t.Errorf("no account configured must mean dry run")
	}
}

// TestPostLanguageSpellings: the spellings people write are sent as BCP 47
// (Bluesky refuses "en_US" in a record's langs).
func TestPostLanguageSpellings(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"en": "en", "en_US": "en-US", "pt-br": "pt-BR", "FR": "fr"} {
		c, err := Load(map[string]string{"POST_LANGUAGE": in})
		if err != nil {
			t.Errorf("POST_LANGUAGE=%s: %v", in, err)
		} else if c.Language != want {
			t.Errorf("POST_LANGUAGE=%s: sent as %q, want %q", in, c.Language, want)
		}
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"bad duration", map[string]string{"POLL_INTERVAL": "banana"}, []string{"POLL_INTERVAL", "duration"}},
		{"too short", map[string]string{"POLL_INTERVAL": "10ms"}, []string{"POLL_INTERVAL", "at least 1s"}},
		{"bad language", map[string]string{"POST_LANGUAGE": "english please"}, []string{"POST_LANGUAGE", "language tag"}},
		{"short lease", map[string]string{"LEASE_DURATION": "500ms"}, []string{"LEASE_DURATION", "at least 1s"}},
		{"bad bool", map[string]string{"DRY_RUN": "perhaps"}, []string{"DRY_RUN", "true or false"}},
		{"bad int", map[string]string{"BACKFILL": "many"}, []string{"BACKFILL", "whole number"}},
		{"negative backfill", map[string]string{"BACKFILL": "-1"}, []string{"BACKFILL"}},
		{"bad feed scheme", map[string]string{"FEED_URLS": "ftp://films.example/feed"}, []string{"FEED_URLS", "ftp"}},
		{"feed without host", map[string]string{"FEED_URLS": "https:///feed"}, []string{"FEED_URLS", "no host"}},
		{"bad log level", map[string]string{"LOG_LEVEL": "loud"}, []string{"LOG_LEVEL", "debug, info"}},
		{"bad log format", map[string]string{"LOG_FORMAT": "xml"}, []string{"LOG_FORMAT"}},
		{"bad database", map[string]string{"DATABASE_URL": "mysql://db/x"}, []string{"DATABASE_URL", "mysql"}},
		{"bad template", map[string]string{"X_TEMPLATE": "{{.Title"}, []string{"X_TEMPLATE"}},
		{"partial x", map[string]string{"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "t"}, []string{"X_ACCESS_TOKEN_SECRET"}},
		{"partial mastodon", map[string]string{"MASTODON_ACCESS_TOKEN": "t"}, []string{"MASTODON_SERVER"}},
		{"partial second mastodon", map[string]string{"MASTODON_2_SERVER": "https://b.example"}, []string{"MASTODON_2_ACCESS_TOKEN"}},
		{"every problem at once", map[string]string{"POLL_INTERVAL": "soon", "X_API_KEY": "k", "MASTODON_SERVER": "https://m.example"},
			[]string{"POLL_INTERVAL", "X_API_SECRET", "X_ACCESS_TOKEN", "MASTODON_ACCESS_TOKEN"}},
		{"partial bluesky", map[string]string{"BLUESKY_HANDLE": "films.bsky.social"}, []string{"BLUESKY_APP_PASSWORD"}},
		{"mastodon account as server", map[string]string{"MASTODON_SERVER": "https://mastodon.social/@films", "MASTODON_ACCESS_TOKEN": "t"}, []string{"MASTODON_SERVER", "has a path", "https://mastodon.social"}},
		{"bad http addr", map[string]string{"HTTP_ADDR": "8080"}, []string{"HTTP_ADDR", "host:port"}},
		{"bad http port", map[string]string{"HTTP_ADDR": ":80800"}, []string{"HTTP_ADDR", "0 to 65535"}},
		{"bad visibility", map[string]string{"MASTODON_SERVER": "https://m.example", "MASTODON_ACCESS_TOKEN": "t", "MASTODON_VISIBILITY": "loud"}, []string{"MASTODON_VISIBILITY"}},
		{"handle with at", map[string]string{"BLUESKY_HANDLE": "@films.bsky.social", "BLUESKY_APP_PASSWORD": "p"}, []string{"BLUESKY_HANDLE", "no @"}},
		{"both value and file", map[string]string{"MASTODON_ACCESS_TOKEN": "t", "MASTODON_ACCESS_TOKEN_FILE": "/x"}, []string{"MASTODON_ACCESS_TOKEN", "MASTODON_ACCESS_TOKEN_FILE", "keep one"}},
		{"missing file", map[string]string{"BLUESKY_APP_PASSWORD_FILE": "/nonexistent/pw"}, []string{"BLUESKY_APP_PASSWORD_FILE", "/nonexistent/pw"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tc.env)
			if err == nil {
				t.Fatalf("Load(%v) = nil error, want one naming %v", tc.env, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestEmptyHTTPAddrTurnsTheListenerOff(t *testing.T) {
	t.Parallel()
	c, err := Load(map[string]string{"HTTP_ADDR": ""})
	if err != nil || c.HTTPAddr != "" {
		t.Fatalf("HTTP_ADDR= gives %q, %v; want empty (no listener)", c.HTTPAddr, err)
	}
	if c, _ := Load(map[string]string{}); c.HTTPAddr != ":8080" {
		t.Fatalf("unset HTTP_ADDR gives %q, want :8080", c.HTTPAddr)
	}
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pw := filepath.Join(dir, "bsky")
	if err := os.WriteFile(pw, []byte("app-pass-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(map[string]string{
		"X_API_KEY": "ck", "X_API_SECRET": "cs", "X_ACCESS_TOKEN": "12-at", "X_ACCESS_TOKEN_SECRET": "ats",
		"MASTODON_SERVER": "https://a.example", "MASTODON_ACCESS_TOKEN": "ta",
		"MASTODON_3_SERVER": "https://c.example", "MASTODON_3_ACCESS_TOKEN": "tc", "MASTODON_3_VISIBILITY": "unlisted",
		"MASTODON_2_SERVER": "https://b.example", "MASTODON_2_ACCESS_TOKEN": "tb",
		"BLUESKY_HANDLE": "films.bsky.social", "BLUESKY_APP_PASSWORD_FILE": pw,
		"SOMETHING_FILE": "/not/ours", // not one of ours: left alone
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.X) != 1 || c.X[0].APIURL != "https://api.x.com" || c.X[0].AccessToken.Value() != "12-at" {
		t.Errorf("X accounts = %+v", c.X)
	}
	var servers []string
	for _, m := range c.Mastodon {
		servers = append(servers, m.Prefix+" "+m.Server+" "+m.Visibility)
	}
	want := []string{"MASTODON_ https://a.example public", "MASTODON_2_ https://b.example public", "MASTODON_3_ https://c.example unlisted"}
	if fmt.Sprint(servers) != fmt.Sprint(want) {
		t.Errorf("mastodon accounts = %q, want %q (numbered accounts in order)", servers, want)
	}
	if len(c.Bluesky) != 1 || c.Bluesky[0].AppPassword.Value() != "app-pass-from-file" || c.Bluesky[0].PDSURL != "https://bsky.social" {
		t.Errorf("bluesky = %+v (password from file, trailing newline removed)", c.Bluesky)
	}
	if c.EffectiveDryRun() {
		t.Error("accounts configured: not a dry run")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	const value = "hunter2-very-secret"
	s := Secret(value)
	a := MastodonAccount{Server: "https://m.example", AccessToken: s}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "token", s, "account", a)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "token", s, "account", a)
	j, _ := json.Marshal(a)
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", a, a, a), fmt.Sprintf("%v", []Secret{s}), buf.String(), string(j),
		fmt.Errorf("wrapped: %v", s).Error(),
	}
	for _, out := range outs {
		if strings.Contains(out, value) || strings.Contains(out, fmt.Sprintf("%x", value)) {
			t.Errorf("secret leaked: %s", out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("output %q does not say [redacted]", out)
		}
	}
	if s.Value() != value {
		t.Error("Value must return the secret")
	}
}

func TestFieldsCoverEveryVariable(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, f := range Fields() {
		if f.Help == "" {
			t.Errorf("%s has no help text", f.Var)
		}
		if seen[f.Var] {
			t.Errorf("%s listed twice", f.Var)
		}
		seen[f.Var] = true
	}
	for _, v := range []string{"FEED_URLS", "POLL_INTERVAL", "DATABASE_URL", "X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN",
		"X_ACCESS_TOKEN_SECRET", "X_API_URL", "MASTODON_SERVER", "MASTODON_ACCESS_TOKEN", "BLUESKY_HANDLE",
		"BLUESKY_APP_PASSWORD", "BLUESKY_PDS_URL", "HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT", "FETCH_PAGES", "FEED_CATEGORIES",
		"DRY_RUN", "BACKFILL", "MAX_POSTS_PER_POLL", "POST_SPACING", "POST_TEMPLATE", "REPOST_TEMPLATE",
		"TMDB_API_KEY", "TMDB_API_URL", "TMDB_WAIT", "FETCH_PRIVATE", "POST_MENTIONS", "POST_HASHTAGS", "FEED_INCLUDE",
		"FEED_EXCLUDE", "FEED_2_URL", "FEED_2_TO", "FEED_2_HASHTAGS", "FEED_2_TEMPLATE", "FEED_2_INCLUDE", "FEED_2_EXCLUDE"} {
		if !seen[v] {
			t.Errorf("%s missing from Fields()", v)
		}
	}
}

// TestXAccessTokenShape: an X access token that is not "<user id>-<rest>"
// is refused when the configuration loads (not later, by the X publisher),
// naming the variable and never quoting the token.
func TestXAccessTokenShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, prefix, token, want string
	}{
		{"no user id", "X_", "tokCCCC3333secret", "X_ACCESS_TOKEN: not an X access token: expected <user id>-<rest>"},
		{"user id not a number", "X_2_", "films-tokCCCC3333secret", "X_2_ACCESS_TOKEN: not an X access token: expected <user id>-<rest>"},
		{"empty user id", "X_", "-tokCCCC3333secret", "X_ACCESS_TOKEN: not an X access token: expected <user id>-<rest>"},
		{"good", "X_", "987654321-tokCCCC3333secret", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(map[string]string{tc.prefix + "API_KEY": "k", tc.prefix + "API_SECRET": "s",
				tc.prefix + "ACCESS_TOKEN": tc.token, tc.prefix + "ACCESS_TOKEN_SECRET": "ts"})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Load = %v, want no error", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Load = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "tokCCCC3333secret") {
				t.Errorf("the error quotes the token: %v", err)
			}
		})
	}
}
