package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/caarlos0/env/v11"

	"github.com/reelpost/reelpost/internal/redact"
)

// NumberedFeed is a feed with settings of its own (FEED_2_URL, FEED_2_TO,
// ...): several blogs, or a Letterboxd account and a blog, each posting to
// its own accounts in one daemon.
type NumberedFeed struct {
	// Prefix is the variables' prefix, "FEED_2_"; Label is "FEED_2".
	Prefix   string   `env:"-"`
	Label    string   `env:"-"`
	URL      string   `env:"URL" help:"A feed with settings of its own, numbered from 2 like accounts (FEED_2_URL, FEED_3_URL, ...; FEED_URLS lists the others): its http(s) URL or file path. The FEED_2_* variables below apply to it alone."`
	To       []string `env:"TO" envSeparator:"," help:"The accounts FEED_2_URL posts to, comma-separated, by the label of their variables: X, X_2, MASTODON, MASTODON_3, BLUESKY, ...; empty: every account."`
	Hashtags string   `env:"HASHTAGS" help:"Extra hashtags for FEED_2_URL's posts, after POST_HASHTAGS."`
	Template string   `env:"TEMPLATE" file:"true" help:"Template for FEED_2_URL's posts on every network, in place of POST_TEMPLATE and the network templates (reposts keep REPOST_TEMPLATE)."`
	Include  string   `env:"INCLUDE" help:"Like FEED_INCLUDE, for FEED_2_URL alone; an item must match both."`
	Exclude  string   `env:"EXCLUDE" help:"Like FEED_EXCLUDE, for FEED_2_URL alone; either one excludes an item."`
}

// Route is where one feed's reviews go and how they are posted: the form of
// FEED_URLS and FEED_<n>_* the relay works with.
type Route struct {
	// Feed names where the feed was configured: "FEED_URLS" or "FEED_2".
	Feed string
	URL  string
	// To lists the labels (AccountLabels' form) of the accounts the feed
	// posts to: every configured account, unless FEED_<n>_TO names some.
	// Empty only when no account is configured (a dry run).
	To []string
	// Template, when not empty, is the feed's own (FEED_<n>_TEMPLATE): it
	// replaces POST_TEMPLATE and the network templates for the feed's
	// posts. Reposts keep REPOST_TEMPLATE.
	Template string
	// Hashtags are POST_HASHTAGS' then the feed's own, without #.
	Hashtags []string
	// Filter is FEED_INCLUDE and FEED_EXCLUDE, with the feed's own.
	Filter Filter
}

// PostsTo reports whether the feed posts to the account labelled label.
func (r Route) PostsTo(label string) bool { return slices.Contains(r.To, label) }

// Filter decides which items of a feed are posted: an item is when every
// Include expression matches its title, one of its categories or its text,
// and no Exclude expression matches any of them. The zero Filter admits
// everything.
type Filter struct {
	Include, Exclude []*regexp.Regexp
	// names are the variables the expressions come from, for Judge.
	names map[*regexp.Regexp]string
}

func (f *Filter) include(name string, re *regexp.Regexp) {
	f.Include = append(f.Include, re)
	f.name(name, re)
}

func (f *Filter) exclude(name string, re *regexp.Regexp) {
	f.Exclude = append(f.Exclude, re)
	f.name(name, re)
}

func (f *Filter) name(name string, re *regexp.Regexp) {
	names := make(map[*regexp.Regexp]string, len(f.names)+1)
	for k, v := range f.names {
		names[k] = v
	}
	names[re] = name
	f.names = names // a copy: Filters share their expressions, never their maps' updates
}

// clone is f, to which expressions can be added without changing f.
func (f Filter) clone() Filter {
	return Filter{Include: slices.Clone(f.Include), Exclude: slices.Clone(f.Exclude), names: f.names}
}

