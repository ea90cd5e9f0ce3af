package review

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/review/letterboxd"
)

// ExtractOptions configure an Extractor.
type ExtractOptions struct {
	// Pages fetches review pages for thin items; nil: pages are never fetched.
	Pages PageFetcher
	// FetchPages turns page completion on (FETCH_PAGES).
	FetchPages bool
	// Categories (FEED_CATEGORIES), when set, decide alone whether an item is
	// a review: one of its categories must match, case-insensitively.
	Categories []string
	Logger     *slog.Logger
	// Progress, if set, is told how many of the review pages an Extract
	// of feedURL requests are done: first (0, total), then after each
	// page, from several goroutines at once. A person at a terminal sees
	// that a long completion goes on (reelpost preview).
	Progress func(feedURL string, done, total int)
	// Exclude, if set, is the operator's filter (FEED_INCLUDE and
	// FEED_EXCLUDE, and the feed's own): given an item that is a review,
	// it returns why it is not to be posted ("excluded by FEED_EXCLUDE"),
	// or "" to keep it. An excluded item is recorded as no review, with
	// that reason, so that nothing posts it and status says why.
	Exclude func(feedURL, title string, categories []string, text string) string
}

// Extractor turns feeds into Reviews. It is safe for concurrent use and
// keeps the review pages it fetched, so that a page is downloaded once and
// then only revalidated.
type Extractor struct {
	opts   ExtractOptions
	log    *slog.Logger
	filter map[string]bool

	mu    sync.Mutex
	pages map[string]map[string]*pageEntry // feed URL -> page URL -> entry
	// pending holds the feeds whose last extraction left an item without
	// the page it wanted (see PagesPending).
	pending map[string]bool
}

// NewExtractor returns an Extractor with the given options.
func NewExtractor(o ExtractOptions) *Extractor {
	e := &Extractor{opts: o, log: o.Logger, pages: map[string]map[string]*pageEntry{}, pending: map[string]bool{}}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	for _, c := range o.Categories {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
			if e.filter == nil {
				e.filter = map[string]bool{}
			}
			e.filter[c] = true
		}
	}
	return e
}

// item is one feed item on its way to a Review.
type item struct {
	Review
	src   *gofeed.Item
	order int
	// thin: no full body, or a body without a trailer (see isThin).
	thin bool
	// excerpt: Summary is the feed's own, written excerpt.
	excerpt    bool
	metaFields int
	evaluative bool
	// film is the film a metadata block names ("Title: Parasite (2019)",
	// "Year: 2019"), from the feed's body or the page's.
	film struct {
		title string
		year  int
	}
	// fromSource: the feed's own fields decided the kind of item
	// (Letterboxd), not the heuristics.
	fromSource bool
}

// Extract returns the feed's reviews (and the items found not to be reviews,
// with IsReview false), oldest first by published time (undated items first,
// in feed order), with duplicates merged: Wix lists one post per language
// with different GUIDs and ?lang= links, and that is one Review whose other
// links are in Duplicates. Thin items are completed from their page when
// FetchPages is on and Pages is set; a page that cannot be fetched is logged
// and the feed's data kept.
func (e *Extractor) Extract(ctx context.Context, feedURL string, f *gofeed.Feed) []Review {
	if f == nil {
		return nil
	}
	s := e.Stream(ctx, feedURL)
	s.Add(f, 0)
	return s.Reviews()
}

// Stream is one extraction of a feed read a batch of items at a time (see
// feed.ParseBatches): Reviews returns what Extract returns for the whole
// feed, duplicates merged across batches, page requests limited per
// extraction, while each batch's gofeed items can go once Add returns. Only
// a document that Batchable accepts may come in more than one batch.
type Stream struct {
	e       *Extractor
	ctx     context.Context
	feedURL string
	pages   *pagePass // nil: no page completion
	items   []*item
}

