package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/internal/version"
)

func fetchTestFeed(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fetch", "films.rss"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fetchRecorder keeps the requests a fake server got.
type fetchRecorder struct {
	mu   sync.Mutex
	reqs []http.Header
}

func (r *fetchRecorder) record(h http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, h.Clone())
}

func (r *fetchRecorder) all() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]http.Header(nil), r.reqs...)
}

// TestFetchConditionalGet: the validators of one fetch go back on the next,
// and the server's 304 is "not modified", not an error. The fake follows
// RFC 9110 13.1.1/13.1.3: If-None-Match wins over If-Modified-Since.
func TestFetchConditionalGet(t *testing.T) {
	t.Parallel()
	const lastMod = "Sat, 11 Jan 2014 10:00:00 GMT"
	tests := []struct {
		name         string
		etag         string // what the server sends, "" for none
		lastModified string
		etagOn304    bool // whether the 304 repeats the ETag
	}{
		{name: "etag and last-modified", etag: `"v1"`, lastModified: lastMod, etagOn304: true},
		{name: "etag only", etag: `W/"v1"`},
		{name: "last-modified only", lastModified: lastMod},
		{name: "304 without validators keeps the old ones", etag: `"v1"`, lastModified: lastMod},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := fetchTestFeed(t)
			var rec fetchRecorder
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec.record(r.Header)
				inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
				if (tc.etag != "" && inm == tc.etag) || (inm == "" && tc.lastModified != "" && ims == tc.lastModified) {
					if tc.etagOn304 {
						w.Header().Set("ETag", tc.etag)
					}
					w.WriteHeader(http.StatusNotModified)
					return
				}
				if tc.etag != "" {
					w.Header().Set("ETag", tc.etag)
				}
				if tc.lastModified != "" {
					w.Header().Set("Last-Modified", tc.lastModified)
				}
				w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
				_, _ = w.Write(body)
			}))
			t.Cleanup(srv.Close)
			f := NewFetcher(FetchOptions{})
			feedURL := srv.URL + "/feed.xml"

			first, err := f.Fetch(t.Context(), feedURL, Validators{})
			if err != nil {
				t.Fatalf("first fetch: %v", err)
			}
			if first.NotModified || first.Status != http.StatusOK || !bytes.Equal(first.Body, body) {
				t.Fatalf("first fetch = status %d, not modified %v, %d bytes; want 200 with the feed", first.Status, first.NotModified, len(first.Body))
			}
			want := Validators{ETag: tc.etag, LastModified: tc.lastModified}
			if first.Validators != want {
				t.Errorf("validators = %+v, want %+v", first.Validators, want)
			}
			if first.ContentType != "application/rss+xml; charset=utf-8" {
				t.Errorf("content type = %q", first.ContentType)
			}

			second, err := f.Fetch(t.Context(), feedURL, first.Validators)
			if err != nil {
				t.Fatalf("second fetch: %v", err)
			}
			if !second.NotModified || second.Status != http.StatusNotModified || len(second.Body) != 0 {
				t.Errorf("second fetch = status %d, not modified %v, %d bytes; want 304, not modified", second.Status, second.NotModified, len(second.Body))
			}
			if second.Validators != want {
				t.Errorf("validators after 304 = %+v, want %+v", second.Validators, want)
			}

			reqs := rec.all()
			if len(reqs) != 2 {
				t.Fatalf("server got %d requests, want 2", len(reqs))
			}
			if h := reqs[0]; h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
				t.Errorf("first request was conditional: %v", h)
			}
			if got := reqs[1].Get("If-None-Match"); got != tc.etag {
				t.Errorf("If-None-Match = %q, want %q", got, tc.etag)
			}
			if got := reqs[1].Get("If-Modified-Since"); got != tc.lastModified {
				t.Errorf("If-Modified-Since = %q, want %q", got, tc.lastModified)
			}
		})
	}
}

