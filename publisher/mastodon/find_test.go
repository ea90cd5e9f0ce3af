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

// TestMatchesMarkdown: a server that read the status as Markdown shows its
// emphasis markers as markup; the look-up compares without either.
func TestMatchesMarkdown(t *testing.T) {
	t.Parallel()
	const text = "M*A*S*H (1970) ★★★★\n\nAltman's _war_ comedy, **still** sharp. #MASH"
	tests := []struct {
		name, content string
		want          bool
	}{
		{"as written", `<p>M*A*S*H (1970) ★★★★</p><p>Altman&#39;s _war_ comedy, **still** sharp. <a href="https://gts.example/tags/mash">#MASH</a></p>`, true},
		{"read as Markdown", `<p>M<em>A</em>S*H (1970) ★★★★</p><p>Altman&#39;s <em>war</em> comedy, <strong>still</strong> sharp. <a href="https://gts.example/tags/mash">#MASH</a></p>`, true},
		{"another text", `<p>M<em>A</em>S*H (1970) ★★★</p><p>Altman&#39;s <em>war</em> comedy, <strong>still</strong> sharp.</p>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := matches(tt.content, publisher.Post{Text: text}); got != tt.want {
				t.Errorf("matches = %t, want %t", got, tt.want)
			}
		})
	}
}

// TestSoftware: GoToSocial is known by its source or its version, also
// behind a Mastodon version, and no other server is taken for it.
func TestSoftware(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, source, want string
	}{
		{"0.20.0+git-ccbc8f6", "", "gotosocial"},
		{"0.20.0 git-ccbc8f6", "", "gotosocial"},
		{"0.20.0-rc1 git-ccbc8f6", "", "gotosocial"},
		{"3.5.3+0.20.0-git-ccbc8f6", "", "gotosocial"},
		{"0.5.0 ccbc8f6 2022-10-01T10:00:00Z [go1.19]", "", "gotosocial"},
		{"0.21.0", "https://codeberg.org/superseriousbusiness/gotosocial", "gotosocial"},
		{"4.3.0", "https://github.com/mastodon/mastodon", "mastodon"},
		{"4.3.0+glitch", "https://github.com/glitch-soc/mastodon", "mastodon"},
		{"4.2.10+hometown-1.1.1", "", "mastodon"},
		{"4.4.0-nightly.2025-01-07", "", "mastodon"},
		{"2.7.2 (compatible; Pleroma 2.6.1)", "", "pleroma"},
		{"2.7.2 (compatible; Akkoma 3.13.2-0-gbc6fe5b)", "", "pleroma"},
	}
	for _, tt := range tests {
		if got := (instanceInfo{Version: tt.version, SourceURL: tt.source}).software(); got != tt.want {
			t.Errorf("software(%q, %q) = %q, want %q", tt.version, tt.source, got, tt.want)
		}
	}
}
