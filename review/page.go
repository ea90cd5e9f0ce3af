package review

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/netguard"
	"github.com/reelpost/reelpost/internal/redact"
)

// PageFetcher fetches a review page with a conditional GET. *feed.Fetcher
// satisfies it.
type PageFetcher interface {
	Fetch(ctx context.Context, rawURL string, prev feed.Validators) (*feed.Response, error)
}

const (
	// pageWorkers bounds the page fetches of one Extract running at once.
	pageWorkers = 4
	// maxPageRequests bounds the page requests of one Extract: a feed of
	// hundreds of thin items (a podcast, say) is completed over several
	// polls rather than hammering its site at once. Pages in the cache for
	// an unchanged item cost no request and do not count.
	maxPageRequests = 64
)

// pageEntry is a fetched page as kept between polls.
type pageEntry struct {
	validators feed.Validators
	// itemPrint is the fingerprint of the feed item when the page was last
	// fetched or revalidated: while the item is unchanged, so is the page
	// it points to, and no request is made.
	itemPrint [32]byte
	data      *pageData
}

// pageData is what a review page adds to a thin item.
type pageData struct {
	body          *bodyResult // the article's text, trailer and first picture
	ogImage       string
	ogDescription string
	ogVideo       string
	tags          []string
	ld            ldData
}

// ldData is what JSON-LD (Review, Movie, VideoObject, Article) says.
type ldData struct {
	trailer  trailerFinder
	image    string
	genres   []string
	cast     []string
	director string
	writer   string
	runtime  int
	rating   string
	keywords []string
}

func itemPrint(x *item) [32]byte {
	it := x.src
	h := sha256.New()
	for _, s := range []string{it.Title, it.Link, it.Description, it.Content, it.Published, it.Updated} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// pagePass is one extraction's use of a feed's page cache: it completes
// the thin items from their pages, at most pageWorkers at a time and
// maxPageRequests requests in all, batch after batch (see Stream), and at
// the end replaces the feed's cache by the pages this extraction used, so
// it holds no page of an item that left the feed.
type pagePass struct {
	e         *Extractor
	feedURL   string
	old, used map[string]*pageEntry
	mu        sync.Mutex // used and pending, while pages are fetched
	requests  int
	pending   int
}

func (e *Extractor) pagePass(feedURL string) *pagePass {
	e.mu.Lock()
	old := e.pages[feedURL]
	e.mu.Unlock()
	return &pagePass{e: e, feedURL: feedURL, old: old, used: map[string]*pageEntry{}}
}

// complete fetches the pages of the thin items among items and completes
// the items from them.
func (p *pagePass) complete(ctx context.Context, items []*item) {
	e, feedURL, old, used := p.e, p.feedURL, p.old, p.used
	type job struct {
		x       *item
		fp      [32]byte
		request bool // not answered by the cache: a request is made
	}
	var jobs []job
	requests := 0 // of this batch, for the progress
	for _, x := range items {
		if !x.thin || !isHTTPURL(x.Link) || e.notReviewByCategory(x) {
			continue
		}
		if _, dup := used[x.Link]; dup {
			continue
		}
		used[x.Link] = nil // claimed: one request per page per poll
		fp := itemPrint(x)
		request := false
		if c := old[x.Link]; c == nil || c.itemPrint != fp {
			if p.requests++; p.requests > maxPageRequests {
				if p.requests == maxPageRequests+1 {
					e.log.Info("review page limit reached, completing the other items at the next poll",
						"feed_url", redact.URL(feedURL), "limit", maxPageRequests)
				}
				p.pending++
				continue
			}
			request = true
			requests++
		}
		jobs = append(jobs, job{x, fp, request})
	}
	total := requests
	var done atomic.Int32
	progress := e.opts.Progress
	if progress != nil && total > 0 {
		progress(feedURL, 0, total)
	}

	sem := make(chan struct{}, pageWorkers)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ent := e.page(ctx, feedURL, j.x, j.fp, old[j.x.Link])
			p.mu.Lock()
			used[j.x.Link] = ent
			if ent == nil || ent.itemPrint != j.fp {
				p.pending++ // not fetched, or only an older version kept
			}
			p.mu.Unlock()
			if ent != nil && ent.data != nil {
				j.x.completeFrom(ent.data)
			}
			if j.request && progress != nil {
				progress(feedURL, int(done.Add(1)), total)
			}
		}()
	}
	wg.Wait()
	// Pages whose items are duplicates of completed ones share the result.
	for _, x := range items {
		if x.thin && !x.PageFetched {
			if ent := used[x.Link]; ent != nil && ent.data != nil {
				x.completeFrom(ent.data)
			}
		}
	}
}

