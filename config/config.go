// Package config reads reelpost's configuration from environment variables
// (github.com/caarlos0/env/v11), secrets and templates also from files
// (NAME_FILE), and validates it, naming the variable at fault. A variable
// that looks like one of reelpost's but is not (a misspelling) is an error
// too: ignored, it would silently change what reelpost does.
package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/caarlos0/env/v11"
	"golang.org/x/text/language"

	"github.com/reelpost/reelpost/internal/redact"
)

// Config is the whole configuration. The env tags are the user-facing
// contract; the help tags feed the README's reference table
// (go run ./cmd/reelpost config-doc); file:"true" marks a variable that may
// also come from a file (NAME_FILE), as every Secret may.
type Config struct {
	FeedURLs       []string      `env:"FEED_URLS" envSeparator:"," file:"true" help:"Feeds to watch, comma-separated: http(s) URLs, or local file paths (for trying it out). Each goes to every account; see FEED_2_URL for a feed of its own."`
	FeedInclude    string        `env:"FEED_INCLUDE" help:"Only items whose title, one of whose categories, or whose text matches this Go regular expression are posted, e.g. (?i)review; every feed."`
	FeedExclude    string        `env:"FEED_EXCLUDE" help:"Items whose title, one of whose categories, or whose text matches this Go regular expression are never posted; every feed."`
	PollInterval   time.Duration `env:"POLL_INTERVAL" envDefault:"5m" help:"How often each feed is polled (Go duration; a random jitter of up to 10% is added)."`
	DatabaseURL    string        `env:"DATABASE_URL" envDefault:"reelpost.db" file:"true" help:"The ledger: a SQLite file path (or sqlite://PATH), or postgres://... for PostgreSQL."`
	FeedCategories []string      `env:"FEED_CATEGORIES" envSeparator:"," help:"Only items in one of these categories are reviews (case-insensitive, comma-separated); empty: review detection decides."`
	FetchPages     bool          `env:"FETCH_PAGES" envDefault:"true" help:"Fetch a review's own page when the feed item is thin (no body, or a body without a trailer)."`
	FetchPrivate   bool          `env:"FETCH_PRIVATE" envDefault:"false" help:"Let review pages and pictures be fetched from private, loopback and link-local addresses; off, a feed item's links cannot make reelpost reach into its own network."`
	MaxFeedBytes   int64         `env:"MAX_FEED_BYTES" envDefault:"10485760" help:"The most reelpost reads of one feed or page body, in bytes."`
	FetchTimeout   time.Duration `env:"FETCH_TIMEOUT" envDefault:"30s" help:"Overall time limit of one feed or page fetch."`

	DryRun          bool          `env:"DRY_RUN" help:"Log the exact post for each account instead of sending it. Also in force when no account is configured."`
	Backfill        int           `env:"BACKFILL" help:"On the first sight of a feed, post its newest N items instead of recording them all as already seen."`
	MaxPostsPerPoll int           `env:"MAX_POSTS_PER_POLL" envDefault:"3" help:"Flood guard: the most new items taken from one feed in one poll; the rest wait for later polls, oldest first."`
	PostSpacing     time.Duration `env:"POST_SPACING" help:"The least time between two posts on one account (Go duration)."`
	MaxAttempts     int           `env:"MAX_ATTEMPTS" envDefault:"8" help:"Attempts at one delivery before it is marked failed (transient errors; a rate limit waits for its reset and spends no attempt)."`
	LeaseDuration   time.Duration `env:"LEASE_DURATION" envDefault:"2m" help:"How long a claimed delivery stays one replica's without renewal. A process that dies has its deliveries taken over about 3 s after another finds it dead (checked first against the network); the lease only matters for a process that hangs."`
	Language        string        `env:"POST_LANGUAGE" envDefault:"en" help:"Language of the posts (BCP 47), sent to Mastodon and Bluesky; the spoiler warning is written in it (English for a language reelpost has no words for)."`
	PostHashtags    string        `env:"POST_HASHTAGS" help:"Extra hashtags for every post, separated by commas or spaces, e.g. #FilmReview (letters, digits and _, not digits only)."`
	PostMentions    bool          `env:"POST_MENTIONS" envDefault:"false" help:"Keep @mentions from the feed's text live in posts; off, they are defused, so a review never notifies the people it names."`

	PostTemplate     string `env:"POST_TEMPLATE" file:"true" help:"Go text/template for every network's post, over the Review's fields; overrides the built-in defaults."`
	XTemplate        string `env:"X_TEMPLATE" file:"true" help:"Template for X posts (overrides POST_TEMPLATE)."`
	MastodonTemplate string `env:"MASTODON_TEMPLATE" file:"true" help:"Template for Mastodon posts (overrides POST_TEMPLATE)."`
	BlueskyTemplate  string `env:"BLUESKY_TEMPLATE" file:"true" help:"Template for Bluesky posts (overrides POST_TEMPLATE)."`
	RepostTemplate   string `env:"REPOST_TEMPLATE" file:"true" help:"Template for manual reposts (reelpost repost); the default says it is a repost, so X does not refuse it as duplicate content."`

	TMDBAPIKey Secret        `env:"TMDB_API_KEY" help:"Film details from TMDB: a v3 API key (32 hexadecimal characters) or a v4 API read access token (eyJ...), from themoviedb.org > Settings > API; unset, TMDB is not asked."`
	TMDBAPIURL string        `env:"TMDB_API_URL" envDefault:"https://api.themoviedb.org" help:"TMDB API base URL."`
	TMDBWait   time.Duration `env:"TMDB_WAIT" envDefault:"15m" help:"The longest a post waits for TMDB (down, timing out or rate-limiting), counted from when the review was found, before it goes out without TMDB's trailer and details."`

	HTTPAddr  string `env:"HTTP_ADDR" envDefault:":8080" help:"Listener for /healthz, /readyz and /metrics (host:port); empty turns it off. It has no authentication: bind it to 127.0.0.1 or a private network, or put an authenticating proxy in front."`
	LogLevel  string `env:"LOG_LEVEL" envDefault:"info" help:"debug, info, warn or error."`
	LogFormat string `env:"LOG_FORMAT" envDefault:"json" help:"json or text."`
	// InstanceID names this process in delivery leases; default host name and pid.
	InstanceID string `env:"INSTANCE_ID" help:"Names this replica in delivery leases (default: host name and process id), followed by a random suffix of each process."`

	X        []XAccount        `env:"-"`
	Mastodon []MastodonAccount `env:"-"`
	Bluesky  []BlueskyAccount  `env:"-"`
	// NumberedFeeds are the FEED_<n>_* feeds, in numeric order.
	NumberedFeeds []NumberedFeed `env:"-"`

	// Set by Load from the variables above.
	hashtags      []string
	filter        Filter
	routes        []Route
	failedToParse map[string]bool
}

