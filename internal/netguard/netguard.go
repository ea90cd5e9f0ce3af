// Package netguard keeps fetches of URLs that feed items hand us (review
// pages, card images) away from the operator's own network: loopback,
// private, link-local (cloud metadata at 169.254.169.254), unique-local and
// the like are refused after DNS resolution, on every connection, redirects
// included, unless the host is one of the operator's feed hosts or the
// operator allows private addresses.
//
// The check sits in the dialer, not on the URL: a public name that resolves
// to 10.0.0.5, a public page that redirects to http://127.0.0.1/ and a name
// whose DNS answer changes between a check and a connection (rebinding) all
// end in a dial, and the guard resolves the name itself, checks every
// address and connects to the address it checked.
package netguard

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Resolver looks up a host's addresses. *net.Resolver satisfies it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Options tune a Guard. Zero values take the defaults.
type Options struct {
	// AllowHosts are host names (or IP literals) connected to whatever
	// their addresses: the hosts of the configured feed URLs (see HostsOf),
	// so a blog on an intranet still has its pages and images fetched.
	// A host matches by name, compared without case, a trailing dot or
	// port; internationalised names match their punycode form. Only the
	// name being dialled counts, not what it resolves to: another name
	// that resolves to the feed host's address is still checked.
	AllowHosts []string
	// AllowPrivate connects to every address, and keeps the base
	// transport's proxy (FETCH_PRIVATE=true).
	AllowPrivate bool
	// Resolver resolves host names (default net.DefaultResolver).
	Resolver Resolver
	// DialTimeout bounds one connection attempt (default 10s).
	DialTimeout time.Duration
	// Logger gets one warning per refused host (default: discarded).
	Logger *slog.Logger
}

// maxSeenHosts bounds the set of hosts already logged: a feed that links to
// ever-new hosts cannot grow it without end. Past the bound the set starts
// again and a host may be logged once more.
const maxSeenHosts = 1024

// Guard dials only addresses a fetch of an item's URL may reach. It is safe
// for concurrent use.
type Guard struct {
	allow        map[string]bool
	allowPrivate bool
	resolver     Resolver
	dialer       *net.Dialer
	log          *slog.Logger

	mu   sync.Mutex
	seen map[string]bool // hosts whose refusal was logged
}

// New builds a Guard.
func New(o Options) *Guard {
	g := &Guard{
		allow:        make(map[string]bool, len(o.AllowHosts)),
		allowPrivate: o.AllowPrivate,
		resolver:     o.Resolver,
		dialer:       &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second},
		log:          o.Logger,
		seen:         map[string]bool{},
	}
	for _, h := range o.AllowHosts {
		if h = canonHost(h); h != "" {
			g.allow[h] = true
		}
	}
	if g.resolver == nil {
		g.resolver = net.DefaultResolver
	}
	if g.dialer.Timeout <= 0 {
		g.dialer.Timeout = 10 * time.Second
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	return g
}

// RefusedError is a connection the guard would not make.
type RefusedError struct {
	// Host is the host as the URL names it: a name or an IP literal.
	Host string
	// Addr is the refused address (the first, when the name has several).
	Addr netip.Addr
	// Class is Addr's class.
	Class Class
}

func (e *RefusedError) Error() string {
	what := fmt.Sprintf("%s %s address (FETCH_PRIVATE=true allows it)", e.Class.article(), e.Class)
	if ip, err := netip.ParseAddr(e.Host); err == nil && ip == e.Addr {
		return fmt.Sprintf("refused: %s is %s", e.Addr, what)
	}
	return fmt.Sprintf("refused: %s resolves to %s, %s", e.Host, e.Addr, what)
}

// DialContext connects to addr (host:port) as net.Dialer.DialContext does,
// but only to addresses the guard allows: it resolves the host itself,
// checks every address and dials the checked addresses, in the resolver's
// order, until one answers. Refused addresses are skipped; when none is
// left the error is a *RefusedError (logged once per host). It is meant as
// an http.Transport's DialContext, so it sees every connection a client
// makes, the ones redirects lead to included.
func (g *Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	ips, err := g.lookup(ctx, network, host)
	if err != nil {
		return nil, err
	}
	check := !g.allowPrivate && !g.allow[canonHost(host)]
	var refused *RefusedError
	var firstErr error
	for _, ip := range ips {
		if check {
			if c := Classify(ip); c != Public {
				if refused == nil {
					refused = &RefusedError{Host: host, Addr: ip, Class: c}
				}
				continue
			}
		}
		// The checked address itself is dialled, never the name: a second
		// lookup could answer differently.
		conn, err := g.dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if refused != nil {
		g.logOnce(ctx, refused)
		return nil, refused
	}
	return nil, fmt.Errorf("dial %s: no %s address for %s", addr, network, host)
}

// lookup returns host's addresses that suit network: the IP literal
// itself, or what the resolver answers.
func (g *Guard) lookup(ctx context.Context, network, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		addrs, err := g.resolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok {
				ips = append(ips, ip.Unmap().WithZone(a.Zone))
			}
		}
	}
	kept := ips[:0]
	for _, ip := range ips {
		v4 := ip.Unmap().Is4()
		if (network == "tcp4" && !v4) || (network == "tcp6" && v4) {
			continue
		}
		kept = append(kept, ip)
	}
	return kept, nil
}

func (g *Guard) logOnce(ctx context.Context, e *RefusedError) {
	key := canonHost(e.Host)
	g.mu.Lock()
	logged := g.seen[key]
	if !logged {
		if len(g.seen) >= maxSeenHosts {
			clear(g.seen)
		}
		g.seen[key] = true
	}
	g.mu.Unlock()
	if !logged {
		g.log.WarnContext(ctx, "fetch refused, not connecting to a non-public address",
			"host", e.Host, "address", e.Addr.String(), "class", e.Class.String(),
			"hint", "FETCH_PRIVATE=true allows it")
	}
}

// Transport returns a clone of base (http.DefaultTransport's settings when
// nil) whose connections all go through g.DialContext. base is not changed.
//
// The clone uses no proxy unless the guard allows private addresses: through
// a proxy the guard would see only the proxy's address, and the proxy
// resolves and connects to the page's host itself, so HTTP(S)_PROXY does not
// apply to guarded fetches. Custom TLS dialers are dropped for the same
// reason: TLS is then layered over g.DialContext.
func (g *Guard) Transport(base *http.Transport) *http.Transport {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	t.DialContext = g.DialContext
	t.DialTLSContext = nil
	t.DialTLS = nil //nolint:staticcheck // a set DialTLS would bypass DialContext for https
	if !g.allowPrivate {
		t.Proxy = nil
	}
	return t
}

// HostsOf returns the host names of the http(s) URLs among rawURLs (the
// configured feed URLs), for Options.AllowHosts; file URLs and paths have
// none.
func HostsOf(rawURLs []string) []string {
	var hosts []string
	for _, raw := range rawURLs {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
			continue
		}
		if h := u.Hostname(); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// canonHost is host as compared with the allowed hosts: lower case, no
// brackets or trailing dot, an IP literal in its canonical form, a name in
// the ASCII (punycode) form net/http dials.
func canonHost(host string) string {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(strings.Trim(host, "[]"))), ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.Unmap().String()
	}
	// As net/http does: an ASCII name as it is, others through IDNA.
	for i := 0; i < len(h); i++ {
		if h[i] >= utf8.RuneSelf {
			if a, err := idna.Lookup.ToASCII(h); err == nil {
				return a
			}
			break
		}
	}
	return h
}
