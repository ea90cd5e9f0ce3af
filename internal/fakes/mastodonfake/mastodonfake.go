// Package mastodonfake is a recording stand-in for a server speaking the
// Mastodon API (statuses, instance, accounts, apps) on 127.0.0.1, for tests.
// It checks the Bearer token and its app's scopes, honours Idempotency-Key
// (or ignores it, as GoToSocial does), enforces the instance's character
// limit as the server software counts it, with that software's own refusal,
// renders statuses as HTML as Mastodon does (or as Markdown, as GoToSocial,
// Pleroma and Akkoma do when the account's default says so and the request
// does not ask for text/plain), and can be told to fail. It counts a
// status's length on its own (length.go), never with the publisher's
// counter.
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
	"unicode/utf8"

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
	// FlavourMastodon3, FlavourPleroma, FlavourPleromaOld or
	// FlavourGoToSocial.
	Flavour Flavour
	// MarkdownDefault says the account's default content type is
	// text/markdown (GoToSocial's and Pleroma's account setting): a status
	// posted without content_type is rendered as Markdown. Mastodon renders
	// no Markdown and ignores it.
	MarkdownDefault bool
	// Scopes are the token's app's scopes, which FlavourMastodon (4.3 and
	// later) lists at GET /api/v1/apps/verify_credentials and checks on
	// posting (default read write push); other flavours list none.
	Scopes []string
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
	// FlavourGoToSocial is GoToSocial 0.20: its instance announces
	// characters_reserved_per_url 25 but a status is measured by the code
	// points of its text plus its spoiler_text, links in full, and refused
	// with a 400; Idempotency-Key is not implemented
	// (https://github.com/superseriousbusiness/gotosocial/issues/2723).
	FlavourGoToSocial Flavour = "gotosocial"
)

// GoToSocial's instance entity: its version as a release build gives it,
// its source (instanceSourceURL in internal/typeutils/internaltofrontend.go),
// the URL reservation it announces (instanceStatusesCharactersReservedPerURL)
// and the content types it takes (instanceStatusesSupportedMimeTypes).
const (
	gtsVersion   = "0.20.0+git-ccbc8f6"
	gtsSourceURL = "https://codeberg.org/superseriousbusiness/gotosocial"
	gtsURLLength = 25
)

var gtsMimeTypes = []string{"text/plain", "text/markdown"}

// pleromaVersion is how Pleroma describes itself in the instance entity.
const pleromaVersion = "2.7.2 (compatible; Pleroma 2.6.1)"

