package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A misspelt variable is an error with the name meant, not a setting
// silently ignored (which, for an account, means a quiet dry run).
func TestMisspeltVariablesAreRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, want string
	}{
		{"MASTADON_SERVER", "MASTADON_SERVER is not a reelpost variable; did you mean MASTODON_SERVER?"},
		{"BLUESKY_PASSWORD", "BLUESKY_PASSWORD is not a reelpost variable; did you mean BLUESKY_APP_PASSWORD?"},
		{"MASTODON_02_SERVER", "MASTODON_02_SERVER is not a reelpost variable: account numbers are 2, 3, ... without leading zeros; did you mean MASTODON_2_SERVER?"},
		{"MASTODON_1_SERVER", "MASTODON_1_SERVER is not a reelpost variable: the first account of a network takes no number; did you mean MASTODON_SERVER?"},
		{"X_0_API_KEY", "X_0_API_KEY is not a reelpost variable: account numbers are 2, 3, ...; did you mean X_2_API_KEY?"},
		{"FEED_1_URL", "FEED_1_URL is not a reelpost variable: feed numbers are 2, 3, ... (FEED_URLS lists the others); did you mean FEED_2_URL?"},
		{"MASTODON_2_SERVR", "did you mean MASTODON_2_SERVER?"},
		{"MASTODON_2_TEMPLATE", "did you mean MASTODON_TEMPLATE?"},
		{"TMBD_API_KEY", "did you mean TMDB_API_KEY?"},
		{"BLUSKY_HANDLE", "did you mean BLUESKY_HANDLE?"},
		{"FEED_URL", "did you mean FEED_URLS?"},
		{"POLL_INTERVALL", "did you mean POLL_INTERVAL?"},
		{"feed_urls", "feed_urls is not a reelpost variable: names are upper case; did you mean FEED_URLS?"},
		{"X_API_URL_FILE", "X_API_URL cannot come from a file"},
		{"POST_SOMETHING_ELSE_ENTIRELY", "POST_SOMETHING_ELSE_ENTIRELY is not a reelpost variable (reelpost config-doc lists them)"},
		{"BACKFILLS", "did you mean BACKFILL?"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(map[string]string{tc.name: "https://m.example"})
			if err == nil {
				t.Fatalf("%s is accepted, and would be ignored", tc.name)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// Every problem is reported at once, a misspelling among the others.
func TestMisspellingReportedWithOtherProblems(t *testing.T) {
	t.Parallel()
	_, err := Load(map[string]string{"MASTADON_SERVER": "m.example", "POLL_INTERVAL": "soon", "X_API_KEY": "k"})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, want := range []string{"MASTADON_SERVER", "POLL_INTERVAL", "X_API_SECRET"} {
		found := 0
		for _, l := range lines {
			if strings.HasPrefix(l, want) || strings.Contains(l, want+",") || strings.Contains(l, " "+want) {
				found++
			}
		}
		if found == 0 {
			t.Errorf("%s not reported on a line of its own:\n%s", want, err)
		}
	}
	ps, ok := err.(Problems)
	if !ok || len(ps) != len(lines) {
		t.Errorf("error is %T with %d lines, want Problems, one per line", err, len(lines))
	}
}

// Variables of the environment that are not reelpost's, some starting like
// reelpost's, are left alone: reelpost must start beside them.
func TestForeignVariablesAreLeftAlone(t *testing.T) {
	t.Parallel()
	environ := map[string]string{}
	for _, name := range []string{
		"PATH", "HOME", "TERM", "LOGNAME", "PORT", "XDG_RUNTIME_DIR", "POSTGRES_PASSWORD", "HOSTNAME", "LANG",
		"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
		// Kubernetes service links of a "mastodon", a "bluesky-pds" and a "reelpost" Service.
		"MASTODON_PORT", "MASTODON_SERVICE_HOST", "MASTODON_SERVICE_PORT", "MASTODON_SERVICE_PORT_HTTP",
		"MASTODON_PORT_443_TCP", "MASTODON_PORT_443_TCP_ADDR", "BLUESKY_PDS_PORT_3000_TCP_PROTO",
		"BLUESKY_PDS_SERVICE_HOST", "REELPOST_PORT", "REELPOST_SERVICE_HOST",
		"SOMETHING_FILE",
	} {
		environ[name] = "x"
	}
	environ["PORT"] = "8080"
	if _, err := Load(environ); err != nil {
		t.Fatalf("foreign variables refused: %v", err)
	}
}

// Every documented variable, its numbered forms and its _FILE form where
// it has one, is known; none looks like a Kubernetes service link.
func TestEveryVariableIsKnown(t *testing.T) {
	t.Parallel()
	for _, f := range Fields() {
		names := []string{f.Var}
		if f.File {
			names = append(names, f.Var+FileSuffix)
		}
		for _, g := range groups {
			if rest, ok := strings.CutPrefix(f.Var, g.name+"_"); ok && g.unnumbered && !strings.HasSuffix(f.Var, "TEMPLATE") {
				names = append(names, g.name+"_2_"+rest, g.name+"_17_"+rest)
			}
		}
		for _, n := range names {
			if !known(n) {
				t.Errorf("%s is not known", n)
			}
			if serviceLink.MatchString(n) {
				t.Errorf("%s would be taken for a Kubernetes service link", n)
			}
		}
	}
}

func TestDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"TMDB", "TMBD", 1}, {"MASTADON", "MASTODON", 1}, {"BLUESKY_PASSWORD", "BLUESKY_APP_PASSWORD", 4},
		{"abc", "", 3}, {"kitten", "sitting", 3},
	} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// A multi-line template need not live in an env file.
func TestTemplatesFromFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const multi = "{{.Title}}\n\n{{.Summary}}\n{{.Link}}\n"
	c, err := Load(map[string]string{
		"POST_TEMPLATE_FILE": write("post", multi), "X_TEMPLATE_FILE": write("x", "x: {{.Title}}\n"),
		"MASTODON_TEMPLATE_FILE": write("m", "m: {{.Title}}"), "BLUESKY_TEMPLATE_FILE": write("b", "b: {{.Title}}"),
		"REPOST_TEMPLATE_FILE": write("r", "again: {{.Title}}"),
		"FEED_2_URL":           "https://two.example/feed", "FEED_2_TEMPLATE_FILE": write("f2", "two: {{.Title}}\n{{.Link}}\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{c.PostTemplate, c.XTemplate, c.MastodonTemplate, c.BlueskyTemplate, c.RepostTemplate, c.NumberedFeeds[0].Template}
	want := []string{"{{.Title}}\n\n{{.Summary}}\n{{.Link}}", "x: {{.Title}}", "m: {{.Title}}", "b: {{.Title}}", "again: {{.Title}}", "two: {{.Title}}\n{{.Link}}"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("template %d = %q, want %q (the file's contents, trailing newline dropped)", i, got[i], want[i])
		}
	}
	if r, _ := c.Route("https://two.example/feed"); r.Template != want[5] {
		t.Errorf("FEED_2's route template = %q", r.Template)
	}

	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"both", map[string]string{"POST_TEMPLATE": "{{.Title}}", "POST_TEMPLATE_FILE": write("p2", "x")}, []string{"POST_TEMPLATE and POST_TEMPLATE_FILE are both set"}},
		{"missing", map[string]string{"REPOST_TEMPLATE_FILE": filepath.Join(dir, "nope")}, []string{"REPOST_TEMPLATE_FILE", filepath.Join(dir, "nope"), "no such file"}},
		{"directory", map[string]string{"X_TEMPLATE_FILE": dir}, []string{"X_TEMPLATE_FILE", dir}},
		{"bad template in file", map[string]string{"MASTODON_TEMPLATE_FILE": write("bad", "{{.Title")}, []string{"MASTODON_TEMPLATE"}},
	} {
		_, err := Load(tc.env)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.name, err, w)
			}
		}
	}
}
