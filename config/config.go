// Package config reads reelpost's configuration from environment variables
// (github.com/caarlos0/env/v11), with secrets also from files (NAME_FILE),
// and validates it, naming the variable at fault.
package config

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/caarlos0/env/v11"
	"golang.org/x/text/language"
)

// Config is the whole configuration. The env tags are the user-facing
// contract; the help tags feed the README's reference table
// (go run ./cmd/reelpost config-doc).
type Config struct {
	FeedURLs       []string      `env:"FEED_URLS" envSeparator:"," help:"Feeds to watch, comma-separated: http(s) URLs, or local file paths (for trying it out)."`
	PollInterval   time.Duration `env:"POLL_INTERVAL" envDefault:"5m" help:"How often each feed is polled (Go duration; a random jitter of up to 10% is added)."`
	DatabaseURL    string        `env:"DATABASE_URL" envDefault:"reelpost.db" help:"The ledger: a SQLite file path (or sqlite://PATH), or postgres://... for PostgreSQL."`
	FeedCategories []string      `env:"FEED_CATEGORIES" envSeparator:"," help:"Only items in one of these categories are reviews (case-insensitive, comma-separated); empty: review detection decides."`
	FetchPages     bool          `env:"FETCH_PAGES" envDefault:"true" help:"Fetch a review's own page when the feed item is thin (no body, or a body without a trailer)."`
	MaxFeedBytes   int64         `env:"MAX_FEED_BYTES" envDefault:"10485760" help:"The most reelpost reads of one feed or page body, in bytes."`
	FetchTimeout   time.Duration `env:"FETCH_TIMEOUT" envDefault:"30s" help:"Overall time limit of one feed or page fetch."`

	DryRun          bool          `env:"DRY_RUN" help:"Log the exact post for each account instead of sending it. Also in force when no account is configured."`
	Backfill        int           `env:"BACKFILL" help:"On the first sight of a feed, post its newest N items instead of recording them all as already seen."`
	MaxPostsPerPoll int           `env:"MAX_POSTS_PER_POLL" envDefault:"3" help:"Flood guard: the most new items taken from one feed in one poll; the rest wait for later polls, oldest first."`
	PostSpacing     time.Duration `env:"POST_SPACING" help:"The least time between two posts on one account (Go duration)."`
	MaxAttempts     int           `env:"MAX_ATTEMPTS" envDefault:"8" help:"Attempts at one delivery before it is marked failed (transient errors; a rate limit waits for its reset and spends no attempt)."`
	LeaseDuration   time.Duration `env:"LEASE_DURATION" envDefault:"2m" help:"How long a claimed delivery stays one replica's without renewal; after a crash its posts resume (checked first against the network) once this has passed."`
	Language        string        `env:"POST_LANGUAGE" envDefault:"en" help:"Language of the posts (BCP 47), sent to Mastodon and Bluesky."`

	PostTemplate     string `env:"POST_TEMPLATE" help:"Go text/template for every network's post, over the Review's fields; overrides the built-in defaults."`
	XTemplate        string `env:"X_TEMPLATE" help:"Template for X posts (overrides POST_TEMPLATE)."`
	MastodonTemplate string `env:"MASTODON_TEMPLATE" help:"Template for Mastodon posts (overrides POST_TEMPLATE)."`
	BlueskyTemplate  string `env:"BLUESKY_TEMPLATE" help:"Template for Bluesky posts (overrides POST_TEMPLATE)."`
	RepostTemplate   string `env:"REPOST_TEMPLATE" help:"Template for manual reposts (reelpost repost); the default says it is a repost, so X does not refuse it as duplicate content."`

	HTTPAddr  string `env:"HTTP_ADDR" envDefault:":8080" help:"Listener for /healthz, /readyz and /metrics; empty turns it off."`
	LogLevel  string `env:"LOG_LEVEL" envDefault:"info" help:"debug, info, warn or error."`
	LogFormat string `env:"LOG_FORMAT" envDefault:"json" help:"json or text."`
	// InstanceID names this process in delivery leases; default host name and pid.
	InstanceID string `env:"INSTANCE_ID" help:"Names this replica in delivery leases (default: host name and process id), followed by a random suffix of each process."`

	X        []XAccount        `env:"-"`
	Mastodon []MastodonAccount `env:"-"`
	Bluesky  []BlueskyAccount  `env:"-"`
}

