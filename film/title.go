package film

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	// starsRe is a Letterboxd rating at the end: "Aftersun, 2022 - ★★★★½".
	starsRe = regexp.MustCompile(`\s*[-–—|]?\s*[★☆½]+\s*$`)
	// letterboxdRe is Letterboxd's "Title, YYYY" once the rating is gone.
	letterboxdRe = regexp.MustCompile(`^(.+?),\s*((?:18|19|20)\d{2})$`)
	// reviewPrefixRe is "Review: ", "Film Review – ", "REVIEW | ".
	reviewPrefixRe = regexp.MustCompile(`(?i)^(?:(?:film|movie|tv|series|dvd|blu-ray|4k|streaming)\s+)?review\s*[:|–—-]+\s*`)
	// reviewSuffixRe is " review", " – Film Review", " Review: a subtitle".
	// "review" must end the title or be followed by a separator, so a
	// title that holds the word ("Peer Review review") keeps it.
	reviewSuffixRe = regexp.MustCompile(`(?i)\s*[:|–—-]*\s*(?:(?:film|movie|tv|series)\s+)?\breview(?:\s*[:|–—-].*)?$`)
	// yearSuffixRe is "(2022)" or "[2022]" at the end.
	yearSuffixRe = regexp.MustCompile(`\s*[(\[]((?:18|19|20)\d{2})[)\]]\s*$`)
	// yearLeadRe is "(2022)" at the start of what follows a quoted title.
	yearLeadRe = regexp.MustCompile(`^\s*[(\[]((?:18|19|20)\d{2})[)\]]`)
)

const (
	openQuotes  = `"'“‘«„‚`
	closeQuotes = `"'”’»“‘`
)

// TitleFromItem derives the film's title, and its year when the post
// states one, from a review post's title: "Aftersun review", "Review:
// Aftersun", "Aftersun (2022) review", "Aftersun (2022)", "‘Aftersun’
// Review: Paul Mescal…", "Film Review – Aftersun", Letterboxd's "Aftersun,
// 2022 - ★★★★". A title it finds no pattern in comes back whole, trimmed;
// the year is 0 when none is stated.
func TitleFromItem(itemTitle string) (title string, year int) {
	s := strings.Join(strings.Fields(itemTitle), " ")
	// Most titles hold no star and no "review": the cheap tests spare them
	// the regular expressions, which extraction runs on every item.
	if strings.ContainsAny(s, "★☆½") {
		if rest := starsRe.ReplaceAllString(s, ""); rest != s {
			s = rest
			if m := letterboxdRe.FindStringSubmatch(s); m != nil {
				y, _ := strconv.Atoi(m[2])
				return unquote(m[1]), y
			}
		}
	}
	hasReview := strings.Contains(strings.ToLower(s), "review")
	if hasReview {
		s = reviewPrefixRe.ReplaceAllString(s, "")
	}
	if t, rest, ok := leadingQuoted(s); ok {
		if m := yearLeadRe.FindStringSubmatch(rest); m != nil {
			year, _ = strconv.Atoi(m[1])
		}
		return strings.TrimSpace(t), year
	}
	if hasReview {
		if rest := reviewSuffixRe.ReplaceAllString(s, ""); strings.TrimSpace(rest) != "" {
			s = rest
		}
	}
	if strings.ContainsAny(s, ")]") {
		if m := yearSuffixRe.FindStringSubmatch(s); m != nil {
			year, _ = strconv.Atoi(m[1])
			s = s[:len(s)-len(m[0])]
		}
	}
	return unquote(strings.TrimRight(strings.TrimSpace(s), ":|–—- ")), year
}

// leadingQuoted splits "‘Aftersun’ Review: …" into the quoted title and
// what follows. A closing quote followed by a letter is an apostrophe
// ("‘Schindler’s List’"), not the end.
func leadingQuoted(s string) (quoted, rest string, ok bool) {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || !strings.ContainsRune(openQuotes, r) {
		return "", "", false
	}
	for i, c := range s[size:] {
		if !strings.ContainsRune(closeQuotes, c) {
			continue
		}
		end := size + i
		after := s[end+utf8.RuneLen(c):]
		next, _ := utf8.DecodeRuneInString(after)
		if after != "" && (unicode.IsLetter(next) || unicode.IsDigit(next)) {
			continue
		}
		if strings.TrimSpace(s[size:end]) == "" {
			return "", "", false
		}
		return s[size:end], after, true
	}
	return "", "", false
}

// unquote drops quotes around the whole of s.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if q, rest, ok := leadingQuoted(s); ok && strings.TrimSpace(rest) == "" {
		return strings.TrimSpace(q)
	}
	return s
}

// fold is the form titles and names are compared in: accents, case,
// apostrophes and punctuation dropped, "&" read as "and", spaces collapsed.
// "Bong Joon-ho" and "bong joon ho" fold the same; "Crash!" and "Crash" too;
// "The Matrix" and "Matrix" do not (they may be different films).
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == 'ʼ':
			// accents and apostrophes: "Schindler’s" == "Schindlers"
		case r == '&':
			space = true
			if b.Len() > 0 {
				b.WriteString(" and")
			} else {
				b.WriteString("and")
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// seasonMarkRe is a season or episode named at the end of a folded title:
// "severance season 2", "the crown series four", "the bear s03e01",
// "shogun 1x03", "… season 1 episode 3", "… staffel 2". Numbers are
// digits, or words up to ten.
var seasonMarkRe = regexp.MustCompile(`^(.+?)(?: (?:(?:season|series|saison|staffel|temporada|stagione|seizoen|sasong|sesong|sæson|kausi|sezon)` +
	` (?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|final)` +
	`|(?:episode|ep|episodio|folge|afl) \d{1,3}|s\d{1,2}(?:e\d{1,3})?|\d{1,2}x\d{1,3}))+$`)

// seriesTitle is a review's title folded, without the season or episode
// it names at its end ("Severance: Season Two" is "severance"); "" when it
// names none. Only a series is compared in this form: a film's title may
// end so ("Series 7", "Episode 3") and is its own.
func seriesTitle(title string) string {
	m := seasonMarkRe.FindStringSubmatch(fold(title))
	if m == nil {
		return ""
	}
	return m[1]
}
