package mastodonfake

import "testing"

// TestMastodonLength: the fake counts a status as Mastodon's
// StatusLengthValidator does, so it refuses a status exactly when Mastodon
// would.
func TestMastodonLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		urlLength  int
		want       int
	}{
		{"plain", "Heat (1995)", 23, 11},
		{"URL at its reservation", "Review: https://example-films.blog/reviews/2026/11/the-extraordinarily-long-tale", 23, 8 + 23},
		{"server's own reservation", "https://example.com/a", 30, 30},
		{"short URL counts the reservation too", "https://t.co", 23, 23},
		{"sentence punctuation after a URL", "(see https://example.com/a.)", 23, 5 + 23 + 2},
		{"URL with brackets", "https://en.wikipedia.org/wiki/Her_(film)", 23, 23},
		{"no scheme, no reservation", "example.com/reviews/her", 23, 23},
		{"glued to a word", "xhttps://example.com/a", 23, 22},
		{"remote mention counts its username", "by @films@example.social, really", 23, 3 + 6 + 8},
		{"local mention", "@films and @a_b.c", 23, 17},
		{"no mention after a word or slash", "me@example.social and a/@films", 23, 30},
		{"mention in a URL is the URL", "https://example.social/@films@other.social", 23, 23},
		{"grapheme clusters", "Ame\u0301lie 👨‍👩‍👧‍👦 🇫🇷", 23, 6 + 1 + 1 + 1 + 1},
		{"CRLF is one", "a\r\nb", 23, 3},
		{"empty", "", 23, 0},
	}
	for _, tt := range tests {
		if got := mastodonLength(tt.text, tt.urlLength); got != tt.want {
			t.Errorf("%s: %q counts %d, want %d", tt.name, tt.text, got, tt.want)
		}
	}
}
