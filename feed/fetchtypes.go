package feed

import (
	"fmt"
	"time"

	"github.com/reelpost/reelpost/internal/redact"
)

// Validators are what a server gave to make the next fetch conditional.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Response is one fetched feed or page.
type Response struct {
	// URL is the final URL, after redirects.
	URL string
	// Status is the HTTP status (200 or 304; 0 for a local file).
	Status int
	// NotModified is true when the server answered 304: Body is empty and the
	// caller keeps what it had.
	NotModified bool
	// Body is the raw body, at most the configured cap.
	Body []byte
	// ContentType is the Content-Type header, charset included.
	ContentType string
	// Validators are the ones to send next time.
	Validators Validators
}

// StatusError is an HTTP answer other than 200 or 304.
type StatusError struct {
	URL    string
	Status int
	// RetryAfter is set from Retry-After (seconds or HTTP date) on 429 and
	// 503: the server's word on when to come back.
	RetryAfter time.Time
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("fetch %s: HTTP %d", redact.URL(e.URL), e.Status)
	if !e.RetryAfter.IsZero() {
		s += " (retry after " + e.RetryAfter.UTC().Format(time.RFC3339) + ")"
	}
	return s
}

// TooLargeError is a body over the configured cap.
type TooLargeError struct {
	URL   string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("fetch %s: body larger than %d bytes (MAX_FEED_BYTES)", redact.URL(e.URL), e.Limit)
}