// Status is an accepted status. ContentType is what the request asked for
// (empty: the account's default); Markdown says the server read the text as
// Markdown.
type Status struct {
	ID, Text, Visibility, Language, IdempotencyKey, ContentType string
	// SpoilerText is the content warning the status was posted behind.
	SpoilerText string
	Markdown    bool
	At          time.Time
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
	if o.Flavour == FlavourGoToSocial {
		o.IgnoreIdempotency = true
	}
	if o.Scopes == nil && o.Flavour == FlavourMastodon {
		o.Scopes = []string{"read", "write", "push"}
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
	case r.Method == http.MethodGet && path == "/api/v2/instance" && s.o.Flavour != FlavourMastodon3 && s.o.Flavour != FlavourPleromaOld:
		s.instance(w)
	case r.Method == http.MethodGet && path == "/api/v1/instance":
		s.instanceV1(w)
	case r.Method == http.MethodPost && path == "/api/v1/statuses":
		if s.authorized(w, r) && s.may(w, "write:statuses") {
			s.createStatus(w, r, body)
		}
	case r.Method == http.MethodGet && path == "/api/v1/accounts/verify_credentials":
		if s.authorized(w, r) {
			recorder.WriteJSON(w, http.StatusOK, s.account())
		}
	case r.Method == http.MethodGet && path == "/api/v1/apps/verify_credentials":
		if s.authorized(w, r) {
			s.app(w)
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

// may checks that the token's app has scope (or the whole of its "write"
// or "read"); on failure it answers Mastodon's 403
// (Api::BaseController: "This action is outside the authorized scopes").
// Only a flavour that lists scopes checks them.
func (s *Server) may(w http.ResponseWriter, scope string) bool {
	if s.o.Flavour != FlavourMastodon {
		return true
	}
	top, _, _ := strings.Cut(scope, ":")
	for _, have := range s.o.Scopes {
		if have == scope || have == top {
			return true
		}
	}
	recorder.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "This action is outside the authorized scopes"})
	return false
}

// app answers GET /api/v1/apps/verify_credentials: the token's Application
// (https://docs.joinmastodon.org/entities/Application/), whose scopes only
// Mastodon 4.3 and later list.
func (s *Server) app(w http.ResponseWriter) {
	a := map[string]any{"name": "reelpost", "website": nil}
	if s.o.Flavour == FlavourMastodon {
		a["scopes"] = s.o.Scopes
	}
	recorder.WriteJSON(w, http.StatusOK, a)
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
	statuses := map[string]any{"max_characters": s.o.MaxCharacters, "max_media_attachments": 4}
	in := map[string]any{"domain": s.Host(), "title": "reelpost test instance", "version": "4.3.0",
		"source_url": "https://github.com/mastodon/mastodon"}
	switch s.o.Flavour {
	case FlavourPleroma:
		in["version"] = pleromaVersion
		delete(in, "source_url")
	case FlavourGoToSocial:
		// InstanceToAPIV2Instance.
		in["version"], in["source_url"] = gtsVersion, gtsSourceURL
		statuses["max_media_attachments"] = 6
		statuses["characters_reserved_per_url"] = gtsURLLength
		statuses["supported_mime_types"] = gtsMimeTypes
	default:
		statuses["characters_reserved_per_url"] = s.o.URLLength
	}
	in["configuration"] = map[string]any{"statuses": statuses}
	recorder.WriteJSON(w, http.StatusOK, in)
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
	case FlavourGoToSocial:
		// InstanceToAPIV1Instance: no source_url, max_toot_chars too.
		in["version"] = gtsVersion
		in["max_toot_chars"] = s.o.MaxCharacters
		in["configuration"] = map[string]any{"statuses": map[string]any{
			"max_characters": s.o.MaxCharacters, "characters_reserved_per_url": gtsURLLength,
			"supported_mime_types": gtsMimeTypes,
		}}
	default:
		in["version"] = "3.5.3"
		in["configuration"] = map[string]any{"statuses": map[string]int{
			"max_characters": s.o.MaxCharacters, "characters_reserved_per_url": s.o.URLLength,
		}}
	}
	recorder.WriteJSON(w, http.StatusOK, in)
}

// length is what the server counts of a status's text and spoiler text
// (length.go): for Pleroma, every grapheme cluster as written
// (String.length); for GoToSocial every code point of both, as written
// (validateStatusContent: len([]rune(status)) + len([]rune(spoiler))).
func (s *Server) length(text, spoiler string) int {
	switch s.o.Flavour {
	case FlavourPleroma, FlavourPleromaOld:
		return uniseg.GraphemeClusterCount(text + spoiler)
	case FlavourGoToSocial:
		return utf8.RuneCountInString(text) + utf8.RuneCountInString(spoiler)
	}
	return mastodonLength(spoiler+text, s.o.URLLength)
}

// tooLong answers a status over the limit as the flavour does.
func (s *Server) tooLong(w http.ResponseWriter) {
	switch s.o.Flavour {
	case FlavourGoToSocial:
		// validateStatusContent's text through gtserror.NewErrorBadRequest
		// ("Bad Request: " + help text) and apiutil.ErrorHandler ({"error": Safe()}).
		recorder.WriteJSON(w, http.StatusBadRequest, map[string]string{
			"error": fmt.Sprintf("Bad Request: text with spoiler exceed max chars (%d)", s.o.MaxCharacters)})
	case FlavourPleroma, FlavourPleromaOld:
		// CommonAPI.Utils.validate_character_limit.
		recorder.WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "The status is over the character limit"})
	default:
		// Mastodon's validation message, e.g.
		// https://github.com/halcy/Mastodon.py/issues/308.
		recorder.WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{
			"error": fmt.Sprintf("Validation failed: Text character limit of %d exceeded", s.o.MaxCharacters)})
	}
}