// XAccount is an X account, OAuth 1.0a user context.
type XAccount struct {
	// Prefix is the variables' prefix: "X_", or "X_2_" for a second account.
	Prefix            string `env:"-"`
	APIKey            Secret `env:"API_KEY" help:"X app's API key (consumer key)."`
	APISecret         Secret `env:"API_SECRET" help:"X app's API key secret."`
	AccessToken       Secret `env:"ACCESS_TOKEN" help:"X access token of the posting account (read and write)."`
	AccessTokenSecret Secret `env:"ACCESS_TOKEN_SECRET" help:"X access token secret."`
	APIURL            string `env:"API_URL" envDefault:"https://api.x.com" help:"X API base URL."`
}

// MastodonAccount is an account on a server speaking the Mastodon API
// (Mastodon, GoToSocial, Pleroma, Akkoma).
type MastodonAccount struct {
	Prefix      string `env:"-"`
	Server      string `env:"SERVER" help:"Mastodon server base URL, e.g. https://mastodon.social."`
	AccessToken Secret `env:"ACCESS_TOKEN" help:"Mastodon access token with the write:statuses scope (read:accounts for reelpost check)."`
	Visibility  string `env:"VISIBILITY" envDefault:"public" help:"public, unlisted, private or direct."`
}

// BlueskyAccount is a Bluesky (AT Protocol) account.
type BlueskyAccount struct {
	Prefix      string `env:"-"`
	Handle      string `env:"HANDLE" help:"Bluesky handle, e.g. films.bsky.social."`
	AppPassword Secret `env:"APP_PASSWORD" help:"A Bluesky app password (Settings > Privacy and security > App passwords); never the account password."`
	PDSURL      string `env:"PDS_URL" envDefault:"https://bsky.social" help:"The account's PDS (or entryway) base URL."`
}

// FileSuffix marks a variable whose value is read from the named file:
// X_API_KEY_FILE=/run/secrets/x_api_key.
const FileSuffix = "_FILE"

