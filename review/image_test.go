package review

import (
	"testing"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/reelpost/reelpost/feed"
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

// TestBadgesAreNeverThePicture checks that no badge, button, icon or
// tracking pixel becomes a link card's picture (issue 12.17): each item
// has such an image first and the review's still after it, or nothing.
func TestBadgesAreNeverThePicture(t *testing.T) {
	t.Parallel()
	const still = `<p><img src="https://blog.example.com/uploads/parasite-still.jpg"></p>`
	svgMedia := ext.Extension{Name: "content", Attrs: map[string]string{"url": "https://blog.example.com/logo", "type": "image/svg+xml"}}
	tests := []struct {
		name string
		item gofeed.Item
		want string
	}{
		{"shields.io badge", gofeed.Item{Content: `<img src="https://img.shields.io/badge/rating-4%2F5-green">` + still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"SVG by extension", gofeed.Item{Content: `<img src="/wp-content/uploads/logo.svg?ver=2">` + still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"SVG data URL", gofeed.Item{Content: `<img src="data:image/svg+xml;base64,PHN2Zz4=">` + still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"Get it on Google Play, by alt", gofeed.Item{Content: `<a href="https://play.google.com/store/apps/details?id=x"><img alt="Get it on Google Play" src="https://cdn.example.com/img/gp.png"></a>` + still},
			"https://blog.example.com/uploads/parasite-still.jpg"},
		{"App Store badge, by URL", gofeed.Item{Content: `<img src="https://tools.applemarketingtools.com/api/badges/download-on-the-app-store/black/en-us">` + still},
			"https://blog.example.com/uploads/parasite-still.jpg"},
		{"download-on-the-app-store file", gofeed.Item{Content: `<img src="https://blog.example.com/uploads/Download_on_the_App_Store_Badge.png">` + still},
			"https://blog.example.com/uploads/parasite-still.jpg"},
		{"donation button", gofeed.Item{Content: `<img src="https://cdn.buymeacoffee.com/buttons/v2/default-yellow.png">` + still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"feedburner flare", gofeed.Item{Content: `<a href="http://feeds.feedburner.com/~ff/films?a=x"><img src="http://feeds.feedburner.com/~ff/films?d=yIl2AUoC8zA" border="0"></img></a>` + still},
			"https://blog.example.com/uploads/parasite-still.jpg"},
		{"feedburner feed icon", gofeed.Item{Content: `<img src="https://feedburner.google.com/fb/images/pub/feed-icon32x32.png">` + still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"badge class", gofeed.Item{Content: `<img class="store-badge" src="https://blog.example.com/uploads/store.png">` + still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"tracking pixel", gofeed.Item{Content: `<img src="https://pixel.wp.com/b.gif?host=blog.example.com">` + still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"SVG media:content", gofeed.Item{Extensions: mediaExt(svgMedia), Content: still}, "https://blog.example.com/uploads/parasite-still.jpg"},
		{"SVG enclosure", gofeed.Item{Enclosures: []*gofeed.Enclosure{{URL: "https://blog.example.com/badge", Type: "image/svg+xml"}}, Content: still},
			"https://blog.example.com/uploads/parasite-still.jpg"},
		{"only a badge: no picture", gofeed.Item{Content: `<img src="https://img.shields.io/badge/letterboxd-follow-orange.svg">`}, ""},
		// A film may have "badge" or "button" in its name: only a badge's
		// own markers refuse a picture.
		{"a still of The Curious Case of Benjamin Button", gofeed.Item{Content: `<img alt="Benjamin Button" src="https://blog.example.com/uploads/benjamin-button.jpg">`},
			"https://blog.example.com/uploads/benjamin-button.jpg"},
		{"a still of The Badge", gofeed.Item{Content: `<img src="https://blog.example.com/uploads/the-badge-2002.jpg">`}, "https://blog.example.com/uploads/the-badge-2002.jpg"},
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

// TestPictureOfAParsedFeedsItem checks the picture of items read through
// feed.Parse, which turns off gofeed's own search of the item's HTML (for
// speed): the review's picture still comes from the content, or from the
// description when the item has no content, and gofeed's explicit pictures
// (an image enclosure) still count.
func TestPictureOfAParsedFeedsItem(t *testing.T) {
	t.Parallel()
	const feedURL = "https://blog.example.com/feed/"
	body := `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Films</title><link>https://blog.example.com/</link>
<item><title>Her</title><link>https://blog.example.com/her/</link>
<description><![CDATA[<p><img src="https://pixel.wp.com/b.gif?x=1" width="1" height="1"><img src="/uploads/her-still.jpg"> A love story.</p>]]></description></item>
<item><title>Aftersun</title><link>https://blog.example.com/aftersun/</link>
<description>A father and a daughter.</description>
<content:encoded><![CDATA[<p>Text.</p><figure><img src="https://blog.example.com/uploads/aftersun.webp"></figure>]]></content:encoded></item>
<item><title>Tár</title><link>https://blog.example.com/tar/</link>
<enclosure url="https://blog.example.com/uploads/tar.jpg" type="image/jpeg" length="1"/>
<description>A conductor.</description></item>
</channel></rss>`
	f, err := feed.Parse(feedURL, []byte(body), "application/rss+xml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://blog.example.com/uploads/her-still.jpg", "https://blog.example.com/uploads/aftersun.webp", "https://blog.example.com/uploads/tar.jpg"}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(f.Items), len(want))
	}
	for i, it := range f.Items {
		if r := FromItem(feedURL, f, it); r.Image != want[i] {
			t.Errorf("%s: Image = %q, want %q", it.Title, r.Image, want[i])
		}
	}
}
