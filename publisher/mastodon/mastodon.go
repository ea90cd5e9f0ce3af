// Package mastodon posts to a server speaking the Mastodon API (Mastodon,
// GoToSocial, Pleroma, Akkoma): POST /api/v1/statuses with the account's
// Bearer token and an Idempotency-Key, the limit read from the instance, and
// a look through the account's own statuses for servers that ignore the key.
package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/publisher"
)

var (
	_ publisher.Publisher = (*Publisher)(nil)
	_ publisher.Finder    = (*Publisher)(nil)
	_ publisher.Verifier  = (*Publisher)(nil)
)

// maxBody caps what is read of one answer (40 statuses fit easily).
const maxBody = 4 << 20

// rateLimit is how a Mastodon server says when to try again:
// X-RateLimit-Reset, else Retry-After (other servers), else Mastodon's
// 5-minute window (https://docs.joinmastodon.org/api/rate-limits/).
var rateLimit = publisher.RateLimit{Reset: resetTime, Window: 5 * time.Minute}

// Options tune a Publisher. Zero values take the defaults.
type Options struct {
	Client *http.Client // default publisher.NewClient
	Logger *slog.Logger
	Now    func() time.Time
	// Language is the posts' language (POST_LANGUAGE) when Post.Lang is empty.
	Language string
}

// Publisher posts to one account on one server.
type Publisher struct {
	id         string
	server     string // base URL, no trailing slash
	host       string
	token      config.Secret
	visibility string
	language   string
	client     *http.Client
	log        *slog.Logger
	now        func() time.Time

	rulesMu sync.Mutex       // held while the instance is asked, so it is asked once
	rules   *publisher.Rules // cached once the instance answered
	// plainText is set once the instance said it takes content_type
	// text/plain (takesPlainText); until then no content_type is sent.
	plainText atomic.Bool

	mu        sync.Mutex
	accountID string // cached once verify_credentials answered
}

// New builds a Publisher for a, which config.Validate has checked. It
// makes no request.
//
// The ID is "mastodon:<host>" for the first account (MASTODON_*) and
// "mastodon:<host>#<n>" for MASTODON_<n>_*. Which user the token belongs to
// cannot be known without asking the server, and the ledger needs the ID
// before any request, so it names the configured account instead: it stays
// the same when the token is replaced (a hash of the token would not, and
// every delivery would start over as a new account), and an operator can read
// it against the configuration. Verify says which @user@host it is. The one
// way to confuse it is renumbering two accounts of the same server, which at
// worst makes the renamed account skip reviews the other had posted; it can
// never post one twice. A server URL without a host leaves no ID to key the
// account's deliveries on, and is refused.
func New(a config.MastodonAccount, o Options) (*Publisher, error) {
	u, err := url.Parse(a.Server)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%sSERVER: %q: no host to name the account by", a.Prefix, a.Server)
	}
	host := strings.ToLower(u.Host)
	id := "mastodon:" + host
	if n, ok := strings.CutPrefix(a.Prefix, "MASTODON_"); ok && n != "" {
		id += "#" + strings.TrimSuffix(n, "_")
	}
	if o.Client == nil {
		o.Client = publisher.NewClient()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Publisher{
		id:         id,
		server:     strings.TrimRight(u.String(), "/"),
		host:       host,
		token:      a.AccessToken,
		visibility: a.Visibility,
		language:   o.Language,
		client:     o.Client,
		log:        o.Logger,
		now:        o.Now,
	}, nil
}

// ID is "mastodon:<host>" or "mastodon:<host>#<n>" (see New).
func (p *Publisher) ID() string { return p.id }

// Network is publisher.Mastodon.
func (p *Publisher) Network() publisher.Network { return publisher.Mastodon }

