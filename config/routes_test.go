package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var twoAccounts = map[string]string{
	"MASTODON_SERVER": "m.example", "MASTODON_ACCESS_TOKEN": "t1",
	"MASTODON_2_SERVER": "https://letterboxd-friends.example", "MASTODON_2_ACCESS_TOKEN": "t2",
	"BLUESKY_HANDLE": "films.bsky.social", "BLUESKY_APP_PASSWORD": "p",
}

func with(base map[string]string, kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// A blog to every account, a Letterboxd feed to the second Mastodon account
// only with its own template and hashtags, and a second blog to Bluesky.
func TestRoutes(t *testing.T) {
	t.Parallel()
	c, err := Load(with(twoAccounts,
		"FEED_URLS", "https://blog.example/feed",
		"POST_HASHTAGS", "#FilmReview, Cinema",
		"FEED_INCLUDE", "(?i)review",
		"FEED_10_URL", "https://other.example/feed", "FEED_10_TO", "bluesky",
		"FEED_2_URL", "https://letterboxd.com/films/rss/", "FEED_2_TO", "MASTODON_2, MASTODON_2",
		"FEED_2_HASHTAGS", "#Letterboxd #filmreview", "FEED_2_TEMPLATE", "{{.Title}} on Letterboxd",
		"FEED_2_EXCLUDE", "^Watched",
	))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.AccountLabels()); got != "[MASTODON MASTODON_2 BLUESKY]" {
		t.Errorf("AccountLabels = %s", got)
	}
	routes := c.Routes()
	var got []string
	for _, r := range routes {
		got = append(got, fmt.Sprintf("%s %s to=%v tags=%v tmpl=%q", r.Feed, r.URL, r.To, r.Hashtags, r.Template))
	}
	want := []string{
		"FEED_URLS https://blog.example/feed to=[MASTODON MASTODON_2 BLUESKY] tags=[FilmReview Cinema] tmpl=\"\"",
		"FEED_2 https://letterboxd.com/films/rss/ to=[MASTODON_2] tags=[FilmReview Cinema Letterboxd] tmpl=\"{{.Title}} on Letterboxd\"",
		"FEED_10 https://other.example/feed to=[BLUESKY] tags=[FilmReview Cinema] tmpl=\"\"",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fmt.Sprint(c.AllFeedURLs()) != "[https://blog.example/feed https://letterboxd.com/films/rss/ https://other.example/feed]" {
		t.Errorf("AllFeedURLs = %v", c.AllFeedURLs())
	}
	lb, ok := c.Route("https://letterboxd.com/films/rss/")
	if !ok || lb.PostsTo("MASTODON") || !lb.PostsTo("MASTODON_2") {
		t.Errorf("the Letterboxd feed must post to MASTODON_2 alone: %+v", lb)
	}
	// The global include applies to FEED_2 too; its own exclude only to it.
	if lb.Filter.Admits("Watched: Heat", nil, "a review") || !lb.Filter.Admits("Heat", nil, "my review") || lb.Filter.Admits("Heat", nil, "notes") {
		t.Error("FEED_2's filter must be FEED_INCLUDE and its own FEED_2_EXCLUDE")
	}
	if blog := routes[0]; !blog.Filter.Admits("Watched: Heat", nil, "a review") {
		t.Error("FEED_2_EXCLUDE must not apply to FEED_URLS")
	}
	// Why an item is left out names the variable to change.
	for _, tc := range []struct{ title, text, want string }{
		{"Watched: Heat", "a review", "excluded by FEED_2_EXCLUDE"},
		{"Heat", "notes", "excluded by FEED_INCLUDE (no match)"},
		{"Heat", "my review", ""},
	} {
		if got := lb.Filter.Judge(tc.title, nil, tc.text); got != tc.want {
			t.Errorf("FEED_2's Judge(%q, %q) = %q, want %q", tc.title, tc.text, got, tc.want)
		}
	}
	if c.Mastodon[1].Label != "MASTODON_2" || c.Bluesky[0].Label != "BLUESKY" {
		t.Errorf("labels: %q %q", c.Mastodon[1].Label, c.Bluesky[0].Label)
	}
}

func TestRouteProblems(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"unconfigured account", with(twoAccounts, "FEED_2_URL", "https://a.example/feed", "FEED_2_TO", "MASTODON_3"),
			[]string{"FEED_2_TO: MASTODON_3 is not a configured account (configured: MASTODON, MASTODON_2, BLUESKY)"}},
		{"network without account", with(twoAccounts, "FEED_2_URL", "https://a.example/feed", "FEED_2_TO", "X"),
			[]string{"FEED_2_TO: X is not a configured account"}},
		{"not a label", with(twoAccounts, "FEED_2_URL", "https://a.example/feed", "FEED_2_TO", "mastodon:m.example"),
			[]string{"FEED_2_TO", `"mastodon:m.example" is not an account label`}},
		{"no account at all", map[string]string{"FEED_2_URL": "https://a.example/feed", "FEED_2_TO": "BLUESKY"},
			[]string{"FEED_2_TO: BLUESKY is not a configured account (configured: none)"}},
		{"settings without url", map[string]string{"FEED_3_TO": "X", "FEED_3_HASHTAGS": "#a"},
			[]string{"FEED_3_URL: not set, but FEED_3_HASHTAGS, FEED_3_TO are"}},
		{"bad url", map[string]string{"FEED_2_URL": "ftp://a.example/feed"}, []string{"FEED_2_URL", "ftp"}},
		{"twice", map[string]string{"FEED_URLS": "https://a.example/feed", "FEED_2_URL": "https://a.example/feed"},
			[]string{"FEED_2_URL: https://a.example/feed is also in FEED_URLS"}},
		{"twice in FEED_URLS", map[string]string{"FEED_URLS": "https://a.example/feed,https://a.example/feed"},
			[]string{"FEED_URLS: https://a.example/feed is listed twice"}},
		{"bad hashtag", map[string]string{"FEED_2_URL": "https://a.example/feed", "FEED_2_HASHTAGS": "#ok #not-ok"},
			[]string{"FEED_2_HASHTAGS", "#not-ok", "not a hashtag"}},
		{"bad template", map[string]string{"FEED_2_URL": "https://a.example/feed", "FEED_2_TEMPLATE": "{{.Title"},
			[]string{"FEED_2_TEMPLATE"}},
		{"bad include", map[string]string{"FEED_2_URL": "https://a.example/feed", "FEED_2_INCLUDE": "(review"},
			[]string{"FEED_2_INCLUDE", "(review", "missing closing )"}},
		{"bad global exclude", map[string]string{"FEED_EXCLUDE": "[news"}, []string{"FEED_EXCLUDE", "[news", "missing closing ]"}},
		{"leading zero", map[string]string{"FEED_02_URL": "https://a.example/feed"}, []string{"did you mean FEED_2_URL?"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tc.env)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestFilterAdmits(t *testing.T) {
	t.Parallel()
	c, err := Load(map[string]string{"FEED_INCLUDE": "(?i)review", "FEED_EXCLUDE": "(?i)spoiler"})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Filter()
	for _, tc := range []struct {
		title string
		cats  []string
		text  string
		want  bool
	}{
		{"Heat (1995)", []string{"Reviews"}, "A film.", true},
		{"Review: Heat", nil, "", true},
		{"Heat", nil, "My review of it.", true},
		{"News: a festival", []string{"News"}, "Line-up.", false},
		{"Review: Heat", nil, "Spoilers ahead", false},
		{"Review: Heat", []string{"spoilers"}, "", false},
	} {
		if got := f.Admits(tc.title, tc.cats, tc.text); got != tc.want {
			t.Errorf("Admits(%q, %q, %q) = %v, want %v", tc.title, tc.cats, tc.text, got, tc.want)
		}
	}
	if !(Filter{}).Admits("anything", nil, "") {
		t.Error("the zero Filter must admit everything")
	}
}

func TestPostHashtags(t *testing.T) {
	t.Parallel()
	c, err := Load(map[string]string{"POST_HASHTAGS": " #FilmReview,#Cinema  Kino #cinema, #Ciné_2 "})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.Hashtags()); got != "[FilmReview Cinema Kino Ciné_2]" {
		t.Errorf("Hashtags = %s", got)
	}
	for _, bad := range []string{"#2024", "#film-review", "#", "#" + strings.Repeat("a", 65)} {
		if _, err := Load(map[string]string{"POST_HASHTAGS": bad}); err == nil || !strings.Contains(err.Error(), "POST_HASHTAGS") {
			t.Errorf("POST_HASHTAGS=%s: error %v, want one naming POST_HASHTAGS", bad, err)
		}
	}
}

func TestMastodonServerForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, err string }{
		{"mastodon.social", "https://mastodon.social", ""},
		{"mastodon.social/", "https://mastodon.social", ""},
		{"https://mastodon.social/", "https://mastodon.social", ""},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000", ""},
		{"Mastodon.Social:8443", "https://Mastodon.Social:8443", ""},
		{"https://mastodon.social/@films", "", `MASTODON_SERVER: "https://mastodon.social/@films" has a path: expected the server alone, such as https://mastodon.social`},
		{"mastodon.social/@films", "", "has a path"},
		{"@films@mastodon.social", "", "is an account, not a server"},
		{"ftp://mastodon.social", "", "expected a server such as mastodon.social"},
	} {
		c, err := Load(map[string]string{"MASTODON_SERVER": tc.in, "MASTODON_ACCESS_TOKEN": "t"})
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.err == "" && c.Mastodon[0].Server != tc.want:
			t.Errorf("%q read as %q, want %q", tc.in, c.Mastodon[0].Server, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
		}
	}
}

