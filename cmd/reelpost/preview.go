package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/review"
)

const previewSummary = `Fetch the feeds (FEED... as arguments: http(s) URLs or file paths; else the
configured ones, FEED_URLS and FEED_2_URL, ...), and show what reelpost
understood of each item and the exact post it would make for each configured
account, headed by the account's ID (x:<user id>, mastodon:<host>,
mastodon:<host>#2, bluesky:@<handle>), or for each network with its default
rules when no account is configured, with its length as that network counts
it. Nothing is posted and the ledger is not touched.`

func cmdPreview(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "preview", "[--json] [--limit N] [FEED...]", previewSummary)
	asJSON := fs.Bool("json", false, "print one JSON object per item")
	limit := fs.Int("limit", 0, "show only the newest N items of each feed (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *limit < 0 {
		return &exitError{code: exitUsage, err: errors.New("--limit: expected 0 or more")}
	}
	// Feeds given as arguments replace the configured ones; a bad one is
	// the argument's fault, not FEED_URLS'.
	for _, a := range fs.Args() {
		if err := config.CheckFeedURL(a); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("preview: argument %q: %w", a, err)}
		}
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	feeds := cfg.AllFeedURLs()
	if fs.NArg() > 0 {
		feeds = fs.Args()
	}
	if len(feeds) == 0 {
		return &exitError{code: exitUsage, err: errors.New("no feed: give one as an argument, or set FEED_URLS (or FEED_2_URL, ...)")}
	}

	var report func(string, int, int)
	if p := e.byHand(cfg, "fetching the review pages of %s"); p != nil {
		report = p.report
	}
	pl, err := newPipeline(cfg, feeds, e.Logger, report)
	if err != nil {
		return err
	}
	renderer, fetcher, extractor := pl.renderer, pl.fetcher, pl.extractor
	// Configured accounts: their own rules (Mastodon asks its server);
	// each feed's reviews for the accounts its route names.
	pubs, labels, err := buildLabelled(cfg, e.Logger, pl.guard)
	if err != nil {
		return err
	}
	rs, err := buildRoutes(cfg, renderer, pubs, labels)
	if err != nil {
		return err
	}
	// No cache: preview leaves the ledger alone, and a few requests per
	// review are what TMDB's rate limit expects.
	films, err := newFilmClient(cfg, e.Logger, nil)
	if err != nil {
		return &exitError{code: exitConfig, err: err}
	}

	var failed []string
	for _, url := range feeds {
		reviews, err := loadReviews(ctx, fetcher, extractor, url, *limit)
		if err != nil {
			fmt.Fprintf(e.Stderr, "reelpost: %s\n", oneLine(err.Error()))
			failed = append(failed, redact.URL(url))
			continue
		}
		if !*asJSON {
			fmt.Fprintf(e.Stdout, "feed %s: %d item(s)\n\n", redact.URL(url), len(reviews))
		}
		rt := rs.route(url)
		for _, rv := range reviews {
			note := fillFromTMDB(ctx, films, &rv, cfg.Language)
			posts := renderAll(ctx, rt.renderer, rt.pubs, rv, publisher.RenderOptions{Lang: cfg.Language, Hashtags: rt.hashtags})
			if *asJSON {
				if err := writePreviewJSON(e.Stdout, rv, note, posts); err != nil {
					return err
				}
				continue
			}
			writePreviewText(e.Stdout, rv, note, posts)
		}
	}
	if len(failed) > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d of %d feed(s) could not be read: %s: %w",
			len(failed), len(feeds), strings.Join(failed, ", "), errSilent)}
	}
	return nil
}

// fillFromTMDB completes a review from the film TMDB identifies, as the
// daemon does before it renders, and returns what the preview's reader
// should know: how the film was identified, or why it was not (TMDB's
// refusal or silence included: the daemon would then wait, or post
// without). Nothing is asked when TMDB is not configured (c is nil), for
// an item that is no review, or one that states everything TMDB could add.
func fillFromTMDB(ctx context.Context, c *film.Client, rv *review.Review, lang string) string {
	if c == nil || !rv.IsReview || !rv.LacksFilmFacts() {
		return ""
	}
	m, err := c.Identify(ctx, rv.Evidence())
	if err != nil {
		return "TMDB could not tell: " + oneLine(err.Error())
	}
	if !m.Found() {
		return "no film identified: " + m.Reason
	}
	rv.Fill(m, lang)
	return fmt.Sprintf("TMDB %s %d: %s", m.Kind, m.TMDBID, m.Reason)
}

// loadReviews fetches, parses and extracts one feed, unconditionally: its
// newest limit items only, when limit is above 0, so that no page is
// fetched for an item not shown.
func loadReviews(ctx context.Context, f *feed.Fetcher, x *review.Extractor, url string, limit int) ([]review.Review, error) {
	resp, err := f.Fetch(ctx, url, feed.Validators{})
	if err != nil {
		return nil, err
	}
	parsed, err := feed.Parse(url, resp.Body, resp.ContentType)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(parsed.Items) > limit {
		trimmed := *parsed
		trimmed.Items = newestItems(parsed.Items, limit)
		parsed = &trimmed
	}
	reviews := x.Extract(ctx, url, parsed)
	if limit > 0 && len(reviews) > limit {
		reviews = reviews[len(reviews)-limit:] // oldest first: keep the newest
	}
	return reviews, nil
}

