package publisher

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/review"
)

// Templates are the post templates from the configuration; an empty one
// means the built-in default. Each is a Go text/template over TemplateData.
type Templates struct {
	Default  string // POST_TEMPLATE: every network without its own
	X        string // X_TEMPLATE
	Mastodon string // MASTODON_TEMPLATE
	Bluesky  string // BLUESKY_TEMPLATE
	Repost   string // REPOST_TEMPLATE: every network, for reposts
}

// TemplateError is a template that does not parse or execute. Var names the
// configuration variable it came from, e.g. "X_TEMPLATE".
type TemplateError struct {
	Var string
	Err error
}

func (e *TemplateError) Error() string { return e.Var + ": " + e.Err.Error() }
func (e *TemplateError) Unwrap() error { return e.Err }

// ErrEmptyPost is a template that renders nothing for a complete review.
var ErrEmptyPost = errors.New("template renders an empty post")

// RenderOptions change how one post is rendered.
type RenderOptions struct {
	// Repost renders a repost of an earlier review: REPOST_TEMPLATE if set,
	// else the network's template with .Repost true (the defaults then say
	// "From the archive:", so X does not refuse the text as a duplicate).
	Repost bool
	// Lang is the post's BCP 47 language tag, or empty.
	Lang string
	// Hashtags are the operator's own (POST_HASHTAGS, a feed's
	// FEED_<n>_HASHTAGS), without '#': they follow the film's tag and go
	// before the genres', so that shortening drops the genres' first.
	Hashtags []string
}

// TemplateData is what a post template sees. The fitter clears the optional
// fields one by one (see fit.go) and renders again until the post fits, so
// a template should show each optional field inside {{with}} or {{if}}.
type TemplateData struct {
	// Title is the review's title as published ("Parasite review"); Film
	// is the film's name ("Parasite") and Year its year, or 0. The built-in
	// templates open with the film, and the first hashtag is made from it.
	Title   string
	Film    string
	Year    int
	Summary string // the verdict, possibly shortened with "…"
	// Link is the review's URL, TrailerURL the trailer's (YouTube watch URL).
	// Both are written with an ASCII host and percent-encoded path so that
	// every network recognises the whole URL, and with an at sign that a
	// network would take for a mention written %40.
	Link       string
	TrailerURL string
	TrailerID  string

	Director string
	Writer   string
	Author   string
	Genres   []string
	// GenreList is Genres joined with ", ".
	GenreList string
	Cast      []string
	CastList  string // Cast joined with ", "
	// RuntimeMinutes and Runtime ("2h 6m").
	RuntimeMinutes int
	Runtime        string
	Rating         string // "N/M"
	Stars          string // the rating in stars, "★★★½", when the reviewer gave stars (Letterboxd)
	SeeAlso        []string
	SeeAlsoList    string // SeeAlso joined with ", "

	// Tags are hashtags made from the title and genres (without '#'), and
	// Hashtags the same as text: "#Her #Romance #Drama #ScienceFiction".
	Tags     []string
	Hashtags string

	Published time.Time
	// Repost is true when this post repeats an earlier review.
	Repost bool
	// Spoilers is true when the review discusses the plot. The post then
	// goes behind a content warning where the network has them; elsewhere
	// Summary is empty.
	Spoilers bool
}

// Built-in templates. An optional line carries its newline inside its
// {{with}}; blank lines left by empty parts (a dropped summary) are collapsed
// after rendering. Bluesky shows the same as X: its links are shortened, and
// its card carries the picture.
const (
	defaultXTemplate = `{{if .Repost}}From the archive: {{end}}{{.Film}}{{with .Year}} ({{.}}){{end}}{{with .Director}}, directed by {{.}}{{end}}{{with .Stars}} {{.}}{{end}}
{{if not .Hashtags}}{{with .GenreList}}{{.}}
{{end}}{{end}}
{{.Summary}}

{{with .TrailerURL}}Trailer: {{.}}
{{end}}{{with .Link}}Review: {{.}}
{{end}}
{{.Hashtags}}`

	defaultMastodonTemplate = `{{if .Repost}}From the archive: {{end}}{{.Film}}{{with .Year}} ({{.}}){{end}}{{with .Director}}, directed by {{.}}{{end}}

{{.Summary}}

{{with .GenreList}}Genres: {{.}}
{{end}}{{with .CastList}}Cast: {{.}}
{{end}}{{with .Runtime}}Running time: {{.}}
{{end}}{{with .Stars}}Rating: {{.}}
{{else}}{{with .Rating}}Rating: {{.}}
{{end}}{{end}}{{with .SeeAlsoList}}See it if you liked: {{.}}
{{end}}
{{with .TrailerURL}}Trailer: {{.}}
{{end}}{{with .Link}}Review: {{.}}
{{end}}
{{.Hashtags}}`

	defaultBlueskyTemplate = defaultXTemplate
)