// Stream starts an extraction of the feed; see Stream.
func (e *Extractor) Stream(ctx context.Context, feedURL string) *Stream {
	s := &Stream{e: e, ctx: ctx, feedURL: feedURL}
	if e.opts.FetchPages && e.opts.Pages != nil {
		s.pages = e.pagePass(feedURL)
	}
	return s
}

// Add extracts a batch: the items of f, the first of which is item first
// of the feed's document.
func (s *Stream) Add(f *gofeed.Feed, first int) {
	fitems := feed.Items(s.feedURL, f)
	// Every batch has the channel's links and, Batchable says, no item of
	// a Letterboxd member feed: each batch is of the whole feed's kind.
	kind := kindOf(f)
	batch := make([]*item, len(fitems))
	for i, it := range fitems {
		it.Index += first
		batch[i] = extractItem(it, kind)
	}
	if s.pages != nil {
		s.pages.complete(s.ctx, batch)
	}
	for _, x := range batch {
		x.finishFilm()
		if !x.fromSource {
			x.IsReview, x.ReviewReason = classify(x.classifyInput(), s.e.filter)
		}
		if x.IsReview && s.e.opts.Exclude != nil {
			if why := s.e.opts.Exclude(s.feedURL, x.Title, x.Categories, x.Text); why != "" {
				x.IsReview, x.ReviewReason, x.Excluded = false, why, true
			}
		}
		x.src = nil // read: the batch's gofeed items can go
		detach(&x.Review)
	}
	s.items = append(s.items, batch...)
}

// Batchable reports whether a feed document, as served, may be extracted
// in batches (Stream) with the result of extracting it whole. Not when it
// may hold an item of a Letterboxd member feed (a "letterboxd-" GUID, a
// letterboxd: field), since such an item makes the whole feed one, and every
// item is then read as one (letterboxd.Is): a document that does not name
// Letterboxd in lower case holds no such item.
func Batchable(doc []byte) bool { return !bytes.Contains(doc, []byte("letterboxd")) }

// Reviews ends the extraction and returns the feed's reviews, as Extract
// does.
func (s *Stream) Reviews() []Review {
	if s.pages != nil {
		s.pages.finish()
	}
	out := merge(s.items)
	s.items = nil
	for i := range out {
		sanitize(&out[i])
	}
	return out
}

// FromItem is the network-free part of extraction: one item to a Review,
// classified by the heuristics (no category filter), without page completion.
func FromItem(feedURL string, f *gofeed.Feed, it *gofeed.Item) Review {
	if it == nil {
		return Review{FeedURL: feedURL}
	}
	// The feed is judged by its links and this item alone: FromItem runs
	// once per item, and letterboxd.Is over the whole of a blog's feed
	// each time would make a feed's extraction quadratic.
	var one gofeed.Feed
	if f != nil {
		one = gofeed.Feed{Link: f.Link, FeedLink: f.FeedLink, Links: f.Links}
	}
	one.Items = []*gofeed.Item{it}
	x := extractItem(feed.Item{Item: it, FeedURL: feedURL, Base: feed.Base(feedURL, f)}, kindOf(&one))
	x.finishFilm()
	if !x.fromSource {
		x.IsReview, x.ReviewReason = classify(x.classifyInput(), nil)
	}
	sanitize(&x.Review)
	return x.Review
}

func (x *item) classifyInput() classifyInput {
	return classifyInput{title: x.Title, categories: x.Categories, metaFields: x.metaFields,
		rating: x.Rating, trailer: x.TrailerID, evaluative: x.evaluative}
}

// feedKind is the kind of feed an item comes from: it decides who says
// what the item is.
type feedKind int

const (
	// blogFeed: the heuristics read the item.
	blogFeed feedKind = iota
	// letterboxdFeed: a Letterboxd member feed (letterboxd.Is), whose own
	// fields say what each entry is.
	letterboxdFeed
)

