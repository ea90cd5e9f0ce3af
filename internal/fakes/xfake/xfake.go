// Package xfake is a recording stand-in for the X API v2 (POST /2/tweets,
// GET /2/users/me) on 127.0.0.1, for tests. It checks every request as X
// does (the full OAuth 1.0a signature, 280 weighted characters, duplicate
// text), answers with X's own bodies and headers, and can be told to fail.
package xfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/publisher/textlen"
)

// Credentials are the one app and user the fake accepts.
type Credentials struct {
	APIKey, APISecret, AccessToken, AccessTokenSecret string
	// UserID and Username are what GET /2/users/me answers.
	UserID, Username string
}

// Post is an accepted tweet.
type Post struct {
	ID, Text string
	At       time.Time
}

// Request is one request the fake received.
type Request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// Fault is a failure the fake can be told to produce.
type Fault int

const (
	// Fault429 answers 429 with X's x-rate-limit-* headers.
	Fault429 Fault = iota + 1
	// Fault500 answers 500 Internal Server Error.
	Fault500
	// Fault503 answers 503 Service Unavailable with Retry-After.
	Fault503
	// FaultHang never answers: it waits until the client gives up or the
	// server closes.
	FaultHang
	// FaultReset reads the request, then resets the connection without an answer.
	FaultReset
	// FaultAfterCommit accepts the post, then resets the connection: the post
	// exists, the client never learns it. Only POST /2/tweets consumes it.
	FaultAfterCommit
)

// Limit is X's text limit in weighted characters.
const Limit = 280

// RateWindow is the length of X's rate-limit window for POST /2/tweets.
// https://docs.x.com/x-api/fundamentals/rate-limits ("most limits reset every 15 minutes")
const RateWindow = 15 * time.Minute

// Option changes a fake's behaviour.
type Option func(*Server)

// WithClock sets the fake's clock (timestamp freshness, post times, rate
// limit resets); the default is time.Now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, to be used as X_API_URL.
	URL string

	srv   *httptest.Server
	creds Credentials
	now   func() time.Time
	done  chan struct{}
	close sync.Once

	mu        sync.Mutex
	posts     []Post
	requests  []Request
	nonces    map[string]bool
	faults    []Fault
	commitN   int
	resetAt   time.Time
	nextID    int64
	remaining int
	waiters   []waiter
}

type waiter struct {
	n  int
	ch chan struct{}
}

// New starts a fake that accepts creds. It is closed when t ends.
func New(t testing.TB, creds Credentials, opts ...Option) *Server {
	t.Helper()
	s := &Server{creds: creds, now: time.Now, done: make(chan struct{}), nonces: map[string]bool{},
		nextID: 1861000000000000000, remaining: 100}
	for _, o := range opts {
		o(s)
	}
	// Assigned before the server starts: handlers read s.srv (never s.URL,
	// written after Start) without a race.
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Start()
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the fake, releasing requests held by FaultHang first.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

// Posts returns the accepted tweets, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Requests returns every request received, faulted ones included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Received returns a channel that is closed once the fake has received n
// requests in all: a test waits on it instead of guessing at timing.
func (s *Server) Received(n int) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := waiter{n: n, ch: make(chan struct{})}
	s.waiters = append(s.waiters, w)
	s.wake()
	return w.ch
}

// wake closes the channels of satisfied waiters; s.mu is held.
func (s *Server) wake() {
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if len(s.requests) >= w.n {
			close(w.ch)
			continue
		}
		kept = append(kept, w)
	}
	s.waiters = kept
}

// FailNext makes the next n requests fail with f (for FaultAfterCommit: the
// next n tweet creations).
func (s *Server) FailNext(f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == FaultAfterCommit {
		s.commitN += n
		return
	}
	for range n {
		s.faults = append(s.faults, f)
	}
}