// Renderer turns reviews into fitted posts. It is safe for concurrent use.
type Renderer struct {
	// PostMentions keeps "@name" in the feed's text live, so that X and
	// Mastodon link it and notify the account (POST_MENTIONS=true). By
	// default it is neutralised (see render_feedtext.go). Set it before the
	// first Render.
	PostMentions bool

	networks map[Network]*template.Template
	repost   *template.Template // nil: the network's template
}

// templateFuncs are config.TemplateFuncs: the configuration checks templates
// with the same functions the renderer runs them with.
var templateFuncs = config.TemplateFuncs

// NewRenderer parses every template and executes it against a complete
// sample review for its network, so that a template that does not parse or
// execute fails at start-up; the *TemplateError names its variable.
func NewRenderer(t Templates) (*Renderer, error) {
	r := &Renderer{networks: map[Network]*template.Template{}}
	builtin := map[Network]string{X: defaultXTemplate, Mastodon: defaultMastodonTemplate, Bluesky: defaultBlueskyTemplate}
	own := map[Network]struct{ name, text string }{
		X:        {"X_TEMPLATE", t.X},
		Mastodon: {"MASTODON_TEMPLATE", t.Mastodon},
		Bluesky:  {"BLUESKY_TEMPLATE", t.Bluesky},
	}
	sample := sampleReview()
	for _, n := range Networks {
		name, text := own[n].name, own[n].text
		if text == "" {
			name, text = "POST_TEMPLATE", t.Default
		}
		if text == "" {
			name, text = "built-in "+string(n)+" template", builtin[n]
		}
		tmpl, err := parse(name, text)
		if err != nil {
			return nil, err
		}
		if err := tryTemplate(tmpl, sample, DefaultRules(n), false); err != nil {
			return nil, err
		}
		r.networks[n] = tmpl
	}
	if t.Repost != "" {
		tmpl, err := parse("REPOST_TEMPLATE", t.Repost)
		if err != nil {
			return nil, err
		}
		// It stands in for every network's template, so it must fit each.
		for _, n := range Networks {
			if err := tryTemplate(tmpl, sample, DefaultRules(n), true); err != nil {
				return nil, err
			}
		}
		r.repost = tmpl
	}
	return r, nil
}

// parse parses the template of configuration variable name, once: the
// fitter executes it at every try.
func parse(name, text string) (*template.Template, error) {
	tmpl, err := template.New(name).Funcs(templateFuncs).Parse(text)
	if err != nil {
		return nil, &TemplateError{Var: name, Err: err}
	}
	return tmpl, nil
}

// tryTemplate executes tmpl against the sample review and fits it within
// rules, so that a template that fails does so at start-up.
func tryTemplate(tmpl *template.Template, sample review.Review, rules Rules, repost bool) error {
	name := tmpl.Name()
	// Both branches of {{if .Repost}} must execute, for either kind of post.
	for _, rp := range []bool{repost, true} {
		data := newTemplateData(sample, rp, neutraliseMentions)
		out, err := execute(tmpl, &data)
		if err != nil {
			return &TemplateError{Var: name, Err: err}
		}
		if strings.TrimSpace(out) == "" {
			return &TemplateError{Var: name, Err: fmt.Errorf("%w (network %s)", ErrEmptyPost, rules.Network)}
		}
	}
	// A template whose own words leave no room fails now, not at every post.
	f := fitter{tmpl: tmpl, rules: rules}
	if _, err := f.fit(newTemplateData(sample, repost, neutraliseMentions)); err != nil {
		if errors.Is(err, ErrTooLong) {
			err = fmt.Errorf("%w: on %s, within %d", err, rules.Network, rules.Limit)
		}
		return &TemplateError{Var: name, Err: err}
	}
	return nil
}

