package review

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// metadata is a review's facts block ("Genres: ...", "Cast: ...").
type metadata struct {
	Genres   []string
	Cast     []string
	Director string
	Writer   string
	Runtime  int
	Rating   string
	SeeAlso  []string
	// Film and Year are the film the block names ("Title: Parasite",
	// "Year: 2019").
	Film   string
	Year   int
	fields int // how many labelled fields were understood
}

// knownLabels are the metadata labels, as lower-case words joined by single
// spaces ("Writer/Director" is "writer director"). Matching is lenient on
// wording but strict on the colon: prose ("the cast is superb") is never read
// as a field. Labels are found by hand rather than by one regular expression
// with every variant: that expression was the slowest part of extraction on
// long prose lines.
var knownLabels = map[string]bool{
	"genre": true, "genres": true, "cast": true, "starring": true, "stars": true,
	"running time": true, "run time": true, "runtime": true, "length": true, "duration": true,
	"writer director": true, "director writer": true, "written and directed by": true, "written directed by": true,
	"directed by": true, "director": true, "directors": true, "writer": true, "writers": true,
	"written by": true, "screenplay": true, "screenplay by": true, "see it if you liked": true,
	"if you liked": true, "see also": true, "rating": true, "verdict": true, "score": true,
	"my rating": true, "our rating": true, "film": true, "movie": true, "title": true, "film title": true,
	"movie title": true, "original title": true, "year": true, "release year": true, "released": true,
	"release date": true, "release": true,
}

// labelNames maps each known label to itself: a lookup by a buffer's bytes
// gives the label without copying them.
var labelNames = func() map[string]string {
	m := make(map[string]string, len(knownLabels))
	for l := range knownLabels {
		m[l] = l
	}
	return m
}()

type span struct{ start, end int }

// labelWordSpans splits s into lower-case ASCII words with their offsets.
func labelWordSpans(s string) ([]string, []span) {
	var words []string
	var spans []span
	for i := 0; i < len(s); {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			i++
			continue
		}
		j := i
		for j < len(s) && (s[j]|0x20) >= 'a' && (s[j]|0x20) <= 'z' {
			j++
		}
		words = append(words, strings.ToLower(s[i:j]))
		spans = append(spans, span{i, j})
		i = j
	}
	return words, spans
}

// labelSuffix finds the label that ends segment s (the text before a colon):
// the longest run of final words (up to five) that is a known label. It
// returns the label and where it starts in s, or -1. The words are taken
// from the end and joined in a buffer: this runs on every field of every
// metadata block, and the map lookup of a converted buffer does not copy.
func labelSuffix(s string) (string, int) {
	var words [5]span // the last words, the last first
	n := 0
	for i := len(s); n < len(words); {
		for i > 0 && !isASCIILetter(s[i-1]) {
			i--
		}
		if i == 0 {
			break
		}
		end := i
		for i > 0 && isASCIILetter(s[i-1]) {
			i--
		}
		words[n] = span{i, end}
		n++
	}
	// Only separators may follow the label's last word.
	if n == 0 || strings.Trim(s[words[0].end:], " */") != "" {
		return "", -1
	}
	var buf [64]byte
	for k := n; k >= 1; k-- {
		key := buf[:0]
		for j := k - 1; j >= 0; j-- {
			w := s[words[j].start:words[j].end]
			if len(key)+len(w)+1 > len(buf) {
				key = nil
				break
			}
			if j < k-1 {
				key = append(key, ' ')
			}
			for i := 0; i < len(w); i++ {
				key = append(key, lowerASCII(w[i]))
			}
		}
		if l, ok := labelNames[string(key)]; ok && key != nil {
			return l, words[k-1].start
		}
	}
	return "", -1
}

// bylineRe is a "Written and directed by X" line without a colon.
var bylineRe = regexp.MustCompile(`(?i)^(written\s+(?:&|and)\s+directed\s+by|directed\s+by|written\s+by)\s+(.{2,80})$`)