// finish replaces the feed's page cache by the pages used.
func (p *pagePass) finish() {
	for k, v := range p.used {
		if v == nil {
			delete(p.used, k)
		}
	}
	e := p.e
	e.mu.Lock()
	e.pages[p.feedURL] = p.used
	if p.pending > 0 {
		e.pending[p.feedURL] = true
	} else {
		delete(e.pending, p.feedURL)
	}
	e.mu.Unlock()
}

// PagesPending reports whether the last extraction of the feed left a thin
// item without the page it wanted: the fetch failed, or the item waits for
// a later poll's share of page requests. The next extraction tries again,
// so a caller that skips extracting a feed whose items did not change (an
// item's page is otherwise read once per version of the item) must not
// skip this one.
func (e *Extractor) PagesPending(feedURL string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pending[feedURL]
}

// notReviewByCategory reports an item whose own categories already decide
// it is not a review (FEED_CATEGORIES unmatched, or a news or promotion
// category): its page cannot change that, so it is not fetched. An item
// without categories may get them from its page (article:tag).
func (e *Extractor) notReviewByCategory(x *item) bool {
	if len(x.Categories) == 0 {
		return false
	}
	if len(e.filter) > 0 {
		ok, _ := classify(x.classifyInput(), e.filter)
		return !ok
	}
	if _, review := firstMatch(x.Categories, reviewWords); review {
		return false
	}
	_, news := firstMatch(x.Categories, newsWords)
	return news
}

// page returns the page entry for an item whose fingerprint (itemPrint) is
// fp: the cached one while the item is unchanged, else a conditional GET
// with the cached validators. A failed fetch is logged and the cached entry
// (or nothing) returned.
func (e *Extractor) page(ctx context.Context, feedURL string, x *item, fp [32]byte, cached *pageEntry) *pageEntry {
	if cached != nil && cached.itemPrint == fp {
		return cached
	}
	var prev feed.Validators
	if cached != nil {
		prev = cached.validators
	}
	resp, err := e.opts.Pages.Fetch(ctx, x.Link, prev)
	if err != nil {
		// A page the guard refused is logged by the guard, once per host:
		// a feed linking into a private network would otherwise warn on
		// every item at every poll.
		level := slog.LevelWarn
		var refused *netguard.RefusedError
		if errors.As(err, &refused) {
			level = slog.LevelDebug
		}
		e.log.Log(ctx, level, "review page not fetched, keeping the feed's data",
			"feed_url", redact.URL(feedURL), "item_key", x.Key, "page_url", x.Link, "error", err)
		return cached
	}
	if resp.NotModified && cached != nil {
		return &pageEntry{validators: cached.validators, itemPrint: fp, data: cached.data}
	}
	if resp.NotModified {
		return nil
	}
	body := resp.Body
	if dec, err := feed.Decode(body, resp.ContentType); err == nil {
		body = dec
	} else {
		e.log.Warn("review page charset not decoded, reading it as UTF-8",
			"feed_url", redact.URL(feedURL), "item_key", x.Key, "page_url", x.Link, "error", err)
	}
	pageURL := resp.URL
	if pageURL == "" {
		pageURL = x.Link
	}
	return &pageEntry{validators: resp.Validators, itemPrint: fp, data: parsePage(body, pageURL)}
}