// Rules reads the server's limit once:
//   - GET /api/v2/instance (Mastodon 4, GoToSocial, current Pleroma and
//     Akkoma): configuration.statuses max_characters and
//     characters_reserved_per_url
//     (https://docs.joinmastodon.org/methods/instance/#v2);
//   - on servers without it (404), GET /api/v1/instance: Mastodon 3
//     announces the same fields there
//     (https://docs.joinmastodon.org/methods/instance/#v1), older Pleroma
//     max_toot_chars.
//
// Pleroma and Akkoma (known by their version string, or by max_toot_chars)
// count every character of a status, links as written
// (publisher.PleromaRules), whichever endpoint answered. GoToSocial (known
// by its source_url or its version string) announces 25 characters per URL
// but counts every code point, links in full (publisher.GoToSocialRules).
// The token is sent:
// a server in limited federation mode answers only signed-in clients.
//
// A server without either endpoint, or announcing no limit, gets Mastodon's
// defaults (500, 23), remembered like an answer, with one warning. A server
// that cannot be asked now (unreachable, 5xx, or refusing the request) gets
// the defaults for this call only, with a warning, and the next call asks
// again.
func (p *Publisher) Rules(ctx context.Context) (publisher.Rules, error) {
	p.rulesMu.Lock()
	defer p.rulesMu.Unlock()
	if p.rules != nil {
		return *p.rules, nil
	}
	r, ok, err := p.askRules(ctx)
	if err != nil {
		p.log.Warn("mastodon instance limits unavailable, assuming 500 characters", "account", p.id, "error", err)
		return publisher.DefaultRules(publisher.Mastodon), nil
	}
	if !ok {
		p.log.Warn("mastodon server announces no character limit, assuming 500", "account", p.id, "server", p.server)
		r = publisher.DefaultRules(publisher.Mastodon)
	}
	p.rules = &r
	return r, nil
}

// instanceInfo is the part of an Instance entity, v1 or v2, that says how
// statuses are measured.
type instanceInfo struct {
	Version       string `json:"version"`
	SourceURL     string `json:"source_url"`     // v2
	MaxTootChars  int    `json:"max_toot_chars"` // Pleroma, Akkoma, GoToSocial (v1)
	Configuration struct {
		Statuses struct {
			MaxCharacters            int `json:"max_characters"`
			CharactersReservedPerURL int `json:"characters_reserved_per_url"`
			// SupportedMimeTypes is what content_type may say (GoToSocial,
			// glitch-soc, Akkoma); Mastodon has no such parameter.
			SupportedMimeTypes []string `json:"supported_mime_types"`
		} `json:"statuses"`
	} `json:"configuration"`
}

// gtsVersion matches the version GoToSocial gives its instance: its
// release and commit ("0.20.0+git-ccbc8f6", "0.20.0 git-ccbc8f6", older
// "0.5.0 ccbc8f6 ..."), after "3.5.3+" when the server pretends to be
// Mastodon (instance-inject-mastodon-version: toMastodonVersion in
// internal/typeutils/internaltofrontend.go makes "3.5.3+0.20.0-git-ccbc8f6").
// No Mastodon, Pleroma or Akkoma version has a commit after its release
// this way.
var gtsVersion = regexp.MustCompile(`(?:^|\+)\d+\.\d+\.\d+(?:-rc\d+)?[ +-](?:git-)?[0-9a-f]{7,}\b`)

// software is the server software in announces, as far as it changes how
// a status is counted or rendered.
func (in instanceInfo) software() string {
	switch {
	case strings.Contains(strings.ToLower(in.SourceURL), "gotosocial") || gtsVersion.MatchString(in.Version):
		// GoToSocial's v2 instance names its source
		// (instanceSourceURL, "https://codeberg.org/superseriousbusiness/gotosocial");
		// its v1 instance only its version.
		return "gotosocial"
	case in.MaxTootChars > 0 || strings.Contains(in.Version, "Pleroma") || strings.Contains(in.Version, "Akkoma"):
		return "pleroma"
	}
	return "mastodon"
}

