package review

import "testing"

func TestYouTubeID(t *testing.T) {
	t.Parallel()
	const id = "WzV6mXIOVl4"
	tests := []struct {
		name, body, want string
	}{
		{"shortcode, typographic quotes", `<p>liked: X. [youtube id=”WzV6mXIOVl4″ width=”600″ height=”350″]</p>`, id},
		{"shortcode, curly double quotes", `[youtube id="WzV6mXIOVl4" width="600"]`, id},
		{"shortcode, straight quotes", `[youtube id="WzV6mXIOVl4"]`, id},
		{"shortcode, bare id", `[youtube WzV6mXIOVl4]`, id},
		{"shortcode with URL", `[youtube https://www.youtube.com/watch?v=WzV6mXIOVl4]`, id},
		{"shortcode youtube=URL", `[youtube=http://www.youtube.com/watch?v=WzV6mXIOVl4&amp;w=640]`, id},
		{"embed shortcode", `<p>[embed]https://youtu.be/WzV6mXIOVl4[/embed]</p>`, id},
		{"iframe embed", `<iframe src="https://www.youtube.com/embed/WzV6mXIOVl4?feature=oembed"></iframe>`, id},
		{"nocookie iframe", `<iframe loading="lazy" src="https://www.youtube-nocookie.com/embed/WzV6mXIOVl4"></iframe>`, id},
		{"protocol-relative iframe", `<iframe src="//www.youtube.com/embed/WzV6mXIOVl4?wmode=opaque&amp;enablejsapi=1"></iframe>`, id},
		{"lazy iframe data-lazy-src", `<iframe data-lazy-src="https://www.youtube-nocookie.com/embed/WzV6mXIOVl4"></iframe>`, id},
		{"lazy iframe data-src", `<iframe src="about:blank" data-src="https://www.youtube.com/embed/WzV6mXIOVl4"></iframe>`, id},
		{"watch link", `<a href="https://www.youtube.com/watch?v=WzV6mXIOVl4">trailer</a>`, id},
		{"watch link, v not first, &#038;", `<a href="https://www.youtube.com/watch?feature=share&#038;v=WzV6mXIOVl4">t</a>`, id},
		{"watch link in text, &#038;", `see https://www.youtube.com/watch?list=PL1&#038;v=WzV6mXIOVl4 now`, id},
		{"youtu.be link", `<a href="https://youtu.be/WzV6mXIOVl4?si=abc">t</a>`, id},
		{"shorts", `<a href="https://youtube.com/shorts/WzV6mXIOVl4">t</a>`, id},
		{"live", `<a href="https://www.youtube.com/live/WzV6mXIOVl4?feature=share">t</a>`, id},
		{"v/", `<embed src="http://www.youtube.com/v/WzV6mXIOVl4?version=3">`, id},
		{"schemeless link", `<a href="www.youtube.com/watch?v=WzV6mXIOVl4">t</a>`, id},
		{"WordPress block comment", `<!-- wp:embed {"url":"https:\/\/www.youtube.com\/watch?v=WzV6mXIOVl4","providerNameSlug":"youtube"} --><!-- /wp:embed -->`, id},
		{"Blogger youtube-src-id", `<iframe class="BLOG_video_class" youtube-src-id="WzV6mXIOVl4" src="https://www.blogger.com/video.g?token=x"></iframe>`, id},
		{"Substack data-attrs", `<div id="youtube2-WzV6mXIOVl4" class="youtube-wrap" data-attrs="{&quot;videoId&quot;:&quot;WzV6mXIOVl4&quot;,&quot;startTime&quot;:null}"></div>`, id},
		{"bare URL in an embed wrapper", `<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">https://www.youtube.com/watch?v=WzV6mXIOVl4</div></figure>`, id},
		{"plain text", "Trailer: https://youtu.be/WzV6mXIOVl4", id},
		{"embed wins over an earlier link", `<p><a href="https://youtu.be/aaaaaaaaaaa">old</a></p><iframe src="https://www.youtube.com/embed/WzV6mXIOVl4"></iframe>`, id},
		{"playlist only", `<iframe src="https://www.youtube.com/embed/videoseries?list=PLx"></iframe>`, ""},
		{"id too long", `<a href="https://youtu.be/WzV6mXIOVl4x">t</a>`, ""},
		{"JW player shortcode is not YouTube", `[video id=7GZHvyvt autostart="viewable"]`, ""},
		{"vimeo", `<iframe src="https://player.vimeo.com/video/12345678"></iframe>`, ""},
		{"nothing", `<p>No trailer here.</p>`, ""},
		{"empty", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := YouTubeID(tt.body); got != tt.want {
				t.Errorf("YouTubeID(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}
