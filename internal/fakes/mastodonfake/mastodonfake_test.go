package mastodonfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
)

type answer struct {
	status int
	header http.Header
	body   json.RawMessage
}

func call(t *testing.T, method, u, token, key, ctype, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

func field(t *testing.T, raw json.RawMessage, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("body %s: %v", raw, err)
	}
	s, _ := m[name].(string)
	return s
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ignore   bool
		statuses int
	}{
		{"mastodon honours the key", false, 1},
		{"gotosocial ignores it", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", IgnoreIdempotency: tt.ignore})
			a := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "key-1", "application/json", `{"status":"Heat (1995)"}`)
			b := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "key-1", "application/x-www-form-urlencoded", "status=Heat+%281995%29")
			if a.status != 200 || b.status != 200 {
				t.Fatalf("statuses %d, %d", a.status, b.status)
			}
			if n := len(fake.Statuses()); n != tt.statuses {
				t.Errorf("%d statuses, want %d", n, tt.statuses)
			}
			same := field(t, a.body, "id") == field(t, b.body, "id")
			if same != !tt.ignore {
				t.Errorf("same id for the repeat = %t, want %t", same, !tt.ignore)
			}
		})
	}
}

func TestValidationAndAuth(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", MaxCharacters: 40, URLLength: 23})
	tests := []struct {
		name, token, body string
		status            int
		err               string
	}{
		{"bad token", "nope", `{"status":"x"}`, 401, "The access token is invalid"},
		{"no token", "", `{"status":"x"}`, 401, "The access token is invalid"},
		{"blank", "tok", `{"status":"  "}`, 422, "Validation failed: Text can't be blank"},
		{"over the limit", "tok", `{"status":"` + strings.Repeat("x", 41) + `"}`, 422, "Validation failed: Text character limit of 40 exceeded"},
		{"a long URL counts 23", "tok", `{"status":"see https://example.com/` + strings.Repeat("a", 60) + `"}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, "POST", fake.URL+"/api/v1/statuses", tt.token, "", "application/json", tt.body)
			if a.status != tt.status || (tt.err != "" && field(t, a.body, "error") != tt.err) {
				t.Errorf("got %d %s, want %d %q", a.status, a.body, tt.status, tt.err)
			}
		})
	}
	var inst struct {
		Configuration struct {
			Statuses struct {
				MaxCharacters int `json:"max_characters"`
				URL           int `json:"characters_reserved_per_url"`
			} `json:"statuses"`
		} `json:"configuration"`
	}
	a := call(t, "GET", fake.URL+"/api/v2/instance", "", "", "", "")
	if err := json.Unmarshal(a.body, &inst); err != nil || inst.Configuration.Statuses.MaxCharacters != 40 || inst.Configuration.Statuses.URL != 23 {
		t.Errorf("instance %s: want max_characters 40, characters_reserved_per_url 23", a.body)
	}
}

func TestTimeline(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films"})
	texts := []string{"one", "two", "Rock'n'roll & <b>films</b>: #Heat\nline two\n\nhttps://example.com/reviews/a-rather-long-path-for-heat?x=1"}
	for _, s := range texts {
		if a := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "", "application/json", `{"status":`+string(must(json.Marshal(s)))+`}`); a.status != 200 {
			t.Fatalf("post: %d %s", a.status, a.body)
		}
	}
	me := call(t, "GET", fake.URL+"/api/v1/accounts/verify_credentials", "tok", "", "", "")
	id, acct := field(t, me.body, "id"), field(t, me.body, "acct")
	if me.status != 200 || acct != "films" {
		t.Fatalf("verify_credentials: %d %s", me.status, me.body)
	}
	a := call(t, "GET", fake.URL+"/api/v1/accounts/"+url.PathEscape(id)+"/statuses?limit=2&exclude_replies=true", "tok", "", "", "")
	var sts []struct{ ID, Content string }
	if err := json.Unmarshal(a.body, &sts); err != nil || len(sts) != 2 {
		t.Fatalf("timeline %s: want 2 statuses", a.body)
	}
	all := fake.Statuses()
	if sts[0].ID != all[2].ID || sts[1].ID != all[1].ID {
		t.Errorf("timeline order %s, %s; want newest first", sts[0].ID, sts[1].ID)
	}
	c := sts[0].Content
	for _, want := range []string{
		"<p>Rock&#39;n&#39;roll &amp; &lt;b&gt;films&lt;/b&gt;: ",
		`<a href="` + fake.URL + `/tags/heat" class="mention hashtag" rel="tag">#<span>Heat</span></a><br />line two</p>`,
		`<p><a href="https://example.com/reviews/a-rather-long-path-for-heat?x=1"`,
		`<span class="invisible">https://</span><span class="ellipsis">example.com/reviews/a-rather-l</span><span class="invisible">ong-path-for-heat?x=1</span>`,
	} {
		if !strings.Contains(c, want) {
			t.Errorf("content %s\nlacks %s", c, want)
		}
	}
	if strings.Contains(c, "tags/39") {
		t.Errorf("an escaped apostrophe became a hashtag: %s", c)
	}
	if a := call(t, "GET", fake.URL+"/api/v1/accounts/999/statuses", "tok", "", "", ""); a.status != 404 {
		t.Errorf("unknown account: %d, want 404", a.status)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films"})
	reset := time.Date(2026, 11, 28, 4, 5, 0, 19685000, time.UTC)
	fake.SetRateLimitReset(reset)
	fake.FailNext(mastodonfake.Fault429, 1)
	fake.FailNext(mastodonfake.FaultAfterCommit, 1)
	a := call(t, "GET", fake.URL+"/api/v2/instance", "", "", "", "")
	if a.status != 429 || a.header.Get("X-RateLimit-Reset") != "2026-11-28T04:05:00.019685Z" || a.header.Get("X-RateLimit-Remaining") != "0" ||
		field(t, a.body, "error") != "Too many requests" {
		t.Errorf("429: %d %v %s", a.status, a.header, a.body)
	}
	req, _ := http.NewRequest("POST", fake.URL+"/api/v1/statuses", strings.NewReader(`{"status":"Heat"}`))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("after-commit fault answered %d", resp.StatusCode)
	}
	if n := len(fake.Statuses()); n != 1 {
		t.Errorf("after-commit fault left %d statuses, want 1", n)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestFlavours: the older and other servers' instance answers, and
// Pleroma's limit counting URLs as written.
func TestFlavours(t *testing.T) {
	t.Parallel()
	m3 := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", MaxCharacters: 40,
		URLLength: 23, Flavour: mastodonfake.FlavourMastodon3})
	if a := call(t, "GET", m3.URL+"/api/v2/instance", "", "", "", ""); a.status != 404 {
		t.Errorf("Mastodon 3 /api/v2/instance: %d, want 404", a.status)
	}
	if a := call(t, "GET", m3.URL+"/api/v1/instance", "", "", "", ""); !strings.Contains(string(a.body), `"max_characters":40`) {
		t.Errorf("Mastodon 3 /api/v1/instance: %s, want configuration.statuses.max_characters 40", a.body)
	}

	old := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", MaxCharacters: 40,
		Flavour: mastodonfake.FlavourPleromaOld})
	if a := call(t, "GET", old.URL+"/api/v2/instance", "", "", "", ""); a.status != 404 {
		t.Errorf("old Pleroma /api/v2/instance: %d, want 404", a.status)
	}
	pl := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", MaxCharacters: 40,
		Flavour: mastodonfake.FlavourPleroma})
	if a := call(t, "GET", pl.URL+"/api/v2/instance", "", "", "", ""); !strings.Contains(field(t, a.body, "version"), "Pleroma") ||
		strings.Contains(string(a.body), "characters_reserved_per_url") {
		t.Errorf("Pleroma /api/v2/instance: %s, want its version naming Pleroma and no URL reservation", a.body)
	}
	if a := call(t, "GET", pl.URL+"/api/v1/instance", "", "", "", ""); !strings.Contains(string(a.body), `"max_toot_chars":40`) {
		t.Errorf("Pleroma /api/v1/instance: %s, want max_toot_chars 40", a.body)
	}
	long := `{"status":"see https://example.com/` + strings.Repeat("a", 20) + `"}` // 44 characters as written
	if a := call(t, "POST", pl.URL+"/api/v1/statuses", "tok", "", "application/json", long); a.status != 422 ||
		field(t, a.body, "error") != "The status is over the character limit" {
		t.Errorf("Pleroma took a 44-character status over its limit of 40: %d %s", a.status, a.body)
	}
	short := `{"status":"see https://example.com/` + strings.Repeat("a", 16) + `"}` // 40
	if a := call(t, "POST", pl.URL+"/api/v1/statuses", "tok", "", "application/json", short); a.status != 200 {
		t.Errorf("Pleroma refused a status of exactly its limit: %d %s", a.status, a.body)
	}
}