// XAccount is an X account, OAuth 1.0a user context.
type XAccount struct {
	// Prefix is the variables' prefix: "X_", or "X_2_" for a second account.
	Prefix string `env:"-"`
	// Label names the account in the configuration: "X", or "X_2" for a
	// second account; FEED_<n>_TO lists labels.
	Label             string `env:"-"`
	APIKey            Secret `env:"API_KEY" help:"X app's API key (consumer key)."`
	APISecret         Secret `env:"API_SECRET" help:"X app's API key secret."`
	AccessToken       Secret `env:"ACCESS_TOKEN" help:"X access token of the posting account (read and write)."`
	AccessTokenSecret Secret `env:"ACCESS_TOKEN_SECRET" help:"X access token secret."`
	APIURL            string `env:"API_URL" envDefault:"https://api.x.com" help:"X API base URL."`
}

// errXToken is an X access token without the shape X gives every OAuth 1.0a
// access token. It never quotes the token.
var errXToken = errors.New("not an X access token: expected <user id>-<rest>")

// UserID is the account's numeric X user id, which X puts before the dash of
// every OAuth 1.0a access token ("<user id>-<rest>"): reelpost keys the
// account's deliveries on it. A token without that shape has none, and is
// refused by Validate and by the X publisher with the same words.
func (a XAccount) UserID() (string, error) {
	uid, _, ok := strings.Cut(a.AccessToken.Value(), "-")
	if !ok || uid == "" || strings.Trim(uid, "0123456789") != "" {
		return "", errXToken
	}
	return uid, nil
}

