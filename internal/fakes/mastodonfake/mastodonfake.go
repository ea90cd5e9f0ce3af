// Package mastodonfake is a recording stand-in for a server speaking the
// Mastodon API (statuses, instance, accounts) on 127.0.0.1, for tests. It
// checks the Bearer token, honours Idempotency-Key (or ignores it, as
// GoToSocial does), enforces the instance's character limit with Mastodon's
// own 422, renders statuses as HTML as Mastodon does, and can be told to fail.
package mastodonfake

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/publisher/textlen"
)

// Options configure a fake.
type Options struct {
	// AccessToken is the one token accepted; Username its account.
	AccessToken, Username string
	// MaxCharacters is the status limit (default 500); URLLength what each
	// URL counts (default 23). Both are announced by GET /api/v2/instance.
	MaxCharacters, URLLength int
	// IgnoreIdempotency makes the fake behave like GoToSocial, which does not
	// implement Idempotency-Key
	// (https://github.com/superseriousbusiness/gotosocial/issues/2723).
	IgnoreIdempotency bool
	// Now is the fake's clock (default time.Now).
	Now func() time.Time
}

// Status is an accepted status.
type Status struct {
	ID, Text, Visibility, Language, IdempotencyKey string
	At                                             time.Time
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
	// Fault429 answers 429 with X-RateLimit-Limit, -Remaining and -Reset.
	Fault429 Fault = iota + 1
	// Fault500 answers 500.
	Fault500
	// Fault503 answers 503 with Retry-After.
	Fault503
	// FaultHang never answers, until the client gives up or the server closes.
	FaultHang
	// FaultReset reads the request, then resets the connection.
	FaultReset
	// FaultAfterCommit creates the status, then resets the connection. Only
	// POST /api/v1/statuses consumes it.
	FaultAfterCommit
)

// AccountID is the fake account's id.
const AccountID = "109876543210"

// idempotencyTTL is how long a key is remembered: "Idempotency keys are
// stored for up to 1 hour" (https://docs.joinmastodon.org/methods/statuses/#create).
const idempotencyTTL = time.Hour

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, to be used as MASTODON_SERVER.
	URL string

	o     Options
	srv   *httptest.Server
	done  chan struct{}
	close sync.Once

	mu       sync.Mutex
	statuses []Status // oldest first
	keys     map[string]int
	requests []Request
	faults   []Fault
	commitN  int
	resetAt  time.Time
	nextID   int64
	waiters  []waiter
}

type waiter struct {
	n  int
	ch chan struct{}
}

// New starts a fake. It is closed when t ends.
func New(t testing.TB, o Options) *Server {
	t.Helper()
	if o.MaxCharacters == 0 {
		o.MaxCharacters = 500
	}
	if o.URLLength == 0 {
		o.URLLength = 23
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{o: o, done: make(chan struct{}), keys: map[string]int{}, nextID: 113500000000000000}
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

// Statuses returns the accepted statuses, oldest first.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Status(nil), s.statuses...)
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
// next n status creations).
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

// SetRateLimitReset sets the X-RateLimit-Reset that Fault429 announces; by
// default the next 5-minute boundary.
func (s *Server) SetRateLimitReset(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetAt = t
}

// Host is the server's host (and port), as in acct URIs.
func (s *Server) Host() string {
	u, _ := url.Parse(s.srv.URL)
	return u.Host
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

	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && path == "/api/v2/instance":
		s.instance(w)
	case r.Method == http.MethodPost && path == "/api/v1/statuses":
		if s.authorized(w, r) {
			s.createStatus(w, r, body)
		}
	case r.Method == http.MethodGet && path == "/api/v1/accounts/verify_credentials":
		if s.authorized(w, r) {
			writeJSON(w, http.StatusOK, s.account())
		}
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/api/v1/accounts/") && strings.HasSuffix(path, "/statuses"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/api/v1/accounts/"), "/statuses")
		s.accountStatuses(w, r, id)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
	}
}

// authorized checks the Bearer token; on failure it answers Mastodon's 401.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if ok && tok != "" && tok == s.o.AccessToken {
		return true
	}
	// https://docs.joinmastodon.org/methods/statuses/#401-unauthorized
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
	return false
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Fault) bool {
	switch f {
	case Fault429:
		s.mu.Lock()
		reset := s.resetAt
		s.mu.Unlock()
		if reset.IsZero() {
			reset = s.o.Now().Truncate(5 * time.Minute).Add(5 * time.Minute)
		}
		// https://docs.joinmastodon.org/api/rate-limits/ : 300 per 5 minutes;
		// X-RateLimit-Reset is an ISO 8601 time, e.g. 2020-09-08T13:25:00.019685Z.
		w.Header().Set("X-RateLimit-Limit", "300")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests"})
	case Fault500:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "We're sorry, but something went wrong on our end."})
	case Fault503:
		w.Header().Set("Retry-After", "30")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "Service Unavailable"})
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

// instance answers GET /api/v2/instance
// (https://docs.joinmastodon.org/methods/instance/#v2): configuration.statuses
// carries max_characters and characters_reserved_per_url.
func (s *Server) instance(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"domain":  s.Host(),
		"title":   "reelpost test instance",
		"version": "4.3.0",
		"configuration": map[string]any{
			"statuses": map[string]int{
				"max_characters":              s.o.MaxCharacters,
				"max_media_attachments":       4,
				"characters_reserved_per_url": s.o.URLLength,
			},
		},
	})
}

func (s *Server) account() map[string]any {
	return map[string]any{
		"id": AccountID, "username": s.o.Username, "acct": s.o.Username, "display_name": s.o.Username,
		"url": s.srv.URL + "/@" + s.o.Username,
	}
}