func execute(tmpl *template.Template, data *TemplateData) (string, error) {
	var b bytes.Buffer
	b.Grow(512)
	if err := tmpl.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// sampleReview has every field a template may use, so that executing a
// template against it reaches every branch that depends on a field's presence.
func sampleReview() review.Review {
	return review.Review{
		Key: "sample", Link: "https://example.com/reviews/sample", Title: "Sample Film",
		Author: "A. Critic", Published: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Categories: []string{"Reviews"}, Image: "https://example.com/sample.jpg",
		TrailerID: "WzV6mXIOVl4", TrailerURL: "https://www.youtube.com/watch?v=WzV6mXIOVl4",
		Genres: []string{"Drama", "Science Fiction"}, Cast: []string{"First Actor", "Second Actor"},
		Director: "A. Director", Writer: "A. Writer", RuntimeMinutes: 126, Rating: "4/5", Stars: "★★★★",
		FilmTitle: "Sample Film", Year: 2026,
		SeeAlso: []string{"Another Film"}, Summary: "A sample verdict. It has two sentences.",
		IsReview: true,
	}
}

// newTemplateData prepares a review's fields for a template: the feed's
// text made fit for a post (see feedText), URLs without their tracking
// parameters and made safe to recognise, lists joined, hashtags made.
func newTemplateData(rv review.Review, repost bool, m mentionPolicy) TemplateData {
	d := TemplateData{
		Title:          feedText(rv.Title, m),
		Summary:        feedText(rv.Summary, m),
		Link:           mentionFreeURL(safeURL(withoutTracking(rv.Link))),
		TrailerURL:     mentionFreeURL(safeURL(withoutTracking(rv.TrailerURL))),
		TrailerID:      rv.TrailerID,
		Director:       feedText(rv.Director, m),
		Writer:         feedText(rv.Writer, m),
		Author:         feedText(rv.Author, m),
		Genres:         feedList(rv.Genres, m),
		Cast:           feedList(rv.Cast, m),
		RuntimeMinutes: rv.RuntimeMinutes,
		Runtime:        formatRuntime(rv.RuntimeMinutes),
		Rating:         feedText(rv.Rating, m),
		Stars:          feedText(rv.Stars, m),
		SeeAlso:        feedList(rv.SeeAlso, m),
		Published:      rv.Published,
		Repost:         repost,
		Spoilers:       rv.Spoilers,
	}
	if d.TrailerURL == "" && film.ValidYouTubeID(rv.TrailerID) {
		d.TrailerURL = film.WatchURL(rv.TrailerID)
	}
	d.GenreList = strings.Join(d.Genres, ", ")
	d.CastList = strings.Join(d.Cast, ", ")
	d.SeeAlsoList = strings.Join(d.SeeAlso, ", ")
	filmTitle, year := rv.Film()
	if d.Film, d.Year = feedText(filmTitle, m), year; d.Film == "" {
		d.Film = d.Title
	}
	d.setTags(makeHashtags(d.Film, d.Genres))
	return d
}

// withOwnTags puts the operator's tags after the film's (tags[0]) and
// before the genres', each tag once whatever its case.
func withOwnTags(tags, own []string) []string {
	out := make([]string, 0, len(tags)+len(own))
	out = append(out, tags[:min(1, len(tags))]...)
	for _, t := range append(slices.Clone(own), tags[min(1, len(tags)):]...) {
		if t != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, t) }) {
			out = append(out, t)
		}
	}
	return out
}

func (d *TemplateData) setTags(tags []string) {
	d.Tags = tags
	if len(tags) == 0 {
		d.Hashtags = ""
		return
	}
	d.Hashtags = "#" + strings.Join(tags, " #")
}

