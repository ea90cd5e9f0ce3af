package blueskyfake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
)

var acct = blueskyfake.Account{Handle: "films.test", DID: "did:plc:films", AppPassword: "app-pass-1234"}

// clock is a settable time source for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func (a answer) str(k string) string { s, _ := a.body[k].(string); return s }

func do(t *testing.T, c *http.Client, s *blueskyfake.Server, method, nsid, token, ctype string, body []byte, query string) (answer, error) {
	t.Helper()
	u := s.URL() + "/xrpc/" + nsid
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(b, &a.body); err != nil {
		t.Fatalf("%s: answer is not JSON: %q", nsid, b)
	}
	return a, nil
}

func mustDo(t *testing.T, s *blueskyfake.Server, method, nsid, token string, body any, query string) answer {
	t.Helper()
	var b []byte
	ctype := ""
	switch v := body.(type) {
	case nil:
	case []byte:
		b, ctype = v, "image/png"
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
		ctype = "application/json"
	}
	a, err := do(t, http.DefaultClient, s, method, nsid, token, ctype, b, query)
	if err != nil {
		t.Fatalf("%s: %v", nsid, err)
	}
	return a
}

func login(t *testing.T, s *blueskyfake.Server) (access, refresh string) {
	t.Helper()
	a := mustDo(t, s, "POST", blueskyfake.CreateSession, "", map[string]string{"identifier": acct.Handle, "password": acct.AppPassword}, "")
	if a.status != 200 {
		t.Fatalf("login: HTTP %d %v", a.status, a.body)
	}
	return a.str("accessJwt"), a.str("refreshJwt")
}

func post(text string) map[string]any {
	return map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-28T03:00:00.000Z"}
}

func create(t *testing.T, s *blueskyfake.Server, token, rkey string, rec map[string]any) answer {
	t.Helper()
	return mustDo(t, s, "POST", blueskyfake.CreateRecord, token,
		map[string]any{"repo": acct.DID, "collection": "app.bsky.feed.post", "rkey": rkey, "validate": true, "record": rec}, "")
}

