// Package xfake is a recording stand-in for the X API v2 (POST /2/tweets,
// GET /2/users/me) on 127.0.0.1, for tests. It checks every request as X
// does (the full OAuth 1.0a signature, 280 weighted characters, duplicate
// text), answers with X's own bodies and headers, and can be told to fail.
// It counts a tweet's length on its own (length.go), never with the
// publisher's counter.
package xfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/recorder"
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

// Fault is a failure the fake can be told to produce.
type Fault = recorder.Fault

// The faults, and X's answers to them: Fault429 is a 429 with X's
// x-rate-limit-* headers (the reset is SetRateLimitReset's time, by default
// now plus RateWindow), Fault500 a 500, Fault503 a 503 with Retry-After;
// FaultHang never answers, FaultReset resets the connection, and
// FaultAfterCommit accepts the next tweet (POST /2/tweets only), then resets.
const (
	Fault429, Fault500, Fault503            = recorder.Fault429, recorder.Fault500, recorder.Fault503
	FaultHang, FaultReset, FaultAfterCommit = recorder.FaultHang, recorder.FaultReset, recorder.FaultAfterCommit
)

// Limit is X's text limit in weighted characters (twitter-text config v3
// maxWeightedTweetLength; TestLimitIsTwitterTexts holds them together).
const Limit = 280

// RateWindow is the length of X's rate-limit window for POST /2/tweets.
// https://docs.x.com/x-api/fundamentals/rate-limits ("most limits reset every 15 minutes")
const RateWindow = 15 * time.Minute

// Request is one request the fake received.
type Request = recorder.Request

// Option changes a fake's behaviour.
type Option func(*Server)

// WithClock sets the fake's clock (timestamp freshness, post times, rate
// limit resets); the default is time.Now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, to be used as X_API_URL.
	URL string

	// Recorder gives the fake Requests, Received, FailNext,
	// SetRateLimitReset and Close.
	*recorder.Recorder[Request]

	creds Credentials
	now   func() time.Time

	mu        sync.Mutex
	posts     []Post
	nonces    map[string]bool
	nextID    int64
	remaining int
}

// New starts a fake that accepts creds. It is closed when t ends.
func New(t testing.TB, creds Credentials, opts ...Option) *Server {
	t.Helper()
	s := &Server{creds: creds, now: time.Now, Recorder: recorder.New[Request](), nonces: map[string]bool{},
		nextID: 1861000000000000000, remaining: 100}
	for _, o := range opts {
		o(s)
	}
	s.URL = s.Serve(t, recorder.Handler(s.Recorder, s.fail, s.serve))
	return s
}

// Posts returns the accepted tweets, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, body []byte) {
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
		recorder.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]string{
			"id": s.creds.UserID, "name": s.creds.Username, "username": s.creds.Username}})
	default:
		problem(w, http.StatusNotFound, "Not Found Error", "Sorry, that page does not exist.",
			"https://api.twitter.com/2/problems/resource-not-found", nil)
	}
}

// fail gives X's answer to fault f; it reports whether it answered.
func (s *Server) fail(w http.ResponseWriter, f Fault) bool {
	switch f {
	case Fault429:
		reset := s.RateLimitReset()
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
	if n := WeightedLength(text); n > Limit {
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
	lose := s.Take(recorder.CommitRoute) == FaultAfterCommit
	s.mu.Unlock()
	if lose {
		recorder.Reset(w)
		return
	}
	s.rateHeaders(w)
	// https://docs.x.com/x-api/posts/manage-tweets/quickstart : 201 with data.id and data.text.
	recorder.WriteJSON(w, http.StatusCreated, map[string]any{"data": map[string]string{"id": p.ID, "text": p.Text}})
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
	recorder.WriteJSON(w, status, body)
}