// TestGoToSocial: what GoToSocial 0.20 announces, how it counts (every code
// point of the text and the spoiler text, links in full, whatever the
// announced URL reservation), its refusal, and Markdown by the account's
// default unless the request asks for text/plain.
func TestGoToSocial(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", MaxCharacters: 40,
		Flavour: mastodonfake.FlavourGoToSocial, MarkdownDefault: true})
	a := call(t, "GET", fake.URL+"/api/v2/instance", "", "", "", "")
	for _, want := range []string{`"source_url":"https://codeberg.org/superseriousbusiness/gotosocial"`,
		`"characters_reserved_per_url":25`, `"max_characters":40`, `"supported_mime_types":["text/plain","text/markdown"]`} {
		if !strings.Contains(string(a.body), want) {
			t.Errorf("/api/v2/instance %s lacks %s", a.body, want)
		}
	}
	if a := call(t, "GET", fake.URL+"/api/v1/instance", "", "", "", ""); !strings.Contains(string(a.body), `"max_toot_chars":40`) ||
		!strings.Contains(string(a.body), `"version":"0.20.0+git-`) {
		t.Errorf("/api/v1/instance %s: want max_toot_chars 40 and GoToSocial's version", a.body)
	}

	link := "https://example.com/" + strings.Repeat("a", 17) // 37 code points, 41 with "see "; 29 by the announced rule
	tests := []struct {
		name, body string
		status     int
		err        string
	}{
		{"a link counts in full", `{"status":"see ` + link + `"}`, 400, "Bad Request: text with spoiler exceed max chars (40)"},
		{"the spoiler text counts", `{"status":"` + strings.Repeat("x", 30) + `","spoiler_text":"` + strings.Repeat("y", 11) + `"}`, 400,
			"Bad Request: text with spoiler exceed max chars (40)"},
		{"code points, not graphemes", `{"status":"` + strings.Repeat("e\u0301", 20) + `x"}`, 400, "Bad Request: text with spoiler exceed max chars (40)"},
		{"exactly the limit", `{"status":"` + strings.Repeat("x", 30) + `","spoiler_text":"` + strings.Repeat("y", 10) + `"}`, 200, ""},
		{"an unknown content type", `{"status":"x","content_type":"text/html"}`, 400, "Bad Request: invalid status format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "", "application/json", tt.body)
			if a.status != tt.status || (tt.err != "" && field(t, a.body, "error") != tt.err) {
				t.Errorf("got %d %s, want %d %q", a.status, a.body, tt.status, tt.err)
			}
		})
	}

	for _, tt := range []struct{ name, body, content string }{
		{"the account's default: Markdown", `{"status":"M*A*S*H and **Heat**"}`, "<p>M<em>A</em>S*H and <strong>Heat</strong></p>"},
		{"text/plain", `{"status":"M*A*S*H and **Heat**","content_type":"text/plain"}`, "<p>M*A*S*H and **Heat**</p>"},
	} {
		a := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "same-key", "application/json", tt.body)
		if got := field(t, a.body, "content"); a.status != 200 || got != tt.content {
			t.Errorf("%s: %d content %q, want %q", tt.name, a.status, got, tt.content)
		}
	}
	if sts := fake.Statuses(); len(sts) != 3 {
		t.Errorf("%d statuses, want 3: GoToSocial ignores Idempotency-Key", len(sts))
	}
	if a := call(t, "GET", fake.URL+"/api/v1/apps/verify_credentials", "tok", "", "", ""); a.status != 200 || strings.Contains(string(a.body), "scopes") {
		t.Errorf("apps/verify_credentials: %d %s, want the app without scopes", a.status, a.body)
	}
}

