package review

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	maxSummaryChars     = 280
	maxSummarySentences = 3
)

var (
	// These remove WordPress-style shortcodes from text: [embed]URL
	// [/embed] as a whole, then known shortcode tags, then any
	// [name key=value ...] tag. "[…]" and "[1]" are left alone.
	embedBlockRe    = regexp.MustCompile(`(?i)\[embed[^\]]*\][^\[]*\[/embed\]`)
	knownTagRe      = regexp.MustCompile(`(?i)\[/?(?:youtube|embed|video|wpvideo|audio|caption|gallery|vimeo|tweet|playlist|soundcloud|spotify|instagram|dailymotion|googlemaps|contact-form[\w-]*|et_pb_\w+|vc_\w+|su_\w+)\b[^\]]*\]`)
	attrShortcodeRe = regexp.MustCompile(`\[/?[a-zA-Z][\w-]*\s+[\w-]+\s*=\s*[^\]]*\]`)
)

func stripShortcodes(s string) string {
	if strings.IndexByte(s, '[') < 0 {
		return s
	}
	s = embedBlockRe.ReplaceAllString(s, " ")
	s = knownTagRe.ReplaceAllString(s, " ")
	s = attrShortcodeRe.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(s), " ")
}

// boilerplateLines are whole lines of page furniture (compared lower-case,
// without trailing punctuation and arrows).
var boilerplateLines = map[string]bool{
	"recent posts": true, "see all": true, "related posts": true, "related": true, "share this": true,
	"like this": true, "share": true, "tweet": true, "loading": true, "subscribe": true,
	"subscribe now": true, "read more": true, "continue reading": true, "leave a comment": true,
	"comments": true, "advertisements": true, "advertisement": true, "follow us": true,
	"share this post": true, "like": true, "email": true, "print": true, "facebook": true,
	"twitter": true, "pinterest": true, "reddit": true, "whatsapp": true, "more": true,
	"you may also like": true, "popular posts": true, "tags": true, "categories": true,
	"type your email": true, "sign up": true, "thanks for reading": true,
}

// boilerplateSentenceRe matches sentences that are furniture wherever they
// stand: cinema plugs, feed footers, read-more links, subscribe pitches.
var boilerplateSentenceRe = regexp.MustCompile(`(?i)^(?:see (?:this|the) (?:film|movie)\b.*\bat\b|for show ?times\b|(?:the )?post .+ appeared first on\b|continue reading\b|read (?:more|the (?:full|rest))\b|(?:click here to )?subscribe\b|share this\b|this (?:post|entry) was posted in\b|filed under\b|posted in\b|thanks for reading\b.*subscribe|sign up\b|originally published (?:at|on)\b|\(?more…?\)?$)`)

// boilerplateStarts are the first words of the sentences
// boilerplateSentenceRe matches: only a sentence starting with one of them is
// matched against it.
var boilerplateStarts = []string{"see ", "for ", "the post", "post ", "continue", "read ", "subscribe", "click",
	"share", "this post", "this entry", "filed", "posted", "thanks", "sign ", "originally", "(more", "more"}

// boilerplateFirst holds boilerplateStarts by their first letter.
var boilerplateFirst = func() (t [256][]string) {
	for _, p := range boilerplateStarts {
		t[p[0]] = append(t[p[0]], p)
	}
	return t
}()

func isBoilerplateSentence(s string) bool {
	if s == "" {
		return false
	}
	for _, p := range boilerplateFirst[lowerASCII(s[0])] {
		if hasPrefixFold(s, p) {
			return boilerplateSentenceRe.MatchString(s)
		}
	}
	return false
}