func kindOf(f *gofeed.Feed) feedKind {
	if letterboxd.Is(f) {
		return letterboxdFeed
	}
	return blogFeed
}

// extractItem reads one item.
func extractItem(fi feed.Item, kind feedKind) *item {
	it, base := fi.Item, fi.Base
	x := &item{src: it, order: fi.Index}
	r := &x.Review
	r.FeedURL = fi.FeedURL

	link := extValue(it.Extensions, "feedburner", "origLink") // the real page behind feedproxy
	if link == "" {
		link = it.Link
	}
	if link == "" && len(it.Links) > 0 {
		link = it.Links[0]
	}
	r.Link = feed.ResolveURL(base, link)
	if r.Link == "" && isHTTPURL(it.GUID) {
		r.Link = strings.TrimSpace(it.GUID) // a permalink GUID is the page
	}
	r.NormLink = feed.NormalizeLink(r.Link)
	itemBase := feed.ParseBase(r.Link)
	if itemBase == nil {
		itemBase = base
	}

	r.GUID = strings.TrimSpace(it.GUID)
	r.Title = plainText(it.Title)
	r.Author = itemAuthor(it)
	if it.PublishedParsed != nil {
		r.Published = it.PublishedParsed.UTC()
	} else if it.UpdatedParsed != nil {
		r.Published = it.UpdatedParsed.UTC()
	}
	r.Categories = cleanCategories(it.Categories)

	content, desc := strings.TrimSpace(it.Content), strings.TrimSpace(it.Description)
	bodyHTML, excerptHTML := content, ""
	if bodyHTML == "" {
		bodyHTML = desc
	} else if desc != content {
		excerptHTML = desc
	}
	body := parseBody(bodyHTML, itemBase, true)
	var excerpt *bodyResult
	// The excerpt is read when it may be a written one, or may hold the
	// trailer the body lacks.
	if excerptHTML != "" && (!truncated(stripTrailingTags(excerptHTML)) || body.trailer.embed == "") {
		excerpt = parseBody(excerptHTML, itemBase, true)
	}

	// Trailer: an embed in the body or excerpt, then the item's media
	// (media:player, yt:videoId, media:content, enclosures), then a link.
	tf := body.trailer
	if excerpt != nil && tf.embed == "" {
		tf.embed = excerpt.trailer.embed
	}
	if tf.embed == "" {
		tf.embed = mediaTrailer(it)
	}
	if tf.link == "" && excerpt != nil {
		tf.link = excerpt.trailer.link
	}
	r.TrailerID = tf.best()
	r.TrailerURL = trailerURL(r.TrailerID)

	clean := cleanLines(body.lines, r.Author, r.Title)
	x.applyText(clean)
	if excerpt != nil {
		if s, ok := realExcerpt(excerpt.lines, r.Text); ok {
			r.Summary, x.excerpt = s, true
			x.evaluative = judgementCount(r.Text) >= 2
		}
	}
	if !x.excerpt {
		var score float64
		r.Summary, score = verdict(clean)
		x.evaluative = score > 2
	}

	contentImage := body.image
	if contentImage == "" && excerpt != nil {
		contentImage = excerpt.image
	}
	r.Image = chooseImage(it, itemBase, contentImage)

	r.IMDbID = body.imdb
	if r.IMDbID == "" && excerpt != nil {
		r.IMDbID = excerpt.imdb
	}
	if r.IMDbID == "" {
		r.IMDbID = imdbTitleID(r.Text) // a bare link written as text
	}

	r.Key = itemKey(r, it)
	x.thin = isThin(content, r.Text, desc, r.TrailerID)
	if kind == letterboxdFeed {
		if en, ok := letterboxd.Parse(it); ok {
			x.applyLetterboxd(en)
		}
	}
	return x
}

// stripTrailingTags drops closing tags and white space at the end of an
// HTML fragment, so that its last words can be checked for "[…]".
func stripTrailingTags(s string) string {
	for {
		s = strings.TrimSpace(s)
		if !strings.HasSuffix(s, ">") {
			return s
		}
		i := strings.LastIndexByte(s, '<')
		if i < 0 {
			return s
		}
		s = s[:i]
	}
}

