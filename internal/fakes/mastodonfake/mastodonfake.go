// Package mastodonfake is a recording stand-in for a server speaking the
// Mastodon API (statuses, instance, accounts) on 127.0.0.1, for tests. It
// checks the Bearer token, honours Idempotency-Key (or ignores it, as
// GoToSocial does), enforces the instance's character limit with Mastodon's
// own 422, renders statuses as HTML as Mastodon does, and can be told to fail.
// It counts a status's length on its own (length.go), never with the
// publisher's counter.
package mastodonfake

import (
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/reelpost/reelpost/internal/fakes/recorder"
)

// Options configure a fake.
type Options struct {
	// AccessToken is the one token accepted; Username its account.
	AccessToken, Username string
	// MaxCharacters is the status limit (default 500); URLLength what each
	// URL counts (default 23). Both are announced by GET /api/v2/instance.
	MaxCharacters, URLLength int
	// Flavour is the server software, for what the instance endpoints say
	// and how the limit is counted: FlavourMastodon (the default),
	// FlavourMastodon3 or FlavourPleroma.
	Flavour Flavour
	// IgnoreIdempotency makes the fake behave like GoToSocial, which does not
	// implement Idempotency-Key
	// (https://github.com/superseriousbusiness/gotosocial/issues/2723).
	IgnoreIdempotency bool
	// Now is the fake's clock (default time.Now).
	Now func() time.Time
}

// Flavour is a server software speaking the Mastodon API.
type Flavour string

const (
	// FlavourMastodon is Mastodon 4: GET /api/v2/instance announces the
	// limit (https://docs.joinmastodon.org/methods/instance/#v2).
	FlavourMastodon Flavour = ""
	// FlavourMastodon3 has no /api/v2/instance (added in Mastodon 4.0); GET
	// /api/v1/instance announces the same configuration.statuses
	// (https://docs.joinmastodon.org/methods/instance/#v1).
	FlavourMastodon3 Flavour = "mastodon3"
	// FlavourPleroma is current Pleroma or Akkoma: /api/v2/instance with
	// configuration.statuses.max_characters and no URL reservation, its
	// version naming Pleroma; /api/v1/instance with max_toot_chars too; a
	// status measured by its grapheme clusters with URLs as written
	// (Pleroma's CommonAPI.Utils.validate_character_limit: String.length).
	FlavourPleroma Flavour = "pleroma"
	// FlavourPleromaOld is a Pleroma from before /api/v2/instance: only
	// max_toot_chars in /api/v1/instance.
	FlavourPleromaOld Flavour = "pleroma-old"
)

// pleromaVersion is how Pleroma describes itself in the instance entity.
const pleromaVersion = "2.7.2 (compatible; Pleroma 2.6.1)"

// Status is an accepted status.
type Status struct {
	ID, Text, Visibility, Language, IdempotencyKey string
	At                                             time.Time
}

// Request is one request the fake received.
type Request = recorder.Request

// Fault is a failure the fake can be told to produce.
type Fault = recorder.Fault

// The faults, and Mastodon's answers to them: Fault429 is a 429 with
// X-RateLimit-Limit, -Remaining and -Reset (SetRateLimitReset's time, by
// default the next 5-minute boundary), Fault500 a 500, Fault503 a 503
// with Retry-After; FaultHang never answers, FaultReset resets the
// connection, and FaultAfterCommit creates the next status (POST
// /api/v1/statuses only), then resets.
const (
	Fault429, Fault500, Fault503            = recorder.Fault429, recorder.Fault500, recorder.Fault503
	FaultHang, FaultReset, FaultAfterCommit = recorder.FaultHang, recorder.FaultReset, recorder.FaultAfterCommit
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

	// Recorder gives the fake Requests, Received, FailNext,
	// SetRateLimitReset and Close.
	*recorder.Recorder[Request]

	o Options

	mu       sync.Mutex
	statuses []Status // oldest first
	keys     map[string]int
	nextID   int64
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
	s := &Server{o: o, Recorder: recorder.New[Request](), keys: map[string]int{}, nextID: 113500000000000000}
	s.URL = s.Serve(t, recorder.Handler(s.Recorder, s.fail, s.serve))
	return s
}

// Statuses returns the accepted statuses, oldest first.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Status(nil), s.statuses...)
}

// Host is the server's host (and port), as in acct URIs.
func (s *Server) Host() string {
	u, _ := url.Parse(s.ServerURL())
	return u.Host
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && path == "/api/v2/instance" && (s.o.Flavour == FlavourMastodon || s.o.Flavour == FlavourPleroma):
		s.instance(w)
	case r.Method == http.MethodGet && path == "/api/v1/instance":
		s.instanceV1(w)
	case r.Method == http.MethodPost && path == "/api/v1/statuses":
		if s.authorized(w, r) {
			s.createStatus(w, r, body)
		}
	case r.Method == http.MethodGet && path == "/api/v1/accounts/verify_credentials":
		if s.authorized(w, r) {
			recorder.WriteJSON(w, http.StatusOK, s.account())
		}
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/api/v1/accounts/") && strings.HasSuffix(path, "/statuses"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/api/v1/accounts/"), "/statuses")
		s.accountStatuses(w, r, id)
	default:
		recorder.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
	}
}

// authorized checks the Bearer token; on failure it answers Mastodon's 401.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if ok && tok != "" && tok == s.o.AccessToken {
		return true
	}
	// https://docs.joinmastodon.org/methods/statuses/#401-unauthorized
	recorder.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
	return false
}

