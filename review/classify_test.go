package review

import (
	"testing"

	"github.com/mmcdole/gofeed"
)

func TestReviewDetection(t *testing.T) {
	t.Parallel()
	herBody := parseFixture(t, "her_rss2_shortcode.xml", "").Items[0].Content
	tests := []struct {
		name       string
		categories []string // ExtractOptions.Categories
		item       gofeed.Item
		want       bool
	}{
		{"review category", nil, gofeed.Item{Title: "Her", Categories: []string{"Film Reviews"}, Content: "<p>Short.</p>"}, true},
		{"review in the title", nil, gofeed.Item{Title: "Heat (1995) review", Content: "<p>Short.</p>"}, true},
		{"metadata block without categories", nil, gofeed.Item{Title: "Her", Content: herBody}, true},
		{"rating only", nil, gofeed.Item{Title: "Her", Content: "<p>Rating: 4/5</p>"}, true},
		{"news category", nil, gofeed.Item{Title: "Cinema reopens", Categories: []string{"News"}, Content: "<p>The cinema reopens on Monday.</p>"}, false},
		{"competition in the title", nil, gofeed.Item{Title: "Competition: win tickets to Her", Content: herBody}, false},
		{"trailer and evaluative prose", nil, gofeed.Item{Title: "Arrival", Content: `<p>The plot follows a linguist.</p><p>It is brilliant, moving and worth every minute; I recommend it.</p><iframe src="https://www.youtube.com/embed/WzV6mXIOVl4"></iframe>`}, true},
		{"trailer release without judgement", nil, gofeed.Item{Title: "New trailer out", Content: `<p>The studio released this today.</p><iframe src="https://www.youtube.com/embed/WzV6mXIOVl4"></iframe>`}, false},
		{"nothing", nil, gofeed.Item{Title: "Opening hours", Content: "<p>We are open from 9 to 5.</p>"}, false},
		{"FEED_CATEGORIES match, any case", []string{"film reviews"}, gofeed.Item{Title: "Her", Categories: []string{"Film Reviews"}}, true},
		{"FEED_CATEGORIES decide alone", []string{"Reviews"}, gofeed.Item{Title: "Her review", Categories: []string{"Film Reviews"}, Content: herBody}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &gofeed.Feed{Items: []*gofeed.Item{&tt.item}}
			got := NewExtractor(ExtractOptions{Categories: tt.categories}).Extract(t.Context(), "", f)
			if len(got) != 1 {
				t.Fatalf("got %d reviews", len(got))
			}
			if got[0].IsReview != tt.want || got[0].ReviewReason == "" {
				t.Errorf("IsReview = %v (%s), want %v", got[0].IsReview, got[0].ReviewReason, tt.want)
			}
		})
	}
}
