package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/publisher"
)

// maxResponse caps what is read of an XRPC answer; ours are small JSON
// objects (a record read back is at most a few KiB).
const maxResponse = 1 << 20

// XRPCError is what a PDS said when it refused a call; it is the Err of the
// *publisher.Error returned, for errors.As.
type XRPCError struct {
	// Method is the XRPC method, e.g. "com.atproto.repo.createRecord".
	Method string
	// Name is the XRPC error name, e.g. "InvalidRequest", "ExpiredToken".
	Name string
}

func (e *XRPCError) Error() string {
	if e.Name == "" {
		return e.Method + " refused"
	}
	return e.Method + " answered " + e.Name
}

// call is one XRPC request.
type call struct {
	method      string // GET or POST
	nsid        string
	query       url.Values
	body        []byte
	contentType string
	// write is set for the call that makes the post: when its outcome is
	// unknown the error says Sent.
	write bool
}

// response is an XRPC answer other than a transport failure.
type response struct {
	status int
	header http.Header
	body   []byte
	// name and message are the XRPC error body, when there is one.
	name, message string
}

func (r *response) ok() bool { return r.status >= 200 && r.status < 300 }

// sessionRefused says the token was not accepted: the session must be
// refreshed or made again.
func (r *response) sessionRefused() bool {
	switch {
	case r.status == http.StatusUnauthorized:
		return true
	case r.status == http.StatusBadRequest:
		return r.name == "ExpiredToken" || r.name == "InvalidToken"
	}
	return false
}

// send makes one request with token (may be empty). A transport failure
// comes back as a Transient *publisher.Error.
func (p *Publisher) send(ctx context.Context, c call, token string) (*response, error) {
	u := p.base + "/xrpc/" + c.nsid
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u, body)
	if err != nil {
		return nil, p.permanent(fmt.Errorf("%s: %w", c.nsid, err))
	}
	req.Header.Set("Accept", "application/json")
	if c.body != nil {
		req.Header.Set("Content-Type", c.contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	a, err := httpclient.Do(p.client, req, maxResponse)
	if err != nil {
		// A failed write may have been applied only if it went out. The
		// transport's url.Error carries the URL, which holds no secret
		// (tokens travel in headers).
		return nil, &publisher.Error{Kind: publisher.Transient, Network: publisher.Bluesky, Account: p.id,
			Status: a.Status, Sent: c.write && a.Wrote, Err: fmt.Errorf("%s: %w", c.nsid, err)}
	}
	r := &response{status: a.Status, header: a.Header, body: a.Body}
	if !r.ok() {
		var xe struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		if json.Unmarshal(r.body, &xe) == nil {
			r.name, r.message = xe.Error, xe.Message
		}
	}
	return r, nil
}

// rateLimit is how a PDS says when to try again: ratelimit-reset (Unix
// seconds, https://docs.bsky.app/docs/advanced-guides/rate-limits), else
// Retry-After, else a window of 5 minutes (createSession's, the limit most
// often met).
var rateLimit = publisher.RateLimit{Reset: resetTime, Window: 5 * time.Minute}

// refused classifies an answer that is not 2xx.
func (p *Publisher) refused(c call, r *response) *publisher.Error {
	e := rateLimit.Refusal(publisher.Bluesky, p.id, r.status, r.header, r.message, p.now())
	e.Err = &XRPCError{Method: c.nsid, Name: r.name}
	// A 5xx to a write leaves its outcome unknown: a PDS answers 500 when
	// the record exists already.
	e.Sent = e.Kind == publisher.Transient && c.write
	return e
}

// resetTime reads ratelimit-reset.
func resetTime(h http.Header) time.Time {
	if n, err := strconv.ParseInt(h.Get("Ratelimit-Reset"), 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0)
	}
	return time.Time{}
}

func (p *Publisher) permanent(err error) *publisher.Error {
	return &publisher.Error{Kind: publisher.Permanent, Network: publisher.Bluesky, Account: p.id, Err: err}
}

// decode reads a 2xx answer into out.
func (p *Publisher) decode(c call, r *response, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		return &publisher.Error{Kind: publisher.Transient, Network: publisher.Bluesky, Account: p.id,
			Status: r.status, Sent: c.write, Err: fmt.Errorf("%s: decode answer: %w", c.nsid, err)}
	}
	return nil
}

// authed makes c with the session's access token. A refused token is
// refreshed (or, failing that, the session made again) and c tried once
// more; a second refusal is permanent.
func (p *Publisher) authed(ctx context.Context, c call, out any) error {
	s, err := p.current(ctx)
	if err != nil {
		return err
	}
	r, err := p.send(ctx, c, s.AccessJwt)
	if err != nil {
		return err
	}
	if r.sessionRefused() {
		if s, err = p.renew(ctx, s); err != nil {
			return err
		}
		if r, err = p.send(ctx, c, s.AccessJwt); err != nil {
			return err
		}
		if r.sessionRefused() {
			e := p.refused(c, r)
			e.Kind = publisher.Permanent
			return e
		}
	}
	if !r.ok() {
		return p.refused(c, r)
	}
	return p.decode(c, r, out)
}

// isNotFound reports a getRecord answer for a record that is not there.
func isNotFound(err error) bool {
	var xe *XRPCError
	return errors.As(err, &xe) && xe.Name == "RecordNotFound"
}
