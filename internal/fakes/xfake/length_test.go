package xfake

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// weightedCase is one case of twitter-text's validate.yml with a
// weightedLength.
type weightedCase struct {
	section, description, text string
	want                       int
}

// readWeightedCases reads the cases of validate.yml's counter sections
// named in sections. The file is YAML, but of a fixed shape ("  Section:",
// "    - description: ...", "      text: ...", "        weightedLength: N")
// whose double-quoted scalars use only escapes Go's strconv.Unquote reads.
func readWeightedCases(t *testing.T, path string, sections ...string) []weightedCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{}
	for _, s := range sections {
		want[s] = true
	}
	var (
		out     []weightedCase
		section string
		c       weightedCase
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		field := strings.TrimSpace(line)
		value := func(key string) string {
			v := strings.TrimSpace(strings.TrimPrefix(field, key))
			if u, err := strconv.Unquote(v); err == nil {
				return u
			}
			return v
		}
		switch {
		case strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && strings.HasSuffix(field, ":"):
			section = strings.TrimSuffix(field, ":")
		case !want[section]:
		case strings.HasPrefix(field, "- description:"):
			c = weightedCase{section: section, description: value("- description:"), want: -1}
		case strings.HasPrefix(field, "text:"):
			c.text = value("text:")
		case strings.HasPrefix(field, "weightedLength:"):
			n, err := strconv.Atoi(value("weightedLength:"))
			if err != nil {
				t.Fatalf("%s: %q: %v", path, c.description, err)
			}
			c.want = n
			out = append(out, c)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWeightedLengthConformance: the fake counts every text of
// twitter-text's config v3 conformance cases as twitter-text does, so it
// refuses a tweet exactly when X would.
func TestWeightedLengthConformance(t *testing.T) {
	t.Parallel()
	cases := readWeightedCases(t, "testdata/validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")
	if len(cases) < 20 {
		t.Fatalf("read %d conformance cases, want the 20 or more of the two sections", len(cases))
	}
	for _, c := range cases {
		if got := WeightedLength(c.text); got != c.want {
			t.Errorf("%s: %q: %d, want %d", c.section, c.description, got, c.want)
		}
	}
}

// TestWeightedLength covers what a reelpost post carries beyond the
// conformance cases: review and trailer links, hashtags, a mention, text
// around URLs.
func TestWeightedLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       int
	}{
		{"review link", "Review: https://example-films.blog/reviews/her", 8 + 23},
		{"trailer and query", "Trailer: https://www.youtube.com/watch?v=WzV6mXIOVl4.", 9 + 23 + 1},
		{"URL in brackets", "(see https://example.com/a_(b))", 1 + 4 + 23 + 1},
		{"bare domain", "see example.com now", 4 + 23 + 4},
		{"not a domain", "example.community2 and file.txt", 31},
		{"unknown top-level domain", "https://localhost/x", 19},
		{"e-mail is no URL", "me@example.com", 14},
		{"mention and hashtags", "@films #Her #ScienceFiction", 27},
		{"decomposed accent", "Ame\u0301lie", 6},
		{"keycap and flag", "1\uFE0F\u20E3 🇫🇷", 2 + 1 + 2},
		{"Japanese", "千と千尋の神隠し", 16},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		if got := WeightedLength(tt.text); got != tt.want {
			t.Errorf("%s: %q counts %d, want %d", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestLimitIsTwitterTexts(t *testing.T) {
	t.Parallel()
	if config.MaxWeightedLength != Limit {
		t.Fatalf("twitter-text config v3 allows %d, the fake %d", config.MaxWeightedLength, Limit)
	}
}