// TestScopes: Mastodon 4.3 lists the app's scopes and refuses a post
// outside them; an older Mastodon lists none.
func TestScopes(t *testing.T) {
	t.Parallel()
	ro := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", Scopes: []string{"read"}})
	if a := call(t, "GET", ro.URL+"/api/v1/apps/verify_credentials", "tok", "", "", ""); !strings.Contains(string(a.body), `"scopes":["read"]`) {
		t.Errorf("apps/verify_credentials %s, want scopes [read]", a.body)
	}
	a := call(t, "POST", ro.URL+"/api/v1/statuses", "tok", "", "application/json", `{"status":"Heat"}`)
	if a.status != 403 || field(t, a.body, "error") != "This action is outside the authorized scopes" || len(ro.Statuses()) != 0 {
		t.Errorf("post with a read-only token: %d %s", a.status, a.body)
	}
	ws := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", Scopes: []string{"read", "write:statuses"}})
	if a := call(t, "POST", ws.URL+"/api/v1/statuses", "tok", "", "application/json", `{"status":"Heat"}`); a.status != 200 {
		t.Errorf("post with write:statuses: %d %s", a.status, a.body)
	}
	m3 := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", Flavour: mastodonfake.FlavourMastodon3})
	if a := call(t, "GET", m3.URL+"/api/v1/apps/verify_credentials", "tok", "", "", ""); a.status != 200 || strings.Contains(string(a.body), "scopes") {
		t.Errorf("Mastodon 3 apps/verify_credentials: %d %s, want no scopes", a.status, a.body)
	}
}

// TestPleromaContentType: with Markdown as the account's default, Pleroma
// renders a status as Markdown unless it is posted as text/plain.
func TestPleromaContentType(t *testing.T) {
	t.Parallel()
	pl := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films",
		Flavour: mastodonfake.FlavourPleroma, MarkdownDefault: true})
	for _, tt := range []struct{ body, content string }{
		{`{"status":"M*A*S*H"}`, "<p>M<em>A</em>S*H</p>"},
		{`{"status":"M*A*S*H","content_type":"text/plain"}`, "<p>M*A*S*H</p>"},
	} {
		a := call(t, "POST", pl.URL+"/api/v1/statuses", "tok", "", "application/json", tt.body)
		if got := field(t, a.body, "content"); a.status != 200 || got != tt.content {
			t.Errorf("%s: %d content %q, want %q", tt.body, a.status, got, tt.content)
		}
	}
}