// TestFetchRetryAfter: 429 and 503 carry the server's word on when to come
// back, as delta-seconds or an HTTP date (RFC 9110 10.2.3).
func TestFetchRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		want       time.Time
	}{
		{name: "429 seconds", status: 429, retryAfter: "120", want: now.Add(120 * time.Second)},
		{name: "429 http date", status: 429, retryAfter: "Sat, 28 Nov 2026 05:30:00 GMT", want: time.Date(2026, 11, 28, 5, 30, 0, 0, time.UTC)},
		{name: "429 obsolete rfc 850 date", status: 429, retryAfter: "Saturday, 28-Nov-26 05:30:00 GMT", want: time.Date(2026, 11, 28, 5, 30, 0, 0, time.UTC)},
		{name: "503 seconds", status: 503, retryAfter: " 30 ", want: now.Add(30 * time.Second)},
		{name: "503 without retry-after", status: 503},
		{name: "429 unreadable retry-after", status: 429, retryAfter: "soon"},
		{name: "429 negative seconds", status: 429, retryAfter: "-5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				http.Error(w, "slow down", tc.status)
			}))
			t.Cleanup(srv.Close)
			f := NewFetcher(FetchOptions{})
			f.now = func() time.Time { return now }
			feedURL := srv.URL + "/feed.xml"

			resp, err := f.Fetch(t.Context(), feedURL, Validators{})
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("Fetch = %v, %v; want a *StatusError", resp, err)
			}
			if se.Status != tc.status || se.URL != feedURL {
				t.Errorf("StatusError = %d %s, want %d %s", se.Status, se.URL, tc.status, feedURL)
			}
			if !se.RetryAfter.Equal(tc.want) {
				t.Errorf("RetryAfter = %v, want %v", se.RetryAfter, tc.want)
			}
		})
	}
}

func TestFetchStatusErrors(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 410, 500, 502} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "60") // only meaningful on 429/503
				http.Error(w, strings.Repeat("error page ", 20000), status)
			}))
			t.Cleanup(srv.Close)
			feedURL := srv.URL + "/feed.xml"
			_, err := NewFetcher(FetchOptions{}).Fetch(t.Context(), feedURL, Validators{})
			var se *StatusError
			if !errors.As(err, &se) || se.Status != status {
				t.Fatalf("Fetch error = %v, want *StatusError %d", err, status)
			}
			if !se.RetryAfter.IsZero() {
				t.Errorf("RetryAfter set on %d: %v", status, se.RetryAfter)
			}
			if msg := err.Error(); !strings.Contains(msg, feedURL) || !strings.Contains(msg, strconv.Itoa(status)) {
				t.Errorf("error %q does not name the feed and the status", msg)
			}
		})
	}
}

// TestFetchTimeout: a server slower than the timeout gives a timeout error
// naming the feed. The handler blocks until the client gives up (or the test
// ends), so nothing depends on how long anything takes.
func TestFetchTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		sendHeaders bool // stall in the body instead of before the headers
	}{
		{name: "no answer"},
		{name: "headers then a stalled body", sendHeaders: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.sendHeaders {
					w.Header().Set("Content-Type", "application/rss+xml")
					_, _ = w.Write([]byte("<rss><channel>"))
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) }) // runs before srv.Close
			feedURL := srv.URL + "/slow.xml"

			_, err := NewFetcher(FetchOptions{Timeout: 200 * time.Millisecond}).Fetch(t.Context(), feedURL, Validators{})
			if err == nil {
				t.Fatal("Fetch succeeded against a server that never answers")
			}
			var ne net.Error
			if !errors.Is(err, context.DeadlineExceeded) && !(errors.As(err, &ne) && ne.Timeout()) {
				t.Errorf("error %v is not a timeout", err)
			}
			if !strings.Contains(err.Error(), feedURL) {
				t.Errorf("error %q does not name the feed", err)
			}
		})
	}
}

func TestFetchCanceled(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := NewFetcher(FetchOptions{}).Fetch(ctx, srv.URL+"/feed.xml", Validators{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch with a canceled context = %v, want context.Canceled", err)
	}
}

func TestFetchTooLarge(t *testing.T) {
	t.Parallel()
	const limit = 1024
	gzipped := func(n int) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(bytes.Repeat([]byte("a"), n))
		_ = zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr bool
	}{
		{
			name: "content-length over the cap",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write(bytes.Repeat([]byte("a"), 4*limit))
			},
			wantErr: true,
		},
		{
			name: "chunked body over the cap",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for range 8 {
					_, _ = w.Write(bytes.Repeat([]byte("a"), limit/2))
					w.(http.Flusher).Flush()
				}
			},
			wantErr: true,
		},
		{
			name: "small gzip that inflates over the cap",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(gzipped(1 << 20))
			},
			wantErr: true,
		},
		{
			name: "exactly the cap",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write(bytes.Repeat([]byte("a"), limit))
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			t.Cleanup(srv.Close)
			feedURL := srv.URL + "/big.xml"
			resp, err := NewFetcher(FetchOptions{MaxBytes: limit}).Fetch(t.Context(), feedURL, Validators{})
			if !tc.wantErr {
				if err != nil || len(resp.Body) != limit {
					t.Fatalf("Fetch = %v; want the %d-byte body", err, limit)
				}
				return
			}
			var tl *TooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("Fetch error = %v, want *TooLargeError", err)
			}
			if tl.Limit != limit || tl.URL != feedURL {
				t.Errorf("TooLargeError = %+v, want limit %d for %s", tl, limit, feedURL)
			}
			if msg := err.Error(); !strings.Contains(msg, feedURL) || !strings.Contains(msg, "1024 bytes") {
				t.Errorf("error %q does not say which feed and what cap", msg)
			}
		})
	}
}

