package publisher

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/review"
)

// family is 👩‍👩‍👧‍👦: four emoji joined by ZWJ (U+200D) into one.
const family = "\U0001F469\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"

// TestFamilyEmojiCountsAsEachNetworkDoes renders a post whose summary holds
// 👩‍👩‍👧‍👦 and measures what the sequence adds to the post's length on
// each network, against the same post with one ASCII letter in its place.
// X: twitter-text v3 weighs an emoji sequence 200, i.e. 2 (config/v3.json,
// emojiParsingEnabled). Bluesky: 300 graphemes, the family is one. Mastodon:
// StatusLengthValidator counts grapheme clusters (mb_chars.grapheme_length,
// later each_grapheme_cluster.size; String#length, code points, only before
// that), so one.
func TestFamilyEmojiCountsAsEachNetworkDoes(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{Default: "{{.Title}}\n{{.Summary}}\n{{.Link}}"})
	withSummary := func(s string) review.Review {
		return review.Review{Title: "Her", Link: "https://example-films.blog/reviews/her",
			Summary: "A film for the whole family " + s + " to watch together."}
	}
	tests := []struct {
		network Network
		want    int
	}{
		{X, 2},
		{Mastodon, 1},
		{Bluesky, 1},
	}
	for _, tt := range tests {
		t.Run(string(tt.network), func(t *testing.T) {
			t.Parallel()
			rules := DefaultRules(tt.network)
			with, err := r.Render(rules, withSummary(family), RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			without, err := r.Render(rules, withSummary("x"), RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(with.Text, "family "+family+" to") {
				t.Fatalf("the family did not survive rendering: %q", with.Text)
			}
			if got := with.Length - without.Length + 1; got != tt.want {
				t.Errorf("%s counts %s as %d, want %d (post %q, length %d)", tt.network, family, got, tt.want, with.Text, with.Length)
			}
		})
	}
}

// TestFitNeverSplitsFamilyEmoji shrinks the limit step by step on every
// network: whatever the cut, the family stays whole or goes whole, never
// leaving a dangling part of it (👩‍👩‍ is two women, not a family).
func TestFitNeverSplitsFamilyEmoji(t *testing.T) {
	t.Parallel()
	r := mustRenderer(t, Templates{Default: "{{.Title}}\n{{.Summary}}\n{{.Link}}"})
	rv := review.Review{
		Title:   strings.Repeat(family+" ", 40) + "Her",
		Link:    "https://example-films.blog/reviews/her",
		Summary: strings.Repeat("The family "+family+" watched it twice and loved it. ", 12),
	}
	for _, n := range []Network{X, Mastodon, Bluesky} {
		t.Run(string(n), func(t *testing.T) {
			t.Parallel()
			rules := DefaultRules(n)
			full, err := r.Render(rules, rv, RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for limit := min(full.Length, rules.Limit); limit > 30; limit-- {
				rules.Limit = limit
				p, err := r.Render(rules, rv, RenderOptions{})
				if err != nil {
					t.Fatalf("limit %d: %v", limit, err)
				}
				if p.Length > limit || rules.Count(p.Text) != p.Length {
					t.Fatalf("limit %d: length %d (count %d)", limit, p.Length, rules.Count(p.Text))
				}
				if women := strings.Count(p.Text, "\U0001F469"); women != 2*strings.Count(p.Text, family) {
					t.Fatalf("limit %d: a family was split:\n%s", limit, p.Text)
				}
			}
		})
	}
}
