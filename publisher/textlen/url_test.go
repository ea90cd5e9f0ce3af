package textlen

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func spanTexts(text string, spans []Span) []string {
	out := []string{}
	for _, s := range spans {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestURLSpans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string
	}{
		{"with and without scheme", "see example.com and https://www.youtube.com/watch?v=WzV6mXIOVl4 now",
			[]string{"example.com", "https://www.youtube.com/watch?v=WzV6mXIOVl4"}},
		{"trailing full stop left out", "Read https://example-films.blog/reviews/her.", []string{"https://example-films.blog/reviews/her"}},
		{"balanced parentheses kept, the closing one left out", "(https://en.wikipedia.org/wiki/Her_(film))", []string{"https://en.wikipedia.org/wiki/Her_(film)"}},
		{"query ending", "https://x.org/a?b=1&c=2! wow", []string{"https://x.org/a?b=1&c=2"}},
		{"e-mail is no URL", "mail foo@bar.com", []string{}},
		{"hashtag-like is no URL", "#example.com", []string{}},
		{"after a slash no scheme-less URL", "a/example.com", []string{}},
		{"unknown TLD", "file.txt and a.b", []string{}},
		{"unicode domain after a scheme, CJK path stops", "http://例え.jp/パス x", []string{"http://例え.jp/"}},
		{"port and uppercase", "HTTPS://Example.COM:8080/Path", []string{"HTTPS://Example.COM:8080/Path"}},
		{"t.co slug only", "https://t.co/abc123/more", []string{"https://t.co/abc123"}},
		{"t.co slug too long", "https://t.co/" + strings.Repeat("a", 41), []string{}},
		{"label longer than 63", "https://" + strings.Repeat("a", 64) + ".com/x", []string{}},
		{"directional marks around", "\u2066\u202Ahttp://foobar.پاکستان/\u202C\u2069", []string{"http://foobar.پاکستان/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := spanTexts(tt.text, URLSpans(tt.text))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("URLSpans(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestHTTPURLSpansSkipsSchemeless(t *testing.T) {
	t.Parallel()
	text := "example.com https://example.org/x ftp.example.net"
	if got := spanTexts(text, HTTPURLSpans(text)); strings.Join(got, "|") != "https://example.org/x" {
		t.Errorf("got %q", got)
	}
}

func TestX(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       int
	}{
		{"ascii", "Her", 3},
		{"NFC first: decomposed é is one", "e\u0301", 1},
		{"CJK weighs two", "千と千尋", 8},
		{"emoji sequence two", "👨‍👩‍👧‍👦", 2},
		{"flag two", "🇫🇷", 2},
		{"keycap two", "1️⃣", 2},
		{"scheme-less URL 23", "example.com", 23},
		{"URL in text", "Review: https://example-films.blog/reviews/her", 8 + 23},
		{"curly quotes weigh one", "“It’s”", 6},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		if got := X(tt.text); got != tt.want {
			t.Errorf("%s: X(%q) = %d, want %d", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestMastodon(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		urlLen     int
		want       int
	}{
		{"graphemes", "Amélie 👨‍👩‍👧‍👦", 23, 8},
		{"URL counts the reserved length", "Review: https://example-films.blog/reviews/her", 23, 8 + 23},
		{"server's own URL length", "https://example.com/a", 30, 30},
		{"whole non-ASCII path is one URL", "https://x.org/ü-日本?q=1", 23, 23},
		{"scheme-less is text", "example.com", 23, 11},
		{"remote mention counts its username", "@films@example.social hi @bob", 23, len("@films hi @bob")},
		{"mention after a word is text", "a@b@c.de", 23, 8},
	}
	for _, tt := range tests {
		if got := Mastodon(tt.text, tt.urlLen); got != tt.want {
			t.Errorf("%s: Mastodon(%q, %d) = %d, want %d", tt.name, tt.text, tt.urlLen, got, tt.want)
		}
	}
}

func TestGraphemes(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]int{"Her": 3, "e\u0301": 1, "👨‍👩‍👧‍👦🇫🇷": 2, "千と": 2, "": 0} {
		if got := Graphemes(text); got != want {
			t.Errorf("Graphemes(%q) = %d, want %d", text, got, want)
		}
	}
}

func FuzzURLSpans(f *testing.F) {
	for _, s := range []string{"see example.com and https://www.youtube.com/watch?v=x now", "http://例え.jp/パス", "(https://a.co/b_(c))", "https://t.co/abc?x=1", "@a@b.com #c.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fl := range []flavour{xFlavour, mastodonFlavour} {
			prev := 0
			for _, s := range scanURLs(text, fl) {
				if s.Start < prev || s.End <= s.Start || s.End > len(text) {
					t.Fatalf("bad span %v after %d in %q", s, prev, text)
				}
				if utf8.ValidString(text) && (!utf8.ValidString(text[s.Start:s.End]) || !utf8.ValidString(text[:s.Start])) {
					t.Fatalf("span %v splits a character of %q", s, text)
				}
				prev = s.End
			}
		}
		// X normalises first, so the spelling of a character cannot change
		// its count.
		if n, m := X(text), X(norm.NFD.String(text)); n != m {
			t.Fatalf("X(%q) = %d but %d for its NFD form", text, n, m)
		}
		if g, r := Graphemes(text), utf8.RuneCountInString(text); g > r {
			t.Fatalf("Graphemes(%q) = %d > %d runes", text, g, r)
		}
	})
}