// markdown reports whether the server reads a status posted with content
// type ct as Markdown, and whether it takes ct at all.
func (s *Server) markdown(ct string) (md, ok bool) {
	switch s.o.Flavour {
	case FlavourGoToSocial:
		// processContentType, then processContent: anything but text/plain
		// or text/markdown is an "invalid status format".
		switch ct {
		case "":
			return s.o.MarkdownDefault, true
		case "text/plain":
			return false, true
		case "text/markdown":
			return true, true
		}
		return false, false
	case FlavourPleroma, FlavourPleromaOld:
		// Pleroma's post formats: text/plain, text/markdown, text/html,
		// text/bbcode; only Markdown is rendered as such here.
		if ct == "" {
			return s.o.MarkdownDefault, true
		}
		return ct == "text/markdown", true
	}
	// Mastodon has no content_type parameter and renders no Markdown.
	return false, true
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
		Status      string `json:"status"`
		SpoilerText string `json:"spoiler_text"`
		Visibility  string `json:"visibility"`
		Language    string `json:"language"`
		ContentType string `json:"content_type"`
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
		in.SpoilerText, in.ContentType = form.Get("spoiler_text"), form.Get("content_type")
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

	if strings.TrimSpace(in.Status) == "" {
		recorder.WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: Text can't be blank"})
		return
	}
	if s.length(in.Status, in.SpoilerText) > s.o.MaxCharacters {
		s.tooLong(w)
		return
	}
	md, ok := s.markdown(in.ContentType)
	if !ok {
		recorder.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "Bad Request: invalid status format"})
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
	st := Status{ID: strconv.FormatInt(s.nextID, 10), Text: in.Status, SpoilerText: in.SpoilerText,
		Visibility: in.Visibility, Language: in.Language, IdempotencyKey: key, ContentType: in.ContentType,
		Markdown: md, At: now}
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
		"id":           st.ID,
		"created_at":   st.At.UTC().Format("2006-01-02T15:04:05.000Z"),
		"uri":          s.ServerURL() + "/users/" + s.o.Username + "/statuses/" + st.ID,
		"url":          s.ServerURL() + "/@" + s.o.Username + "/" + st.ID,
		"visibility":   st.Visibility,
		"language":     lang,
		"spoiler_text": st.SpoilerText,
		"sensitive":    st.SpoilerText != "",
		"content":      s.contentHTML(st.Text, st.Markdown),
		"account":      s.account(),
	}
}

var (
	urlRE = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)\]']`)
	tagRE = regexp.MustCompile(`(^|[^\p{L}\p{N}_/])#([\p{L}\p{N}_]+)`)
)

// contentHTML renders plain text as Mastodon's TextFormatter does: a <p> per
// paragraph, <br /> per line break, links whose visible text drops the scheme
// and is cut after 30 characters (the rest in an invisible span), hashtags
// as links to the tag. With md it also renders Markdown's emphasis outside
// links, as a server reading the status as Markdown does: **x** as
// <strong>x</strong>, *x* as <em>x</em> ("M*A*S*H" becomes
// "M<em>A</em>S*H").
func (s *Server) contentHTML(text string, md bool) string {
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
			b.WriteString(s.linkify(line, md))
		}
		b.WriteString("</p>")
	}
	return b.String()
}

func (s *Server) linkify(line string, md bool) string {
	var b strings.Builder
	last := 0
	text := func(t string) string {
		if md {
			return emphasis(s.tags(t))
		}
		return s.tags(t)
	}
	for _, m := range urlRE.FindAllStringIndex(line, -1) {
		b.WriteString(text(line[last:m[0]]))
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
	b.WriteString(text(line[last:]))
	return b.String()
}

var (
	strongRE = regexp.MustCompile(`\*\*([^*\s](?:[^*]*[^*\s])?)\*\*`)
	emRE     = regexp.MustCompile(`\*([^*\s](?:[^*]*[^*\s])?)\*`)
)

// emphasis renders Markdown's * emphasis in HTML-escaped text, leftmost
// first, as CommonMark does for these simple cases.
func emphasis(escaped string) string {
	escaped = strongRE.ReplaceAllString(escaped, "<strong>$1</strong>")
	return emRE.ReplaceAllString(escaped, "<em>$1</em>")
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
