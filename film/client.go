package film

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/reelpost/reelpost/internal/httpclient"
)

// DefaultBaseURL is TMDB's API host; paths carry the version (/3/...).
const DefaultBaseURL = "https://api.themoviedb.org"

// maxBody caps an answer's body. Details with the full cast and crew of a
// large production run to a few hundred KiB.
const maxBody = 4 << 20

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// BaseURL is TMDB's API host (default DefaultBaseURL).
	BaseURL string
	// Credential is a v3 API key (32 hexadecimal characters) or a v4 API
	// Read Access Token (a JWT); its shape decides how it is sent.
	Credential string
	// HTTPClient sends the requests (default one built by httpclient.New).
	HTTPClient *http.Client
	// Language is the BCP 47 tag of the posts (default "en-US"): titles and
	// genres come in it, and its trailers are preferred.
	Language string
	// Logger receives a debug line per request (default discard).
	Logger *slog.Logger
	// Cache, when set, is consulted before Identify asks TMDB anything and
	// keeps what it found.
	Cache Cache
	// RecheckAfter is how long a cached "no match", or a match without a
	// trailer, stands before Identify asks TMDB again (default 7 days):
	// TMDB gains films and trailers; a found film with a trailer stands
	// for good.
	RecheckAfter time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Client asks TMDB. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	apiKey  string // v3: sent as ?api_key=
	token   string // v4: sent as Authorization: Bearer
	hc      *http.Client
	lang    string // BCP 47, as TMDB's language=
	iso     string // its ISO 639-1 part
	log     *slog.Logger
	cache   Cache
	recheck time.Duration
	now     func() time.Time
}

