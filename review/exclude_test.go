package review

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/feed"
)

// TestExtractAppliesTheOperatorsFilter: a review the operator's filter
// leaves out is no review to post, and says which variable left it out;
// an item that is no review anyway keeps its own reason.
func TestExtractAppliesTheOperatorsFilter(t *testing.T) {
	t.Parallel()
	const feedURL = "https://films.example/feed"
	body := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://films.example/</link><description>d</description>
<item><title>Heat review</title><link>https://films.example/heat</link><guid>heat</guid><category>Review</category><description>A taut, brilliant film.</description></item>
<item><title>Watched: Alien review</title><link>https://films.example/alien</link><guid>alien</guid><category>Review</category><description>A tense, superb film.</description></item>
<item><title>Festival news</title><link>https://films.example/news</link><guid>news</guid><category>News</category><description>The line-up.</description></item>
</channel></rss>`
	f, err := feed.Parse(feedURL, []byte(body), "application/rss+xml")
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	e := NewExtractor(ExtractOptions{Categories: []string{"review"}, Exclude: func(u, title string, cats []string, text string) string {
		if u != feedURL {
			t.Errorf("filter asked about feed %q", u)
		}
		asked = append(asked, title)
		if strings.HasPrefix(title, "Watched") {
			return "excluded by FEED_2_EXCLUDE"
		}
		return ""
	}})
	got := map[string]Review{}
	for _, rv := range e.Extract(t.Context(), feedURL, f) {
		got[rv.Key] = rv
	}
	if rv := got["heat"]; !rv.IsReview || rv.Excluded {
		t.Errorf("heat = review %v, excluded %v; want a review to post", rv.IsReview, rv.Excluded)
	}
	if rv := got["alien"]; rv.IsReview || !rv.Excluded || rv.ReviewReason != "excluded by FEED_2_EXCLUDE" {
		t.Errorf("alien = review %v, excluded %v, reason %q; want excluded by FEED_2_EXCLUDE", rv.IsReview, rv.Excluded, rv.ReviewReason)
	}
	if rv := got["news"]; rv.IsReview || rv.Excluded || strings.Contains(rv.ReviewReason, "excluded") {
		t.Errorf("news = excluded %v, reason %q; want not a review for its own reason", rv.Excluded, rv.ReviewReason)
	}
	if len(asked) != 2 {
		t.Errorf("the filter was asked about %q, want the two reviews only", asked)
	}
}