// parsePage reads a review page: OpenGraph and JSON-LD metadata, and the
// <article> element (or, without one, the main content as go-readability
// finds it), walked exactly like a feed body.
func parsePage(body []byte, pageURL string) *pageData {
	d := &pageData{}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return d
	}
	base := feed.ParseBase(pageURL)
	var article *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Meta:
				d.meta(n, base)
			case atom.Script:
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && n.FirstChild != nil {
					d.ld.parse(n.FirstChild.Data, base)
				}
				return
			case atom.Article:
				if article == nil {
					article = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if article == nil && base != nil {
		if a, err := readability.FromDocument(doc, base); err == nil && a.Node != nil {
			article = a.Node
		}
	}
	if article != nil {
		d.body = parseBodyNode(article, base, true)
	} else {
		d.body = &bodyResult{}
	}
	return d
}

func (d *pageData) meta(n *html.Node, base *url.URL) {
	key := strings.ToLower(attr(n, "property"))
	if key == "" {
		key = strings.ToLower(attr(n, "name"))
	}
	val := strings.TrimSpace(attr(n, "content"))
	if val == "" {
		return
	}
	switch key {
	case "og:image", "og:image:secure_url", "og:image:url", "twitter:image":
		if d.ogImage == "" {
			if u := feed.ResolveURL(base, val); isPicture(u) {
				d.ogImage = u
			}
		}
	case "og:description", "twitter:description":
		if d.ogDescription == "" {
			d.ogDescription = val
		}
	case "og:video", "og:video:url", "og:video:secure_url", "twitter:player":
		if d.ogVideo == "" {
			d.ogVideo = firstURLID(val)
		}
	case "article:tag":
		d.tags = append(d.tags, val)
	}
}

// parse reads one JSON-LD script; malformed JSON is ignored (pages are not
// ours to fix).
func (l *ldData) parse(s string, base *url.URL) {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return
	}
	l.walk(v, base, 0)
}

func (l *ldData) walk(v any, base *url.URL, depth int) {
	if depth > 8 {
		return
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			l.walk(e, base, depth+1)
		}
	case map[string]any:
		for _, k := range []string{"embedUrl", "contentUrl"} {
			if s, ok := t[k].(string); ok {
				l.trailer.scanURL(s, true)
			}
		}
		if isLDType(t, "VideoObject") {
			if s, ok := t["url"].(string); ok {
				l.trailer.scanURL(s, true)
			}
		}
		if isLDType(t, "Movie") || isLDType(t, "Review") || isLDType(t, "CreativeWork") {
			if g := ldStrings(t["genre"]); len(g) > 0 && l.genres == nil {
				l.genres = g
			}
			if c := ldNames(t["actor"]); len(c) > 0 && l.cast == nil {
				l.cast = c
			}
			if d := ldNames(t["director"]); len(d) > 0 && l.director == "" {
				l.director = strings.Join(d, ", ")
			}
			if s, ok := t["duration"].(string); ok && l.runtime == 0 {
				l.runtime = parseRuntime(s)
			}
			if rr, ok := t["reviewRating"].(map[string]any); ok && l.rating == "" {
				l.rating = ldRating(rr)
			}
		}
		if isLDType(t, "Movie") {
			if w := ldNames(t["author"]); len(w) > 0 && l.writer == "" {
				l.writer = strings.Join(w, ", ")
			}
		}
		if l.image == "" {
			for _, s := range ldStrings(t["image"]) {
				if u := feed.ResolveURL(base, s); isPicture(u) {
					l.image = u
					break
				}
			}
		}
		if k := ldStrings(t["keywords"]); len(k) > 0 && l.keywords == nil {
			l.keywords = k
		}
		for _, k := range []string{"@graph", "itemReviewed", "trailer", "video", "mainEntity", "about"} {
			if c, ok := t[k]; ok {
				l.walk(c, base, depth+1)
			}
		}
	}
}

func isLDType(m map[string]any, typ string) bool {
	for _, t := range ldStrings(m["@type"]) {
		if strings.EqualFold(t, typ) {
			return true
		}
	}
	return false
}

// ldStrings reads a JSON-LD value that may be a string, a comma list, an
// object with url/name, or an array of those.
func ldStrings(v any) []string {
	var out []string
	switch t := v.(type) {
	case string:
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case []any:
		for _, e := range t {
			out = append(out, ldStrings(e)...)
		}
	case map[string]any:
		for _, k := range []string{"url", "name", "@id"} {
			if s, ok := t[k].(string); ok && s != "" {
				return []string{s}
			}
		}
	}
	return out
}

