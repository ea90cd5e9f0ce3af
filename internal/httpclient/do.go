package httpclient

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// Answer is what came back for one request.
type Answer struct {
	// Status is the answer's status code; 0 when none came.
	Status int
	Header http.Header
	// Body is the answer's body, cut at the cap Do was given.
	Body []byte
	// Wrote says the request went out, its headers at least: the transport
	// said so, or an answer came. Only then may a failed write have been
	// applied by the server.
	Wrote bool
}

// Do sends req with c and reads at most limit bytes of the answer's body,
// then drains (up to limit more) and closes it so the connection can be
// reused. The error is the transport's when no answer came (Status 0), and
// "read answer: ..." when the body could not be read.
func Do(c *http.Client, req *http.Request, limit int64) (Answer, error) {
	// The transport reports from its own goroutine whether any of the
	// request went out.
	var wrote atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteHeaders: func() { wrote.Store(true) },
	}))
	resp, err := c.Do(req)
	if err != nil {
		return Answer{Wrote: wrote.Load()}, err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, limit))
		_ = resp.Body.Close()
	}()
	a := Answer{Status: resp.StatusCode, Header: resp.Header, Wrote: true}
	if a.Body, err = io.ReadAll(io.LimitReader(resp.Body, limit)); err != nil {
		return a, fmt.Errorf("read answer: %w", err)
	}
	return a, nil
}