var (
	v3KeyRe = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	// A v4 token is a JWT: three base64url parts, the first a JSON header
	// ("eyJ" is how `{"` begins in base64).
	jwtRe = regexp.MustCompile(`^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)
)

// New builds a Client. It fails, without repeating the credential, when the
// credential has neither shape, and names the option that is wrong.
func New(o Options) (*Client, error) {
	c := &Client{hc: o.HTTPClient, log: o.Logger, cache: o.Cache, recheck: o.RecheckAfter, now: o.Now}
	cred := strings.TrimSpace(o.Credential)
	switch {
	case cred == "":
		return nil, errors.New("TMDB credential: empty: expected a v3 API key or a v4 API Read Access Token")
	case v3KeyRe.MatchString(cred):
		c.apiKey = cred
	case jwtRe.MatchString(cred):
		c.token = cred
	default:
		return nil, fmt.Errorf("TMDB credential: %d characters, neither a v3 API key (32 hexadecimal characters) "+
			"nor a v4 API Read Access Token (a JWT, eyJ...): copy one from https://www.themoviedb.org/settings/api", len(cred))
	}
	base := o.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("TMDB base URL %q: expected http(s)://host", base)
	}
	c.base = u
	lang := o.Language
	if lang == "" {
		lang = "en-US"
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("TMDB language %q: not a language tag: expected one such as en-US or de", lang)
	}
	c.lang = tag.String()
	b, _ := tag.Base()
	c.iso = b.String()
	if c.hc == nil {
		c.hc = httpclient.New(httpclient.Options{})
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.recheck <= 0 {
		c.recheck = 7 * 24 * time.Hour
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// Sentinels an *Error wraps, for errors.Is.
var (
	// ErrCredentials is TMDB refusing the credential (401).
	ErrCredentials = errors.New("TMDB refused the credentials")
	// ErrNotFound is TMDB not having what was asked for (404).
	ErrNotFound = errors.New("not on TMDB")
)

// Error is a request TMDB refused or that never got an answer.
type Error struct {
	// Status is the HTTP status; 0 when no answer came.
	Status int
	// Code and Message are TMDB's status_code and status_message.
	Code    int
	Message string
	// RetryAfter is how long TMDB asked us to wait (429, 503).
	RetryAfter time.Duration
	// Err is ErrCredentials, ErrNotFound, or the transport's error.
	Err error
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("no answer from TMDB: %v", e.Err)
	}
	var b strings.Builder
	if errors.Is(e.Err, ErrCredentials) {
		b.WriteString("TMDB refused the credentials: ")
	}
	fmt.Fprintf(&b, "TMDB answered %d", e.Status)
	if e.Code != 0 || e.Message != "" {
		fmt.Fprintf(&b, " (status_code %d: %s)", e.Code, e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, ", retry after %s", e.RetryAfter)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether asking again later may succeed: no answer, a
// rate limit (429) or a server error (5xx). A refused credential, a missing
// film or a bad request will fail the same way again.
func (e *Error) Temporary() bool {
	return e.Status == 0 || e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// get asks TMDB for path with q and decodes the answer into v.
func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	if q == nil {
		q = url.Values{}
	}
	shown := path
	if len(q) > 0 {
		shown += "?" + q.Encode()
	}
	if c.apiKey != "" {
		q.Set("api_key", c.apiKey)
	}
	u := c.base.JoinPath(path)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", shown, err)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	a, err := httpclient.Do(c.hc, req, maxBody+1)
	c.log.LogAttrs(ctx, slog.LevelDebug, "tmdb request", slog.String("path", shown),
		slog.Int("status", a.Status), slog.Duration("duration", time.Since(start)))
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("GET %s: %w", shown, ctx.Err())
		}
		return fmt.Errorf("GET %s: %w", shown, &Error{Err: c.redact(err)})
	}
	if a.Status/100 != 2 {
		return fmt.Errorf("GET %s: %w", shown, c.refusal(a))
	}
	if len(a.Body) > maxBody {
		return fmt.Errorf("GET %s: answer larger than %d bytes", shown, maxBody)
	}
	if err := json.Unmarshal(a.Body, v); err != nil {
		return fmt.Errorf("GET %s: read answer: %w", shown, err)
	}
	return nil
}

// refusal reads TMDB's error body and headers into an *Error.
func (c *Client) refusal(a httpclient.Answer) *Error {
	e := &Error{Status: a.Status}
	var body struct {
		Code    int    `json:"status_code"`
		Message string `json:"status_message"`
	}
	if json.Unmarshal(a.Body, &body) == nil {
		e.Code, e.Message = body.Code, c.scrub(body.Message)
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300]
	}
	now := c.now()
	if t := httpclient.RetryAfter(a.Header.Get("Retry-After"), now); !t.IsZero() && t.After(now) {
		e.RetryAfter = t.Sub(now)
	}
	switch a.Status {
	case http.StatusUnauthorized:
		e.Err = ErrCredentials
	case http.StatusNotFound:
		e.Err = ErrNotFound
	}
	return e
}

// redact keeps the key out of a transport error: its *url.Error names the
// whole URL, query and api_key included, so only its cause is kept (the
// caller names the request), and any echo of the key is scrubbed.
func (c *Client) redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return redacted{err: err, text: c.scrub(err.Error())}
}

// scrub removes the credential from text that may echo a request.
func (c *Client) scrub(s string) string {
	for _, secret := range []string{c.apiKey, c.token} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// redacted is an error whose text has been scrubbed; errors.Is and As still
// see the original.
type redacted struct {
	err  error
	text string
}

func (r redacted) Error() string { return r.text }
func (r redacted) Unwrap() error { return r.err }

// Verify checks that TMDB accepts the credential (GET /3/authentication,
// which takes either form).
func (c *Client) Verify(ctx context.Context) error {
	var ok struct {
		Success bool `json:"success"`
	}
	if err := c.get(ctx, "/3/authentication", nil, &ok); err != nil {
		return fmt.Errorf("verify TMDB credentials: %w", err)
	}
	if !ok.Success {
		return errors.New("verify TMDB credentials: TMDB did not answer success")
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