// TestFetchRedirects: up to 5 redirects are followed (the final URL is
// reported), the 6th is refused.
func TestFetchRedirects(t *testing.T) {
	t.Parallel()
	body := fetchTestFeed(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusMovedPermanently)
			return
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	f := NewFetcher(FetchOptions{})
	tests := []struct {
		hops    int
		wantErr bool
	}{{hops: 0}, {hops: 1}, {hops: 5}, {hops: 6, wantErr: true}, {hops: 20, wantErr: true}}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.hops), func(t *testing.T) {
			t.Parallel()
			feedURL := fmt.Sprintf("%s/hop/%d", srv.URL, tc.hops)
			resp, err := f.Fetch(t.Context(), feedURL, Validators{})
			if tc.wantErr {
				if !errors.Is(err, httpclient.ErrTooManyRedirects) {
					t.Fatalf("Fetch = %v, want ErrTooManyRedirects", err)
				}
				if !strings.Contains(err.Error(), feedURL) {
					t.Errorf("error %q does not name the feed", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if resp.URL != srv.URL+"/hop/0" || !bytes.Equal(resp.Body, body) {
				t.Errorf("Fetch = %s with %d bytes, want %s/hop/0 with the feed", resp.URL, len(resp.Body), srv.URL)
			}
		})
	}
}

// TestFetchRequest: what every request says about us and what it accepts,
// and that gzip is asked for and undone.
func TestFetchRequest(t *testing.T) {
	t.Parallel()
	body := fetchTestFeed(t)
	var rec fetchRecorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r.Header)
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			_, _ = w.Write(body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write(body)
		_ = zw.Close()
	}))
	t.Cleanup(srv.Close)
	resp, err := NewFetcher(FetchOptions{}).Fetch(t.Context(), srv.URL+"/feed.xml", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Body, body) {
		t.Errorf("body = %q..., want the feed, decompressed", resp.Body[:min(40, len(resp.Body))])
	}
	h := rec.all()[0]
	if !strings.Contains(h.Get("Accept-Encoding"), "gzip") {
		t.Errorf("Accept-Encoding = %q, want gzip", h.Get("Accept-Encoding"))
	}
	ua := h.Get("User-Agent")
	if !strings.HasPrefix(ua, "reelpost/") || ua != version.UserAgent() || !strings.Contains(ua, version.ProjectURL) {
		t.Errorf("User-Agent = %q, want %q", ua, version.UserAgent())
	}
	for _, typ := range []string{"application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml", "text/xml"} {
		if !strings.Contains(h.Get("Accept"), typ) {
			t.Errorf("Accept = %q, lacks %s", h.Get("Accept"), typ)
		}
	}
}

type fetchRoundTripper func(*http.Request) (*http.Response, error)