// newestItems is the n newest of items, in the feed's order: by
// publication time, undated items counting as the oldest, as Extract
// orders them.
func newestItems(items []*gofeed.Item, n int) []*gofeed.Item {
	when := func(it *gofeed.Item) time.Time {
		switch {
		case it == nil:
		case it.PublishedParsed != nil:
			return *it.PublishedParsed
		case it.UpdatedParsed != nil:
			return *it.UpdatedParsed
		}
		return time.Time{}
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b *gofeed.Item) int { return when(b).Compare(when(a)) })
	keep := map[*gofeed.Item]bool{}
	for _, it := range sorted[:n] {
		keep[it] = true
	}
	return slices.DeleteFunc(slices.Clone(items), func(it *gofeed.Item) bool { return !keep[it] })
}

type previewPost struct {
	Network publisher.Network `json:"network"`
	Account string            `json:"account"`
	Text    string            `json:"text"`
	// SpoilerText is the content warning the text goes behind (Mastodon).
	SpoilerText string          `json:"spoiler_text,omitempty"`
	Length      int             `json:"length"`
	Limit       int             `json:"limit"`
	Facets      []previewFacet  `json:"facets,omitempty"`
	Card        *publisher.Card `json:"card,omitempty"`
	Error       string          `json:"error,omitempty"`
}

