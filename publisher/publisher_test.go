package publisher

import (
	"net/http"
	"testing"
	"time"
)

// Every network's client classifies an unwanted answer by StatusKind: the
// relay retries, waits or gives up on a delivery by it.
func TestStatusKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		want   Kind
	}{
		{name: "rate limited", status: http.StatusTooManyRequests, want: RateLimited},
		{name: "request timeout", status: http.StatusRequestTimeout, want: Transient},
		{name: "internal server error", status: http.StatusInternalServerError, want: Transient},
		{name: "service unavailable", status: http.StatusServiceUnavailable, want: Transient},
		{name: "bad request", status: http.StatusBadRequest, want: Permanent},
		{name: "unauthorized", status: http.StatusUnauthorized, want: Permanent},
		{name: "forbidden", status: http.StatusForbidden, want: Permanent},
		{name: "not found", status: http.StatusNotFound, want: Permanent},
		{name: "unprocessable", status: http.StatusUnprocessableEntity, want: Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := StatusKind(tt.status); got != tt.want {
				t.Errorf("StatusKind(%d) = %v, want %v", tt.status, got, tt.want)
			}
		})
	}
}

// TestRefusal: every network tells the relay when to try again the same
// way: a 429 waits for the network's own reset, else Retry-After, else the
// network's window; a transient failure waits for Retry-After if the
// network sent one; a permanent one never comes back.
func TestRefusal(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	reset := now.Add(7 * time.Minute)
	rl := RateLimit{Window: 5 * time.Minute, Reset: func(h http.Header) time.Time {
		if h.Get("Reset") != "" {
			return reset
		}
		return time.Time{}
	}}
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		msg     string
		kind    Kind
		wantMsg string
		retry   time.Time
	}{
		{"429 with the network's reset", 429, map[string]string{"Reset": "x", "Retry-After": "10"}, "", RateLimited, "Too Many Requests", reset},
		{"429 with Retry-After", 429, map[string]string{"Retry-After": "120"}, "slow down", RateLimited, "slow down", now.Add(2 * time.Minute)},
		{"429 saying nothing", 429, nil, "", RateLimited, "Too Many Requests", now.Add(5 * time.Minute)},
		{"503 with Retry-After", 503, map[string]string{"Retry-After": "30"}, "", Transient, "Service Unavailable", now.Add(30 * time.Second)},
		{"500", 500, map[string]string{"Reset": "x"}, "oops", Transient, "oops", time.Time{}},
		{"422", 422, map[string]string{"Retry-After": "30"}, "too long", Permanent, "too long", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			e := rl.Refusal(Mastodon, "mastodon:example.social", tt.status, h, tt.msg, now)
			if e.Kind != tt.kind || e.Message != tt.wantMsg || !e.RetryAfter.Equal(tt.retry) || e.Status != tt.status ||
				e.Network != Mastodon || e.Account != "mastodon:example.social" {
				t.Errorf("%+v; want %s, message %q, retry after %v", e, tt.kind, tt.wantMsg, tt.retry)
			}
		})
	}
}