// createStatus is POST /api/v1/statuses
// (https://docs.joinmastodon.org/methods/statuses/#create), form or JSON.
func (s *Server) createStatus(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Status     string `json:"status"`
		Visibility string `json:"visibility"`
		Language   string `json:"language"`
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		if err := json.Unmarshal(body, &in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Error while parsing request"})
			return
		}
	default:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Error while parsing request"})
			return
		}
		in.Status, in.Visibility, in.Language = form.Get("status"), form.Get("visibility"), form.Get("language")
	}
	key := r.Header.Get("Idempotency-Key")
	now := s.o.Now()

	s.mu.Lock()
	if i, ok := s.keys[key]; ok && key != "" && !s.o.IgnoreIdempotency && now.Sub(s.statuses[i].At) < idempotencyTTL {
		st := s.statuses[i]
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, s.render(st))
		return
	}
	s.mu.Unlock()

	// Mastodon's validation messages, e.g.
	// https://github.com/halcy/Mastodon.py/issues/308 ("Validation failed: Text character limit of 500 exceeded").
	if strings.TrimSpace(in.Status) == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: Text can't be blank"})
		return
	}
	if textlen.Mastodon(in.Status, s.o.URLLength) > s.o.MaxCharacters {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{
			"error": fmt.Sprintf("Validation failed: Text character limit of %d exceeded", s.o.MaxCharacters)})
		return
	}
	switch in.Visibility {
	case "":
		in.Visibility = "public"
	case "public", "unlisted", "private", "direct":
	default:
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: Visibility is not included in the list"})
		return
	}

	s.mu.Lock()
	s.nextID++
	st := Status{ID: strconv.FormatInt(s.nextID, 10), Text: in.Status, Visibility: in.Visibility,
		Language: in.Language, IdempotencyKey: key, At: now}
	s.statuses = append(s.statuses, st)
	if key != "" && !s.o.IgnoreIdempotency {
		s.keys[key] = len(s.statuses) - 1
	}
	lose := s.commitN > 0
	if lose {
		s.commitN--
	}
	s.mu.Unlock()
	if lose {
		reset(w)
		return
	}
	writeJSON(w, http.StatusOK, s.render(st))
}

// accountStatuses is GET /api/v1/accounts/:id/statuses
// (https://docs.joinmastodon.org/methods/accounts/#statuses): newest first,
// limit default 20, at most 40.
func (s *Server) accountStatuses(w http.ResponseWriter, r *http.Request, id string) {
	if id != AccountID {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	limit := 20
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 {
		limit = min(v, 40)
	}
	s.mu.Lock()
	out := []map[string]any{}
	for i := len(s.statuses) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, s.render(s.statuses[i]))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// render is a Status entity (https://docs.joinmastodon.org/entities/Status/).
func (s *Server) render(st Status) map[string]any {
	var lang any
	if st.Language != "" {
		lang = st.Language
	}
	return map[string]any{
		"id":         st.ID,
		"created_at": st.At.UTC().Format("2006-01-02T15:04:05.000Z"),
		"uri":        s.srv.URL + "/users/" + s.o.Username + "/statuses/" + st.ID,
		"url":        s.srv.URL + "/@" + s.o.Username + "/" + st.ID,
		"visibility": st.Visibility,
		"language":   lang,
		"content":    s.contentHTML(st.Text),
		"account":    s.account(),
	}
}

var (
	urlRE = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)\]']`)
	tagRE = regexp.MustCompile(`(^|[^\p{L}\p{N}_/])#([\p{L}\p{N}_]+)`)
)

// contentHTML renders plain text as Mastodon's TextFormatter does: a <p> per
// paragraph, <br /> per line break, links whose visible text drops the scheme
// and is cut after 30 characters (the rest in an invisible span), hashtags
// as links to the tag.
func (s *Server) contentHTML(text string) string {
	var b strings.Builder
	for para := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br />")
			}
			b.WriteString(s.linkify(line))
		}
		b.WriteString("</p>")
	}
	return b.String()
}

func (s *Server) linkify(line string) string {
	var b strings.Builder
	last := 0
	for _, m := range urlRE.FindAllStringIndex(line, -1) {
		b.WriteString(s.tags(line[last:m[0]]))
		u := line[m[0]:m[1]]
		scheme, rest, _ := strings.Cut(u, "://")
		vis, invis := rest, ""
		if len(rest) > 30 {
			vis, invis = rest[:30], rest[30:]
		}
		ellipsis := ""
		if invis != "" {
			ellipsis = "ellipsis"
		}
		fmt.Fprintf(&b, `<a href="%s" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">%s://</span><span class="%s">%s</span><span class="invisible">%s</span></a>`,
			html.EscapeString(u), scheme, ellipsis, html.EscapeString(vis), html.EscapeString(invis))
		last = m[1]
	}
	b.WriteString(s.tags(line[last:]))
	return b.String()
}

func (s *Server) tags(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range tagRE.FindAllStringSubmatchIndex(text, -1) {
		hash := m[4] - 1 // the '#' before the name
		b.WriteString(html.EscapeString(text[last:hash]))
		name := text[m[4]:m[5]]
		fmt.Fprintf(&b, `<a href="%s/tags/%s" class="mention hashtag" rel="tag">#<span>%s</span></a>`,
			s.srv.URL, html.EscapeString(strings.ToLower(name)), html.EscapeString(name))
		last = m[5]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
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
		panic("mastodonfake: connection cannot be hijacked")
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