// Judge is Admits saying why not: "" when the item is to be posted, else
// "excluded by FEED_EXCLUDE" (the variable whose expression matched) or
// "excluded by FEED_2_INCLUDE (no match)" (the variable whose expression
// did not match), the words reelpost preview and status show.
func (f Filter) Judge(title string, categories []string, text string) string {
	matches := func(re *regexp.Regexp) bool {
		return re.MatchString(title) || re.MatchString(text) || slices.ContainsFunc(categories, re.MatchString)
	}
	nameOf := func(re *regexp.Regexp, kind string) string {
		if n := f.names[re]; n != "" {
			return n
		}
		return kind
	}
	for _, re := range f.Exclude {
		if matches(re) {
			return "excluded by " + nameOf(re, "FEED_EXCLUDE")
		}
	}
	for _, re := range f.Include {
		if !matches(re) {
			return "excluded by " + nameOf(re, "FEED_INCLUDE") + " (no match)"
		}
	}
	return ""
}

// Admits reports whether an item with this title, these categories and this
// text is to be posted.
func (f Filter) Admits(title string, categories []string, text string) bool {
	return f.Judge(title, categories, text) == ""
}

// Routes lists every feed, FEED_URLS' first, then the numbered ones in
// numeric order. Load resolves them; a Config not from Load has none until
// Validate.
func (c *Config) Routes() []Route { return slices.Clone(c.routes) }

// Route returns the route of the feed at url.
func (c *Config) Route(url string) (Route, bool) {
	for _, r := range c.routes {
		if r.URL == url {
			return r, true
		}
	}
	return Route{}, false
}

// AllFeedURLs lists every feed's URL, in Routes' order.
func (c *Config) AllFeedURLs() []string {
	out := make([]string, len(c.routes))
	for i, r := range c.routes {
		out[i] = r.URL
	}
	return out
}

// Filter is FEED_INCLUDE and FEED_EXCLUDE, for every feed.
func (c *Config) Filter() Filter { return c.filter }

// loadNumberedFeeds reads every FEED_<n>_* feed. Its URL is what makes it
// a feed: other FEED_<n>_* variables without one are an error, not ignored.
func (c *Config) loadNumberedFeeds(environ map[string]string) Problems {
	var ps Problems
	c.NumberedFeeds = nil
	for _, prefix := range groupFeed.prefixes(environ) {
		var f NumberedFeed
		setNames(&f, prefix)
		if err := env.ParseWithOptions(&f, env.Options{Environment: environ, Prefix: prefix}); err != nil {
			ps = append(ps, c.parseProblems(err, structType{groupFeed.typ}, prefix)...)
			continue
		}
		if strings.TrimSpace(f.URL) == "" {
			var others []string
			for k, v := range environ {
				if strings.HasPrefix(k, prefix) && k != prefix+"URL" && v != "" {
					others = append(others, k)
				}
			}
			if len(others) > 0 {
				slices.Sort(others)
				ps = append(ps, problemf(prefix+"URL", "not set, but %s %s: set it, or unset them",
					strings.Join(others, ", "), map[bool]string{true: "is", false: "are"}[len(others) == 1]))
			}
			continue
		}
		c.NumberedFeeds = append(c.NumberedFeeds, f)
	}
	return ps
}

