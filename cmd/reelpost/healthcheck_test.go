package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	serve := func(code int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/healthz" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(code)
		}))
		t.Cleanup(srv.Close)
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
		return port
	}
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(l.Addr().String())
		l.Close()
		return port
	}
	cases := []struct {
		name string
		addr string
		code int
	}{
		{"healthy, any interface", ":" + serve(200), exitOK},
		{"healthy, named host", "127.0.0.1:" + serve(200), exitOK},
		{"unhealthy", ":" + serve(503), exitFailure},
		{"nothing listening", ":" + closed(), exitFailure},
		{"no listener configured", "", exitFailure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := &cliWorld{t: t, env: map[string]string{"HTTP_ADDR": c.addr, "FEED_URLS": "feed.xml"}}
			_, _, err := w.run("healthcheck", "--timeout", "2s")
			if got := exitCodeOf(err); got != c.code {
				t.Fatalf("healthcheck with HTTP_ADDR=%q: exit %d (%v), want %d", c.addr, got, err, c.code)
			}
		})
	}
}
