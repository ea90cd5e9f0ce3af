package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/internal/redact"
)

// FetchOptions tune a Fetcher. Zero values take the defaults.
type FetchOptions struct {
	// Timeout bounds one request, body included (default 30s).
	Timeout time.Duration
	// MaxBytes caps a body (default 10 MiB); a larger one is a
	// *TooLargeError.
	MaxBytes int64
	// Client replaces the client NewFetcher builds with httpclient.New.
	Client *http.Client
}

const (
	defaultFetchTimeout  = 30 * time.Second
	defaultFetchMaxBytes = 10 << 20

	// fetchDrainLimit bounds how much of an unwanted body (an error page,
	// the rest of an oversized feed) is read so the connection can be
	// reused; past it the connection is simply closed.
	fetchDrainLimit = 64 << 10

	// fetchAccept prefers feed types but takes anything: many servers label
	// feeds text/html or application/octet-stream.
	fetchAccept = "application/rss+xml, application/atom+xml, application/feed+json, " +
		"application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)

// Fetcher gets feeds and pages politely: one client, conditional GET, a size
// cap, Retry-After. It is safe for concurrent use.
type Fetcher struct {
	client   *http.Client
	timeout  time.Duration
	maxBytes int64
	// now is the clock that turns a Retry-After in seconds into a time.
	now func() time.Time
}

// NewFetcher builds a Fetcher and, unless o.Client is set, its one
// http.Client.
func NewFetcher(o FetchOptions) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = defaultFetchTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultFetchMaxBytes
	}
	c := o.Client
	if c == nil {
		c = httpclient.New(httpclient.Options{Timeout: o.Timeout})
	}
	return &Fetcher{client: c, timeout: o.Timeout, maxBytes: o.MaxBytes, now: time.Now}
}

// Fetch gets rawURL: an http(s) URL, a file:// URL or a local path.
//
// prev holds the validators of the last fetch; they are sent as
// If-None-Match / If-Modified-Since and an unchanged feed comes back as
// Response{NotModified: true} with a nil error. A local file counts as
// unchanged when its modification time is not after prev.LastModified.
//
// Errors: *StatusError for an HTTP status other than 2xx and 304 (with
// RetryAfter from the Retry-After header on 429 and 503), *TooLargeError for
// a body over the cap, otherwise an error naming rawURL that wraps the
// network, timeout or file-system error.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, prev Validators) (*Response, error) {
	scheme, _, hasScheme := strings.Cut(rawURL, "://")
	switch {
	case strings.TrimSpace(rawURL) == "":
		return nil, errors.New("fetch: empty feed URL")
	case hasScheme && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")):
		return f.fetchHTTP(ctx, rawURL, prev)
	case len(rawURL) > 5 && strings.EqualFold(rawURL[:5], "file:"):
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", redact.URL(rawURL), urlCause(err))
		}
		p := u.Path
		if p == "" {
			p = u.Opaque // file:relative/feed.xml
		}
		return f.fetchFile(rawURL, filepath.FromSlash(p), prev)
	case hasScheme && !strings.ContainsAny(scheme, `/\`):
		return nil, fmt.Errorf("fetch %s: unsupported URL scheme %q (want http, https, file or a path)", redact.URL(rawURL), scheme)
	}
	// A local path, taken as is (not URL-decoded: "100%.xml" is a name).
	return f.fetchFile(rawURL, rawURL, prev)
}

func (f *Fetcher) fetchHTTP(ctx context.Context, rawURL string, prev Validators) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redact.URL(rawURL), urlCause(err))
	}
	req.Header.Set("Accept", fetchAccept)
	// Accept-Encoding is left to the transport: it then asks for gzip and
	// decompresses transparently.
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.wrapNetError(ctx, rawURL, err)
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, fetchDrainLimit)
		_ = resp.Body.Close()
	}()

	final := resp.Request.URL.String()
	got := Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		// A 304 may omit the validators (RFC 9110 15.4.5 only requires
		// those that would have been sent with a 200): keep the old ones.
		if got.ETag == "" {
			got.ETag = prev.ETag
		}
		if got.LastModified == "" {
			got.LastModified = prev.LastModified
		}
		return &Response{URL: final, Status: resp.StatusCode, NotModified: true,
			ContentType: resp.Header.Get("Content-Type"), Validators: got}, nil
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusServiceUnavailable:
		return nil, &StatusError{URL: rawURL, Status: resp.StatusCode,
			RetryAfter: httpclient.RetryAfter(resp.Header.Get("Retry-After"), f.now())}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, &StatusError{URL: rawURL, Status: resp.StatusCode}
	}

	if resp.ContentLength > f.maxBytes {
		return nil, &TooLargeError{URL: rawURL, Limit: f.maxBytes}
	}
	body, err := readBody(resp.Body, resp.ContentLength, f.maxBytes)
	if err != nil {
		return nil, f.wrapNetError(ctx, rawURL, fmt.Errorf("read body: %w", err))
	}
	if int64(len(body)) > f.maxBytes {
		return nil, &TooLargeError{URL: rawURL, Limit: f.maxBytes}
	}
	return &Response{URL: final, Status: resp.StatusCode, Body: body,
		ContentType: resp.Header.Get("Content-Type"), Validators: got}, nil
}

// urlCause is err without the *url.Error around it, which repeats the URL
// (credentials in its query included) that the caller names, redacted.
func urlCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// wrapNetError names the feed (redacted, in place of the *url.Error's own
// copy of the URL) and, when our own deadline ran out, says so in words a
// user reads as "the server is too slow".
func (f *Fetcher) wrapNetError(ctx context.Context, rawURL string, err error) error {
	err = urlCause(err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("fetch %s: no complete answer within %s: %w", redact.URL(rawURL), f.timeout, err)
	}
	return fmt.Errorf("fetch %s: %w", redact.URL(rawURL), err)
}

// fetchFile reads a local feed, so a user can try reelpost on a file. Its
// modification time plays the part of Last-Modified.
func (f *Fetcher) fetchFile(rawURL, path string, prev Validators) (*Response, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redact.URL(rawURL), urlCause(err))
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redact.URL(rawURL), urlCause(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("fetch %s: is a directory, not a feed file", redact.URL(rawURL))
	}
	mod := st.ModTime().UTC().Truncate(time.Second)
	got := Validators{LastModified: mod.Format(http.TimeFormat)}
	if prev.LastModified != "" {
		if t, err := http.ParseTime(prev.LastModified); err == nil && !mod.After(t) {
			return &Response{URL: rawURL, NotModified: true, Validators: got}, nil
		}
	}
	if st.Size() > f.maxBytes {
		return nil, &TooLargeError{URL: rawURL, Limit: f.maxBytes}
	}
	body, err := io.ReadAll(io.LimitReader(fh, f.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redact.URL(rawURL), urlCause(err))
	}
	if int64(len(body)) > f.maxBytes {
		return nil, &TooLargeError{URL: rawURL, Limit: f.maxBytes}
	}
	return &Response{URL: rawURL, Body: body, Validators: got}, nil
}

// readBody reads a body of declared length n (-1: unknown; 0 is read as
// unknown too, as a RoundTripper that leaves it unset gives) and at most
// limit bytes (one more when longer, for the caller to refuse). A declared
// length is read into one buffer of that size: io.ReadAll grows its buffer
// as it goes, and a 16 MiB feed then passed through twice its size in
// buffers. The transport refuses a body shorter than declared.
func readBody(r io.Reader, n, limit int64) ([]byte, error) {
	if n <= 0 || n > limit {
		return io.ReadAll(io.LimitReader(r, limit+1))
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}
