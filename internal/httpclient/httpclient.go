// Package httpclient builds the one http.Client each remote gets: dial, TLS
// and overall timeouts, gzip, a bounded number of redirects and an honest
// User-Agent on every request.
package httpclient

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/reelpost/reelpost/internal/version"
)

// Options tune a client. Zero values take the defaults.
type Options struct {
	// Timeout bounds a whole exchange, body included (default 30s).
	Timeout time.Duration
	// DialTimeout bounds connecting (default 10s); TLS handshake has the same.
	DialTimeout time.Duration
	// MaxRedirects is the most redirects followed (default 5).
	MaxRedirects int
	// UserAgent defaults to reelpost/VERSION (+project URL).
	UserAgent string
	// Transport replaces the default transport (tests).
	Transport http.RoundTripper
}

// ErrTooManyRedirects is returned when a server redirects more than
// Options.MaxRedirects times.
var ErrTooManyRedirects = errors.New("too many redirects")

// New builds a client. Build one per remote, once, and reuse it.
func New(o Options) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.UserAgent == "" {
		o.UserAgent = version.UserAgent()
	}
	base := o.Transport
	if base == nil {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   o.DialTimeout,
			ResponseHeaderTimeout: o.Timeout,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConns:          100,
			// As many as the feeds fetched at once (relay's default
			// FetchWorkers): feeds on one host (a platform, or an egress
			// proxy for all of them) keep their connections between polls
			// instead of dialling, and shaking hands, anew.
			MaxIdleConnsPerHost: 8,
			ForceAttemptHTTP2:   true,
			// gzip: the transport asks for it and decompresses transparently.
		}
	}
	max := o.MaxRedirects
	return &http.Client{
		Timeout:   o.Timeout,
		Transport: userAgent{base: base, ua: o.UserAgent},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > max {
				return fmt.Errorf("%w (%d)", ErrTooManyRedirects, max)
			}
			return nil
		},
	}
}

type userAgent struct {
	base http.RoundTripper
	ua   string
}

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", u.ua)
	}
	return u.base.RoundTrip(r)
}
