// Package recorder is the machinery the recording fakes (xfake, mastodonfake,
// blueskyfake) share: it keeps every request a fake received, wakes tests
// waiting for the n-th one, queues the failures a test asks for and produces
// those that look the same on every network (a request that hangs, a
// connection reset). What a network answers to a fault stays with its fake.
package recorder

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Fault is a failure a fake can be told to produce.
type Fault int

const (
	// Fault429 answers 429 with the network's rate-limit headers.
	Fault429 Fault = iota + 1
	// Fault500 answers 500.
	Fault500
	// Fault503 answers 503 with Retry-After.
	Fault503
	// FaultHang never answers: the handler waits until the client gives up
	// or the fake closes.
	FaultHang
	// FaultReset reads the request, then resets the connection without an
	// answer.
	FaultReset
	// FaultAfterCommit accepts the post, then resets the connection: the post
	// exists, the client never learns it. Only post creation consumes it.
	FaultAfterCommit
	// FaultAfterCommitHang is FaultAfterCommit, but hanging instead of
	// resetting.
	FaultAfterCommitHang
)

func (f Fault) String() string {
	switch f {
	case Fault429:
		return "429"
	case Fault500:
		return "500"
	case Fault503:
		return "503"
	case FaultHang:
		return "hang"
	case FaultReset:
		return "reset"
	case FaultAfterCommit:
		return "after-commit"
	case FaultAfterCommitHang:
		return "after-commit-hang"
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// Request is one HTTP request a fake received.
type Request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// Read reads r, its body capped at limit bytes, into a Request.
func Read(r *http.Request, limit int64) (Request, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit))
	if err != nil {
		return Request{}, err
	}
	return Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}, nil
}

// Recorder records requests of type R and queues faults. Its methods are
// safe for concurrent use.
type Recorder[R any] struct {
	srv     *httptest.Server
	done    chan struct{}
	release sync.Once

	mu        sync.Mutex
	requests  []R
	waiters   []waiter
	faults    []queued
	rateReset time.Time
}

type waiter struct {
	n  int
	ch chan struct{}
}

type queued struct {
	f     Fault
	route string // "" for any
	n     int
}

// New returns an empty Recorder.
func New[R any]() *Recorder[R] {
	return &Recorder[R]{done: make(chan struct{})}
}

// Serve serves h on 127.0.0.1 until Close is called or t ends, and returns
// the server's base URL.
func (c *Recorder[R]) Serve(t testing.TB, h http.HandlerFunc) string {
	t.Helper()
	// Assigned before the server starts: handlers read c.srv (through
	// ServerURL) without a race.
	c.srv = httptest.NewUnstartedServer(h)
	c.srv.Start()
	t.Cleanup(c.Close)
	return c.srv.URL
}

// ServerURL is the base URL of the server Serve started.
func (c *Recorder[R]) ServerURL() string { return c.srv.URL }

// Close stops the server Serve started, releasing hung requests first.
func (c *Recorder[R]) Close() {
	c.Release()
	if c.srv != nil {
		c.srv.Close()
	}
}

// SetRateLimitReset sets the rate-limit reset that Fault429 announces; the
// zero time (the default) leaves it to the fake.
func (c *Recorder[R]) SetRateLimitReset(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rateReset = t
}

// RateLimitReset is what SetRateLimitReset set.
func (c *Recorder[R]) RateLimitReset() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rateReset
}

// Handler serves a fake's requests: it records each one (its body capped at
// 1 MiB) and produces the fault queued for it, hanging or resetting here and
// leaving the network's own answers to answer, which reports whether it
// answered. A request without a fault, or one answer passes on, goes to next
// with its body.
func Handler(c *Recorder[Request], answer func(http.ResponseWriter, Fault) bool,
	next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := Read(r, 1<<20)
		if err != nil {
			return
		}
		switch f := c.RecordAndTake(req, RequestRoute); f {
		case 0:
		case FaultHang:
			c.Hang(r)
			return
		case FaultReset:
			Reset(w)
			return
		default:
			if answer(w, f) {
				return
			}
		}
		next(w, r, req.Body)
	}
}

// Record adds req to the requests received.
func (c *Recorder[R]) Record(req R) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.record(req)
}

// RecordAndTake records req and takes the fault queued for route in one
// step, so that the n-th request received is the one the n-th fault hits.
func (c *Recorder[R]) RecordAndTake(req R, route string) Fault {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.record(req)
	return c.take(route)
}

// record appends req and wakes satisfied waiters; c.mu is held.
func (c *Recorder[R]) record(req R) {
	c.requests = append(c.requests, req)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if len(c.requests) >= w.n {
			close(w.ch)
			continue
		}
		kept = append(kept, w)
	}
	c.waiters = kept
}

// Requests returns every request recorded, oldest first.
func (c *Recorder[R]) Requests() []R {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]R(nil), c.requests...)
}

// Received returns a channel that is closed once n requests have been
// recorded in all: a test waits on it instead of guessing at timing.
func (c *Recorder[R]) Received(n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{})
	if len(c.requests) >= n {
		close(ch)
	} else {
		c.waiters = append(c.waiters, waiter{n: n, ch: ch})
	}
	return ch
}

// The queues FailNext fills: every request takes from RequestRoute, a post
// creation from CommitRoute.
const (
	RequestRoute = "request"
	CommitRoute  = "commit"
)

// FailNext makes the next n requests fail with f; FaultAfterCommit goes to
// the next n post creations instead (see CommitRoute).
func (c *Recorder[R]) FailNext(f Fault, n int) {
	route := RequestRoute
	if f == FaultAfterCommit {
		route = CommitRoute
	}
	c.Queue(route, f, n)
}

// Queue queues f for the next n requests to route ("" for any route).
// Faults are taken in the order they were queued.
func (c *Recorder[R]) Queue(route string, f Fault, n int) {
	if n <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, queued{f: f, route: route, n: n})
}

// Take pops the first fault queued for route or for any route; 0 if none.
func (c *Recorder[R]) Take(route string) Fault {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.take(route)
}

// take is Take; c.mu is held.
func (c *Recorder[R]) take(route string) Fault {
	for i := range c.faults {
		q := &c.faults[i]
		if q.route != "" && q.route != route {
			continue
		}
		f := q.f
		if q.n--; q.n == 0 {
			c.faults = append(c.faults[:i], c.faults[i+1:]...)
		}
		return f
	}
	return 0
}

// Hang holds r unanswered until its client gives up or Release is called.
func (c *Recorder[R]) Hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-c.done:
	}
}

// Release lets every hung request go; a fake calls it before closing its
// server, which would otherwise wait for them. Calling it again is harmless.
func (c *Recorder[R]) Release() {
	c.release.Do(func() { close(c.done) })
}

// Reset closes the connection with a TCP RST and no answer, the way a
// dropped connection looks to the client.
func Reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("recorder: connection cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// WriteJSON answers status with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