// rules returns what in says, ok false when it announces no limit.
func (in instanceInfo) rules() (publisher.Rules, bool) {
	limit := in.Configuration.Statuses.MaxCharacters
	if limit <= 0 {
		limit = in.MaxTootChars
	}
	if limit <= 0 {
		return publisher.Rules{}, false
	}
	switch in.software() {
	case "gotosocial":
		return publisher.GoToSocialRules(limit), true
	case "pleroma":
		return publisher.PleromaRules(limit), true
	}
	return publisher.MastodonRules(limit, in.Configuration.Statuses.CharactersReservedPerURL), true
}

// takesPlainText reports whether the server accepts content_type
// "text/plain" on POST /api/v1/statuses, which keeps a status from being
// read as Markdown when the account's default says so ("M*A*S*H" would
// become "M<em>A</em>S*H"): GoToSocial (StatusCreateRequest.ContentType,
// text/plain or text/markdown), Pleroma and Akkoma (text/plain is always
// among their post formats), and any server announcing text/plain in
// supported_mime_types (glitch-soc). Mastodon renders no Markdown and is
// not sent the parameter.
func (in instanceInfo) takesPlainText() bool {
	if in.software() != "mastodon" {
		return true
	}
	return slices.Contains(in.Configuration.Statuses.SupportedMimeTypes, "text/plain")
}

// askRules asks the instance endpoints in turn (see Rules). ok is false
// when the server has neither or announces no limit; err is set when it
// could not be asked. It also notes whether the server takes content_type.
func (p *Publisher) askRules(ctx context.Context) (r publisher.Rules, ok bool, err error) {
	for _, path := range []string{"/api/v2/instance", "/api/v1/instance"} {
		var in instanceInfo
		err := p.get(ctx, path, &in)
		if missing(err) {
			continue
		}
		if err != nil {
			return r, false, err
		}
		if in.takesPlainText() {
			p.plainText.Store(true)
		}
		if r, ok := in.rules(); ok {
			if sw := in.software(); sw != "mastodon" {
				p.log.Info("mastodon api server counts characters its own way", "account", p.id, "software", sw,
					"limit", r.Limit)
			}
			return r, true, nil
		}
	}
	return r, false, nil
}

// get asks the server's endpoint path for JSON, with the token.
func (p *Publisher) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.server+path, nil)
	if err != nil {
		return err
	}
	return p.do(req, out)
}

// missing reports an answer saying the server has no such endpoint.
func missing(err error) bool {
	var pe *publisher.Error
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Status {
	case http.StatusNotFound, http.StatusGone, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}

// status is the part of a Status entity we read
// (https://docs.joinmastodon.org/entities/Status/).
type status struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	URI       string    `json:"uri"`
	CreatedAt time.Time `json:"created_at"`
	Content   string    `json:"content"`
}

func (s status) receipt() publisher.Receipt {
	u := s.URL
	if u == "" {
		u = s.URI
	}
	return publisher.Receipt{ID: s.ID, URL: u}
}