// applyText sets the text and metadata fields from a cleaned body.
func (x *item) applyText(c *cleanedText) {
	r := &x.Review
	r.Text = c.text()
	m := c.meta
	r.Genres, r.Cast, r.Director, r.Writer = m.Genres, m.Cast, m.Director, m.Writer
	r.RuntimeMinutes, r.Rating, r.SeeAlso = m.Runtime, m.Rating, m.SeeAlso
	x.metaFields = m.fields
	if m.Film != "" {
		x.film.title = m.Film
	}
	if m.Year > 0 {
		x.film.year = m.Year
	}
}

// isThin decides whether an item needs its page: it has no full body (no
// content element and a description that is short or ends truncated), or it
// has no trailer.
func isThin(content, text, desc, trailer string) bool {
	if trailer == "" {
		return true
	}
	if content != "" {
		return false
	}
	return len(text) < 500 || truncated(text) || truncated(desc)
}

// itemKey is the GUID; without one, the normalised link; without that, a
// hash of title and date.
func itemKey(r *Review, it *gofeed.Item) string {
	if r.GUID != "" {
		return r.GUID
	}
	if r.NormLink != "" {
		return r.NormLink
	}
	date := it.Published
	if !r.Published.IsZero() {
		date = r.Published.Format(time.RFC3339)
	} else if date == "" {
		date = it.Updated
	}
	sum := sha256.Sum256([]byte(r.Title + "\n" + strings.TrimSpace(date)))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func isHTTPURL(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func itemAuthor(it *gofeed.Item) string {
	for _, a := range it.Authors {
		if a != nil {
			if n := plainText(a.Name); n != "" {
				return n
			}
		}
	}
	if it.Author != nil {
		if n := plainText(it.Author.Name); n != "" {
			return n
		}
	}
	if it.DublinCoreExt != nil {
		for _, c := range it.DublinCoreExt.Creator {
			if n := plainText(c); n != "" {
				return n
			}
		}
	}
	return ""
}

func cleanCategories(cats []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cats {
		c = plainText(c)
		k := strings.ToLower(c)
		if c == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	return out
}

// extValue returns the first value of a feed extension element (prefix:name).
func extValue(exts ext.Extensions, prefix, name string) string {
	for _, e := range exts[prefix][name] {
		if v := strings.TrimSpace(e.Value); v != "" {
			return v
		}
	}
	return ""
}

// mediaTrailer finds a video in the item's media: media:player, YouTube's
// yt:videoId, media:content and enclosure URLs.
func mediaTrailer(it *gofeed.Item) string {
	if id := extValue(it.Extensions, "yt", "videoId"); validYouTubeID(id) {
		return id
	}
	var urls []string
	if media := it.Extensions["media"]; media != nil {
		var groups []map[string][]ext.Extension
		groups = append(groups, media)
		for _, g := range media["group"] {
			groups = append(groups, g.Children)
		}
		for _, g := range groups {
			for _, p := range g["player"] {
				urls = append(urls, p.Attrs["url"])
			}
		}
		for _, g := range groups {
			for _, c := range g["content"] {
				urls = append(urls, c.Attrs["url"])
				for _, p := range c.Children["player"] {
					urls = append(urls, p.Attrs["url"])
				}
			}
		}
	}
	for _, e := range it.Enclosures {
		if e != nil {
			urls = append(urls, e.URL)
		}
	}
	for _, u := range urls {
		if id := firstURLID(u); id != "" {
			return id
		}
	}
	return ""
}

// merge collapses items that are the same review, then orders the result
// oldest first. Two items are the same review when they share a GUID, a
// normalised link, or a title and the same cleaned text (Wix's language
// copies differ in GUID and slug). Of a group, the Review kept is the one
// whose link has no ?lang=, then the oldest, then the smallest key, so the
// choice does not depend on feed order; the others' links go to Duplicates.
func merge(items []*item) []Review {
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	seen := map[string]int{}
	join := func(k string, i int) {
		if j, ok := seen[k]; ok {
			parent[find(i)] = find(j)
		} else {
			seen[k] = i
		}
	}
	for i, x := range items {
		if x.GUID != "" {
			join("g\x00"+x.GUID, i)
		}
		if x.NormLink != "" {
			join("l\x00"+x.NormLink, i)
		}
		if x.Title != "" && len(x.Text) > 40 {
			sum := sha256.Sum256([]byte(x.Text))
			join("t\x00"+strings.ToLower(x.Title)+"\x00"+string(sum[:]), i)
		}
	}
	groups := map[int][]*item{}
	var roots []int
	for i, x := range items {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], x)
	}
	out := make([]Review, 0, len(roots))
	orders := make([]int, 0, len(roots))
	for _, root := range roots {
		g := groups[root]
		best := g[0]
		for _, x := range g[1:] {
			if better(x, best) {
				best = x
			}
		}
		r := best.Review
		order := best.order
		for _, x := range g {
			order = min(order, x.order)
			if x == best {
				continue
			}
			if x.Link != "" && x.Link != r.Link && !slices.Contains(r.Duplicates, x.Link) {
				r.Duplicates = append(r.Duplicates, x.Link)
			}
			if r.TrailerID == "" && x.TrailerID != "" {
				r.TrailerID, r.TrailerURL = x.TrailerID, x.TrailerURL
			}
			if r.Image == "" {
				r.Image = x.Image
			}
			if !r.IsReview && x.IsReview {
				r.IsReview, r.ReviewReason = true, x.ReviewReason
			}
		}
		out = append(out, r)
		orders = append(orders, order)
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := out[a].Published.Compare(out[b].Published); c != 0 {
			return c
		}
		return cmp.Compare(orders[a], orders[b])
	})
	sorted := make([]Review, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}

// hasLangParam reports whether a link carries a ?lang= language variant.
func hasLangParam(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	_, ok := u.Query()["lang"]
	return ok
}

func better(a, b *item) bool {
	al, bl := hasLangParam(a.Link), hasLangParam(b.Link)
	if al != bl {
		return !al
	}
	if !a.Published.Equal(b.Published) {
		if a.Published.IsZero() || b.Published.IsZero() {
			return !a.Published.IsZero()
		}
		return a.Published.Before(b.Published)
	}
	return a.Key < b.Key
}

// sanitize makes the strings of r that come straight from the feed valid
// UTF-8: feeds are not. Text, Summary, title, names, categories and the
// metadata are built rune by rune from valid text already (see normRune and
// parseBody), and FuzzFromItem checks that they stay so.
func sanitize(r *Review) {
	for _, p := range []*string{&r.Key, &r.GUID, &r.Link, &r.NormLink, &r.FeedURL, &r.Image} {
		*p = strings.ToValidUTF8(*p, "\uFFFD")
	}
	for i := range r.Duplicates {
		r.Duplicates[i] = strings.ToValidUTF8(r.Duplicates[i], "\uFFFD")
	}
}

// detach gives r's strings storage of their own. Extraction cuts some of
// them out of the feed's strings (a picture's URL, a trailer id out of an
// item's whole HTML body): kept as they are, each would hold its item's
// whole body in memory for as long as the review lives, three times the
// review's own size on a WordPress feed. Every string and []string field is
// copied, fields added later included.
func detach(r *Review) {
	v := reflect.ValueOf(r).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.String:
			f.SetString(strings.Clone(f.String()))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String && !f.IsNil():
			c := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			for k := range f.Len() {
				c.Index(k).SetString(strings.Clone(f.Index(k).String()))
			}
			f.Set(c)
		}
	}
}