// MastodonAccount is an account on a server speaking the Mastodon API
// (Mastodon, GoToSocial, Pleroma, Akkoma).
type MastodonAccount struct {
	Prefix      string `env:"-"`
	Label       string `env:"-"`
	Server      string `env:"SERVER" help:"Mastodon server, e.g. mastodon.social or https://mastodon.social (the server alone: the account is the token's)."`
	AccessToken Secret `env:"ACCESS_TOKEN" help:"Mastodon access token with the write:statuses scope (read:accounts for reelpost check)."`
	Visibility  string `env:"VISIBILITY" envDefault:"public" help:"public, unlisted, private or direct."`
}

// BlueskyAccount is a Bluesky (AT Protocol) account.
type BlueskyAccount struct {
	Prefix      string `env:"-"`
	Label       string `env:"-"`
	Handle      string `env:"HANDLE" help:"Bluesky handle, e.g. films.bsky.social."`
	AppPassword Secret `env:"APP_PASSWORD" help:"A Bluesky app password (Settings > Privacy and security > App passwords); never the account password."`
	PDSURL      string `env:"PDS_URL" envDefault:"https://bsky.social" help:"The account's PDS (or entryway) base URL."`
}

// FileSuffix marks a variable whose value is read from the named file:
// X_API_KEY_FILE=/run/secrets/x_api_key.
const FileSuffix = "_FILE"

// Load reads the configuration from environ (os.Environ as a map in main, a
// literal map in tests) and validates it. Its error is Problems: every
// problem found, each naming its variable.
func Load(environ map[string]string) (*Config, error) {
	var ps Problems
	ps = append(ps, checkNames(environ)...)
	environ, fileProblems := resolveFiles(environ)
	ps = append(ps, fileProblems...)

	c := Config{failedToParse: map[string]bool{}}
	if err := env.ParseWithOptions(&c, env.Options{Environment: environ}); err != nil {
		ps = append(ps, c.parseProblems(err, typeConfig, "")...)
	}
	// An empty HTTP_ADDR turns the listener off; the env library would put
	// the default back.
	if v, set := environ["HTTP_ADDR"]; set && strings.TrimSpace(v) == "" {
		c.HTTPAddr = ""
	}
	ps = append(ps, c.loadAccounts(environ)...)
	ps = append(ps, c.loadNumberedFeeds(environ)...)
	// Validate's messages about a value that did not parse would only repeat
	// the parse error, in worse words.
	for _, p := range c.validate() {
		if !c.failedToParse[p.Var] {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return nil, ps.sorted()
	}
	return &c, nil
}

// resolveFiles replaces every NAME_FILE variable of reelpost's by NAME with
// the file's contents (trailing newlines removed). Setting both is an error:
// which one wins would be a guess.
func resolveFiles(environ map[string]string) (map[string]string, Problems) {
	out := maps.Clone(environ)
	var ps Problems
	for k, path := range environ {
		name, ok := strings.CutSuffix(k, FileSuffix)
		if !ok || !fileable(name) {
			continue
		}
		delete(out, k)
		if v, set := environ[name]; set && v != "" {
			ps = append(ps, problemf(k, "%s and %s are both set: keep one", name, k))
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			// The path is not a secret; the contents would be.
			ps = append(ps, &Problem{Var: k, Err: fmt.Errorf("read %s: %w", path, unwrapPath(err))})
			continue
		}
		out[name] = strings.TrimRight(string(b), "\r\n")
	}
	return out, ps
}

// unwrapPath drops *PathError's own "open PATH:" so that the path is not
// said twice.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parseProblems turns caarlos0/env's aggregate error into one problem per
// variable, and remembers which variables failed.
func (c *Config) parseProblems(err error, t structType, prefix string) Problems {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return Problems{{Var: strings.TrimSuffix(prefix, "_"), Err: err}}
	}
	var ps Problems
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			name := prefix + t.varOf(pe.Name)
			c.failedToParse[name] = true
			ps = append(ps, problemf(name, "%s", expected(pe.Type.String())))
			continue
		}
		ps = append(ps, &Problem{Var: strings.TrimSuffix(prefix, "_"), Err: e})
	}
	return ps
}