func (f fetchRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestFetchUsesGivenClient(t *testing.T) {
	t.Parallel()
	var called bool
	c := &http.Client{Transport: fetchRoundTripper(func(r *http.Request) (*http.Response, error) {
		called = true
		return &http.Response{StatusCode: 200, Header: http.Header{"Etag": {`"x"`}},
			Body: io.NopCloser(strings.NewReader("<rss/>")), Request: r}, nil
	})}
	resp, err := NewFetcher(FetchOptions{Client: c}).Fetch(t.Context(), "https://films.example/feed", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if !called || string(resp.Body) != "<rss/>" || resp.Validators.ETag != `"x"` {
		t.Errorf("given client not used: called %v, body %q, validators %+v", called, resp.Body, resp.Validators)
	}
}

func TestFetchLocalFile(t *testing.T) {
	t.Parallel()
	body := fetchTestFeed(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "100% films.rss") // not a URL: % and space are plain characters
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
	fileURL := (&url.URL{Scheme: "file", Path: path}).String()
	tests := []struct {
		name string
		src  string
	}{
		{name: "path", src: path},
		{name: "file url", src: fileURL},
		{name: "relative path", src: filepath.Join("testdata", "fetch", "films.rss")},
	}
	f := NewFetcher(FetchOptions{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, err := f.Fetch(t.Context(), tc.src, Validators{})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if !bytes.Equal(resp.Body, body) || resp.NotModified || resp.URL != tc.src {
				t.Fatalf("Fetch = %s, %d bytes, not modified %v; want the file", resp.URL, len(resp.Body), resp.NotModified)
			}
			if resp.Validators.LastModified == "" {
				t.Fatal("no Last-Modified for a file")
			}
			again, err := f.Fetch(t.Context(), tc.src, resp.Validators)
			if err != nil {
				t.Fatalf("second Fetch: %v", err)
			}
			if !again.NotModified || len(again.Body) != 0 {
				t.Errorf("unchanged file not reported as not modified")
			}
		})
	}
	if _, err := Parse(fileURL, body, ""); err != nil {
		t.Errorf("fixture does not parse: %v", err)
	}
}

func TestFetchLocalFileChanged(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(path, []byte("<rss>old</rss>"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	f := NewFetcher(FetchOptions{})
	first, err := f.Fetch(t.Context(), path, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Sun, 01 Nov 2026 12:00:00 GMT"; first.Validators.LastModified != want {
		t.Errorf("Last-Modified = %q, want %q", first.Validators.LastModified, want)
	}
	if err := os.WriteFile(path, []byte("<rss>new</rss>"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := old.Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	second, err := f.Fetch(t.Context(), path, first.Validators)
	if err != nil {
		t.Fatal(err)
	}
	if second.NotModified || string(second.Body) != "<rss>new</rss>" {
		t.Errorf("changed file: not modified %v, body %q; want the new content", second.NotModified, second.Body)
	}
}

func TestFetchLocalFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.xml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("a"), 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.xml")
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, err error)
	}{
		{name: "missing file", src: missing, check: func(t *testing.T, err error) {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %v, want fs.ErrNotExist", err)
			}
		}},
		{name: "missing file url", src: "file://" + missing, check: func(t *testing.T, err error) {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %v, want fs.ErrNotExist", err)
			}
		}},
		{name: "directory", src: dir, check: func(t *testing.T, err error) {}},
		{name: "over the cap", src: big, check: func(t *testing.T, err error) {
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Limit != 1024 {
				t.Errorf("error %v, want *TooLargeError with limit 1024", err)
			}
		}},
		{name: "unsupported scheme", src: "ftp://films.example/feed.xml", check: func(t *testing.T, err error) {}},
		{name: "empty", src: " ", check: func(t *testing.T, err error) {}},
	}
	f := NewFetcher(FetchOptions{MaxBytes: 1024})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, err := f.Fetch(t.Context(), tc.src, Validators{})
			if err == nil {
				t.Fatalf("Fetch = %d bytes, want an error", len(resp.Body))
			}
			if !strings.Contains(err.Error(), tc.src) {
				t.Errorf("error %q does not name %s", err, tc.src)
			}
			tc.check(t, err)
		})
	}
}

// TestFetchErrorsHideTheURLsCredentials: whatever goes wrong, the error
// (which reaches logs, status and /readyz) names the feed without its
// password or token.
func TestFetchErrorsHideTheURLsCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			_, _ = w.Write(make([]byte, 2048))
		case "/garbage":
			_, _ = w.Write([]byte("not a feed"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	withSecrets := func(base, path string) string {
		return strings.Replace(base, "://", "://reader:s3cretpass@", 1) + path + "?token=T0KENVALUE&page=1"
	}
	f := NewFetcher(FetchOptions{Timeout: 5 * time.Second, MaxBytes: 1024})
	for _, tc := range []struct{ name, url string }{
		{"404", withSecrets(srv.URL, "/feed.xml")},
		{"too large", withSecrets(srv.URL, "/big")},
		{"refused", withSecrets(closed.URL, "/feed.xml")},
		{"invalid", "http://reader:s3cretpass@bad host/feed?token=T0KENVALUE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.Fetch(context.Background(), tc.url, Validators{})
			if err == nil {
				t.Fatal("fetch succeeded")
			}
			if msg := err.Error(); strings.Contains(msg, "s3cretpass") || strings.Contains(msg, "T0KENVALUE") ||
				!strings.Contains(msg, "xxxxx") {
				t.Errorf("error %q shows the URL's credentials (or no redacted URL)", msg)
			}
		})
	}
	resp, err := f.Fetch(context.Background(), withSecrets(srv.URL, "/garbage"), Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(withSecrets(srv.URL, "/garbage"), resp.Body, ""); err == nil ||
		strings.Contains(err.Error(), "T0KENVALUE") || strings.Contains(err.Error(), "s3cretpass") {
		t.Errorf("parse error %v: want one without the URL's credentials", err)
	}
}
