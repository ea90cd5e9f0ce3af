package xfake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/reelpost/reelpost/internal/fakes/xfake"
)

var creds = xfake.Credentials{APIKey: "ck", APISecret: "cs", AccessToken: "42-tok", AccessTokenSecret: "ts",
	UserID: "42", Username: "reelfilms"}

// tamper changes a request after it was signed.
type tamper func(*http.Request)

func (f tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	if f != nil {
		f(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// client signs with creds (as the publisher does, through dghubble/oauth1),
// then lets f alter the signed request.
func client(c xfake.Credentials, f tamper) *http.Client {
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: f})
	hc := oauth1.NewConfig(c.APIKey, c.APISecret).Client(ctx, oauth1.NewToken(c.AccessToken, c.AccessTokenSecret))
	hc.Timeout = 5 * time.Second
	return hc
}

type answer struct {
	status int
	body   map[string]any
}

func send(t *testing.T, c *http.Client, method, url, ctype, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var a answer
	a.status = resp.StatusCode
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &a.body)
	return a
}

var sigRE = regexp.MustCompile(`oauth_signature="([^"]+)"`)

func TestSignatureChecks(t *testing.T) {
	t.Parallel()
	wrong := func(edit func(*xfake.Credentials)) xfake.Credentials { c := creds; edit(&c); return c }
	tests := []struct {
		name   string
		creds  xfake.Credentials
		tamper tamper
		clock  func() time.Time
		method string
		path   string
		ctype  string
		body   string
		want   int
	}{
		{name: "signed GET with query", creds: creds, method: "GET", path: "/2/users/me?user.fields=created_at%2Cid", want: 200},
		{name: "signed form POST reaches validation", creds: creds, method: "POST", path: "/2/tweets",
			ctype: "application/x-www-form-urlencoded", body: "text=hello", want: 400},
		{name: "tampered signature", creds: creds, method: "GET", path: "/2/users/me", want: 401,
			tamper: func(r *http.Request) {
				h := r.Header.Get("Authorization")
				m := sigRE.FindStringSubmatch(h)
				flipped := "A" + m[1][1:]
				if m[1][0] == 'A' {
					flipped = "B" + m[1][1:]
				}
				r.Header.Set("Authorization", strings.Replace(h, m[1], flipped, 1))
			}},
		{name: "query changed after signing", creds: creds, method: "GET", path: "/2/users/me?user.fields=id", want: 401,
			tamper: func(r *http.Request) { r.URL.RawQuery = "user.fields=created_at" }},
		{name: "form body changed after signing", creds: creds, method: "POST", path: "/2/tweets",
			ctype: "application/x-www-form-urlencoded", body: "text=hello", want: 401,
			tamper: func(r *http.Request) {
				r.Body = io.NopCloser(strings.NewReader("text=hellO"))
				r.ContentLength = int64(len("text=hellO"))
			}},
		{name: "path changed after signing", creds: creds, method: "GET", path: "/2/users/me", want: 401,
			tamper: func(r *http.Request) { r.URL.Path = "/2/users/ME" }},
		{name: "wrong consumer secret", creds: wrong(func(c *xfake.Credentials) { c.APISecret = "x" }), method: "GET", path: "/2/users/me", want: 401},
		{name: "wrong token secret", creds: wrong(func(c *xfake.Credentials) { c.AccessTokenSecret = "x" }), method: "GET", path: "/2/users/me", want: 401},
		{name: "unknown token", creds: wrong(func(c *xfake.Credentials) { c.AccessToken = "43-tok" }), method: "GET", path: "/2/users/me", want: 401},
		{name: "unknown consumer key", creds: wrong(func(c *xfake.Credentials) { c.APIKey = "other" }), method: "GET", path: "/2/users/me", want: 401},
		{name: "stale timestamp", creds: creds, clock: func() time.Time { return time.Now().Add(time.Hour) },
			method: "GET", path: "/2/users/me", want: 401},
		{name: "no authorization", creds: creds, method: "GET", path: "/2/users/me", want: 401,
			tamper: func(r *http.Request) { r.Header.Del("Authorization") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []xfake.Option
			if tt.clock != nil {
				opts = append(opts, xfake.WithClock(tt.clock))
			}
			fake := xfake.New(t, creds, opts...)
			a := send(t, client(tt.creds, tt.tamper), tt.method, fake.URL+tt.path, tt.ctype, tt.body)
			if a.status != tt.want {
				t.Fatalf("status %d (%v), want %d", a.status, a.body, tt.want)
			}
			if tt.want == 401 && (a.body["title"] != "Unauthorized" || a.body["detail"] != "Unauthorized" || a.body["status"] != float64(401)) {
				t.Errorf("401 body %v is not X's", a.body)
			}
		})
	}
}