// SetRateLimitReset sets the x-rate-limit-reset that Fault429 announces;
// by default it is the server's now plus RateWindow.
func (s *Server) SetRateLimitReset(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetAt = t
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body})
	s.wake()
	var fault Fault
	if len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	s.mu.Unlock()

	if fault != 0 && s.fail(w, r, fault) {
		return
	}
	// X checks authentication before anything else.
	if err := s.verify(r, body); err != nil {
		// https://developer.x.com/en/support/x-api/error-troubleshooting : v2
		// problems carry title, detail, type and status.
		problem(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized", "about:blank", nil)
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/2/tweets":
		s.createTweet(w, r, body)
	case r.Method == http.MethodGet && r.URL.Path == "/2/users/me":
		s.rateHeaders(w)
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{
			"id": s.creds.UserID, "name": s.creds.Username, "username": s.creds.Username}})
	default:
		problem(w, http.StatusNotFound, "Not Found Error", "Sorry, that page does not exist.",
			"https://api.twitter.com/2/problems/resource-not-found", nil)
	}
}

// fail produces fault f; it reports whether the request was answered.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Fault) bool {
	switch f {
	case Fault429:
		s.mu.Lock()
		reset := s.resetAt
		s.mu.Unlock()
		if reset.IsZero() {
			reset = s.now().Add(RateWindow)
		}
		// https://docs.x.com/fundamentals/rate-limits : x-rate-limit-limit,
		// -remaining and -reset (Unix seconds) on every response.
		w.Header().Set("x-rate-limit-limit", "100")
		w.Header().Set("x-rate-limit-remaining", "0")
		w.Header().Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
		problem(w, http.StatusTooManyRequests, "Too Many Requests", "Too Many Requests", "about:blank", nil)
	case Fault500:
		problem(w, http.StatusInternalServerError, "Internal Server Error", "Internal Server Error", "about:blank", nil)
	case Fault503:
		w.Header().Set("Retry-After", "30")
		problem(w, http.StatusServiceUnavailable, "Service Unavailable", "Service Unavailable", "about:blank", nil)
	case FaultHang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
	case FaultReset:
		reset(w)
	default:
		return false
	}
	return true
}

func (s *Server) createTweet(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Text == nil {
		problem(w, http.StatusBadRequest, "Invalid Request", "One or more parameters to your request was invalid.",
			"https://api.twitter.com/2/problems/invalid-request",
			[]map[string]any{{"message": "$.text: is missing but it is required"}})
		return
	}
	text := *in.Text
	// The v2 400 shape (errors[].message plus title/detail/type) is described at
	// https://twittercommunity.com/t/questions-about-error-response-structure/151746 .
	if n := textlen.X(text); n > Limit {
		problem(w, http.StatusBadRequest, "Invalid Request", "One or more parameters to your request was invalid.",
			"https://api.twitter.com/2/problems/invalid-request",
			[]map[string]any{{"message": fmt.Sprintf("Your Tweet text is too long: %d weighted characters, the limit is %d.", n, Limit)}})
		return
	}
	s.mu.Lock()
	for _, p := range s.posts {
		if p.Text == text {
			s.mu.Unlock()
			s.rateHeaders(w)
			// Body as X sends it, e.g. https://github.com/akrherz/iembot/issues/163
			problem(w, http.StatusForbidden, "Forbidden", "You are not allowed to create a Tweet with duplicate content.", "about:blank", nil)
			return
		}
	}
	s.nextID++
	p := Post{ID: strconv.FormatInt(s.nextID, 10), Text: text, At: s.now()}
	s.posts = append(s.posts, p)
	lose := s.commitN > 0
	if lose {
		s.commitN--
	}
	s.mu.Unlock()
	if lose {
		reset(w)
		return
	}
	s.rateHeaders(w)
	// https://docs.x.com/x-api/posts/manage-tweets/quickstart : 201 with data.id and data.text.
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]string{"id": p.ID, "text": p.Text}})
}

func (s *Server) rateHeaders(w http.ResponseWriter) {
	s.mu.Lock()
	if s.remaining > 0 {
		s.remaining--
	}
	rem := s.remaining
	s.mu.Unlock()
	w.Header().Set("x-rate-limit-limit", "100")
	w.Header().Set("x-rate-limit-remaining", strconv.Itoa(rem))
	w.Header().Set("x-rate-limit-reset", strconv.FormatInt(s.now().Add(RateWindow).Unix(), 10))
}

func problem(w http.ResponseWriter, status int, title, detail, typ string, errs []map[string]any) {
	body := map[string]any{"title": title, "detail": detail, "type": typ, "status": status}
	if errs != nil {
		body["errors"] = errs
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// reset closes the connection with a TCP RST and no answer.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("xfake: connection cannot be hijacked")
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
