package publisher

import (
	"fmt"
	"testing"
)

func TestDisplayURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://www.youtube.com/watch?v=WzV6mXIOVl4", "youtu.be/WzV6mXIOVl4"},
		{"https://youtu.be/WzV6mXIOVl4", "youtu.be/WzV6mXIOVl4"},
		{"https://m.youtube.com/watch?v=WzV6mXIOVl4&t=10", "youtu.be/WzV6mXIOVl4"},
		{"https://www.youtube.com/embed/WzV6mXIOVl4", "youtu.be/WzV6mXIOVl4"},
		{"https://example-films.blog/reviews/her", "example-films.blog/reviews/her"},
		{"https://example-films.blog/", "example-films.blog"},
		{"https://www.example.com/a?b=c", "example.com/a…"},
		{"https://example-films.blog/reviews/2026/11/the-extraordinarily-long-title", "example-films.blog/reviews/…"},
		{"https://films.example.org/2014/02/her-review/", "films.example.org/…/her-review"},
		{"https://example.com/%E3%83%AC%E3%83%93", "example.com/レビ"},
		{"https://xn--r8jz45g.jp/a", "例え.jp/a"},
		{"https://a-very-long-host-name-for-a-film-blog.example/x", "a-very-long-host-name-for-a-film-blog.example/…"},
	}
	for _, tt := range tests {
		if got := displayURL(tt.in); got != tt.want {
			t.Errorf("displayURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://example-films.blog/reviews/her", "https://example-films.blog/reviews/her"},
		{" https://Example.com/A?b=c#d ", "https://Example.com/A?b=c#d"},
		{"https://example.com/ü?q=日本#ß", "https://example.com/%C3%BC?q=%E6%97%A5%E6%9C%AC#%C3%9F"},
		{"https://bücher.example/x", "https://xn--bcher-kva.example/x"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := safeURL(tt.in); got != tt.want {
			t.Errorf("safeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWithoutTracking(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://example-films.blog/reviews/her?utm_source=rss&utm_medium=rss", "https://example-films.blog/reviews/her"},
		{"https://example-films.blog/?p=123&UTM_Campaign=x&fbclid=abc#comments", "https://example-films.blog/?p=123#comments"},
		{"https://example-films.blog/?utm%5Fsource=x&b=%C3%BC&a=1", "https://example-films.blog/?b=%C3%BC&a=1"},
		{"https://example-films.blog/her?lang=fr&ref=home&si=1", "https://example-films.blog/her?lang=fr&ref=home&si=1"},
		{"https://www.youtube.com/watch?v=WzV6mXIOVl4&si=AbC&utm_source=x", "https://www.youtube.com/watch?v=WzV6mXIOVl4"},
		{"https://youtu.be/WzV6mXIOVl4?si=AbC", "https://youtu.be/WzV6mXIOVl4"},
		{"https://example-films.blog/reviews/her", "https://example-films.blog/reviews/her"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := withoutTracking(tt.in); got != tt.want {
			t.Errorf("withoutTracking(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlaceLinks(t *testing.T) {
	t.Parallel()
	known := []string{"https://example.com/page.", "https://www.youtube.com/watch?v=WzV6mXIOVl4"}
	text := "A https://example.com/page. B https://www.youtube.com/watch?v=WzV6mXIOVl4 C http://other.org/x D http://localhost/y"
	tests := []struct {
		short    bool
		wantText string
		want     []Link
	}{
		{false, text, []Link{
			{"https://example.com/page.", "https://example.com/page."},
			{"https://www.youtube.com/watch?v=WzV6mXIOVl4", "https://www.youtube.com/watch?v=WzV6mXIOVl4"},
			{"http://other.org/x", "http://other.org/x"},
		}},
		{true, "A example.com/page. B youtu.be/WzV6mXIOVl4 C other.org/x D http://localhost/y", []Link{
			{"example.com/page.", "https://example.com/page."},
			{"youtu.be/WzV6mXIOVl4", "https://www.youtube.com/watch?v=WzV6mXIOVl4"},
			{"other.org/x", "http://other.org/x"},
		}},
	}
	for _, tt := range tests {
		gotText, got := placeLinks(text, known, tt.short)
		if gotText != tt.wantText || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("short=%v:\n%q %v\nwant\n%q %v", tt.short, gotText, got, tt.wantText, tt.want)
		}
	}
}
