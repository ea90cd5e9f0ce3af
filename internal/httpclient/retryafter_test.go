package httpclient

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, value string
		want        time.Time
	}{
		{name: "delta seconds", value: "30", want: now.Add(30 * time.Second)},
		{name: "zero seconds", value: "0", want: now},
		{name: "padded", value: " 120 ", want: now.Add(2 * time.Minute)},
		{name: "http date", value: "Sun, 01 Mar 2026 12:05:00 GMT", want: now.Add(5 * time.Minute)},
		{name: "absurd delta is capped at a year", value: "99999999999999", want: now.Add(maxRetryAfter)},
		{name: "negative", value: "-5", want: time.Time{}},
		{name: "empty", value: "", want: time.Time{}},
		{name: "garbage", value: "soon", want: time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := RetryAfter(tt.value, now); !got.Equal(tt.want) {
				t.Errorf("RetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestRetryAfterOr(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		retryAfter string
		fallback   time.Duration
		want       time.Time
	}{
		{name: "header wins", retryAfter: "30", fallback: time.Hour, want: now.Add(30 * time.Second)},
		{name: "no header: fallback", fallback: time.Hour, want: now.Add(time.Hour)},
		{name: "unreadable header: fallback", retryAfter: "later", fallback: time.Hour, want: now.Add(time.Hour)},
		{name: "no header, no fallback: zero", want: time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.retryAfter != "" {
				h.Set("Retry-After", tt.retryAfter)
			}
			if got := RetryAfterOr(h, now, tt.fallback); !got.Equal(tt.want) {
				t.Errorf("RetryAfterOr(%q, %v) = %v, want %v", tt.retryAfter, tt.fallback, got, tt.want)
			}
		})
	}
}