func ldNames(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{strings.TrimSpace(t)}
	case map[string]any:
		if s, ok := t["name"].(string); ok && strings.TrimSpace(s) != "" {
			return []string{strings.TrimSpace(s)}
		}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, ldNames(e)...)
		}
		return out
	}
	return nil
}

func ldRating(m map[string]any) string {
	num := func(v any) string {
		switch t := v.(type) {
		case float64:
			return strconv.FormatFloat(t, 'f', -1, 64)
		case string:
			return strings.TrimSpace(t)
		}
		return ""
	}
	val, best := num(m["ratingValue"]), num(m["bestRating"])
	if val == "" {
		return ""
	}
	if best == "" {
		best = "5"
	}
	return parseRating(val + "/" + best)
}

// completeFrom fills a thin item from its page, exactly as from a feed body:
// the article's text replaces a shorter feed text, and the trailer, picture,
// categories and metadata fill what the feed left empty. The summary stays
// the feed's written excerpt when it has one; else the page's description
// when that is a written one; else the verdict of the longer text.
func (x *item) completeFrom(d *pageData) {
	r := &x.Review
	r.PageFetched = true
	if d.body == nil {
		return
	}
	clean := cleanLines(d.body.lines, r.Author, r.Title)
	pageText := clean.text()
	useText := len(pageText) > len(r.Text)
	fill := func(dst *string, srcs ...string) {
		for _, s := range srcs {
			if *dst == "" && s != "" {
				*dst = s
			}
		}
	}
	if useText {
		keep := *r
		x.applyText(clean)
		// Fields the feed had and the page lacks survive.
		fill(&r.Director, keep.Director)
		fill(&r.Writer, keep.Writer)
		fill(&r.Rating, keep.Rating)
		if r.RuntimeMinutes == 0 {
			r.RuntimeMinutes = keep.RuntimeMinutes
		}
		if r.Genres == nil {
			r.Genres = keep.Genres
		}
		if r.Cast == nil {
			r.Cast = keep.Cast
		}
		if r.SeeAlso == nil {
			r.SeeAlso = keep.SeeAlso
		}
	}
	if r.TrailerID == "" {
		fill(&r.TrailerID, d.body.trailer.best(), d.ld.trailer.best(), d.ogVideo)
		r.TrailerURL = trailerURL(r.TrailerID)
	}
	fill(&r.Image, d.ogImage, d.ld.image, d.body.image)
	fill(&r.IMDbID, d.body.imdb)
	if len(r.Categories) == 0 {
		r.Categories = cleanCategories(d.tags)
		if len(r.Categories) == 0 {
			r.Categories = cleanCategories(d.ld.keywords)
		}
	}
	fill(&r.Director, d.ld.director)
	fill(&r.Writer, d.ld.writer)
	fill(&r.Rating, d.ld.rating)
	if r.RuntimeMinutes == 0 {
		r.RuntimeMinutes = d.ld.runtime
	}
	if r.Genres == nil {
		r.Genres = d.ld.genres
	}
	if r.Cast == nil {
		r.Cast = d.ld.cast
	}
	if f := metaFieldCount(r); f > x.metaFields {
		x.metaFields = f
	}
	if x.excerpt || !useText {
		return
	}
	if d.ogDescription != "" {
		if s, ok := realExcerpt([]string{plainText(d.ogDescription)}, pageText); ok {
			r.Summary, x.excerpt = s, true
			x.evaluative = x.evaluative || judgementCount(pageText) >= 2
			return
		}
	}
	var score float64
	r.Summary, score = verdict(clean)
	x.evaluative = score > 2
}

func metaFieldCount(r *Review) int {
	n := 0
	for _, b := range []bool{len(r.Genres) > 0, len(r.Cast) > 0, r.Director != "", r.Writer != "",
		r.RuntimeMinutes > 0, r.Rating != "", len(r.SeeAlso) > 0} {
		if b {
			n++
		}
	}
	return n
}