// fail gives Mastodon's answer to fault f; it reports whether it answered.
func (s *Server) fail(w http.ResponseWriter, f Fault) bool {
	switch f {
	case Fault429:
		reset := s.RateLimitReset()
		if reset.IsZero() {
			reset = s.o.Now().Truncate(5 * time.Minute).Add(5 * time.Minute)
		}
		// https://docs.joinmastodon.org/api/rate-limits/ : 300 per 5 minutes;
		// X-RateLimit-Reset is an ISO 8601 time, e.g. 2020-09-08T13:25:00.019685Z.
		w.Header().Set("X-RateLimit-Limit", "300")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
		recorder.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests"})
	case Fault500:
		recorder.WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": "We're sorry, but something went wrong on our end."})
	case Fault503:
		w.Header().Set("Retry-After", "30")
		recorder.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "Service Unavailable"})
	default:
		return false
	}
	return true
}

// instance answers GET /api/v2/instance
// (https://docs.joinmastodon.org/methods/instance/#v2): configuration.statuses
// carries max_characters and characters_reserved_per_url.
func (s *Server) instance(w http.ResponseWriter) {
	statuses := map[string]int{"max_characters": s.o.MaxCharacters, "max_media_attachments": 4}
	version := "4.3.0"
	if s.o.Flavour == FlavourPleroma {
		version = pleromaVersion
	} else {
		statuses["characters_reserved_per_url"] = s.o.URLLength
	}
	recorder.WriteJSON(w, http.StatusOK, map[string]any{
		"domain":        s.Host(),
		"title":         "reelpost test instance",
		"version":       version,
		"configuration": map[string]any{"statuses": statuses},
	})
}

// instanceV1 answers GET /api/v1/instance: Mastodon 3's carries
// configuration.statuses, Pleroma's max_toot_chars; Mastodon 4's still
// answers (deprecated) with the same configuration.
func (s *Server) instanceV1(w http.ResponseWriter) {
	in := map[string]any{"uri": s.Host(), "title": "reelpost test instance"}
	switch s.o.Flavour {
	case FlavourPleroma:
		in["version"] = pleromaVersion
		in["max_toot_chars"] = s.o.MaxCharacters
		in["configuration"] = map[string]any{"statuses": map[string]int{"max_characters": s.o.MaxCharacters}}
	case FlavourPleromaOld:
		in["version"] = "2.7.2 (compatible; Pleroma 2.2.2)"
		in["max_toot_chars"] = s.o.MaxCharacters
	default:
		in["version"] = "3.5.3"
		in["configuration"] = map[string]any{"statuses": map[string]int{
			"max_characters": s.o.MaxCharacters, "characters_reserved_per_url": s.o.URLLength,
		}}
	}
	recorder.WriteJSON(w, http.StatusOK, in)
}

// length is what the server counts of a status's text (length.go): for
// Pleroma, every grapheme cluster as written (String.length).
func (s *Server) length(text string) int {
	if s.o.Flavour == FlavourPleroma || s.o.Flavour == FlavourPleromaOld {
		return uniseg.GraphemeClusterCount(text)
	}
	return mastodonLength(text, s.o.URLLength)
}

func (s *Server) account() map[string]any {
	return map[string]any{
		"id": AccountID, "username": s.o.Username, "acct": s.o.Username, "display_name": s.o.Username,
		"url": s.ServerURL() + "/@" + s.o.Username,
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
			recorder.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "Error while parsing request"})
			return
		}
	default:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			recorder.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "Error while parsing request"})
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
		recorder.WriteJSON(w, http.StatusOK, s.render(st))
		return
	}
	s.mu.Unlock()

	// Mastodon's validation messages, e.g.
	// https://github.com/halcy/Mastodon.py/issues/308 ("Validation failed: Text character limit of 500 exceeded").
	if strings.TrimSpace(in.Status) == "" {
		recorder.WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: Text can't be blank"})
		return
	}
	if s.length(in.Status) > s.o.MaxCharacters {
		recorder.WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{
			"error": fmt.Sprintf("Validation failed: Text character limit of %d exceeded", s.o.MaxCharacters)})
		return
	}
	switch in.Visibility {
	case "":
		in.Visibility = "public"
	case "public", "unlisted", "private", "direct":
	default:
		recorder.WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: Visibility is not included in the list"})
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
	lose := s.Take(recorder.CommitRoute) == FaultAfterCommit
	s.mu.Unlock()
	if lose {
		recorder.Reset(w)
		return
	}
	recorder.WriteJSON(w, http.StatusOK, s.render(st))
}

// accountStatuses is GET /api/v1/accounts/:id/statuses
// (https://docs.joinmastodon.org/methods/accounts/#statuses): newest first,
// limit default 20, at most 40.
func (s *Server) accountStatuses(w http.ResponseWriter, r *http.Request, id string) {
	if id != AccountID {
		recorder.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
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
	recorder.WriteJSON(w, http.StatusOK, out)
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
		"uri":        s.ServerURL() + "/users/" + s.o.Username + "/statuses/" + st.ID,
		"url":        s.ServerURL() + "/@" + s.o.Username + "/" + st.ID,
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
			s.ServerURL(), html.EscapeString(strings.ToLower(name)), html.EscapeString(name))
		last = m[5]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
}
