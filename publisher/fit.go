package publisher

import (
	"errors"
	"sort"
	"strings"
	"text/template"
	"unicode"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"

	"github.com/reelpost/reelpost/publisher/textlen"
)

// ErrTooLong is a post that cannot fit even with every optional part
// dropped: its URLs and fixed words alone exceed the network's limit.
var ErrTooLong = errors.New("post does not fit the limit even without its optional parts")

// minSummaryRunes is the shortest a summary is cut to at a word boundary
// before optional parts are dropped instead (about a sentence: a verdict cut
// shorter says less than the cast it would keep). Once every optional part
// is gone, the summary may be cut down to minLastSummaryRunes before it is
// dropped.
const (
	minSummaryRunes     = 100
	minLastSummaryRunes = 20
)

type fitter struct {
	tmpl  *template.Template
	rules Rules
	// known are the URLs the review gave, found verbatim in the text even
	// where twitter-text's recogniser would stop short.
	known []string
	// shown caches displayURL: the same links are shortened at every try.
	shown map[string]string
}

func (f *fitter) display(u string) string {
	if d, ok := f.shown[u]; ok {
		return d
	}
	if f.shown == nil {
		f.shown = map[string]string{}
	}
	d := displayURL(u)
	f.shown[u] = d
	return d
}

type fitResult struct {
	text   string
	links  []Link
	tags   []string
	length int
}

// fit makes a rendered post fit its network's limit as that network
// counts it (Rules.Count, and Rules.MaxBytes). It never edits the rendered
// text: it changes the TemplateData and renders again, so a user's template
// is fitted the same way as the built-in ones. In order, until the post fits:
//
//  1. the summary loses whole sentences from its end (down to one);
//  2. the first sentence is cut at a word boundary, with "…" (keeping at
//     least minSummaryRunes characters);
//  3. optional parts are dropped, one step at a time, each time trying the
//     longest summary again (steps 1 and 2): the hashtags (the last first,
//     the title's last of all), the cast, the see-also list, the rating, the
//     runtime, the genres, the director and writer;
//  4. the first sentence is cut shorter (down to minLastSummaryRunes), then
//     the summary is dropped entirely;
//  5. the title is cut at a word boundary with "…", then dropped.
//
// If the post still does not fit, what is left (the URLs and the template's
// own words) exceeds the limit and Render returns ErrTooLong. URLs, hashtags
// and words are never cut.
func (f *fitter) fit(d TemplateData) (fitResult, error) {
	f.known = f.known[:0]
	for _, u := range []string{d.Link, d.TrailerURL} {
		if u != "" {
			f.known = append(f.known, u)
		}
	}
	res, ok, err := f.fitAll(d)
	if err != nil {
		return fitResult{}, err
	}
	if !ok {
		return fitResult{}, ErrTooLong
	}
	if !f.rules.ShortLinks {
		_, res.links = placeLinks(res.text, f.known, false)
	}
	res.tags = tagsOf(res.text, res.links)
	return res, nil
}

