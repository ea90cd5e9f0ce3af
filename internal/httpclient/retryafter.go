package httpclient

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps a Retry-After in seconds: a larger one is a server's
// mistake, and would overflow a time.Duration long before it made sense.
const maxRetryAfter = 365 * 24 * time.Hour

// RetryAfter reads a Retry-After header value, delta-seconds or an HTTP date
// (RFC 9110 10.2.3), as the time it names; delta-seconds count from now and
// are capped at a year. A value it cannot read gives the zero time.
func RetryAfter(v string, now time.Time) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return time.Time{}
		}
		return now.Add(time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return t
	}
	return time.Time{}
}

// RetryAfterOr reads h's Retry-After as RetryAfter does; where there is none
// it can read, it gives now+fallback, or the zero time for a zero fallback.
func RetryAfterOr(h http.Header, now time.Time, fallback time.Duration) time.Time {
	if t := RetryAfter(h.Get("Retry-After"), now); !t.IsZero() {
		return t
	}
	if fallback == 0 {
		return time.Time{}
	}
	return now.Add(fallback)
}
