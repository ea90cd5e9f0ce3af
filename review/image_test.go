package review

import (
	"testing"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

func mediaExt(elems ...ext.Extension) ext.Extensions {
	m := map[string][]ext.Extension{}
	for _, e := range elems {
		m[e.Name] = append(m[e.Name], e)
	}
	return ext.Extensions{"media": m}
}

func TestChooseImage(t *testing.T) {
	t.Parallel()
	gravatar := ext.Extension{Name: "content", Attrs: map[string]string{"url": "https://0.gravatar.com/avatar/f1ec?s=96", "medium": "image"},
		Children: map[string][]ext.Extension{"title": {{Name: "title", Value: "raggywaltz"}}}}
	authorPic := ext.Extension{Name: "content", Attrs: map[string]string{"url": "https://example.com/me.jpg", "medium": "image"},
		Children: map[string][]ext.Extension{"title": {{Name: "title", Value: "author"}}}}
	post := ext.Extension{Name: "content", Attrs: map[string]string{"url": "https://example.com/still.jpg", "medium": "image"}}
	video := ext.Extension{Name: "content", Attrs: map[string]string{"url": "https://example.com/clip.mp4", "type": "video/mp4"}}
	smallThumb := ext.Extension{Name: "thumbnail", Attrs: map[string]string{"url": "https://blogger.googleusercontent.com/img/b/R29v/s72-c/her.jpg", "width": "72", "height": "72"}}
	tests := []struct {
		name string
		item gofeed.Item
		want string
	}{
		{"media:content after the author's gravatar", gofeed.Item{Extensions: mediaExt(gravatar, video, post)}, "https://example.com/still.jpg"},
		{"WordPress.com author picture skipped", gofeed.Item{Extensions: mediaExt(authorPic, post)}, "https://example.com/still.jpg"},
		{"image enclosure, not the video one", gofeed.Item{Enclosures: []*gofeed.Enclosure{
			{URL: "https://example.com/v.mp4", Type: "video/mp4"}, {URL: "https://example.com/e.jpg", Type: "image/jpeg"}}}, "https://example.com/e.jpg"},
		{"iTunes image", gofeed.Item{ITunesExt: &ext.ITunesItemExtension{Image: "https://example.com/i.png"}}, "https://example.com/i.png"},
		{"first content picture, not the tracking pixel", gofeed.Item{Content: `<img src="https://medium.com/_/stat?event=x" width="1" height="1"><img src="https://feeds.feedburner.com/~ff/blog?d=yIl2AUoC8zA"><p><img src="/uploads/her.jpg"></p>`},
			"https://blog.example.com/uploads/her.jpg"},
		{"feedpress pixel and avatar skipped", gofeed.Item{Content: `<img src="https://feedpress.me/link/x/y.gif"><img class="avatar" src="https://secure.gravatar.com/avatar/1"><img src="https://example.com/a.webp">`},
			"https://example.com/a.webp"},
		{"lazy image", gofeed.Item{Content: `<img src="data:image/gif;base64,R0lGOD" data-lazy-src="https://example.com/lazy.jpg">`}, "https://example.com/lazy.jpg"},
		{"Blogger 72px thumbnail made full size, after content", gofeed.Item{Extensions: mediaExt(smallThumb)}, "https://blogger.googleusercontent.com/img/b/R29v/s1600/her.jpg"},
		{"nothing", gofeed.Item{Content: `<p>text</p>`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := FromItem("https://blog.example.com/feed/", &gofeed.Feed{Link: "https://blog.example.com/"}, &tt.item)
			if r.Image != tt.want {
				t.Errorf("Image = %q, want %q", r.Image, tt.want)
			}
		})
	}
}
