package mastodon

import (
	"testing"

	"github.com/reelpost/reelpost/publisher"
)

func TestMatches(t *testing.T) {
	t.Parallel()
	const text = "Heat (1995) ★★★★★\n\nMann's crime epic. #Heat\n\nhttps://example.com/reviews/heat-1995-michael-mann"
	links := []publisher.Link{{Display: "https://example.com/reviews/heat-1995-michael-mann", URL: "https://example.com/reviews/heat-1995-michael-mann"}}
	tests := []struct {
		name    string
		content string
		links   []publisher.Link
		want    bool
	}{
		{
			name: "mastodon markup",
			content: `<p>Heat (1995) ★★★★★</p><p>Mann&#39;s crime epic. <a href="https://films.example/tags/heat" class="mention hashtag" rel="tag">#<span>Heat</span></a></p>` +
				`<p><a href="https://example.com/reviews/heat-1995-michael-mann" target="_blank" rel="nofollow noopener"><span class="invisible">https://</span><span class="ellipsis">example.com/reviews/heat-1995-</span><span class="invisible">michael-mann</span></a></p>`,
			want: true,
		},
		{
			name:    "line breaks as <br>",
			content: `<p>Heat (1995) ★★★★★<br />Mann's crime epic. #Heat<br>https://example.com/reviews/heat-1995-michael-mann</p>`,
			want:    true,
		},
		{
			name: "rewritten text, same link and first line",
			content: `<p>Heat (1995) ★★★★★</p><p>Mann’s crime epic. <a href="https://gts.example/tags/heat">#Heat</a></p>` +
				`<p><a href="https://example.com/reviews/heat-1995-michael-mann">example.com/reviews/heat…</a></p>`,
			links: links,
			want:  true,
		},
		{
			name:    "rewritten text without links to go by",
			content: `<p>Heat (1995) ★★★★★</p><p>Mann’s crime epic.</p>`,
			want:    false,
		},
		{
			name:    "same link, other post",
			content: `<p>Heat (1995): a repost</p><p><a href="https://example.com/reviews/heat-1995-michael-mann">link</a></p>`,
			links:   links,
			want:    false,
		},
		{
			name:    "another review",
			content: `<p>Alien (1979) ★★★★</p>`,
			links:   links,
			want:    false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := matches(tt.content, publisher.Post{Text: text, Links: tt.links}); got != tt.want {
				t.Errorf("matches = %t, want %t", got, tt.want)
			}
		})
	}
}