// parseLine reads one text line. It returns true when the line is part of
// the metadata block (and so not review prose).
func (m *metadata) parseLine(line string) bool {
	if len(line) > 400 {
		return false
	}
	if firstColon(line) < 0 {
		if len(line) > 100 || !(hasPrefixFold(line, "written") || hasPrefixFold(line, "directed")) {
			return m.starsLine(line)
		}
		if sm := bylineRe.FindStringSubmatch(line); sm != nil && !strings.ContainsAny(sm[2], ".!?") {
			return m.set(sm[1], sm[2])
		}
		return m.starsLine(line)
	}
	if !startsWithLabel(line) {
		return false
	}
	// Split the line at every colon preceded by a label.
	type field struct{ label, value string }
	var fields []field
	rest := line
	label := ""
	for {
		i := firstColon(rest)
		if i < 0 {
			break
		}
		size := 1
		if rest[i] != ':' {
			size = len("：")
		}
		seg := rest[:i]
		l, start := labelSuffix(seg)
		if start < 0 {
			// A colon inside a value ("Rating: 4/5 (see: below)").
			if label == "" {
				return false
			}
			fields[len(fields)-1].value += seg + rest[i:i+size]
			rest = rest[i+size:]
			continue
		}
		if label != "" {
			fields[len(fields)-1].value += seg[:start]
		} else if strings.Trim(seg[:start], " |•·*–—-") != "" {
			return false
		}
		label = l
		fields = append(fields, field{label: l})
		rest = rest[i+size:]
	}
	if len(fields) == 0 {
		return false
	}
	fields[len(fields)-1].value += rest
	any := false
	for _, f := range fields {
		if m.set(f.label, strings.Trim(f.value, " |•·*;,")) {
			any = true
		}
	}
	return any
}

// labelWords are the words metadata labels are made of: a line whose text
// before its first colon has any other word is not a metadata line. This is
// checked before metaLabelRe, which is slow on long prose lines.
var labelWords = map[string]bool{
	"genre": true, "genres": true, "cast": true, "starring": true, "stars": true, "running": true, "run": true,
	"time": true, "runtime": true, "length": true, "duration": true, "writer": true, "writers": true,
	"director": true, "directors": true, "written": true, "and": true, "directed": true, "by": true,
	"screenplay": true, "see": true, "it": true, "if": true, "you": true, "liked": true, "also": true,
	"rating": true, "verdict": true, "score": true, "my": true, "our": true, "film": true, "movie": true,
	"title": true, "original": true, "year": true, "release": true, "released": true, "date": true,
}

func startsWithLabel(line string) bool {
	i := firstColon(line)
	if i < 0 || i > 40 {
		return false
	}
	var buf [40]byte
	n, words := 0, 0
	for k := 0; k <= i; k++ {
		c := byte(' ') // the colon ends the last word
		if k < i {
			c = lowerASCII(line[k])
		}
		if c >= 'a' && c <= 'z' {
			buf[n] = c
			n++
			continue
		}
		if n > 0 {
			if !labelWords[string(buf[:n])] {
				return false
			}
			n = 0
			words++
		}
	}
	return words > 0
}