// Publish creates one status. Post.Key goes as Idempotency-Key, so a second
// attempt with the same key within Mastodon's hour answers the first status
// instead of posting again. Servers that ignore the key (GoToSocial) and
// Mastodon versions that answer such a repeat with a 500
// (https://github.com/mastodon/mastodon/issues/40399) are why Find exists.
func (p *Publisher) Publish(ctx context.Context, post publisher.Post) (publisher.Receipt, error) {
	lang := post.Lang
	if lang == "" {
		lang = p.language
	}
	contentType := ""
	if p.plainText.Load() {
		contentType = "text/plain"
	}
	body, err := json.Marshal(struct {
		Status string `json:"status"`
		// The content warning the status goes behind (a review with
		// spoilers); empty for none.
		SpoilerText string `json:"spoiler_text,omitempty"`
		// Empty: the account's default visibility.
		Visibility string `json:"visibility,omitempty"`
		Language   string `json:"language,omitempty"`
		// ContentType keeps the text from being read as Markdown where
		// the server offers that (see takesPlainText).
		ContentType string `json:"content_type,omitempty"`
	}{post.Text, post.SpoilerText, p.visibility, lang, contentType})
	if err != nil {
		return publisher.Receipt{}, p.fail(publisher.Permanent, 0, "", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.server+"/api/v1/statuses", bytes.NewReader(body))
	if err != nil {
		return publisher.Receipt{}, p.fail(publisher.Permanent, 0, "", err)
	}
	// The transport must never send this POST a second time. net/http
	// resends a request whose keep-alive connection broke before the answer
	// when it counts as replayable (Request.isReplayable in
	// net/http/request.go: a body it can rewind through GetBody, which
	// NewRequestWithContext sets for a bytes.Reader, and an Idempotency-Key
	// header). The server may have made the status before the connection
	// broke, and a server that ignores the key (GoToSocial) makes a second
	// one. Without GetBody the lost answer comes back as an error with Sent
	// set, and the next attempt looks for the status first (Find).
	req.GetBody = nil
	req.Header.Set("Content-Type", "application/json")
	if post.Key != "" {
		req.Header.Set("Idempotency-Key", post.Key)
	}
	var st status
	if err := p.do(req, &st); err != nil {
		if pe, ok := refusedForLength(err); ok {
			return publisher.Receipt{}, publisher.RefusedTooLong(pe)
		}
		return publisher.Receipt{}, err
	}
	if st.ID == "" {
		e := p.fail(publisher.Transient, http.StatusOK, "answer without a status id", nil)
		e.Sent = true
		return publisher.Receipt{}, e
	}
	p.log.Debug("mastodon status created", "account", p.id, "post_id", st.ID)
	return st.receipt(), nil
}

// scopesUnknown is what Verify adds to the account when the server does
// not say what the token may do.
const scopesUnknown = "scopes not reported by the server"

// Verify checks the token (GET /api/v1/accounts/verify_credentials) and
// returns "@user@host". A token that works but cannot post would pass that
// and fail every delivery, so it then asks which scopes the token's app has
// (GET /api/v1/apps/verify_credentials: Mastodon 4.3 and later list them,
// https://docs.joinmastodon.org/entities/Application/#scopes) and fails
// with "token lacks write:statuses (has: ...)" when neither write nor
// write:statuses is among them. A token's scopes are at most its app's, so
// that refusal is sure; a server that lists none (older Mastodon, others)
// adds ", scopes not reported by the server" to the account.
func (p *Publisher) Verify(ctx context.Context) (string, error) {
	acc, err := p.verifyCredentials(ctx)
	if err != nil {
		return "", err
	}
	host := p.host
	if u, err := url.Parse(acc.URL); err == nil && u.Host != "" {
		host = strings.ToLower(u.Host) // the account's domain may differ from the API host
	}
	user, _, _ := strings.Cut(acc.Acct, "@")
	if user == "" {
		user = acc.Username
	}
	who := "@" + user + "@" + host
	scopes, err := p.appScopes(ctx)
	if err != nil {
		return "", err
	}
	if len(scopes) == 0 {
		return who + ", " + scopesUnknown, nil
	}
	if !slices.Contains(scopes, "write") && !slices.Contains(scopes, "write:statuses") {
		e := p.fail(publisher.Permanent, 0, "token lacks write:statuses (has: "+strings.Join(scopes, " ")+")", nil)
		e.Hint = "make a new one under Preferences > Development with the scopes write:statuses and read:accounts"
		return "", e
	}
	return who, nil
}

// appScopes returns the scopes the server lists for the token's app, or
// none when it lists none or has no such endpoint, or refuses to say (the
// account check passed, so a refusal here is about the endpoint, not the
// token). A server that cannot be asked now is an error.
func (p *Publisher) appScopes(ctx context.Context) ([]string, error) {
	var app struct {
		Scopes []string `json:"scopes"`
	}
	err := p.get(ctx, "/api/v1/apps/verify_credentials", &app)
	if err != nil {
		if missing(err) || publisher.KindOf(err) == publisher.Permanent {
			p.log.Debug("mastodon app scopes not available", "account", p.id, "error", err)
			return nil, nil
		}
		return nil, err
	}
	return app.Scopes, nil
}

type account struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

func (p *Publisher) verifyCredentials(ctx context.Context) (account, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.server+"/api/v1/accounts/verify_credentials", nil)
	if err != nil {
		return account{}, p.fail(publisher.Permanent, 0, "", err)
	}
	var acc account
	if err := p.do(req, &acc); err != nil {
		return account{}, err
	}
	if acc.ID == "" {
		return account{}, p.fail(publisher.Transient, http.StatusOK, "answer without an account id", nil)
	}
	p.mu.Lock()
	p.accountID = acc.ID
	p.mu.Unlock()
	return acc, nil
}