// Load reads the configuration from environ (os.Environ as a map in main, a
// literal map in tests) and validates it.
func Load(environ map[string]string) (*Config, error) {
	environ, err := resolveFiles(environ)
	if err != nil {
		return nil, err
	}
	var c Config
	// Report every bad variable at once, not one per start-up attempt: the
	// values that failed to parse are left out of Validate, which would only
	// repeat them.
	parseErr := env.ParseWithOptions(&c, env.Options{Environment: environ})
	if parseErr != nil {
		parseErr = envError(parseErr)
	}
	// An empty HTTP_ADDR turns the listener off; the env library would put
	// the default back.
	if v, set := environ["HTTP_ADDR"]; set && strings.TrimSpace(v) == "" {
		c.HTTPAddr = ""
	}
	accErr := loadAccounts(&c, environ)
	if parseErr != nil || accErr != nil {
		return nil, errors.Join(parseErr, accErr)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// resolveFiles replaces every NAME_FILE variable by NAME with the file's
// contents (trailing newline removed). Setting both is an error: which one
// wins would be a guess.
func resolveFiles(environ map[string]string) (map[string]string, error) {
	out := maps.Clone(environ)
	for k, path := range environ {
		name, ok := strings.CutSuffix(k, FileSuffix)
		if !ok || name == "" || !isOurs(name) {
			continue
		}
		if v, set := environ[name]; set && v != "" {
			return nil, fmt.Errorf("%s and %s are both set: keep one", name, k)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			// The path is not a secret; the contents would be.
			return nil, fmt.Errorf("%s: read %s: %w", k, path, errors.Unwrap(err))
		}
		out[name] = strings.TrimRight(string(b), "\r\n")
		delete(out, k)
	}
	return out, nil
}

// isOurs tells reelpost's variables from others that happen to end in _FILE.
func isOurs(name string) bool {
	for _, p := range []string{"X_", "MASTODON_", "BLUESKY_", "DATABASE_URL", "FEED_URLS"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// envError turns caarlos0/env's aggregate error into one line per variable.
func envError(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	msgs := make([]string, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			msgs = append(msgs, fmt.Sprintf("%s: %s", varOf(pe.Name), expected(pe.Type.String())))
			continue
		}
		msgs = append(msgs, e.Error())
	}
	return errors.New(strings.Join(msgs, "; "))
}

// varOf maps a Config field name to its variable, for env.ParseError.
func varOf(field string) string {
	for _, f := range Fields() {
		if f.Field == field {
			return f.Var
		}
	}
	return field
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
func loadAccounts(c *Config, environ map[string]string) error {
	var errs []error
	c.X = loadNetwork(environ, "X", &errs, func(a *XAccount) map[string]bool {
		return map[string]bool{
			"API_KEY": a.APIKey.IsSet(), "API_SECRET": a.APISecret.IsSet(),
			"ACCESS_TOKEN": a.AccessToken.IsSet(), "ACCESS_TOKEN_SECRET": a.AccessTokenSecret.IsSet(),
		}
	})
	c.Mastodon = loadNetwork(environ, "MASTODON", &errs, func(a *MastodonAccount) map[string]bool {
		return map[string]bool{"SERVER": a.Server != "", "ACCESS_TOKEN": a.AccessToken.IsSet()}
	})
	c.Bluesky = loadNetwork(environ, "BLUESKY", &errs, func(a *BlueskyAccount) map[string]bool {
		return map[string]bool{"HANDLE": a.Handle != "", "APP_PASSWORD": a.AppPassword.IsSet()}
	})
	return errors.Join(errs...)
}

// account is a network's account type: its variables' prefix is set before
// the env library fills the rest.
type account interface {
	XAccount | MastodonAccount | BlueskyAccount
}

// loadNetwork parses each account of one network. required says, for an
// account, which of its required variables (by name without the prefix) are
// set: an account with none set is not configured; one with only some is an
// error naming the missing ones.
func loadNetwork[T account](environ map[string]string, network string, errs *[]error, required func(*T) map[string]bool) []T {
	var out []T
	for _, prefix := range prefixes(environ, network) {
		var a T
		setPrefix(&a, prefix)
		if err := env.ParseWithOptions(&a, env.Options{Environment: environ, Prefix: prefix}); err != nil {
			*errs = append(*errs, envError(err))
			continue
		}
		set := required(&a)
		if !slices.Contains(slices.Collect(maps.Values(set)), true) {
			continue
		}
		if err := complete(prefix, set); err != nil {
			*errs = append(*errs, err)
			continue
		}
		out = append(out, a)
	}
	return out
}

func setPrefix(a any, prefix string) {
	switch a := a.(type) {
	case *XAccount:
		a.Prefix = prefix
	case *MastodonAccount:
		a.Prefix = prefix
	case *BlueskyAccount:
		a.Prefix = prefix
	}
}

// prefixes returns "NET_" and every "NET_<n>_" that some variable uses, in
// numeric order.
func prefixes(environ map[string]string, network string) []string {
	nums := map[int]bool{}
	for k := range environ {
		rest, ok := strings.CutPrefix(k, network+"_")
		if !ok {
			continue
		}
		n, _, ok := strings.Cut(rest, "_")
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(n); err == nil && i >= 2 {
			nums[i] = true
		}
	}
	out := []string{network + "_"}
	for _, n := range slices.Sorted(maps.Keys(nums)) {
		out = append(out, fmt.Sprintf("%s_%d_", network, n))
	}
	return out
}

func complete(prefix string, set map[string]bool) error {
	var missing []string
	for name, ok := range set {
		if !ok {
			missing = append(missing, prefix+name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("%s: not set, but other %s* credentials are: set it (or %s%s), or unset the account's other variables",
		strings.Join(missing, ", "), prefix, missing[0], FileSuffix)
}

// Validate checks values and their combinations. Every message names the
// variable and says what is expected.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	for i, f := range c.FeedURLs {
		f = strings.TrimSpace(f)
		c.FeedURLs[i] = f
		if err := checkFeedURL(f); err != nil {
			bad("FEED_URLS: %q: %v", f, err)
		}
	}
	if c.PollInterval < time.Second {
		bad("POLL_INTERVAL: %s is too short: expected at least 1s", c.PollInterval)
	}
	if c.FetchTimeout <= 0 {
		bad("FETCH_TIMEOUT: expected a positive duration")
	}
	if c.MaxFeedBytes < 1024 {
		bad("MAX_FEED_BYTES: %d is too small: expected at least 1024", c.MaxFeedBytes)
	}
	if c.Backfill < 0 {
		bad("BACKFILL: expected 0 or more")
	}
	if c.MaxPostsPerPoll < 1 {
		bad("MAX_POSTS_PER_POLL: expected 1 or more")
	}
	if c.PostSpacing < 0 {
		bad("POST_SPACING: expected a duration of 0 or more")
	}
	if c.LeaseDuration < time.Second {
		bad("LEASE_DURATION: %s is too short: expected at least 1s", c.LeaseDuration)
	}
	if c.MaxAttempts < 1 {
		bad("MAX_ATTEMPTS: expected 1 or more")
	}
	if c.Language != "" {
		// Bluesky refuses a record whose langs is not BCP 47 ("en_US"), so
		// every post would fail; x/text reads the common spellings.
		if tag, err := language.Parse(c.Language); err != nil {
			bad("POST_LANGUAGE: %q is not a language tag: expected one such as en, fr or pt-BR", c.Language)
		} else {
			c.Language = tag.String()
		}
	}
	if c.DatabaseURL == "" {
		bad("DATABASE_URL: empty: expected a SQLite file path or postgres://...")
	} else if u, err := url.Parse(c.DatabaseURL); err == nil && len(u.Scheme) > 1 &&
		u.Scheme != "postgres" && u.Scheme != "postgresql" && u.Scheme != "sqlite" && u.Scheme != "file" {
		bad("DATABASE_URL: scheme %q: expected a SQLite file path, sqlite://PATH or postgres://...", u.Scheme)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "warning", "error":
	default:
		bad("LOG_LEVEL: %q: expected debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("LOG_FORMAT: %q: expected json or text", c.LogFormat)
	}
	for name, t := range map[string]string{
		"POST_TEMPLATE": c.PostTemplate, "X_TEMPLATE": c.XTemplate, "MASTODON_TEMPLATE": c.MastodonTemplate,
		"BLUESKY_TEMPLATE": c.BlueskyTemplate, "REPOST_TEMPLATE": c.RepostTemplate,
	} {
		if t == "" {
			continue
		}
		if _, err := template.New(name).Parse(t); err != nil {
			bad("%s: %v", name, err)
		}
	}
	for _, a := range c.X {
		if err := checkBaseURL(a.APIURL); err != nil {
			bad("%sAPI_URL: %q: %v", a.Prefix, a.APIURL, err)
		}
	}
	for _, a := range c.Mastodon {
		if err := checkBaseURL(a.Server); err != nil {
			bad("%sSERVER: %q: %v", a.Prefix, a.Server, err)
		}
		switch a.Visibility {
		case "public", "unlisted", "private", "direct":
		default:
			bad("%sVISIBILITY: %q: expected public, unlisted, private or direct", a.Prefix, a.Visibility)
		}
	}
	for _, a := range c.Bluesky {
		if err := checkBaseURL(a.PDSURL); err != nil {
			bad("%sPDS_URL: %q: %v", a.Prefix, a.PDSURL, err)
		}
		if strings.HasPrefix(a.Handle, "@") || !strings.Contains(a.Handle, ".") && !strings.HasPrefix(a.Handle, "did:") {
			bad("%sHANDLE: %q: expected a handle such as films.bsky.social (no @) or a DID", a.Prefix, a.Handle)
		}
	}
	return errors.Join(errs...)
}

func checkFeedURL(f string) error {
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

// Accounts counts the configured accounts.
func (c *Config) Accounts() int { return len(c.X) + len(c.Mastodon) + len(c.Bluesky) }

// EffectiveDryRun is DRY_RUN, or no account configured.
func (c *Config) EffectiveDryRun() bool { return c.DryRun || c.Accounts() == 0 }
