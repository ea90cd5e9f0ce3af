package publisher

import (
	"net/http"
	"testing"
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
