package review

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// Zero-width joiners are letters' business, not typography: U+200D glues
// 👩‍👩‍👧‍👦 into one family (without it, four people), U+200C keeps a
// Persian or Indic word's letters apart where the word wants it (without
// it, a different spelling).
const (
	family        = "\U0001F469\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466" // 👩‍👩‍👧‍👦
	persianZWNJ   = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"           // می‌خواهم, "I want"
	devanagariZWJ = "\u0915\u094D\u200D\u0937"                                   // क्‍ष, half-form ka before ssa
)

func TestExtractionKeepsJoiners(t *testing.T) {
	t.Parallel()
	r := FromItem(herFeedURL, &gofeed.Feed{}, &gofeed.Item{
		Title: "Film night " + family + " " + persianZWNJ,
		Content: "<p>We watched it as a family " + family + " and loved it.</p>" +
			"<p>" + persianZWNJ + " " + devanagariZWJ + " it again.</p>",
	})
	if want := "Film night " + family + " " + persianZWNJ; r.Title != want {
		t.Errorf("Title = %q (% x), want %q", r.Title, r.Title, want)
	}
	for _, s := range []string{family, persianZWNJ, devanagariZWJ} {
		if !strings.Contains(r.Text, s) {
			t.Errorf("Text %q lost the joiner in %q (% x)", r.Text, s, s)
		}
	}
}

func TestPlainTextKeepsJoinersDropsInvisibles(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"emoji ZWJ sequence", "a " + family + " b", "a " + family + " b"},
		{"Persian ZWNJ", persianZWNJ, persianZWNJ},
		{"Devanagari ZWJ", devanagariZWJ, devanagariZWJ},
		{"zero-width space, word joiner, BOM and soft hyphen still go", "a\u200bb\u2060c\ufeffd\u00ade", "abcde"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := plainText(tt.in); got != tt.want {
				t.Errorf("plainText(%q) = %q (% x), want %q", tt.in, got, got, tt.want)
			}
		})
	}
}
