package x

import (
	"net/http"
	"testing"
	"time"

	"github.com/reelpost/reelpost/publisher"
)

// TestRateLimitRetryAfter: a 429 from X is retried when the exhausted
// limit resets, as X's headers say, else as Retry-After says, else after
// X's 15-minute window.
func TestRateLimitRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Time
	}{
		{"15-minute window", map[string]string{"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1800000600"}, time.Unix(1_800_000_600, 0)},
		{"daily cap exhausted, window not", map[string]string{
			"x-rate-limit-remaining": "99", "x-rate-limit-reset": "1800000600",
			"x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": "1800050000"}, time.Unix(1_800_050_000, 0)},
		{"both exhausted: the later", map[string]string{
			"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1800000600",
			"x-app-limit-24hour-remaining": "0", "x-app-limit-24hour-reset": "1800070000"}, time.Unix(1_800_070_000, 0)},
		{"Retry-After only", map[string]string{"Retry-After": "120"}, now.Add(2 * time.Minute)},
		{"nothing usable", map[string]string{"x-rate-limit-reset": "soon"}, now.Add(15 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			e := rateLimit.Refusal(publisher.X, "x:1", http.StatusTooManyRequests, h, "", now)
			if e.Kind != publisher.RateLimited || !e.RetryAfter.Equal(tt.want) {
				t.Errorf("%s, retry after %v; want rate-limited until %v", e.Kind, e.RetryAfter, tt.want)
			}
		})
	}
}
