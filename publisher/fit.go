package publisher

import (
	"bytes"
	"errors"
	"sort"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

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
	tmpl *template.Template
	// byLine says that posts are measured line by line (countsByLine);
	// lines holds the lines measured so far.
	byLine bool
	lines  map[string]fittedLine
	// buf holds the text of the current try: it is only read while
	// measuring, so one buffer serves every try.
	buf   bytes.Buffer
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
//  1. the trimmings are dropped, one step at a time, while the whole
//     summary does not fit: the hashtags (the last first, the title's last
//     of all), the cast, the see-also list, the running time (the verdict
//     says more than any of them);
//  2. the summary loses whole sentences from its end (down to one);
//  3. the first sentence is cut at a word boundary, with "…" (keeping at
//     least minSummaryRunes characters);
//  4. the other optional parts are dropped, one step at a time, each time
//     trying the longest summary again (steps 2 and 3): the rating, the
//     genres, the director and writer;
//  5. the first sentence is cut shorter (down to minLastSummaryRunes), then
//     the summary is dropped entirely;
//  6. the title is cut at a word boundary with "…", then dropped.
//
// If the post still does not fit, what is left (the URLs and the template's
// own words) exceeds the limit and Render returns ErrTooLong. URLs, hashtags
// and words are never cut.
func (f *fitter) fit(d TemplateData) (fitResult, error) {
	f.known = knownURLs(f.known[:0], &d)
	f.byLine = countsByLine(f.rules, f.known)
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

// knownURLs appends to dst the URLs the review gave d (its link and
// trailer), which placeLinks finds verbatim in the text.
func knownURLs(dst []string, d *TemplateData) []string {
	for _, u := range []string{d.Link, d.TrailerURL} {
		if u != "" {
			dst = append(dst, u)
		}
	}
	return dst
}

func (f *fitter) fitAll(d TemplateData) (fitResult, bool, error) {
	// Most posts fit as they are.
	if res, ok, err := f.try(&d); err != nil || ok {
		return res, ok, err
	}
	full := d.Summary
	steps, trimmings := dropSteps(d)
	base := d
	// One TemplateData for every level tried: the steps and the executor
	// take its address, which would put a copy on the heap at every try.
	scratch := new(TemplateData)
	atLevel := func(level int) *TemplateData {
		*scratch = base
		for _, step := range steps[:level] {
			step(scratch)
		}
		return scratch
	}
	// fewest searches levels lo to hi, hi fitting, for the fewest drops that
	// fit with summary: dropping a part never lengthens the post, so the
	// levels can be searched by halves. at[level] keeps each level's post
	// where it fits.
	at := make([]fitResult, len(steps)+1)
	fits := func(level int, summary string) (bool, error) {
		x := atLevel(level)
		x.Summary = summary
		res, ok, err := f.try(x)
		if ok {
			at[level] = res
		}
		return ok, err
	}
	fewest := func(lo, hi int, summary string) (int, error) {
		for lo < hi {
			mid := (lo + hi) / 2
			ok, err := fits(mid, summary)
			if err != nil {
				return 0, err
			}
			if ok {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return hi, nil
	}
	// The fewest trimmings with which the whole summary fits (it does not
	// with none dropped: that was the first try).
	if trimmings > 0 {
		ok, err := fits(trimmings, full)
		if err != nil {
			return fitResult{}, false, err
		}
		if ok {
			level, err := fewest(1, trimmings, full)
			if err != nil {
				return fitResult{}, false, err
			}
			return at[level], true, nil
		}
	}
	// Every trimming is gone and the summary is still too long: the
	// fewest further drops with which its shortest form fits, then its
	// longest form that fits there.
	summaries := newSummaryCandidates(full, minSummaryRunes)
	ok, err := fits(len(steps), summaries.at(0))
	if err != nil {
		return fitResult{}, false, err
	}
	if ok {
		level, err := fewest(trimmings, len(steps), summaries.at(0))
		if err != nil {
			return fitResult{}, false, err
		}
		return f.longestSummary(&summaries, atLevel(level), at[level])
	}
	d = *atLevel(len(steps))
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
	// Last, the film's name and the title (the built-in templates show the
	// first, a user's may show either): cut at a word, then dropped.
	for _, p := range []*string{&d.Film, &d.Title} {
		full := *p
		if cuts := wordCuts(full, 1); len(cuts) > 0 {
			res, ok, err := f.searchMax(len(cuts), func(i int) { *p = shorten(full, cuts[i]) }, &d)
			if err != nil || ok {
				return res, ok, err
			}
		}
		*p = ""
	}
	return f.try(&d)
}

// summaryCandidates are the forms of a summary from the shortest to the
// whole: the first sentence cut at each word boundary (leaving at least
// minRunes characters) with "…", then one sentence, two, ..., all of them.
// The fitter takes the longest that fits. They are made on demand: a long
// summary has many, and finding sentences (UAX #29) costs more than the
// fitting itself, so they are found only as far as a search looks.
type summaryCandidates struct {
	full, first string
	cuts        []int // in first
	ends        []int // sentence ends in full found so far
	// rest and state continue the sentence segmentation of full.
	rest  string
	state int
	// urls are full's URLs: Unicode's sentence rules end a sentence at the
	// "?" of a query ("watch?v=..."), which must not cut the URL.
	urls []textlen.Span
}

func newSummaryCandidates(full string, minRunes int) summaryCandidates {
	if full == "" {
		return summaryCandidates{ends: []int{0}}
	}
	c := summaryCandidates{full: full, rest: full, state: -1, urls: textlen.URLSpans(full)}
	c.more()
	first := strings.TrimSpace(full[:c.ends[0]])
	c.first, c.cuts = first, wordCuts(first, minRunes)
	return c
}

// more finds the next sentence; it reports false when there is none.
func (c *summaryCandidates) more() bool {
	for len(c.rest) > 0 {
		var sent string
		sent, c.rest, c.state = uniseg.FirstSentenceInString(c.rest, c.state)
		off := len(c.full) - len(c.rest)
		if inside(off, c.urls) {
			continue // the sentence goes on past the URL
		}
		if strings.TrimSpace(sent) != "" {
			c.ends = append(c.ends, off)
			return true
		}
		// White space alone joins the sentence before it.
		if len(c.ends) > 0 {
			c.ends[len(c.ends)-1] = off
		}
	}
	return false
}

// has reports whether there is a candidate i.
func (c *summaryCandidates) has(i int) bool {
	for i >= len(c.cuts)+len(c.ends) {
		if !c.more() {
			return false
		}
	}
	return true
}

func (c *summaryCandidates) len() int {
	for c.more() {
	}
	return len(c.cuts) + len(c.ends)
}

// at returns candidate i, which must exist (see has).
func (c *summaryCandidates) at(i int) string {
	if i < len(c.cuts) {
		return shorten(c.first, c.cuts[i])
	}
	return strings.TrimSpace(c.full[:c.ends[i-len(c.cuts)]])
}

// prefix returns about how much of full candidate i shows, and whether "…"
// follows it, for estimates: exactly so when full has no white space at its
// start (a TemplateData's summary never has).
func (c *summaryCandidates) prefix(i int) (n int, ellipsis bool) {
	if i < len(c.cuts) {
		return shortenLen(c.first, c.cuts[i]), true
	}
	return len(strings.TrimRightFunc(c.full[:c.ends[i-len(c.cuts)]], unicode.IsSpace)), false
}

// longestSummary sets d.Summary to the longest of c that fits, knowing that
// the shortest does (first is its post). Every post measures the summary's
// count in place, and a longer candidate counts no less, as for searchMax:
// that makes the count additive enough to estimate. It takes the longest
// candidate whose estimate (first's length plus what the summary itself
// gains, counted alone) fits, then measures it and the next one, stepping
// and then halving only where the estimate was wrong. Usually two posts are
// measured instead of four or five, and sentences are found only as far as
// the estimate reaches.
func (f *fitter) longestSummary(c *summaryCandidates, d *TemplateData, first fitResult) (fitResult, bool, error) {
	set := func(i int) { d.Summary = c.at(i) }
	// The estimate. Counting each candidate's growth over the one before
	// keeps this linear in the summary's length.
	guess := 0
	base, baseEllipsis := c.prefix(0)
	count, bytes := first.length, len(first.text)
	ellipsis := f.rules.Count("…")
	for i := 1; c.has(i); i++ {
		n, e := c.prefix(i)
		if n < base {
			break // not a longer prefix: leave it to the measured search
		}
		count += f.rules.Count(c.full[base:n])
		bytes += n - base
		if baseEllipsis && !e {
			// The first sentence's cuts end with "…", whole sentences do not.
			count -= ellipsis
			bytes -= len("…")
		}
		base, baseEllipsis = n, e
		if count > f.rules.Limit || (f.rules.MaxBytes > 0 && bytes > f.rules.MaxBytes) {
			break
		}
		guess = i
	}
	// The measured search: lo fits (best is its post), hi does not (-1
	// while unknown).
	lo, hi, best := 0, -1, first
	try := func(i int) error {
		set(i)
		res, ok, err := f.try(d)
		if err != nil {
			return err
		}
		if ok {
			lo, best = i, res
		} else {
			hi = i
		}
		return nil
	}
	if guess > 0 {
		if err := try(guess); err != nil {
			return fitResult{}, false, err
		}
	}
	step, steppedDown := 1, false
	for hi < 0 || hi-lo > 1 {
		var next int
		switch {
		case hi < 0:
			next = lo + step
			step *= 2
			if !c.has(next) {
				if last := c.len() - 1; last > lo {
					next = last
				} else {
					hi = lo + 1 // lo is the whole summary
					continue
				}
			}
		case !steppedDown:
			next, steppedDown = hi-1, true
		default:
			next = (lo + hi) / 2
		}
		if err := try(next); err != nil {
			return fitResult{}, false, err
		}
	}
	set(lo)
	return best, true, nil
}

// dropSteps lists the optional parts of d in the order they are dropped,
// the first trimmings of them trimmings (which go before the summary is
// shortened, see fit); parts that are empty already are left out.
func dropSteps(d TemplateData) (steps []func(*TemplateData), trimmings int) {
	// Hashtags with fewer tags is a prefix of Hashtags: slicing it saves
	// joining the tags again at every try.
	tags, hashtags := d.Tags, d.Hashtags
	var tmp TemplateData
	if tmp.setTags(tags); tmp.Hashtags != hashtags {
		hashtags = "" // not made by setTags: make each anew
	}
	for n := len(tags) - 1; n >= 0; n-- {
		if hashtags == "" {
			steps = append(steps, func(d *TemplateData) { d.setTags(d.Tags[:n]) })
			continue
		}
		end := 0 // of "#" + tags[0] + " #" + tags[1] ... up to tags[n-1]
		for _, t := range tags[:n] {
			end += len(" #") + len(t)
		}
		end = max(end-1, 0)
		steps = append(steps, func(d *TemplateData) { d.Tags, d.Hashtags = tags[:n], hashtags[:end] })
	}
	if len(d.Cast) > 0 {
		steps = append(steps, func(d *TemplateData) { d.Cast, d.CastList = nil, "" })
	}
	if len(d.SeeAlso) > 0 {
		steps = append(steps, func(d *TemplateData) { d.SeeAlso, d.SeeAlsoList = nil, "" })
	}
	if d.RuntimeMinutes != 0 {
		steps = append(steps, func(d *TemplateData) { d.RuntimeMinutes, d.Runtime = 0, "" })
	}
	trimmings = len(steps)
	if d.Rating != "" || d.Stars != "" {
		steps = append(steps, func(d *TemplateData) { d.Rating, d.Stars = "", "" })
	}
	if len(d.Genres) > 0 {
		steps = append(steps, func(d *TemplateData) { d.Genres, d.GenreList = nil, "" })
	}
	if d.Director != "" || d.Writer != "" {
		steps = append(steps, func(d *TemplateData) { d.Director, d.Writer = "", "" })
	}
	return steps, trimmings
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
	f.buf.Reset()
	if err := f.tmpl.Execute(&f.buf, d); err != nil {
		return fitResult{}, false, &TemplateError{Var: f.tmpl.Name(), Err: err}
	}
	if f.byLine {
		return f.tryByLine(f.buf.Bytes())
	}
	text := tidy(f.buf.String())
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

// countsByLine reports whether rules count text line by line
// (Rules.LineAdditive) and the links of text can be placed line by line (no
// known URL spans a line break).
func countsByLine(rules Rules, known []string) bool {
	if rules.Count == nil || !rules.LineAdditive {
		return false
	}
	for _, k := range known {
		if strings.ContainsAny(k, "\r\n") {
			return false
		}
	}
	return true
}

// fittedLine is one line of a rendered post as tidy and placeLinks leave
// it, with its count.
type fittedLine struct {
	text  string
	links []Link
	count int
}

// tryByLine is try's measuring for counters that count line by line: every
// try renders mostly the same lines (the title, the links, the summary at
// each level), so each distinct line is tidied, has its links placed and is
// counted once per post; the text is what tidy and placeLinksShown make of
// the whole, and its count what Count says of it.
func (f *fitter) tryByLine(out []byte) (fitResult, bool, error) {
	if f.lines == nil {
		f.lines = map[string]fittedLine{}
	}
	var b strings.Builder
	b.Grow(len(out))
	var links []Link
	n, blank := 0, 0
	for rest, more := out, true; more; {
		raw := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			more = false
		}
		l, ok := f.lines[string(raw)]
		if !ok {
			key := string(raw) // out is reused: the key must be a copy
			l.text = tidyLine(norm.NFC.String(key))
			if l.text != "" {
				if f.rules.ShortLinks {
					l.text, l.links = placeLinksShown(l.text, f.known, true, f.display)
				}
				l.count = f.rules.Count(l.text)
			}
			f.lines[key] = l
		}
		if l.text == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
			n++
			if blank > 0 {
				b.WriteString("\n")
				n++
			}
		}
		blank = 0
		b.WriteString(l.text)
		n += l.count
		links = append(links, l.links...)
	}
	text := b.String()
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
		line = tidyLine(line)
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

// tidyLine trims white space from both ends of a line and collapses runs of
// it.
func tidyLine(line string) string {
	line = strings.TrimSpace(line)
	if strings.Contains(line, "  ") {
		line = strings.Join(strings.Fields(line), " ")
	}
	return line
}

// wordCuts returns the offsets at which s may be cut without cutting a word,
// a URL or a hashtag, leaving at least minRunes characters: before a space,
// or between two ideographs or kana (scripts written without spaces). The
// end of s is not a cut.
func wordCuts(s string, minRunes int) []int { return wordCutsUpTo(s, minRunes, len(s)) }

// wordCutsUpTo is wordCuts without the cuts after offset max.
func wordCutsUpTo(s string, minRunes, max int) []int {
	protected := protectedSpans(s)
	var cuts []int
	runes := 0
	var prev rune
	for i, r := range s {
		if i > max {
			break
		}
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

// protectedSpans returns the spans of s that a cut must not split: its
// URLs and hashtags, sorted by start.
func protectedSpans(s string) []textlen.Span {
	spans := textlen.URLSpans(s)
	spans = append(spans, HashtagSpans(s, spans)...)
	sort.Slice(spans, func(a, b int) bool { return spans[a].Start < spans[b].Start })
	return spans
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
	if r < 0x2E80 { // below the first Han block
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー'
}

// shorten cuts s at cut, drops the punctuation the cut leaves dangling and
// adds "…".
func shorten(s string, cut int) string {
	t := s[:shortenLen(s, cut)]
	if t == "" {
		t = strings.TrimSpace(s[:cut])
	}
	return t + "…"
}

// shortenLen is how much of s shorten keeps before "…" (0 when the cut
// leaves nothing but punctuation: shorten then keeps that).
func shortenLen(s string, cut int) int {
	return len(strings.TrimRightFunc(s[:cut], func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:–—-(«“‘\"'/&", r)
	}))
}

// cutAtWord shortens s to at most max grapheme clusters at a word boundary,
// with "…".
func cutAtWord(s string, max int) string {
	if max < 2 || textlen.Graphemes(s) <= max {
		return s
	}
	// limit is where max-1 clusters end, leaving room for "…".
	limit := 0
	for n := 0; n < max-1 && limit < len(s); n++ {
		// Two ASCII characters other than CR LF never share a cluster.
		if c := s[limit]; c < utf8.RuneSelf && (limit+1 == len(s) || (s[limit+1] < utf8.RuneSelf && (c != '\r' || s[limit+1] != '\n'))) {
			limit++
			continue
		}
		cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(s[limit:], -1)
		limit += len(cluster)
	}
	best := lastWordCut(s, limit)
	if best < 0 {
		// One word longer than max: cut between clusters instead.
		return strings.TrimSpace(s[:limit]) + "…"
	}
	return shorten(s, best)
}

// lastWordCut returns the last of wordCuts(s, 1) at or before limit, or -1.
// A long text has many cuts and only the last is wanted: it is found by
// walking back from limit.
func lastWordCut(s string, limit int) int {
	if !utf8.ValidString(s) {
		// Invalid bytes decode differently walking back: walk forward.
		cuts := wordCutsUpTo(s, 1, limit)
		if len(cuts) == 0 {
			return -1
		}
		return cuts[len(cuts)-1]
	}
	protected := protectedSpans(s)
	i := min(limit, len(s))
	if i == len(s) && i > 0 {
		_, size := utf8.DecodeLastRuneInString(s)
		i -= size // the end of s is not a cut
	}
	for i > 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		prev, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(prev) && (unicode.IsSpace(r) || (isCJK(prev) && isCJK(r))) && !inside(i, protected) {
			return i
		}
		i -= size
	}
	return -1
}

// tagsOf returns the hashtags in text outside its links, without '#'.
func tagsOf(text string, links []Link) []string {
	var tags []string
	for _, s := range TagSpans(Post{Text: text, Links: links}) {
		tags = append(tags, text[s.Start+1:s.End])
	}
	return tags
}