// firstColon finds the first ASCII or full-width colon (strings.IndexAny
// with a non-ASCII set is slow).
func firstColon(s string) int {
	i := strings.IndexByte(s, ':')
	if strings.Contains(s, "：") {
		if j := strings.Index(s, "："); i < 0 || j < i {
			return j
		}
	}
	return i
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// starsLine takes a line that is only a star rating ("★★★★☆").
func (m *metadata) starsLine(line string) bool {
	if len(line) > 40 || !(strings.Contains(line, "★") || strings.Contains(line, "⭐")) {
		return false
	}
	for _, r := range line {
		if !strings.ContainsRune("★⭐☆½ /5", r) {
			return false
		}
	}
	if r := parseRating(line); r != "" && m.Rating == "" {
		m.Rating = r
		m.fields++
		return true
	}
	return false
}

// List separators: genres split on "and" too, titles keep theirs ("Robot
// and Frank") but split on "or".
var (
	genreSeps = []string{",", "&", "/", "|", ";", " and "}
	castSeps  = []string{",", "&", ";", " and "}
	titleSeps = []string{",", "&", ";", " or "}
)

func (m *metadata) set(label, value string) bool {
	if !knownLabels[label] { // labelSuffix's labels are already in that form
		words, _ := labelWordSpans(label)
		label = strings.Join(words, " ")
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return false
	}
	switch {
	case strings.HasPrefix(label, "genre"):
		m.Genres = splitList(genreSeps, value)
	case label == "cast" || label == "starring" || label == "stars":
		if label == "stars" {
			if r := parseRating(value); r != "" {
				m.Rating = r
				break
			}
		}
		m.Cast = splitList(castSeps, value)
	case strings.Contains(label, "time") || label == "runtime" || label == "length" || label == "duration":
		n := parseRuntime(value)
		if n == 0 {
			return false
		}
		m.Runtime = n
	case label == "writer director" || label == "director writer" || strings.HasPrefix(label, "written and") || label == "written directed by":
		m.Director = trimValue(value)
		m.Writer = m.Director
	case strings.HasPrefix(label, "director") || label == "directed by":
		m.Director = trimValue(value)
	case strings.HasPrefix(label, "writer") || label == "written by" || strings.HasPrefix(label, "screenplay"):
		m.Writer = trimValue(value)
	case strings.Contains(label, "liked") || label == "see also":
		m.SeeAlso = splitList(titleSeps, value)
	case label == "original title":
		// The film's name in its own language: the title used is the
		// review's.
		return false
	case label == "film" || label == "movie" || strings.HasSuffix(label, "title"):
		if len(value) > 120 {
			return false
		}
		m.Film = trimValue(value)
	case label == "year" || strings.HasPrefix(label, "release"):
		y := yearRe.FindString(value)
		if y == "" {
			return false
		}
		m.Year, _ = strconv.Atoi(y)
	case strings.Contains(label, "rating") || label == "verdict" || label == "score":
		r := parseRating(value)
		if r == "" {
			// "Verdict: a gorgeous mess" is prose worth keeping.
			return false
		}
		m.Rating = r
	default:
		return false
	}
	m.fields++
	return true
}

// replaceFold replaces old (lower-case ASCII) in s whatever its case.
func replaceFold(s, old, repl string) string {
	if !containsFoldASCII(s, old) {
		return s // the usual case, without lower-casing a copy of s
	}
	lower := strings.ToLower(s)
	if len(lower) != len(s) || !strings.Contains(lower, old) {
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

// containsFoldASCII reports whether s may hold old (lower-case ASCII) in any
// case: it is exact for ASCII s, and says yes to any other.
func containsFoldASCII(s, old string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	for i := 0; i+len(old) <= len(s); i++ {
		if lowerASCII(s[i]) == old[0] && equalFoldASCII(s[i:i+len(old)], old) {
			return true
		}
	}
	return false
}

// trimValue drops the sentence's full stop and stray shortcode debris.
func trimValue(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, ".;, ")
	return s
}

func splitList(seps []string, s string) []string {
	s = trimValue(s)
	for _, sep := range seps[1:] {
		if strings.HasPrefix(sep, " ") {
			// Word separators match any case: "Drama And Romance".
			s = replaceFold(s, sep, seps[0])
		} else {
			s = strings.ReplaceAll(s, sep, seps[0])
		}
	}
	var out []string
	for _, p := range strings.Split(s, seps[0]) {
		p = strings.Trim(p, " .\"'")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// yearRe is a film's year in a "Year:" or "Released:" value.
var yearRe = regexp.MustCompile(`\b(?:18[89]\d|19\d\d|20\d\d)\b`)

var (
	isoDurationRe = regexp.MustCompile(`(?i)^PT(?:(\d+)H)?(?:(\d+)M)?(?:\d+S)?$`)
	hoursRe       = regexp.MustCompile(`(?i)(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\b`)
	minutesRe     = regexp.MustCompile(`(?i)(\d+)\s*(?:m|min|mins|minute|minutes)\b`)
	clockRe       = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
	numberRe      = regexp.MustCompile(`^(\d{2,3})\.?$`)
)

// parseRuntime reads a running time as minutes: "2hrs 6mins" = 126,
// "1h 45m", "105 min", "1 hour 30 minutes", "2:06", "PT2H6M", "126".
// It returns 0 when it cannot.
func parseRuntime(s string) int {
	s = strings.TrimSpace(s)
	// The cheap tests before each expression say what it needs to match.
	if hasPrefixFold(s, "PT") {
		if m := isoDurationRe.FindStringSubmatch(s); m != nil {
			h, _ := strconv.Atoi(m[1])
			mi, _ := strconv.Atoi(m[2])
			return h*60 + mi
		}
	}
	if strings.IndexByte(s, ':') >= 0 {
		if m := clockRe.FindStringSubmatch(s); m != nil {
			h, _ := strconv.Atoi(m[1])
			mi, _ := strconv.Atoi(m[2])
			return h*60 + mi
		}
	}
	total := 0
	if m := hoursRe.FindStringSubmatch(s); m != nil {
		h, _ := strconv.ParseFloat(m[1], 64)
		total += int(h*60 + 0.5)
	}
	if m := minutesRe.FindStringSubmatch(s); m != nil {
		mi, _ := strconv.Atoi(m[1])
		total += mi
	}
	if total == 0 {
		if m := numberRe.FindStringSubmatch(s); m != nil {
			total, _ = strconv.Atoi(m[1])
		}
	}
	if total > 24*60 {
		return 0
	}
	return total
}

var (
	outOfRe = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)?)\s*(?:/|out\s+of|of)\s*(\d+)`)
	starsRe = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)?|one|two|three|four|five)(?:\s+and\s+a\s+half)?\s*stars?\b`)
)

var numberWords = map[string]string{"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}

// parseRating normalises a rating to "N/M": "4/5", "8/10", "4 out of 5",
// "★★★★☆" and "4 stars" (stars are out of 5; ½ counts half). "" when s holds
// no rating.
func parseRating(s string) string {
	full, half, empty := 0, 0, 0
	for _, r := range s {
		switch r {
		case '★', '⭐':
			full++
		case '½':
			half++
		case '☆':
			empty++
		}
	}
	if full+half > 0 {
		outOf := 5
		if t := full + half + empty; empty > 0 && t > 5 {
			outOf = t
		}
		if half > 0 {
			return fmt.Sprintf("%d.5/%d", full, outOf)
		}
		return fmt.Sprintf("%d/%d", full, outOf)
	}
	if m := outOfRe.FindStringSubmatch(s); m != nil {
		n, _ := strconv.ParseFloat(strings.Replace(m[1], ",", ".", 1), 64)
		d, _ := strconv.Atoi(m[2])
		if d > 0 && n <= float64(d) {
			return strconv.FormatFloat(n, 'f', -1, 64) + "/" + m[2]
		}
	}
	if m := starsRe.FindStringSubmatch(s); m != nil {
		v := m[1]
		if w, ok := numberWords[strings.ToLower(v)]; ok {
			v = w
		}
		n, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err == nil && strings.Contains(strings.ToLower(m[0]), "half") {
			n += 0.5
		}
		if err == nil && n >= 0 && n <= 5 {
			return strconv.FormatFloat(n, 'f', -1, 64) + "/5"
		}
	}
	return ""
}