// previewFacet is a link or hashtag of a post whose network needs the client
// to mark them (Bluesky): the text shown, and where it leads.
type previewFacet struct {
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

// renderAll renders rv for every configured account, or for every network
// with its default rules when none is configured, as the daemon would.
func renderAll(ctx context.Context, r *publisher.Renderer, pubs []publisher.Publisher, rv review.Review, o publisher.RenderOptions) []previewPost {
	rendered := preview.Render(ctx, r, pubs, rv, o)
	out := make([]previewPost, 0, len(rendered))
	for _, d := range rendered {
		pp := previewPost{Network: d.Target.Network, Account: d.Target.Account, Limit: d.Target.Rules.Limit}
		if d.Err != nil {
			pp.Error = d.Err.Error()
			out = append(out, pp)
			continue
		}
		p := d.Post
		pp.Text, pp.SpoilerText, pp.Length, pp.Limit = p.Text, p.SpoilerText, p.Length, p.Limit
		if d.Target.Rules.ShortLinks {
			for _, l := range p.Links {
				pp.Facets = append(pp.Facets, previewFacet{Text: l.Display, URL: l.URL})
			}
			for _, tag := range p.Tags {
				pp.Facets = append(pp.Facets, previewFacet{Text: "#" + tag, Tag: tag})
			}
		}
		if d.Target.Rules.Card {
			pp.Card = p.Card
		}
		out = append(out, pp)
	}
	return out
}

// previewJSON is the --json object: the fields the issue names, plus posts.
type previewJSON struct {
	Key           string      `json:"key"`
	GUID          string      `json:"guid"`
	FeedURL       string      `json:"feed_url"`
	Link          string      `json:"link"`
	Title         string      `json:"title"`
	Film          previewFilm `json:"film"`
	TMDBID        int         `json:"tmdb_id"`
	Spoilers      bool        `json:"spoilers"`
	Stars         string      `json:"stars,omitempty"`
	Rewatch       bool        `json:"rewatch,omitempty"`
	TrailerSource string      `json:"trailer_source"`
	// TMDB says how TMDB identified the film, or why it did not.
	TMDB           string        `json:"tmdb,omitempty"`
	Author         string        `json:"author"`
	Published      *time.Time    `json:"published"`
	Categories     []string      `json:"categories"`
	Image          string        `json:"image"`
	TrailerID      string        `json:"trailer_id"`
	TrailerURL     string        `json:"trailer_url"`
	Genres         []string      `json:"genres"`
	Cast           []string      `json:"cast"`
	Director       string        `json:"director"`
	Writer         string        `json:"writer"`
	RuntimeMinutes int           `json:"runtime_minutes"`
	Rating         string        `json:"rating"`
	SeeAlso        []string      `json:"see_also"`
	Summary        string        `json:"summary"`
	IsReview       bool          `json:"is_review"`
	ReviewReason   string        `json:"review_reason"`
	Excluded       bool          `json:"excluded,omitempty"`
	PageFetched    bool          `json:"page_fetched"`
	Duplicates     []string      `json:"duplicates,omitempty"`
	Posts          []previewPost `json:"posts"`
}

// previewFilm is the film the review is about, as the review states it,
// completed from TMDB when TMDB_API_KEY is set (tmdb_id for a blog's film).
type previewFilm struct {
	Title    string `json:"title"`
	Year     int    `json:"year"`
	TMDBID   int    `json:"tmdb_id"`
	TMDBTVID int    `json:"tmdb_tv_id,omitempty"`
	IMDbID   string `json:"imdb_id,omitempty"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writePreviewJSON(w io.Writer, rv review.Review, tmdbNote string, posts []previewPost) error {
	o := previewJSON{
		Key: rv.Key, GUID: rv.GUID, Link: rv.Link, Title: rv.Title, Author: rv.Author,
		Categories: nonNil(rv.Categories), Image: rv.Image, TrailerID: rv.TrailerID, TrailerURL: rv.TrailerURL,
		Genres: nonNil(rv.Genres), Cast: nonNil(rv.Cast), Director: rv.Director, Writer: rv.Writer,
		RuntimeMinutes: rv.RuntimeMinutes, Rating: rv.Rating, SeeAlso: nonNil(rv.SeeAlso), Summary: rv.Summary,
		IsReview: rv.IsReview, ReviewReason: rv.ReviewReason, Excluded: rv.Excluded, PageFetched: rv.PageFetched,
		Duplicates: rv.Duplicates, Posts: posts,
		FeedURL: redact.URL(rv.FeedURL), TMDBID: rv.TMDBMovieID, Spoilers: rv.Spoilers, Stars: rv.Stars, Rewatch: rv.Rewatch,
		TrailerSource: rv.TrailerSource, TMDB: tmdbNote,
	}
	o.Film.Title, o.Film.Year = rv.Film()
	o.Film.TMDBID, o.Film.TMDBTVID, o.Film.IMDbID = rv.TMDBMovieID, rv.TMDBTVID, rv.IMDbID
	if !rv.Published.IsZero() {
		t := rv.Published.UTC()
		o.Published = &t
	}
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encode item %s: %w", rv.Key, err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writePreviewText(w io.Writer, rv review.Review, tmdbNote string, posts []previewPost) {
	title := rv.Title
	if title == "" {
		title = "(untitled)"
	}
	verdict := "not a review"
	switch {
	case rv.IsReview:
		verdict = "review"
	case rv.Excluded:
		verdict = "not posted" // the reason names the filter
	}
	if rv.ReviewReason != "" {
		verdict += ": " + rv.ReviewReason
	}
	fmt.Fprintf(w, "== %s  [%s]\n", title, verdict)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(w, "   %-10s %s\n", name+":", value)
		}
	}
	field("link", rv.Link)
	field("key", rv.Key)
	if filmTitle, year := rv.Film(); year > 0 {
		field("film", fmt.Sprintf("%s (%d)", filmTitle, year))
	} else {
		field("film", filmTitle)
	}
	if !rv.Published.IsZero() {
		field("published", rv.Published.UTC().Format("2006-01-02 15:04 MST"))
	}
	field("author", rv.Author)
	field("categories", strings.Join(rv.Categories, ", "))
	field("tmdb", tmdbNote)
	if rv.TrailerSource == review.TrailerFromTMDB {
		field("trailer", rv.TrailerURL+" (TMDB)")
	} else {
		field("trailer", rv.TrailerURL)
	}
	if rv.TrailerURL == "" {
		field("trailer", "(none found)")
	}
	field("image", rv.Image)
	field("genres", strings.Join(rv.Genres, ", "))
	field("cast", strings.Join(rv.Cast, ", "))
	field("director", rv.Director)
	field("writer", rv.Writer)
	if rv.RuntimeMinutes > 0 {
		field("runtime", fmt.Sprintf("%d min", rv.RuntimeMinutes))
	}
	field("rating", rv.Rating)
	field("see also", strings.Join(rv.SeeAlso, ", "))
	field("summary", rv.Summary)
	if rv.PageFetched {
		field("page", "completed from the review's own page (FETCH_PAGES)")
	}
	if len(rv.Duplicates) > 0 {
		field("same as", strings.Join(rv.Duplicates, ", "))
	}
	for _, p := range posts {
		if p.Error != "" {
			fmt.Fprintf(w, "   -- %s: cannot render: %s\n", p.Account, p.Error)
			continue
		}
		fmt.Fprintf(w, "   -- %s: %d/%d\n", p.Account, p.Length, p.Limit)
		if p.SpoilerText != "" {
			fmt.Fprintf(w, "   | CW: %s\n", p.SpoilerText)
		}
		for _, line := range strings.Split(p.Text, "\n") {
			fmt.Fprintf(w, "   | %s\n", line)
		}
		if p.Card != nil {
			fmt.Fprintf(w, "   card: %s  %q", p.Card.URL, p.Card.Title)
			if p.Card.ImageURL != "" {
				fmt.Fprintf(w, "  thumb %s", p.Card.ImageURL)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)
}

func templatesOf(cfg *config.Config) publisher.Templates {
	return publisher.Templates{
		Default: cfg.PostTemplate, X: cfg.XTemplate, Mastodon: cfg.MastodonTemplate,
		Bluesky: cfg.BlueskyTemplate, Repost: cfg.RepostTemplate,
	}
}