// isBareURL reports a line that is only a URL: an embed that was not
// expanded, not prose.
func isBareURL(line string) bool {
	return !strings.Contains(line, " ") && (strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://") || strings.HasPrefix(line, "www."))
}

func isBoilerplateLine(line string) bool {
	if len(line) > 60 {
		return false
	}
	l := strings.TrimRight(line, " .:!…→»>›-–—")
	for i := 0; i < len(l); i++ {
		if l[i] >= utf8.RuneSelf {
			return boilerplateLines[strings.ToLower(l)]
		}
	}
	// ASCII (nearly every line): lower-cased on the stack, no copy.
	var buf [60]byte
	for i := 0; i < len(l); i++ {
		buf[i] = lowerASCII(l[i])
	}
	return boilerplateLines[string(buf[:len(l)])]
}

// cleanedText is a body reduced to review prose.
type cleanedText struct {
	paras [][]string // paragraphs as sentences
	meta  metadata
}

// text joins the paragraphs with blank lines.
func (c *cleanedText) text() string {
	n := 0
	for _, p := range c.paras {
		for _, s := range p {
			n += len(s) + 2
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range c.paras {
		if i > 0 {
			b.WriteString("\n\n")
		}
		for j, s := range p {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

// cleanLines turns a body's text lines into prose: shortcodes, metadata lines,
// page boilerplate, a first line that is only the title (a page's headline)
// and a line that is only the author's name (a signature) are removed; the
// metadata is kept aside.
func cleanLines(lines []string, author, title string) *cleanedText {
	c := &cleanedText{}
	// Every paragraph's sentences are a piece of this one slice, so that a
	// body costs a few allocations rather than one per line.
	all := make([]string, 0, 4*len(lines))
	c.paras = make([][]string, 0, len(lines))
	author = strings.TrimSpace(author)
	for i, line := range lines {
		if i == 0 && title != "" && strings.EqualFold(line, title) {
			continue // a page's headline
		}
		line = stripShortcodes(line)
		if line == "" || isBoilerplateLine(line) {
			continue
		}
		if c.meta.parseLine(line) || isBareURL(line) {
			continue
		}
		if author != "" && len(line) <= len(author)+4 && isSignature(line, author) {
			continue
		}
		start := len(all)
		all = appendSentences(all, line)
		kept := all[start:start]
		for _, s := range all[start:] {
			if !isBoilerplateSentence(s) {
				kept = append(kept, s)
			}
		}
		all = all[:start+len(kept)]
		if len(kept) > 0 {
			c.paras = append(c.paras, all[start:len(all):len(all)])
		}
	}
	return c
}

// isSignature reports a line that is only the author's name.
func isSignature(line, author string) bool {
	for _, p := range []string{"", "by ", "- ", "— ", "– "} {
		if len(line) == len(p)+len(author) && hasPrefixFold(line, p) && strings.EqualFold(line[len(p):], author) {
			return true
		}
	}
	return false
}

// abbreviations end with a full stop without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "vs": true, "jr": true, "sr": true,
	"prof": true, "mt": true, "no": true, "vol": true, "ed": true, "e.g": true, "i.e": true, "approx": true,
	"dir": true, "feat": true, "ft": true, "inc": true, "co": true, "ltd": true,
}

// splitSentences splits a paragraph after . ! ? or … (and any closing quotes
// or brackets) when white space and a capital, digit or opening quote follow,
// except after an abbreviation or an initial. Hand-written rather than
// rivo/uniseg's UAX #29 segmentation: that one is several times slower on
// the 5 KB bodies the benchmark holds, and breaks after "Mr." all the same.
func splitSentences(p string) []string {
	return appendSentences(nil, p)
}

// appendSentences appends p's sentences (see splitSentences) to out.
func appendSentences(out []string, p string) []string {
	start := 0
	// next[k] is where the next endBytes[k] is (-1: none left): each is
	// found by strings.IndexByte and kept until passed, rather than testing
	// every byte of the text four times.
	const endBytes = ".!?\xe2" // 0xE2 starts "…"
	next := [len(endBytes)]int{-2, -2, -2, -2}
	for i := 0; i < len(p); {
		m := len(p)
		for k := range next {
			if next[k] != -1 && next[k] < i {
				if x := strings.IndexByte(p[i:], endBytes[k]); x < 0 {
					next[k] = -1
				} else {
					next[k] = i + x
				}
			}
			if next[k] >= 0 && next[k] < m {
				m = next[k]
			}
		}
		if m == len(p) {
			break
		}
		i = m
		r, size := utf8.DecodeRuneInString(p[i:])
		i += size
		if r != '.' && r != '!' && r != '?' && r != '…' {
			continue
		}
		j := i
		for j < len(p) && strings.IndexByte(`.!?"')]`, p[j]) >= 0 {
			j++
		}
		if j >= len(p) || p[j] != ' ' {
			continue
		}
		k := j + 1
		next, _ := utf8.DecodeRuneInString(p[k:])
		if !(unicode.IsUpper(next) || unicode.IsDigit(next) || next == '"' || next == '\'' || next == '(' || next == '[') {
			continue
		}
		if r == '.' && abbreviationBefore(p[start:i-1]) {
			continue
		}
		if s := strings.TrimSpace(p[start:j]); s != "" {
			out = append(out, s)
		}
		start = k
		i = k
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// maxAbbreviation is the length of the longest abbreviation ("approx").
const maxAbbreviation = 6

// abbreviationBefore reports whether the text before a full stop ends with an
// abbreviation or a single capital initial.
func abbreviationBefore(s string) bool {
	w := s
	if i := strings.LastIndexAny(s, " (\""); i >= 0 {
		w = s[i+1:]
	}
	if w == "" || len(w) > maxAbbreviation {
		return false
	}
	if r, size := utf8.DecodeRuneInString(w); size == len(w) && unicode.IsUpper(r) {
		return true
	}
	return abbreviations[strings.ToLower(w)]
}

// Verdict scoring. A review opens with the premise and the plot and ends
// with the reviewer's judgement; the summary a post carries should be the
// judgement. Every sentence of the cleaned text between 5 and 60 words and at
// most 280 characters is a candidate, scored as:
//
//	+3 for each occurrence of a judgement cue (sweet, humorous, thought-provoking, brilliant,
//	   disappointing, deserves, worth, must-see, recommend, "could easily
//	   have been", "anything but", ...)
//	+2 for each occurrence of an evaluative adjective (funny, moving, dull, gorgeous, slow, ...)
//	+1 for first-person opinion (I, I'm, I've, my, "in my opinion")
//	+2 × its position in the text (0 for the first sentence, 2 for the last)
//	-3 for each occurrence of a plot cue ("tells the story", "follows", "plays", "stars",
//	   "is about", "directed by", ...) and -2 for the text's first sentence.
//
// The best sentence (the later one on a tie) is the anchor, and it must
// score above 2. Its neighbours in the same paragraph are added, the better
// scoring one first, while they score above 0 and the summary stays within 3
// sentences and 280 characters. Sentences are never cut. With no anchor, the
// summary is the text's first sentences within the same limits.
var (
	judgementCues = []string{"sweet", "humorous", "humourous", "thought-provoking", "brilliant", "disappointing",
		"disappointment", "deserves", "deserved", "worth", "must-see", "must see", "recommend", "could easily have been",
		"anything but", "masterpiece", "masterful", "stunning", "superb", "excellent", "outstanding", "gripping",
		"captivating", "compelling", "unmissable", "don't miss", "do not miss", "a must", "falls flat", "fails to",
		"best film", "worst film", "best movie", "worst movie", "overrated", "underrated", "triumph", "tour de force",
		"highly", "skip it", "avoid", "fans of", "enjoyed", "loved", "hated", "moving", "heartwarming", "charming",
		"hilarious", "delight", "delightful", "wonderful", "fantastic", "terrific", "remarkable", "powerful",
		"thought provoking", "engaging", "entertaining", "enjoyable", "mess", "forgettable", "memorable"}
	evaluativeAdjectives = []string{"good", "great", "bad", "funny", "dull", "boring", "tedious", "slow", "gorgeous",
		"beautiful", "beautifully", "clever", "witty", "smart", "odd", "gimmicky", "real", "plausible", "ridiculous",
		"longer than", "too long", "overlong", "predictable", "original", "fresh", "flawed", "weak", "strong",
		"impressive", "solid", "touching", "tender", "lovely", "awful", "terrible", "poor", "best", "worst",
		"perfect", "perfectly", "convincing", "unconvincing", "effective", "fun", "sad", "uplifting", "dark"}
	firstPersonCues = []string{"i", "i'm", "i've", "i'd", "my", "me", "in my opinion"}
	plotCues        = []string{"tells the story", "the story of", "follows", "plays", "stars", "starring", "is about",
		"directed by", "written by", "begins", "opens with", "set in", "centres on", "centers on", "voiced by",
		"signs up", "falls in love", "struggles to", "synopsis", "plot", "who is", "when he", "when she"}
)

// containsWord reports whether w occurs in s (both lower case) as whole words.
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		before := i == 0 || !isWordByte(s[i-1])
		after := i+len(w) == len(s) || !isWordByte(s[i+len(w)])
		if before && after {
			return true
		}
		off = i + 1
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\'' || c >= 0x80
}

// countCues counts the cues of a short string (a title, a category).
func countCues(lower string, cues []string) int {
	n := 0
	for _, c := range cues {
		if containsWord(lower, c) {
			n++
		}
	}
	return n
}

// Cue kinds, for the scorer's single word index.
const (
	cueJudgement = iota
	cueEvaluative
	cueFirstPerson
	cuePlot
	cueKinds
)

// phraseCue is a cue of several words, indexed by its longest word (the
// rarest: "story" in "tells the story of", not "of").
type phraseCue struct {
	before, after []string // the words before and after the indexed one
	kind          int
}

// cueEntry is everything a word can stand for: a cue itself, or the indexed
// word of phrases.
type cueEntry struct {
	single  [cueKinds]bool
	phrases []phraseCue
}

// cueIndex maps a lower-case word to its cues, so that a sentence is scored
// in one pass over its words (a map lookup per word) rather than one
// substring search per cue: the scoring runs on every sentence of every item.
var cueIndex = buildCueIndex()

func buildCueIndex() map[string]*cueEntry {
	idx := map[string]*cueEntry{}
	for kind, cues := range [cueKinds][]string{judgementCues, evaluativeAdjectives, firstPersonCues, plotCues} {
		for _, cue := range cues {
			w := tokenize(cue)
			if len(w) == 0 {
				continue
			}
			key := 0
			for i, word := range w {
				if len(word) > len(w[key]) {
					key = i
				}
			}
			e := idx[w[key]]
			if e == nil {
				e = &cueEntry{}
				idx[w[key]] = e
			}
			if len(w) == 1 {
				e.single[kind] = true
			} else {
				e.phrases = append(e.phrases, phraseCue{before: w[:key], after: w[key+1:], kind: kind})
			}
		}
	}
	return idx
}

// maxCueWord is the longest word any cue has; longer words are not looked
// up.
const maxCueWord = 24

// cueCounts returns how many times cues of each kind occur in s. Words are
// lower-cased into a small array and, when cueFilter allows, looked up
// without allocating; a phrase is checked around its indexed word.
func cueCounts(s string) (n [cueKinds]int) {
	var buf [maxCueWord]byte
	for i := 0; i < len(s); {
		if !cueWordBytes[s[i]] {
			i++
			continue
		}
		j := i
		for j < len(s) && cueWordBytes[s[j]] {
			j++
		}
		if j-i > maxCueWord || !mayBeCue(j-i, lowerASCII(s[i]), lowerASCII(s[j-1])) {
			i = j
			continue
		}
		for k := i; k < j; k++ {
			buf[k-i] = lowerASCII(s[k])
		}
		if e := cueIndex[string(buf[:j-i])]; e != nil {
			for k, ok := range e.single {
				if ok {
					n[k]++
				}
			}
			for _, p := range e.phrases {
				if precededBy(s[:i], p.before) && followedBy(s[j:], p.after) {
					n[p.kind]++
				}
			}
		}
		i = j
	}
	return n
}

// precededBy reports whether s ends with words (ignoring case and the
// separators between them).
func precededBy(s string, words []string) bool {
	end := len(s)
	for k := len(words) - 1; k >= 0; k-- {
		for end > 0 && !cueWordBytes[s[end-1]] {
			end--
		}
		start := end
		for start > 0 && cueWordBytes[s[start-1]] {
			start--
		}
		if !strings.EqualFold(s[start:end], words[k]) {
			return false
		}
		end = start
	}
	return true
}

// cueFilter[len][first letter] has bit (last letter) set when some cue word
// has that shape: most words are ruled out without a map lookup.
var cueFilter = func() (f [maxCueWord + 1][26]uint32) {
	for w := range cueIndex {
		if len(w) <= maxCueWord && isLowerLetter(w[0]) && isLowerLetter(w[len(w)-1]) {
			f[len(w)][w[0]-'a'] |= 1 << (w[len(w)-1] - 'a')
		}
	}
	return f
}()

func isLowerLetter(b byte) bool { return b >= 'a' && b <= 'z' }

// mayBeCue checks a word of n bytes by its lower-cased first and last
// bytes, before the word is copied for the map lookup.
func mayBeCue(n int, first, last byte) bool {
	if !isLowerLetter(first) || !isLowerLetter(last) {
		return false
	}
	return cueFilter[n][first-'a']&(1<<(last-'a')) != 0
}

// followedBy reports whether s starts with words (ignoring case and the
// separators between them).
func followedBy(s string, words []string) bool {
	start := 0
	for _, w := range words {
		for start < len(s) && !cueWordBytes[s[start]] {
			start++
		}
		end := start
		for end < len(s) && cueWordBytes[s[end]] {
			end++
		}
		if !strings.EqualFold(s[start:end], w) {
			return false
		}
		start = end
	}
	return true
}

func lowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// cueWordBytes marks the bytes of a word for cue matching: letters (either
// case), digits, apostrophe, hyphen and any byte of a non-ASCII rune.
var cueWordBytes = func() (t [256]bool) {
	for b := 0; b < 256; b++ {
		c := byte(b)
		t[b] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '\'' || c == '-' || c >= 0x80
	}
	return t
}()

// tokenize lower-cases s and splits it into words as cueCounts does.
func tokenize(s string) []string {
	s = strings.ToLower(s)
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r == '-' || r > 0x7f)
	})
}

// judgementCount counts the judgement cues of a whole text.
func judgementCount(text string) int {
	return cueCounts(text)[cueJudgement]
}

type scored struct {
	para, idx int
	text      string
	score     float64
	ok        bool // a candidate at all
}

func scoreSentences(c *cleanedText) [][]scored {
	total := 0
	for _, p := range c.paras {
		total += len(p)
	}
	out := make([][]scored, len(c.paras))
	flat := make([]scored, total)
	pos := 0
	for pi, p := range c.paras {
		out[pi] = flat[pos : pos+len(p) : pos+len(p)]
		for si, s := range p {
			sc := scored{para: pi, idx: si, text: s}
			words := strings.Count(s, " ") + 1
			if words >= 5 && words <= 60 && len(s) <= maxSummaryChars && !truncated(s) {
				sc.ok = true
				n := cueCounts(s)
				sc.score = 3*float64(n[cueJudgement]) + 2*float64(n[cueEvaluative]) - 3*float64(n[cuePlot])
				if n[cueFirstPerson] > 0 {
					sc.score++
				}
				if total > 1 {
					sc.score += 2 * float64(pos) / float64(total-1)
				}
				if pos == 0 {
					sc.score -= 2
				}
			}
			out[pi][si] = sc
			pos++
		}
	}
	return out
}

// verdict chooses the summary sentences of a cleaned text (see the scoring
// rule above) and reports the anchor's score.
func verdict(c *cleanedText) (string, float64) {
	sc := scoreSentences(c)
	var best *scored
	for pi := range sc {
		for si := range sc[pi] {
			s := &sc[pi][si]
			if s.ok && (best == nil || s.score >= best.score) {
				best = s
			}
		}
	}
	if best == nil {
		return leadSentences(c), 0
	}
	if best.score <= 2 {
		return leadSentences(c), best.score
	}
	para := sc[best.para]
	lo, hi := best.idx, best.idx
	length := len(best.text)
	for hi-lo+1 < maxSummarySentences {
		var prev, next *scored
		if lo > 0 && para[lo-1].ok && para[lo-1].score > 0 && length+1+len(para[lo-1].text) <= maxSummaryChars {
			prev = &para[lo-1]
		}
		if hi+1 < len(para) && para[hi+1].ok && para[hi+1].score > 0 && length+1+len(para[hi+1].text) <= maxSummaryChars {
			next = &para[hi+1]
		}
		if prev != nil && (next == nil || prev.score >= next.score) {
			lo--
			length += 1 + len(prev.text)
		} else if next != nil {
			hi++
			length += 1 + len(next.text)
		} else {
			break
		}
	}
	parts := make([]string, 0, maxSummarySentences)
	for i := lo; i <= hi; i++ {
		parts = append(parts, para[i].text)
	}
	return strings.Join(parts, " "), best.score
}

// leadSentences is the text's opening, within the summary limits.
func leadSentences(c *cleanedText) string {
	return fitSentences(slices.Concat(c.paras...))
}

// fitSentences takes whole sentences from the start while they fit in the
// summary limits. A first sentence longer than the limit gives "".
func fitSentences(sents []string) string {
	var parts []string
	length := 0
	for _, s := range sents {
		if truncated(s) {
			break
		}
		add := len(s)
		if len(parts) > 0 {
			add++
		}
		if len(parts) == maxSummarySentences || length+add > maxSummaryChars {
			break
		}
		parts = append(parts, s)
		length += add
	}
	return strings.Join(parts, " ")
}

// truncationMarks end an excerpt that was cut from the body, not written.
var truncationMarks = []string{"...", "…", "[…]", "[...]", "&hellip;", "&#8230;", "&#8230;]", "(more…)", "(more...)", "read more",
	"continue reading", "→", "»"}

// realExcerpt decides whether a feed's excerpt (its description next to a
// full body) was written as a summary: it must not end in a truncation mark,
// and must not be the body's own opening.
func realExcerpt(excerptLines []string, bodyText string) (string, bool) {
	raw := strings.TrimSpace(strings.Join(excerptLines, " "))
	if raw == "" || truncated(raw) {
		return "", false
	}
	c := cleanLines(excerptLines, "", "")
	text := c.text()
	if text == "" || truncated(text) {
		return "", false
	}
	if bodyText != "" && strings.HasPrefix(squash(bodyText), squash(text)) {
		return "", false
	}
	s := leadSentences(c)
	return s, s != ""
}

// truncated reports text that a feed cut off ("...and..."): it ends in an
// ellipsis or a truncation mark, so it is not a whole sentence or excerpt.
func truncated(s string) bool {
	s = strings.TrimRight(s, " \t\r\n")
	if s == "" {
		return false
	}
	if s[len(s)-1] == '.' { // most sentences: only "..." can match
		return strings.HasSuffix(s, "...")
	}
	for _, m := range truncationMarks {
		if len(s) >= len(m) && strings.EqualFold(s[len(s)-len(m):], m) {
			return true
		}
	}
	return false
}

// squash keeps letters and digits, lower-cased, for prefix comparisons that
// ignore markup and punctuation differences.
func squash(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
		if b.Len() > 400 {
			break
		}
	}
	return b.String()
}