func (f *fitter) fitAll(d TemplateData) (fitResult, bool, error) {
	// Most posts fit as they are.
	if res, ok, err := f.try(&d); err != nil || ok {
		return res, ok, err
	}
	full := d.Summary
	summaries := newSummaryCandidates(full, minSummaryRunes)
	steps := dropSteps(d)
	base := d
	atLevel := func(level int) TemplateData {
		x := base
		for _, step := range steps[:level] {
			step(&x)
		}
		return x
	}
	// The fewest drops with which the shortest summary fits: dropping a part
	// never lengthens the post, so the levels can be searched by halves.
	shortestFits := func(level int) (bool, error) {
		x := atLevel(level)
		x.Summary = summaries.at(0)
		_, ok, err := f.try(&x)
		return ok, err
	}
	ok, err := shortestFits(len(steps))
	if err != nil {
		return fitResult{}, false, err
	}
	if ok {
		lo, hi := 0, len(steps) // hi fits
		for lo < hi {
			mid := (lo + hi) / 2
			ok, err := shortestFits(mid)
			if err != nil {
				return fitResult{}, false, err
			}
			if ok {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		d = atLevel(hi)
		return f.searchMaxKnowingFirst(summaries.len(), func(i int) { d.Summary = summaries.at(i) }, &d)
	}
	d = atLevel(len(steps))
	// Nothing optional is left: a shorter summary beats none.
	if last := newSummaryCandidates(full, minLastSummaryRunes); last.len() > summaries.len() {
		n := last.len() - summaries.len()
		res, ok, err := f.searchMax(n, func(i int) { d.Summary = last.at(i) }, &d)
		if err != nil || ok {
			return res, ok, err
		}
	}
	d.Summary = ""
	if res, ok, err := f.try(&d); err != nil || ok {
		return res, ok, err
	}
	title := d.Title
	if cuts := wordCuts(title, 1); len(cuts) > 0 {
		res, ok, err := f.searchMax(len(cuts), func(i int) { d.Title = shorten(title, cuts[i]) }, &d)
		if err != nil || ok {
			return res, ok, err
		}
	}
	d.Title = ""
	return f.try(&d)
}

// summaryCandidates are the forms of a summary from the shortest to the
// whole: the first sentence cut at each word boundary (leaving at least
// minRunes characters) with "…", then one sentence, two, ..., all of them.
// The fitter takes the longest that fits. They are made on demand: a long
// summary has many.
type summaryCandidates struct {
	full, first string
	cuts        []int // in first
	ends        []int // sentence ends in full
}

func newSummaryCandidates(full string, minRunes int) summaryCandidates {
	if full == "" {
		return summaryCandidates{ends: []int{0}}
	}
	ends := sentences(full)
	first := strings.TrimSpace(full[:ends[0]])
	return summaryCandidates{full: full, first: first, cuts: wordCuts(first, minRunes), ends: ends}
}

func (c summaryCandidates) len() int { return len(c.cuts) + len(c.ends) }

func (c summaryCandidates) at(i int) string {
	if i < len(c.cuts) {
		return shorten(c.first, c.cuts[i])
	}
	return strings.TrimSpace(c.full[:c.ends[i-len(c.cuts)]])
}

// dropSteps lists the optional parts of d in the order they are dropped;
// parts that are empty already are left out.
func dropSteps(d TemplateData) []func(*TemplateData) {
	var steps []func(*TemplateData)
	for n := len(d.Tags) - 1; n >= 0; n-- {
		steps = append(steps, func(d *TemplateData) { d.setTags(d.Tags[:n]) })
	}
	if len(d.Cast) > 0 {
		steps = append(steps, func(d *TemplateData) { d.Cast, d.CastList = nil, "" })
	}
	if len(d.SeeAlso) > 0 {
		steps = append(steps, func(d *TemplateData) { d.SeeAlso, d.SeeAlsoList = nil, "" })
	}
	if d.Rating != "" {
		steps = append(steps, func(d *TemplateData) { d.Rating = "" })
	}
	if d.RuntimeMinutes != 0 {
		steps = append(steps, func(d *TemplateData) { d.RuntimeMinutes, d.Runtime = 0, "" })
	}
	if len(d.Genres) > 0 {
		steps = append(steps, func(d *TemplateData) { d.Genres, d.GenreList = nil, "" })
	}
	if d.Director != "" || d.Writer != "" {
		steps = append(steps, func(d *TemplateData) { d.Director, d.Writer = "", "" })
	}
	return steps
}

// searchMax finds the largest i in [0, n) for which the data set by set(i)
// fits, assuming that a larger i never makes the text shorter. Every result
// it returns was measured.
func (f *fitter) searchMax(n int, set func(i int), d *TemplateData) (fitResult, bool, error) {
	set(n - 1)
	if best, ok, err := f.try(d); err != nil || ok || n == 1 {
		return best, ok, err
	}
	set(0)
	best, ok, err := f.try(d)
	if err != nil || !ok {
		return best, false, err
	}
	return f.bisect(0, n-2, best, set, d)
}

// searchMaxKnowingFirst is searchMax where set(0) is known to fit.
func (f *fitter) searchMaxKnowingFirst(n int, set func(i int), d *TemplateData) (fitResult, bool, error) {
	set(n - 1)
	if best, ok, err := f.try(d); err != nil || ok || n == 1 {
		return best, ok, err
	}
	if n == 2 {
		set(0)
		return f.try(d)
	}
	return f.bisect(0, n-2, fitResult{}, set, d)
}

// bisect finds the largest i in [lo, hi] that fits, lo fitting (best is
// its result, or empty when it was not rendered).
func (f *fitter) bisect(lo, hi int, best fitResult, set func(i int), d *TemplateData) (fitResult, bool, error) {
	rendered := best.text != "" || best.length != 0
	for lo < hi {
		mid := (lo + hi + 1) / 2
		set(mid)
		res, ok, err := f.try(d)
		if err != nil {
			return res, false, err
		}
		if ok {
			lo, best, rendered = mid, res, true
		} else {
			hi = mid - 1
		}
	}
	if !rendered {
		set(lo)
		return f.try(d)
	}
	return best, true, nil
}

// try renders d and measures the result as the network does.
func (f *fitter) try(d *TemplateData) (fitResult, bool, error) {
	out, err := execute(f.tmpl, d)
	if err != nil {
		return fitResult{}, false, &TemplateError{Var: f.tmpl.Name(), Err: err}
	}
	text := tidy(out)
	var links []Link
	if f.rules.ShortLinks {
		// Shortened links change the text, so they are placed before measuring;
		// otherwise fit places them once, in the text that fits.
		text, links = placeLinksShown(text, f.known, true, f.display)
	}
	n := f.rules.Count(text)
	fits := n <= f.rules.Limit && (f.rules.MaxBytes == 0 || len(text) <= f.rules.MaxBytes)
	return fitResult{text: text, links: links, length: n}, fits, nil
}

// tidy normalises rendered text: NFC, no spaces at either end of a line nor
// runs of them,
// at most one blank line in a row (parts that rendered empty leave none),
// nothing blank at either end.
func tidy(s string) string {
	s = norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		if strings.Contains(line, "  ") {
			line = strings.Join(strings.Fields(line), " ")
		}
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
			if blank > 0 {
				b.WriteString("\n")
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String()
}

// sentences returns the end offsets of the sentences of s (UAX #29).
func sentences(s string) []int {
	var ends []int
	rest, state, off := s, -1, 0
	for len(rest) > 0 {
		var sent string
		sent, rest, state = uniseg.FirstSentenceInString(rest, state)
		off += len(sent)
		if strings.TrimSpace(sent) != "" {
			ends = append(ends, off)
		} else if len(ends) > 0 {
			ends[len(ends)-1] = off
		}
	}
	return ends
}

// wordCuts returns the offsets at which s may be cut without cutting a word,
// a URL or a hashtag, leaving at least minRunes characters: before a space,
// or between two ideographs or kana (scripts written without spaces). The
// end of s is not a cut.
func wordCuts(s string, minRunes int) []int {
	protected := textlen.URLSpans(s)
	protected = append(protected, HashtagSpans(s, protected)...)
	sort.Slice(protected, func(a, b int) bool { return protected[a].Start < protected[b].Start })
	var cuts []int
	runes := 0
	var prev rune
	for i, r := range s {
		for len(protected) > 0 && protected[0].End <= i {
			protected = protected[1:]
		}
		if i > 0 && runes >= minRunes && !unicode.IsSpace(prev) && !inside(i, protected) {
			if unicode.IsSpace(r) || (isCJK(prev) && isCJK(r)) {
				cuts = append(cuts, i)
			}
		}
		prev = r
		runes++
	}
	return cuts
}

// inside reports whether offset i lies strictly within one of the spans,
// sorted by start (a cut there would split it).
func inside(i int, spans []textlen.Span) bool {
	for _, s := range spans {
		if s.Start >= i {
			break
		}
		if i < s.End {
			return true
		}
	}
	return false
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー'
}

// shorten cuts s at cut, drops the punctuation the cut leaves dangling and
// adds "…".
func shorten(s string, cut int) string {
	t := strings.TrimRightFunc(s[:cut], func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:–—-(«“‘\"'/&", r)
	})
	if t == "" {
		t = strings.TrimSpace(s[:cut])
	}
	return t + "…"
}

// cutAtWord shortens s to at most max grapheme clusters at a word boundary,
// with "…".
func cutAtWord(s string, max int) string {
	if max < 2 || textlen.Graphemes(s) <= max {
		return s
	}
	// limit is where max-1 clusters end, leaving room for "…".
	limit, n := 0, 0
	for g := uniseg.NewGraphemes(s); n < max-1 && g.Next(); n++ {
		_, limit = g.Positions()
	}
	best := -1
	for _, c := range wordCuts(s, 1) {
		if c > limit {
			break
		}
		best = c
	}
	if best < 0 {
		// One word longer than max: cut between clusters instead.
		return strings.TrimSpace(s[:limit]) + "…"
	}
	return shorten(s, best)
}

// tagsOf returns the hashtags in text outside its links, without '#'.
func tagsOf(text string, links []Link) []string {
	var tags []string
	for _, s := range TagSpans(Post{Text: text, Links: links}) {
		tags = append(tags, text[s.Start+1:s.End])
	}
	return tags
}