func TestTMDB(t *testing.T) {
	t.Parallel()
	const v3 = "0123456789abcdef0123456789ABCDEF"
	// A JWT's form: {"alg":"HS256"}.{"aud":"x"}.signature.
	const v4 = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	for _, tc := range []struct {
		key  string
		want TMDBKind
	}{{v3, TMDBAPIKey}, {v4, TMDBReadToken}} {
		c, err := Load(map[string]string{"TMDB_API_KEY": tc.key})
		if err != nil {
			t.Fatalf("TMDB_API_KEY of a %s: %v", tc.want, err)
		}
		if kind, s := c.TMDBAuth(); kind != tc.want || s.Value() != tc.key {
			t.Errorf("TMDBAuth() = %q, want %q and the key", kind, tc.want)
		}
	}
	c, err := Load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if kind, _ := c.TMDBAuth(); kind != TMDBNone || c.TMDBAPIURL != "https://api.themoviedb.org" || c.TMDBWait != 15*time.Minute {
		t.Errorf("defaults: kind %q, url %q, wait %s", kind, c.TMDBAPIURL, c.TMDBWait)
	}
	if c.FetchPrivate || c.PostMentions {
		t.Error("FETCH_PRIVATE and POST_MENTIONS must default to false")
	}
	for _, bad := range []string{"0123456789abcdef0123456789abcde", "zz23456789abcdef0123456789abcdef", "Bearer " + v4,
		"eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0", "not.a.jwt", "eyJub3RoaW5nIjoxfQ.eyJhdWQiOiJ4In0.c2ln"} {
		_, err := Load(map[string]string{"TMDB_API_KEY": bad})
		if err == nil || !strings.Contains(err.Error(), "TMDB_API_KEY: ") {
			t.Errorf("TMDB_API_KEY=%q: error %v, want one naming TMDB_API_KEY", bad, err)
			continue
		}
		if strings.Contains(err.Error(), bad) || strings.Contains(err.Error(), "eyJhdWQiOiJ4In0") || strings.Contains(err.Error(), "0123456789abcdef") {
			t.Errorf("the error shows the key: %v", err)
		}
	}
	for env, want := range map[string]string{"TMDB_API_URL": "api.themoviedb.org", "TMDB_WAIT": "-1s"} {
		if _, err := Load(map[string]string{env: want}); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: error %v", env, want, err)
		}
	}
}
