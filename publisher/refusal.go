package publisher

import (
	"net/http"
	"time"

	"github.com/reelpost/reelpost/internal/httpclient"
)

// RequestTimeout bounds one request to a network, its answer included. An
// attempt that times out is retried by the relay (after looking for the post
// where the network allows it), so it need not be long; every network's
// client has it.
const RequestTimeout = 30 * time.Second

// NewClient builds the HTTP client a network's publishers share: one per
// network, built once (see internal/httpclient).
func NewClient() *http.Client {
	return httpclient.New(httpclient.Options{Timeout: RequestTimeout})
}

// RateLimit is how a network says when the next attempt is allowed.
type RateLimit struct {
	// Reset reads the network's own rate-limit headers (X's
	// x-rate-limit-reset, Mastodon's X-RateLimit-Reset, Bluesky's
	// ratelimit-reset) as the time the limit ends, or the zero time.
	Reset func(h http.Header) time.Time
	// Window is assumed for a 429 that says nothing usable: the network's
	// documented rate-limit window.
	Window time.Duration
}

// Refusal is the *Error for an HTTP answer other than the one asked for,
// the same way on every network: its Kind by StatusKind, msg as its
// Message (else the status text), and RetryAfter when the network allows
// another attempt: for a 429 its own reset time, else Retry-After, else now
// plus the window; for a transient failure Retry-After if it sent one (else
// the relay's own backoff decides). The caller sets Sent, and may set a
// Kind the network signals otherwise (X's duplicate content) before.
func (rl RateLimit) Refusal(n Network, account string, status int, h http.Header, msg string, now time.Time) *Error {
	if msg == "" {
		msg = http.StatusText(status)
	}
	e := &Error{Kind: StatusKind(status), Network: n, Account: account, Status: status, Message: msg}
	switch e.Kind {
	case RateLimited:
		if rl.Reset != nil {
			e.RetryAfter = rl.Reset(h)
		}
		if e.RetryAfter.IsZero() {
			e.RetryAfter = httpclient.RetryAfterOr(h, now, rl.Window)
		}
	case Transient:
		e.RetryAfter = httpclient.RetryAfter(h.Get("Retry-After"), now)
	}
	return e
}