func expected(typ string) string {
	switch typ {
	case "time.Duration":
		return "expected a Go duration such as 90s, 5m or 1h"
	case "bool":
		return "expected true or false"
	case "int", "int64":
		return "expected a whole number"
	}
	return "expected a " + typ
}

// loadAccounts finds every configured account. The first account of a network
// uses the plain names (MASTODON_SERVER); further ones put a number after the
// network (MASTODON_2_SERVER, MASTODON_3_SERVER, ...).
func (c *Config) loadAccounts(environ map[string]string) Problems {
	var ps Problems
	c.X = loadGroup(c, environ, groupX, &ps, func(a *XAccount) map[string]bool {
		return map[string]bool{
			"API_KEY": a.APIKey.IsSet(), "API_SECRET": a.APISecret.IsSet(),
			"ACCESS_TOKEN": a.AccessToken.IsSet(), "ACCESS_TOKEN_SECRET": a.AccessTokenSecret.IsSet(),
		}
	})
	c.Mastodon = loadGroup(c, environ, groupMastodon, &ps, func(a *MastodonAccount) map[string]bool {
		return map[string]bool{"SERVER": a.Server != "", "ACCESS_TOKEN": a.AccessToken.IsSet()}
	})
	c.Bluesky = loadGroup(c, environ, groupBluesky, &ps, func(a *BlueskyAccount) map[string]bool {
		return map[string]bool{"HANDLE": a.Handle != "", "APP_PASSWORD": a.AppPassword.IsSet()}
	})
	return ps
}

// member is a numbered group's member type: its prefix and label are set
// before the env library fills the rest.
type member interface {
	XAccount | MastodonAccount | BlueskyAccount | NumberedFeed
}

// loadGroup parses each member of one group. required says, for a member,
// which of its required variables (by name without the prefix) are set: a
// member with none set is not configured; one with only some is an error
// naming the missing ones.
func loadGroup[T member](c *Config, environ map[string]string, g group, ps *Problems, required func(*T) map[string]bool) []T {
	var out []T
	for _, prefix := range g.prefixes(environ) {
		var m T
		setNames(&m, prefix)
		if err := env.ParseWithOptions(&m, env.Options{Environment: environ, Prefix: prefix}); err != nil {
			*ps = append(*ps, c.parseProblems(err, structType{g.typ}, prefix)...)
			continue
		}
		set := required(&m)
		if !slices.Contains(slices.Collect(maps.Values(set)), true) {
			continue
		}
		if p := complete(prefix, set); p != nil {
			*ps = append(*ps, p)
			continue
		}
		out = append(out, m)
	}
	return out
}

func setNames(m any, prefix string) {
	label := strings.TrimSuffix(prefix, "_")
	switch m := m.(type) {
	case *XAccount:
		m.Prefix, m.Label = prefix, label
	case *MastodonAccount:
		m.Prefix, m.Label = prefix, label
	case *BlueskyAccount:
		m.Prefix, m.Label = prefix, label
	case *NumberedFeed:
		m.Prefix, m.Label = prefix, label
	}
}

