package feed

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A body is read whole whether its length is declared or not, and a body
// shorter than its declared length is an error, never half a feed.
func TestFetchBodyLengths(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("<item>x</item>\n"), 200_000) // 3 MB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/declared":
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			_, _ = w.Write(big)
		case "/chunked":
			w.(http.Flusher).Flush() // no Content-Length: chunked
			_, _ = w.Write(big)
		case "/short":
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n", len(big))
			_, _ = buf.Write(big[:1000])
			_ = buf.Flush()
			_ = conn.(*net.TCPConn).CloseWrite()
		}
	}))
	t.Cleanup(srv.Close)
	f := NewFetcher(FetchOptions{MaxBytes: 8 << 20})
	for _, path := range []string{"/declared", "/chunked"} {
		resp, err := f.Fetch(t.Context(), srv.URL+path, Validators{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Equal(resp.Body, big) {
			t.Errorf("%s: read %d bytes, want the %d served", path, len(resp.Body), len(big))
		}
	}
	if _, err := f.Fetch(t.Context(), srv.URL+"/short", Validators{}); err == nil || !strings.Contains(err.Error(), srv.URL+"/short") {
		t.Errorf("a body cut short: error %v, want one naming the feed", err)
	}
}
