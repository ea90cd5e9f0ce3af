package feed

import (
	"testing"

	"github.com/mmcdole/gofeed"
)

func TestItems(t *testing.T) {
	t.Parallel()
	a, b := &gofeed.Item{Title: "Her"}, &gofeed.Item{Title: "Heat"}
	tests := []struct {
		name     string
		feedURL  string
		feed     *gofeed.Feed
		wantBase string
		// wantIndex are the positions in the document of the items given.
		wantIndex []int
	}{
		{name: "the feed's link is the base", feedURL: "https://feeds.example/films",
			feed: &gofeed.Feed{Link: "https://films.example/blog/", Items: []*gofeed.Item{a, b}}, wantBase: "https://films.example/blog/", wantIndex: []int{0, 1}},
		{name: "a relative feed link resolves against the feed URL", feedURL: "https://films.example/feed/",
			feed: &gofeed.Feed{Link: "/blog/", Items: []*gofeed.Item{a}}, wantBase: "https://films.example/blog/", wantIndex: []int{0}},
		{name: "no link: the feed URL", feedURL: "https://films.example/feed/",
			feed: &gofeed.Feed{Items: []*gofeed.Item{a}}, wantBase: "https://films.example/feed/", wantIndex: []int{0}},
		{name: "a local file and no link: no base", feedURL: "./testdata/fetch/films.rss",
			feed: &gofeed.Feed{Items: []*gofeed.Item{a}}, wantIndex: []int{0}},
		{name: "nil items left out, positions kept", feedURL: "https://films.example/feed/",
			feed: &gofeed.Feed{Items: []*gofeed.Item{nil, a, nil, b}}, wantBase: "https://films.example/feed/", wantIndex: []int{1, 3}},
		{name: "no feed", feedURL: "https://films.example/feed/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			items := Items(tt.feedURL, tt.feed)
			if len(items) != len(tt.wantIndex) {
				t.Fatalf("got %d items, want %d", len(items), len(tt.wantIndex))
			}
			for i, it := range items {
				base := ""
				if it.Base != nil {
					base = it.Base.String()
				}
				if it.Index != tt.wantIndex[i] || it.FeedURL != tt.feedURL || base != tt.wantBase || it.Item != tt.feed.Items[it.Index] {
					t.Errorf("item %d = index %d, feed %q, base %q; want index %d, feed %q, base %q",
						i, it.Index, it.FeedURL, base, tt.wantIndex[i], tt.feedURL, tt.wantBase)
				}
			}
		})
	}
}

// TestBaseLeavesTheFeedURLsCredentialsOut: a feed without a link of its own
// resolves its items' relative links against its URL, and a token or
// password in that URL must not end up in a post's link.
func TestBaseLeavesTheFeedURLsCredentialsOut(t *testing.T) {
	t.Parallel()
	base := Base("https://reader:s3cret@blog.example/feed.xml?token=T0KEN", &gofeed.Feed{})
	for _, tc := range []struct{ ref, want string }{
		{"/reviews/her/", "https://blog.example/reviews/her/"},
		{"reviews/her/", "https://blog.example/reviews/her/"},
		{"#her", "https://blog.example/feed.xml#her"},
	} {
		if got := ResolveURL(base, tc.ref); got != tc.want {
			t.Errorf("ResolveURL(base, %q) = %q, want %q", tc.ref, got, tc.want)
		}
	}
}