func TestNonceReplayRefused(t *testing.T) {
	t.Parallel()
	fake := xfake.New(t, creds)
	var auth string
	c := client(creds, func(r *http.Request) { auth = r.Header.Get("Authorization") })
	if a := send(t, c, "GET", fake.URL+"/2/users/me", "", ""); a.status != 200 {
		t.Fatalf("first request: %d", a.status)
	}
	req, _ := http.NewRequest("GET", fake.URL+"/2/users/me", nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("replayed request: %d, want 401", resp.StatusCode)
	}
}

func TestTweets(t *testing.T) {
	t.Parallel()
	fake := xfake.New(t, creds)
	c := client(creds, nil)
	post := func(text string) answer {
		b, _ := json.Marshal(map[string]string{"text": text})
		return send(t, c, "POST", fake.URL+"/2/tweets", "application/json", string(b))
	}
	a := post("Heat (1995)")
	data, _ := a.body["data"].(map[string]any)
	if a.status != 201 || data["text"] != "Heat (1995)" || data["id"] == "" {
		t.Fatalf("create: %d %v", a.status, a.body)
	}
	if a := post("Heat (1995)"); a.status != 403 || !strings.Contains(a.body["detail"].(string), "duplicate content") {
		t.Errorf("duplicate: %d %v, want 403 duplicate content", a.status, a.body)
	}
	if a := post(strings.Repeat("a", 281)); a.status != 400 {
		t.Errorf("281 characters: %d %v, want 400", a.status, a.body)
	}
	if a := post(strings.Repeat("a", 280)); a.status != 201 {
		t.Errorf("280 characters: %d %v, want 201", a.status, a.body)
	}
	if got := fake.Posts(); len(got) != 2 || got[0].ID != data["id"] {
		t.Errorf("Posts() = %+v, want the two accepted", got)
	}
	if n := len(fake.Requests()); n != 4 {
		t.Errorf("Requests() has %d, want 4", n)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	reset := time.Unix(1900000000, 0)
	fake := xfake.New(t, creds)
	fake.SetRateLimitReset(reset)
	fake.FailNext(xfake.Fault429, 1)
	fake.FailNext(xfake.Fault503, 1)
	req, _ := http.NewRequest("GET", fake.URL+"/2/users/me", nil)
	resp, err := client(creds, nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("x-rate-limit-reset") != "1900000000" || resp.Header.Get("x-rate-limit-remaining") != "0" {
		t.Errorf("429: %d %v", resp.StatusCode, resp.Header)
	}
	if a := send(t, client(creds, nil), "GET", fake.URL+"/2/users/me", "", ""); a.status != 503 {
		t.Errorf("second request: %d, want 503", a.status)
	}
	if a := send(t, client(creds, nil), "GET", fake.URL+"/2/users/me", "", ""); a.status != 200 {
		t.Errorf("third request: %d, want 200", a.status)
	}
}

// TestCloseReleasesHang: a request held by FaultHang does not keep Close
// (and so the test's cleanup) waiting.
func TestCloseReleasesHang(t *testing.T) {
	t.Parallel()
	fake := xfake.New(t, creds)
	fake.FailNext(xfake.FaultHang, 1)
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("POST", fake.URL+"/2/tweets", bytes.NewReader([]byte(`{"text":"x"}`)))
		c := client(creds, nil)
		c.Timeout = 0
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-fake.Received(1)
	fake.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the hung request outlived Close")
	}
	if len(fake.Posts()) != 0 {
		t.Error("a hung request posted")
	}
}
