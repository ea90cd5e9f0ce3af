package netguard_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/netguard"
	"github.com/reelpost/reelpost/internal/testutil"
)

// hostsFile is a resolver over a fixed table, so no test asks real DNS: a
// name the table lacks is not found.
type hostsFile map[string][]string

func (h hostsFile) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	ips, ok := h[strings.ToLower(strings.TrimSuffix(host, "."))]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, s := range ips {
		out = append(out, net.IPAddr{IP: net.ParseIP(s)})
	}
	return out, nil
}

// world is what every guard test resolves: the httptest servers listen on
// 127.0.0.1, so the "feed host" and every other name point there.
var world = hostsFile{
	"feed.test":          {"127.0.0.1"},
	"xn--bcher-kva.test": {"127.0.0.1"}, // bücher.test
	"internal.test":      {"127.0.0.1"},
	"alias.test":         {"127.0.0.1"},
	"mixed.test":         {"10.1.2.3", "127.0.0.1"},
}

// site is an httptest server that counts the requests it answered.
type site struct {
	*httptest.Server
	hits atomic.Int32
}

func newSite(t *testing.T, h http.HandlerFunc) *site {
	t.Helper()
	s := &site{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) port() string {
	_, p, _ := net.SplitHostPort(s.Listener.Addr().String())
	return p
}

func get(t *testing.T, c *http.Client, rawURL string) (string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestGuardedFetch(t *testing.T) {
	t.Parallel()
	type refusal struct {
		host, addr string
		class      netguard.Class
	}
	tests := []struct {
		name string
		opts netguard.Options
		// url is fetched; redirect is where the redirecting site sends
		// its visitors. Both are templates: {T} is the page's port, {R} the
		// redirecting site's.
		url, redirect string
		want          string   // the page, when fetched
		refused       *refusal // the refusal, when not
	}{
		{
			name:    "a loopback URL is refused",
			url:     "http://127.0.0.1:{T}/review",
			refused: &refusal{"127.0.0.1", "127.0.0.1", netguard.Loopback},
		},
		{
			name:    "an IPv4-mapped loopback URL is refused",
			url:     "http://[::ffff:127.0.0.1]:{T}/review",
			refused: &refusal{"::ffff:127.0.0.1", "::ffff:127.0.0.1", netguard.Loopback},
		},
		{
			name:    "the cloud metadata address is refused",
			url:     "http://169.254.169.254/latest/meta-data/",
			refused: &refusal{"169.254.169.254", "169.254.169.254", netguard.LinkLocal},
		},
		{
			name:    "a name resolving to loopback is refused",
			url:     "http://internal.test:{T}/review",
			refused: &refusal{"internal.test", "127.0.0.1", netguard.Loopback},
		},
		{
			name:    "a name with a private address among its answers is refused",
			url:     "http://mixed.test:{T}/review",
			refused: &refusal{"mixed.test", "10.1.2.3", netguard.Private},
		},
		{
			name: "a feed host on a private address is fetched",
			opts: netguard.Options{AllowHosts: []string{"feed.test"}},
			url:  "http://feed.test:{T}/review",
			want: "the review",
		},
		{
			name: "a feed host matches without case, trailing dot or port",
			opts: netguard.Options{AllowHosts: []string{"FEED.test."}},
			url:  "http://Feed.Test:{T}/review",
			want: "the review",
		},
		{
			name: "an internationalised feed host matches its punycode",
			opts: netguard.Options{AllowHosts: []string{"bücher.test"}},
			url:  "http://bücher.test:{T}/review",
			want: "the review",
		},
		{
			name:    "another name for the feed host's address is checked",
			opts:    netguard.Options{AllowHosts: []string{"feed.test"}},
			url:     "http://alias.test:{T}/review",
			refused: &refusal{"alias.test", "127.0.0.1", netguard.Loopback},
		},
		{
			name:     "a redirect from a feed host to loopback is refused",
			opts:     netguard.Options{AllowHosts: []string{"feed.test"}},
			url:      "http://feed.test:{R}/go",
			redirect: "http://127.0.0.1:{T}/review",
			refused:  &refusal{"127.0.0.1", "127.0.0.1", netguard.Loopback},
		},
		{
			name:     "a redirect to a name resolving to loopback is refused",
			opts:     netguard.Options{AllowHosts: []string{"feed.test"}},
			url:      "http://feed.test:{R}/go",
			redirect: "http://internal.test:{T}/review",
			refused:  &refusal{"internal.test", "127.0.0.1", netguard.Loopback},
		},
		{
			name: "AllowPrivate fetches a loopback URL",
			opts: netguard.Options{AllowPrivate: true},
			url:  "http://127.0.0.1:{T}/review",
			want: "the review",
		},
		{
			name:     "AllowPrivate follows a redirect to loopback",
			opts:     netguard.Options{AllowPrivate: true},
			url:      "http://internal.test:{R}/go",
			redirect: "http://127.0.0.1:{T}/review",
			want:     "the review",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := newSite(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, "the review")
			})
			var redirect string
			redirector := newSite(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, redirect, http.StatusFound)
			})
			fill := strings.NewReplacer("{T}", page.port(), "{R}", redirector.port())
			redirect = fill.Replace(tt.redirect)
			o := tt.opts
			o.Resolver = world
			c := &http.Client{Transport: netguard.New(o).Transport(nil), Timeout: 10 * time.Second}

			got, err := get(t, c, fill.Replace(tt.url))

			if tt.refused == nil {
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var r *netguard.RefusedError
			if !errors.As(err, &r) {
				t.Fatalf("got %q, %v; want a *netguard.RefusedError", got, err)
			}
			if r.Host != tt.refused.host || r.Addr != netip.MustParseAddr(tt.refused.addr) || r.Class != tt.refused.class {
				t.Errorf("refused %s (%s, %s); want %s (%s, %s)",
					r.Host, r.Addr, r.Class, tt.refused.host, tt.refused.addr, tt.refused.class)
			}
			if n := page.hits.Load(); n != 0 {
				t.Errorf("the refused page was requested %d times", n)
			}
		})
	}
}

func TestRefusedErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  netguard.RefusedError
		want string
	}{
		{
			netguard.RefusedError{Host: "10.0.0.5", Addr: netip.MustParseAddr("10.0.0.5"), Class: netguard.Private},
			"refused: 10.0.0.5 is a private address (FETCH_PRIVATE=true allows it)",
		},
		{
			netguard.RefusedError{Host: "wiki.corp.example", Addr: netip.MustParseAddr("fd00::7"), Class: netguard.UniqueLocal},
			"refused: wiki.corp.example resolves to fd00::7, a unique-local address (FETCH_PRIVATE=true allows it)",
		},
		{
			netguard.RefusedError{Host: "169.254.169.254", Addr: netip.MustParseAddr("169.254.169.254"), Class: netguard.LinkLocal},
			"refused: 169.254.169.254 is a link-local address (FETCH_PRIVATE=true allows it)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestRefusalLoggedOncePerHost(t *testing.T) {
	t.Parallel()
	page := newSite(t, func(w http.ResponseWriter, r *http.Request) {})
	var logs testutil.SyncBuffer
	g := netguard.New(netguard.Options{Resolver: world, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	c := &http.Client{Transport: g.Transport(nil), Timeout: 10 * time.Second}

	for _, u := range []string{"http://127.0.0.1:{T}/a", "http://internal.test:{T}/b", "http://127.0.0.1:{T}/c", "http://INTERNAL.test:{T}/d", "http://127.0.0.1:{T}/e"} {
		_, err := get(t, c, strings.ReplaceAll(u, "{T}", page.port()))
		var r *netguard.RefusedError
		if !errors.As(err, &r) {
			t.Fatalf("%s: got %v, want a refusal every time, logged or not", u, err)
		}
	}

	var hosts []string
	for line := range strings.Lines(logs.String()) {
		var rec struct{ Host, Address, Class string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		hosts = append(hosts, rec.Host+" "+rec.Address+" "+rec.Class)
	}
	slices.Sort(hosts)
	want := []string{"127.0.0.1 127.0.0.1 loopback", "internal.test 127.0.0.1 loopback"}
	if !slices.Equal(hosts, want) {
		t.Errorf("logged %q, want one line per host: %q", hosts, want)
	}
}

func TestTransportProxy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		allowPrivate bool
		want         string
	}{
		{"a guarded fetch goes direct, not through the proxy", false, "the review"},
		{"AllowPrivate keeps the proxy", true, "the proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := newSite(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "the review") })
			proxy := newSite(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "the proxy") })
			proxyURL, _ := url.Parse(proxy.URL)
			base := &http.Transport{Proxy: http.ProxyURL(proxyURL)}
			g := netguard.New(netguard.Options{AllowHosts: []string{"feed.test"}, AllowPrivate: tt.allowPrivate, Resolver: world})
			c := &http.Client{Transport: g.Transport(base), Timeout: 10 * time.Second}

			got, err := get(t, c, "http://feed.test:"+page.port()+"/review")

			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
			if base.Proxy == nil || base.DialContext != nil {
				t.Error("Transport changed its base transport")
			}
		})
	}
}

func TestHostsOf(t *testing.T) {
	t.Parallel()
	got := netguard.HostsOf([]string{
		"https://blog.example/feed.xml",
		"http://intranet:8080/rss",
		"HTTP://[fd00::7]:8080/atom",
		"file:///srv/feed.xml",
		"/srv/feed.xml",
		" https://spaced.example/feed ",
	})
	want := []string{"blog.example", "intranet", "fd00::7", "spaced.example"}
	if !slices.Equal(got, want) {
		t.Errorf("HostsOf = %q, want %q", got, want)
	}
}