// errorBody is Mastodon's error entity (https://docs.joinmastodon.org/entities/Error/).
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// do sends req with the token and decodes a 200 answer into out; any other
// outcome is a classified *publisher.Error.
func (p *Publisher) do(req *http.Request, out any) error {
	req.Header.Set("Authorization", "Bearer "+p.token.Value())
	req.Header.Set("Accept", "application/json")
	a, err := httpclient.Do(p.client, req, maxBody)
	if err != nil {
		e := p.fail(publisher.Transient, a.Status, "", err)
		e.Sent = a.Wrote && req.Method == http.MethodPost
		return e
	}
	code := a.Status
	if code == http.StatusOK {
		if err := json.Unmarshal(a.Body, out); err != nil {
			e := p.fail(publisher.Transient, code, "", fmt.Errorf("decode answer: %w", err))
			e.Sent = req.Method == http.MethodPost
			return e
		}
		return nil
	}
	var eb errorBody
	_ = json.Unmarshal(a.Body, &eb) // a body that is not JSON leaves the message empty
	msg := eb.Error
	if eb.Description != "" && eb.Description != eb.Error {
		msg += ": " + eb.Description
	}
	// 422 validation, 401/403 token or scope and 404 a wrong server URL are
	// Permanent.
	e := rateLimit.Refusal(publisher.Mastodon, p.id, code, a.Header, msg, p.now())
	e.Sent = e.Kind == publisher.Transient && req.Method == http.MethodPost
	return e
}

// lengthRefusal matches the messages servers speaking the Mastodon API give
// a status over their limit: Mastodon "Validation failed: Text character
// limit of 500 exceeded" (422); GoToSocial "Bad Request: text with spoiler
// exceed max chars (500)" (400; validateStatusContent in
// internal/processing/status/common.go, and before it "status too long, 501
// characters provided (including spoiler/content warning) but limit is
// 500"); Pleroma and Akkoma "The status is over the character limit"
// (422). None gives a code for it, only the text.
var lengthRefusal = regexp.MustCompile(`(?i)character limit|too long|max(imum)? ?char|exceeds? [^.]*char`)

// refusedForLength finds in err a validation refusal (400 or 422) that names
// the status's length.
func refusedForLength(err error) (*publisher.Error, bool) {
	var pe *publisher.Error
	if !errors.As(err, &pe) {
		return nil, false
	}
	if pe.Status != http.StatusBadRequest && pe.Status != http.StatusUnprocessableEntity {
		return nil, false
	}
	return pe, lengthRefusal.MatchString(pe.Message)
}

// resetTime reads when a 429 ends: X-RateLimit-Reset is an ISO 8601 time
// (https://docs.joinmastodon.org/api/rate-limits/).
func resetTime(h http.Header) time.Time {
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

func (p *Publisher) fail(k publisher.Kind, status int, msg string, err error) *publisher.Error {
	return &publisher.Error{Kind: k, Network: publisher.Mastodon, Account: p.id, Status: status, Message: msg, Err: err}
}