// resolveRoutes checks the numbered feeds and builds Routes.
func (c *Config) resolveRoutes() Problems {
	var ps Problems
	bad := func(name, format string, a ...any) { ps = append(ps, problemf(name, format, a...)) }
	labels := c.AccountLabels()
	c.routes = nil
	where := map[string]string{}
	for _, u := range c.FeedURLs {
		if u == "" || CheckFeedURL(u) != nil {
			continue // Validate said why
		}
		if prev, dup := where[u]; dup {
			bad("FEED_URLS", "%s is listed twice (%s): list a feed once", redact.URL(u), prev)
			continue
		}
		where[u] = "FEED_URLS"
		c.routes = append(c.routes, Route{Feed: "FEED_URLS", URL: u, To: labels,
			Hashtags: slices.Clone(c.hashtags), Filter: c.filter})
	}
	for i := range c.NumberedFeeds {
		f := &c.NumberedFeeds[i]
		f.URL = strings.TrimSpace(f.URL)
		r := Route{Feed: f.Label, URL: f.URL, Template: f.Template, Filter: c.filter.clone()}
		ok := true
		if err := CheckFeedURL(f.URL); err != nil {
			bad(f.Prefix+"URL", "%q: %v", redact.URL(f.URL), err)
			ok = false
		} else if prev, dup := where[f.URL]; dup {
			bad(f.Prefix+"URL", "%s is also in %s: list a feed once", redact.URL(f.URL), prev)
			ok = false
		}
		where[f.URL] = f.Prefix + "URL"
		to, toPs := f.resolveTo(labels)
		ps = append(ps, toPs...)
		r.To = to
		tags, err := parseHashtags(f.Hashtags)
		if err != nil {
			bad(f.Prefix+"HASHTAGS", "%v", err)
		}
		r.Hashtags = mergeTags(c.hashtags, tags)
		if err := checkTemplate(f.Prefix+"TEMPLATE", f.Template); err != nil {
			bad(f.Prefix+"TEMPLATE", "%v", err)
		}
		if re, err := compileFilter(f.Include); err != nil {
			bad(f.Prefix+"INCLUDE", "%v", err)
		} else if re != nil {
			r.Filter.include(f.Prefix+"INCLUDE", re)
		}
		if re, err := compileFilter(f.Exclude); err != nil {
			bad(f.Prefix+"EXCLUDE", "%v", err)
		} else if re != nil {
			r.Filter.exclude(f.Prefix+"EXCLUDE", re)
		}
		if ok {
			c.routes = append(c.routes, r)
		}
	}
	return ps
}

// resolveTo reads FEED_<n>_TO against the configured accounts' labels.
func (f *NumberedFeed) resolveTo(labels []string) ([]string, Problems) {
	var to []string
	var ps Problems
	for _, e := range f.To {
		l := strings.ToUpper(strings.TrimSpace(e))
		switch {
		case l == "":
		case slices.Contains(labels, l):
			if !slices.Contains(to, l) {
				to = append(to, l)
			}
		case isAccountLabel(l):
			configured := "none"
			if len(labels) > 0 {
				configured = strings.Join(labels, ", ")
			}
			ps = append(ps, problemf(f.Prefix+"TO", "%s is not a configured account (configured: %s)", l, configured))
		default:
			ps = append(ps, problemf(f.Prefix+"TO", "%q is not an account label: expected the label of an account's variables, such as X, MASTODON_2 or BLUESKY", strings.TrimSpace(e)))
		}
	}
	if len(f.To) == 0 || len(to) == 0 && len(ps) == 0 {
		return labels, ps
	}
	return to, ps
}

// isAccountLabel: l has an account label's form (MASTODON, MASTODON_3),
// configured or not.
func isAccountLabel(l string) bool {
	for _, g := range groups {
		if !g.unnumbered {
			continue
		}
		if l == g.name {
			return true
		}
		if _, n, _, ok := g.numbered(l + "_X"); ok && n >= 2 && strings.Count(l, "_") == 1 {
			return true
		}
	}
	return false
}

// maxTagLength is Bluesky's limit on a hashtag (app.bsky.richtext.facet#tag:
// 64 graphemes), the strictest of the three networks.
const maxTagLength = 64

// parseHashtags reads hashtags separated by commas or spaces, each with or
// without its #, and returns them without it, the first spelling of each
// kept.
func parseHashtags(s string) ([]string, error) {
	var out, bad []string
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		tag := strings.TrimPrefix(tok, "#")
		if !validTag(tag) {
			bad = append(bad, tok)
			continue
		}
		out = mergeTags(out, []string{tag})
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%q: not a hashtag: expected letters, digits and _ (not digits only, at most %d), such as #FilmReview",
			strings.Join(bad, " "), maxTagLength)
	}
	return out, nil
}

func validTag(tag string) bool {
	if tag == "" || utf8.RuneCountInString(tag) > maxTagLength {
		return false
	}
	digits := true
	for _, r := range tag {
		switch {
		case unicode.IsDigit(r):
		case unicode.IsLetter(r), unicode.IsMark(r), r == '_':
			digits = false
		default:
			return false
		}
	}
	return !digits
}

// mergeTags appends to a copy of a the tags of b it lacks, ignoring case.
func mergeTags(a, b []string) []string {
	out := slices.Clone(a)
	for _, t := range b {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, t) }) {
			out = append(out, t)
		}
	}
	return out
}
