package publisher

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/publisher/textlen"
)

func TestMakeHashtag(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Her", "Her"},
		{"Science Fiction", "ScienceFiction"},
		{"science-fiction", "ScienceFiction"},
		{"Schindler's List", "SchindlersList"},
		{"Amélie", "Amélie"},
		{"2001: A Space Odyssey", "2001ASpaceOdyssey"},
		{"1917", ""},
		{"🎬 Her ✨", "Her"},
		{"千と千尋の神隠し", "千と千尋の神隠し"},
		{"Mission: Impossible – Dead Reckoning Part One", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := makeHashtag(tt.in); got != tt.want {
			t.Errorf("makeHashtag(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMakeHashtagsDedupes(t *testing.T) {
	t.Parallel()
	got := makeHashtags("Drama", []string{"drama", "Romance", "Science Fiction", "science fiction", "1917"})
	if want := "Drama Romance ScienceFiction"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestHashtagSpans(t *testing.T) {
	t.Parallel()
	text := "#Her is #1 but #Drama&#x; a#b https://x.org/#frag #千と千尋 #tag#tag (#Romance)"
	urls := textlen.URLSpans(text)
	var got []string
	for _, s := range HashtagSpans(text, urls) {
		got = append(got, text[s.Start:s.End])
	}
	if want := "#Her #Drama #千と千尋 #Romance"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