func complete(prefix string, set map[string]bool) *Problem {
	var missing []string
	for name, ok := range set {
		if !ok {
			missing = append(missing, prefix+name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return problemf(strings.Join(missing, ", "), "not set, but other %s* variables are: set it (or %s%s), or unset the others",
		prefix, missing[0], FileSuffix)
}

// Validate checks values and their combinations, normalising some (a bare
// Mastodon host gets https://). Every message names the variable and says
// what is expected. Load calls it; its error is Problems.
func (c *Config) Validate() error {
	if ps := c.validate(); len(ps) > 0 {
		return ps.sorted()
	}
	return nil
}

func (c *Config) validate() Problems {
	var ps Problems
	bad := func(name, format string, a ...any) { ps = append(ps, problemf(name, format, a...)) }

	for i, f := range c.FeedURLs {
		f = strings.TrimSpace(f)
		c.FeedURLs[i] = f
		if err := CheckFeedURL(f); err != nil {
			bad("FEED_URLS", "%q: %v", redact.URL(f), err)
		}
	}
	if c.PollInterval < time.Second {
		bad("POLL_INTERVAL", "%s is too short: expected at least 1s", c.PollInterval)
	}
	if c.FetchTimeout <= 0 {
		bad("FETCH_TIMEOUT", "expected a positive duration")
	}
	if c.MaxFeedBytes < 1024 {
		bad("MAX_FEED_BYTES", "%d is too small: expected at least 1024", c.MaxFeedBytes)
	}
	if c.Backfill < 0 {
		bad("BACKFILL", "expected 0 or more")
	}
	if c.MaxPostsPerPoll < 1 {
		bad("MAX_POSTS_PER_POLL", "expected 1 or more")
	}
	if c.PostSpacing < 0 {
		bad("POST_SPACING", "expected a duration of 0 or more")
	}
	if c.LeaseDuration < time.Second {
		bad("LEASE_DURATION", "%s is too short: expected at least 1s", c.LeaseDuration)
	}
	if c.MaxAttempts < 1 {
		bad("MAX_ATTEMPTS", "expected 1 or more")
	}
	if c.Language != "" {
		// Bluesky refuses a record whose langs is not BCP 47 ("en_US"), so
		// every post would fail; x/text reads the common spellings.
		if tag, err := language.Parse(c.Language); err != nil {
			bad("POST_LANGUAGE", "%q is not a language tag: expected one such as en, fr or pt-BR", c.Language)
		} else {
			c.Language = tag.String()
		}
	}
	if c.DatabaseURL == "" {
		bad("DATABASE_URL", "empty: expected a SQLite file path or postgres://...")
	} else if u, err := url.Parse(c.DatabaseURL); err == nil && len(u.Scheme) > 1 &&
		u.Scheme != "postgres" && u.Scheme != "postgresql" && u.Scheme != "sqlite" && u.Scheme != "file" {
		bad("DATABASE_URL", "scheme %q: expected a SQLite file path, sqlite://PATH or postgres://...", u.Scheme)
	}
	if err := checkListenAddr(c.HTTPAddr); err != nil {
		bad("HTTP_ADDR", "%q: %v", c.HTTPAddr, err)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "warning", "error":
	default:
		bad("LOG_LEVEL", "%q: expected debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("LOG_FORMAT", "%q: expected json or text", c.LogFormat)
	}
	for name, t := range map[string]string{
		"POST_TEMPLATE": c.PostTemplate, "X_TEMPLATE": c.XTemplate, "MASTODON_TEMPLATE": c.MastodonTemplate,
		"BLUESKY_TEMPLATE": c.BlueskyTemplate, "REPOST_TEMPLATE": c.RepostTemplate,
	} {
		if err := checkTemplate(name, t); err != nil {
			bad(name, "%v", err)
		}
	}
	var err error
	if c.hashtags, err = parseHashtags(c.PostHashtags); err != nil {
		bad("POST_HASHTAGS", "%v", err)
	}
	c.filter = Filter{}
	if re, err := compileFilter(c.FeedInclude); err != nil {
		bad("FEED_INCLUDE", "%v", err)
	} else if re != nil {
		c.filter.include("FEED_INCLUDE", re)
	}
	if re, err := compileFilter(c.FeedExclude); err != nil {
		bad("FEED_EXCLUDE", "%v", err)
	} else if re != nil {
		c.filter.exclude("FEED_EXCLUDE", re)
	}
	ps = append(ps, c.validateTMDB()...)
	for _, a := range c.X {
		if err := checkBaseURL(a.APIURL); err != nil {
			bad(a.Prefix+"API_URL", "%q: %v", a.APIURL, err)
		}
		if _, err := a.UserID(); err != nil {
			bad(a.Prefix+"ACCESS_TOKEN", "%w", err)
		}
	}
	for i := range c.Mastodon {
		a := &c.Mastodon[i]
		server, err := normaliseServer(a.Server, a.Prefix)
		if err != nil {
			bad(a.Prefix+"SERVER", "%v", err)
		} else {
			a.Server = server
		}
		switch a.Visibility {
		case "public", "unlisted", "private", "direct":
		default:
			bad(a.Prefix+"VISIBILITY", "%q: expected public, unlisted, private or direct", a.Visibility)
		}
	}
	for _, a := range c.Bluesky {
		if err := checkBaseURL(a.PDSURL); err != nil {
			bad(a.Prefix+"PDS_URL", "%q: %v", a.PDSURL, err)
		}
		if strings.HasPrefix(a.Handle, "@") || !strings.Contains(a.Handle, ".") && !strings.HasPrefix(a.Handle, "did:") {
			bad(a.Prefix+"HANDLE", "%q: expected a handle such as films.bsky.social (no @) or a DID", a.Handle)
		}
	}
	ps = append(ps, c.resolveRoutes()...)
	return ps
}

// TemplateFuncs are the functions a post template may call beside
// text/template's own; the renderer (publisher) runs templates with these,
// so a template that parses here parses there.
var TemplateFuncs = template.FuncMap{"join": strings.Join}

func checkTemplate(name, text string) error {
	if text == "" {
		return nil
	}
	_, err := template.New(name).Funcs(TemplateFuncs).Parse(text)
	return err
}

// CheckFeedURL says what is wrong with a feed's address: it must be an
// http(s) URL or a local file path.
func CheckFeedURL(f string) error {
	if f == "" {
		return errors.New("empty entry")
	}
	u, err := url.Parse(f)
	if err != nil {
		return errors.New("not a URL or a file path")
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return errors.New("no host")
		}
	case "file", "":
	default:
		if len(u.Scheme) == 1 { // a Windows drive letter
			return nil
		}
		return fmt.Errorf("scheme %q: expected http(s)://, file:// or a file path", u.Scheme)
	}
	return nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("expected an http(s) URL such as https://example.social")
	}
	return nil
}

// normaliseServer reads a Mastodon server as people write it: a bare host
// (mastodon.social) means https; a trailing slash is dropped. A path is
// refused, not dropped: https://mastodon.social/@films names an account,
// and the account is the access token's, whatever the URL says.
func normaliseServer(s, prefix string) (string, error) {
	raw := strings.TrimSpace(s)
	if !strings.Contains(raw, "://") {
		if host, _, _ := strings.Cut(raw, "/"); strings.Contains(host, "@") {
			return "", fmt.Errorf("%q is an account, not a server: expected the server alone, such as mastodon.social (the account is the one %sACCESS_TOKEN belongs to)", s, prefix)
		}
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("%q: expected a server such as mastodon.social or https://mastodon.social", s)
	}
	if strings.TrimRight(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q has a path: expected the server alone, such as %s://%s (the account is the one %sACCESS_TOKEN belongs to)",
			s, u.Scheme, u.Host, prefix)
	}
	return u.Scheme + "://" + u.Host, nil
}

// checkListenAddr accepts what the health listener can listen on: host:port
// with a numeric port, or empty (no listener).
func checkListenAddr(addr string) error {
	if addr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("expected host:port such as :8080 or 127.0.0.1:8080, or empty for no listener")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q: expected a number from 0 to 65535", port)
	}
	return nil
}

// compileFilter compiles a FEED_INCLUDE-like expression; empty is no filter.
func compileFilter(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("%q is not a Go regular expression: %w", expr, err)
	}
	return re, nil
}

// Accounts counts the configured accounts.
func (c *Config) Accounts() int { return len(c.X) + len(c.Mastodon) + len(c.Bluesky) }

// AccountLabels lists the configured accounts' labels (X, X_2, MASTODON,
// ...), X first, then Mastodon, then Bluesky, each in numeric order.
func (c *Config) AccountLabels() []string {
	var out []string
	for _, a := range c.X {
		out = append(out, a.Label)
	}
	for _, a := range c.Mastodon {
		out = append(out, a.Label)
	}
	for _, a := range c.Bluesky {
		out = append(out, a.Label)
	}
	return out
}

// EffectiveDryRun is DRY_RUN, or no account configured.
func (c *Config) EffectiveDryRun() bool { return c.DryRun || c.Accounts() == 0 }

// Hashtags are POST_HASHTAGS' tags, without their #, for every post.
func (c *Config) Hashtags() []string { return slices.Clone(c.hashtags) }