func wantErr(t *testing.T, a answer, status int, name, msg string) {
	t.Helper()
	if a.status != status || a.str("error") != name || !strings.Contains(a.str("message"), msg) {
		t.Errorf("got HTTP %d %v, want %d %s %q", a.status, a.body, status, name, msg)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	s := blueskyfake.New(t, acct)
	a := mustDo(t, s, "POST", blueskyfake.CreateSession, "", map[string]string{"identifier": acct.Handle, "password": "wrong"}, "")
	wantErr(t, a, 401, "AuthenticationRequired", "Invalid identifier or password")
	a = mustDo(t, s, "POST", blueskyfake.CreateSession, "", map[string]string{"identifier": acct.DID, "password": acct.AppPassword}, "")
	if a.status != 200 || a.str("did") != acct.DID || a.str("handle") != acct.Handle || a.str("accessJwt") == "" || a.str("refreshJwt") == "" {
		t.Errorf("login by DID: HTTP %d %v", a.status, a.body)
	}
	if s.Logins() != 1 {
		t.Errorf("Logins() = %d, want 1 (failed logins do not count)", s.Logins())
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	s := blueskyfake.New(t, acct)
	c := &clock{t: time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)}
	s.SetNow(c.now)
	for i := range blueskyfake.LoginsPer5Min {
		login(t, s)
		if i == 0 {
			c.add(time.Minute)
		}
	}
	a := mustDo(t, s, "POST", blueskyfake.CreateSession, "", map[string]string{"identifier": acct.Handle, "password": acct.AppPassword}, "")
	wantErr(t, a, 429, "RateLimitExceeded", "Rate Limit Exceeded")
	// The window opened with the first login, 5 minutes before its reset.
	if got, want := a.header.Get("Ratelimit-Reset"), strconv.FormatInt(c.now().Add(4*time.Minute).Unix(), 10); got != want {
		t.Errorf("ratelimit-reset = %s, want %s", got, want)
	}
	if a.header.Get("Ratelimit-Remaining") != "0" || a.header.Get("Ratelimit-Policy") != "30;w=300" || a.header.Get("Ratelimit-Limit") != "30" {
		t.Errorf("rate-limit headers %v", a.header)
	}
	c.add(4 * time.Minute) // the first login leaves the window
	login(t, s)
	if s.Logins() != blueskyfake.LoginsPer5Min+1 {
		t.Errorf("Logins() = %d", s.Logins())
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	s := blueskyfake.New(t, acct)
	c := &clock{t: time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)}
	s.SetNow(c.now)
	s.SetAccessTTL(time.Minute)
	access, refresh := login(t, s)
	q := "repo=" + acct.DID + "&collection=app.bsky.feed.post&rkey=3kaaaaaaaaaa2"

	wantErr(t, mustDo(t, s, "GET", blueskyfake.GetRecord, "", nil, q), 401, "AuthenticationRequired", "Authentication Required")
	wantErr(t, mustDo(t, s, "GET", blueskyfake.GetRecord, "nonsense", nil, q), 400, "InvalidToken", "")
	wantErr(t, mustDo(t, s, "GET", blueskyfake.GetRecord, refresh, nil, q), 400, "InvalidToken", "Invalid token type")
	wantErr(t, mustDo(t, s, "GET", blueskyfake.GetRecord, access, nil, q), 400, "RecordNotFound", "Could not locate record")
	wantErr(t, mustDo(t, s, "POST", blueskyfake.RefreshSession, access, nil, ""), 400, "InvalidToken", "Invalid token type")

	c.add(2 * time.Minute)
	wantErr(t, mustDo(t, s, "GET", blueskyfake.GetRecord, access, nil, q), 400, "ExpiredToken", "Token has expired")

	a := mustDo(t, s, "POST", blueskyfake.RefreshSession, refresh, nil, "")
	if a.status != 200 || a.str("accessJwt") == "" {
		t.Fatalf("refresh: HTTP %d %v", a.status, a.body)
	}
	wantErr(t, mustDo(t, s, "POST", blueskyfake.RefreshSession, refresh, nil, ""), 400, "ExpiredToken", "revoked")
	access2 := a.str("accessJwt")
	wantErr(t, mustDo(t, s, "GET", blueskyfake.GetRecord, access2, nil, q), 400, "RecordNotFound", "")

	s.ExpireTokens()
	wantErr(t, mustDo(t, s, "GET", blueskyfake.GetRecord, access2, nil, q), 400, "ExpiredToken", "")
	s.ExpireSessions()
	wantErr(t, mustDo(t, s, "POST", blueskyfake.RefreshSession, a.str("refreshJwt"), nil, ""), 400, "ExpiredToken", "")
	if s.Logins() != 1 || s.Refreshes() != 1 {
		t.Errorf("Logins() = %d, Refreshes() = %d, want 1, 1", s.Logins(), s.Refreshes())
	}
	var tokens []string
	for _, r := range s.Requests() {
		tokens = append(tokens, r.Token)
	}
	if got := strings.Join(tokens, ","); !strings.HasPrefix(got, ",,invalid,refresh,access,access,expired") {
		t.Errorf("recorded tokens %s", got)
	}
}

func TestRecordValidation(t *testing.T) {
	t.Parallel()
	s := blueskyfake.New(t, acct)
	access, _ := login(t, s)
	family := "👨\u200d👩\u200d👧\u200d👦" // one grapheme, 25 bytes
	withThumb := func(ref string) map[string]any {
		r := post("card")
		r["embed"] = map[string]any{"$type": "app.bsky.embed.external", "external": map[string]any{
			"uri": "https://example.com/r", "title": "T", "description": "D",
			"thumb": map[string]any{"$type": "blob", "ref": map[string]string{"$link": ref}, "mimeType": "image/png", "size": 3}}}
		return r
	}
	tests := []struct {
		name   string
		rkey   string
		rec    map[string]any
		status int
		errKey string
		msg    string
	}{
		{"300 graphemes of emoji fit", "3kaaaaaaaaaa2", post(strings.Repeat("🎬", 300)), 200, "", ""},
		{"301 graphemes", "3kaaaaaaaaab2", post(strings.Repeat("é", 301)), 400, "InvalidRequest",
			"Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"},
		{"3025 bytes in 121 graphemes", "3kaaaaaaaaac2", post(strings.Repeat(family, 121)), 400, "InvalidRequest",
			"Record/text must not be longer than 3000 characters"},
		{"no createdAt", "3kaaaaaaaaad2", map[string]any{"$type": "app.bsky.feed.post", "text": "x"}, 400, "InvalidRequest", "createdAt"},
		{"not a TID", "hello", post("x"), 400, "InvalidRequest", "must be a TID"},
		{"TID with a bad first char", "zkaaaaaaaaaa2", post("x"), 400, "InvalidRequest", "must be a TID"},
		{"existing rkey", "3kaaaaaaaaaa2", post("again"), 500, "InternalServerError", ""},
		{"thumb never uploaded", "3kaaaaaaaaae2", withThumb("bafkreiabsent"), 400, "BlobNotFound", "bafkreiabsent"},
		{"facet offsets past the text are not checked", "3kaaaaaaaaaf2", func() map[string]any {
			r := post("short")
			r["facets"] = []any{map[string]any{"index": map[string]int{"byteStart": 100, "byteEnd": 200},
				"features": []any{map[string]string{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com"}}}}
			return r
		}(), 200, "", ""},
	}
	for _, tt := range tests { // in order: "existing rkey" needs the first
		t.Run(tt.name, func(t *testing.T) {
			a := create(t, s, access, tt.rkey, tt.rec)
			if tt.status != 200 {
				wantErr(t, a, tt.status, tt.errKey, tt.msg)
				return
			}
			if a.status != 200 || a.str("uri") != "at://"+acct.DID+"/app.bsky.feed.post/"+tt.rkey || !strings.HasPrefix(a.str("cid"), "bafyrei") {
				t.Errorf("HTTP %d %v", a.status, a.body)
			}
		})
	}
	if got := len(s.Posts()); got != 2 {
		t.Errorf("%d posts written, want 2", got)
	}

	// A blob over 1,000,000 bytes is refused; one under is referenced.
	wantErr(t, mustDo(t, s, "POST", blueskyfake.UploadBlob, access, make([]byte, blueskyfake.MaxThumbBytes+1), ""), 400, "BlobTooLarge", "too large")
	a := mustDo(t, s, "POST", blueskyfake.UploadBlob, access, []byte("png"), "")
	blob, _ := a.body["blob"].(map[string]any)
	ref, _ := blob["ref"].(map[string]any)
	link, _ := ref["$link"].(string)
	if a.status != 200 || blob["$type"] != "blob" || blob["mimeType"] != "image/png" || blob["size"] != 3.0 || !strings.HasPrefix(link, "bafkrei") {
		t.Fatalf("uploadBlob: HTTP %d %v", a.status, a.body)
	}
	if a := create(t, s, access, "3kaaaaaaaaag2", withThumb(link)); a.status != 200 {
		t.Errorf("post with uploaded thumb: HTTP %d %v", a.status, a.body)
	}
	posts := s.Posts()
	last := posts[len(posts)-1]
	if last.Embed == nil || last.Embed.External == nil || last.Embed.External.Thumb == nil || last.Embed.External.Thumb.Ref.Link != link {
		t.Errorf("recorded embed %+v", last.Embed)
	}
	got := mustDo(t, s, "GET", blueskyfake.GetRecord, access, nil, "repo="+acct.Handle+"&collection=app.bsky.feed.post&rkey=3kaaaaaaaaag2")
	if got.status != 200 || got.str("uri") != last.URI || got.str("cid") != last.CID {
		t.Errorf("getRecord: HTTP %d %v, want %s %s", got.status, got.body, last.URI, last.CID)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fault  blueskyfake.Fault
		status int
		header string
		posts  int
	}{
		{"429", blueskyfake.Fault429, 429, "Ratelimit-Reset", 0},
		{"500", blueskyfake.Fault500, 500, "", 0},
		{"503", blueskyfake.Fault503, 503, "Retry-After", 0},
		{"reset", blueskyfake.FaultReset, 0, "", 0},
		{"hang", blueskyfake.FaultHang, 0, "", 0},
		{"after commit", blueskyfake.FaultAfterCommit, 0, "", 1},
		{"after commit, hanging", blueskyfake.FaultAfterCommitHang, 0, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := blueskyfake.New(t, acct)
			access, _ := login(t, s)
			s.FailNext(tt.fault, 1)
			c := &http.Client{Timeout: 300 * time.Millisecond}
			body, _ := json.Marshal(map[string]any{"repo": acct.DID, "collection": "app.bsky.feed.post", "rkey": "3kaaaaaaaaaa2", "record": post("x")})
			a, err := do(t, c, s, "POST", blueskyfake.CreateRecord, access, "application/json", body, "")
			switch {
			case tt.status == 0 && err == nil:
				t.Errorf("got HTTP %d, want no answer", a.status)
			case tt.status != 0 && (err != nil || a.status != tt.status):
				t.Errorf("got HTTP %d, %v, want %d", a.status, err, tt.status)
			case tt.header != "" && a.header.Get(tt.header) == "":
				t.Errorf("no %s header in %v", tt.header, a.header)
			}
			if got := len(s.Posts()); got != tt.posts {
				t.Errorf("%d posts, want %d", got, tt.posts)
			}
			// One failure only: the next call is served.
			if a := create(t, s, access, "3kaaaaaaaab22", post("y")); a.status != 200 {
				t.Errorf("after the fault: HTTP %d %v", a.status, a.body)
			}
			reqs := s.Requests()
			if last := reqs[len(reqs)-2]; last.NSID != blueskyfake.CreateRecord || last.Status != tt.status {
				t.Errorf("recorded %s status %d, want createRecord %d", last.NSID, last.Status, tt.status)
			}
		})
	}
}

func TestFailNextOnTargetsOneMethod(t *testing.T) {
	t.Parallel()
	s := blueskyfake.New(t, acct)
	s.FailNextOn(blueskyfake.CreateRecord, blueskyfake.Fault500, 2)
	access, _ := login(t, s) // not createRecord: served
	for range 2 {
		wantErr(t, create(t, s, access, "3kaaaaaaaaaa2", post("x")), 500, "InternalServerError", "")
	}
	if a := create(t, s, access, "3kaaaaaaaaaa2", post("x")); a.status != 200 {
		t.Errorf("third createRecord: HTTP %d", a.status)
	}
	wantErr(t, mustDo(t, s, "GET", "com.example.nothing", access, nil, ""), 501, "MethodNotImplemented", "")
}
