package httpclient

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestDo(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(strings.Repeat("x", 100)))
	}))
	t.Cleanup(srv.Close)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // its port now refuses connections
	tests := []struct {
		name      string
		url       string
		limit     int64
		wantErr   bool
		wantWrote bool
		want      Answer
	}{
		{name: "answer read whole", url: srv.URL, limit: 1 << 10, wantWrote: true,
			want: Answer{Status: http.StatusServiceUnavailable, Body: []byte(strings.Repeat("x", 100))}},
		{name: "body cut at the cap", url: srv.URL, limit: 10, wantWrote: true,
			want: Answer{Status: http.StatusServiceUnavailable, Body: []byte(strings.Repeat("x", 10))}},
		// Nothing went out, no answer came.
		{name: "refused connection", url: gone.URL, limit: 10, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.url, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			a, err := Do(New(Options{}), req, tt.limit)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Do error = %v, want error %v", err, tt.wantErr)
			}
			if a.Status != tt.want.Status || string(a.Body) != string(tt.want.Body) || a.Wrote != tt.wantWrote {
				t.Errorf("Do = status %d, %d bytes, wrote %v; want status %d, %d bytes, wrote %v",
					a.Status, len(a.Body), a.Wrote, tt.want.Status, len(tt.want.Body), tt.wantWrote)
			}
			if tt.want.Status != 0 && a.Header.Get("Retry-After") != "30" {
				t.Errorf("Retry-After = %q, want 30", a.Header.Get("Retry-After"))
			}
			var urlErr *url.Error
			if tt.wantErr && !errors.As(err, &urlErr) {
				t.Errorf("Do error %v is not the transport's", err)
			}
		})
	}
}