// oneLine makes a field fit for one line of a post: valid UTF-8, no control
// characters, white space collapsed.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.ContainsFunc(s, isStrayControl) {
		s = strings.Map(func(r rune) rune {
			if isStrayControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether oneLine would return s as it is: valid UTF-8
// without control characters, its only white space single ASCII spaces
// between words. Most fields are, and checking is cheaper than rebuilding.
func isOneLine(s string) bool {
	space := true // at the start, as after a space: none may come
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				if space {
					return false
				}
				space = true
			case c < ' ' || c == 0x7f:
				return false
			default:
				space = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
		space = false
		i += size
	}
	return !space || s == ""
}

func isStrayControl(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }

// formatRuntime writes minutes as "2h 6m", "2h" or "45m".
func formatRuntime(minutes int) string {
	if minutes <= 0 {
		return ""
	}
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return strconv.Itoa(m) + "m"
	case m == 0:
		return strconv.Itoa(h) + "h"
	}
	return strconv.Itoa(h) + "h " + strconv.Itoa(m) + "m"
}

// Render renders rv for the network of rules and fits it within rules'
// limit. The caller sets Key and CreatedAt.
func (r *Renderer) Render(rules Rules, rv review.Review, o RenderOptions) (Post, error) {
	tmpl := r.networks[rules.Network]
	if o.Repost && r.repost != nil {
		tmpl = r.repost
	}
	if tmpl == nil {
		return Post{}, fmt.Errorf("render %q: unknown network %q", rv.Title, rules.Network)
	}
	if rules.Count == nil || rules.Limit <= 0 {
		return Post{}, fmt.Errorf("render %q: rules for %s have no count or limit", rv.Title, rules.Network)
	}
	m := neutraliseMentions
	if r.PostMentions {
		m = keepMentions
	}
	data := newTemplateData(rv, o.Repost, m)
	if len(o.Hashtags) > 0 {
		data.setTags(withOwnTags(data.Tags, o.Hashtags))
	}
	fitRules, spoiler, warned := rules, "", 0
	if rv.Spoilers {
		if rules.Network.ContentWarnings() {
			// Mastodon counts the warning and the text together against
			// the limit ([spoiler_text, text].join in its
			// StatusLengthValidator), and so does GoToSocial: the text gets
			// what the warning leaves.
			spoiler = spoilerText(data, rules, o.Lang)
			warned = rules.Count(spoiler)
			fitRules.Limit -= warned
		} else {
			// No content warning to hide behind: the review's words stay
			// out, the film, its rating, the trailer and the link go.
			data.Summary = ""
		}
	}
	f := fitter{tmpl: tmpl, rules: fitRules}
	res, err := f.fit(data)
	if err != nil {
		return Post{}, fmt.Errorf("render %q for %s: %w", rv.Title, rules.Network, err)
	}
	p := Post{
		Text:        res.text,
		Links:       res.links,
		Tags:        res.tags,
		SpoilerText: spoiler,
		Lang:        o.Lang,
		Length:      res.length + warned,
		Limit:       rules.Limit,
	}
	if rules.Card {
		p.Card = makeCard(data, rv)
	}
	return p, nil
}

// maxCardDescription caps a card's description, in grapheme clusters.
const maxCardDescription = 300

// makeCard builds the link card: the review page (else the trailer), its
// title and summary, and the review's picture or else the trailer's
// thumbnail.
func makeCard(d TemplateData, rv review.Review) *Card {
	c := &Card{URL: d.Link, Title: d.Title, Description: cutAtWord(d.Summary, maxCardDescription)}
	if c.URL == "" {
		c.URL = d.TrailerURL
	}
	if c.URL == "" {
		return nil
	}
	id := rv.TrailerID
	if u, err := url.Parse(d.TrailerURL); err == nil && !film.ValidYouTubeID(id) {
		id = youtubeID(u)
	}
	switch {
	case rv.Image != "":
		c.ImageURL = rv.Image
	case film.ValidYouTubeID(id):
		c.ImageURL = "https://i.ytimg.com/vi/" + id + "/hqdefault.jpg"
	}
	return c
}
