package review

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"golang.org/x/net/html"

	"github.com/reelpost/reelpost/feed"
)

// notPictureMarkers are URL fragments of images that are not the review's
// picture: tracking pixels (feedburner, feedpress, WordPress stats, Medium's
// stat beacon), feed-flare buttons, avatars and emoji.
var notPictureMarkers = []string{
	"gravatar.com", "/avatar", "avatar.", "avatars.", "feeds.feedburner.com/~", "feedburner.com/~ff",
	"feedburner.com/~r", "feedpress.me", "feedpress.it", "stats.wordpress.com", "pixel.wp.com",
	"/b.gif", "/stat?", "/stats?", "/pixel", "pixel.", "/1x1", "1x1.", "spacer.gif", "blank.gif",
	"clear.gif", "doubleclick.net", "feedsportal.com", "s.w.org/images/core/emoji", "/emoji/",
	"/wp-includes/images/smilies", "feeds.wordpress.com", "/~ff/", "/flare", "google-analytics.com",
}

// badgeMarkers are URL fragments of badges and buttons, which a post's link
// card must never show: status badges (shields.io and its kin), donation and
// follow buttons, app-store "Get it on" / "Download on the App Store"
// badges, feed icons.
var badgeMarkers = []string{
	"shields.io", "badgen.net", "badge.fury.io", "/badge/", "/badges/", "/buttons/", "/button/",
	"buymeacoffee.com", "ko-fi.com/img", "storage.ko-fi.com", "paypalobjects.com", "/btn_",
	"get-it-on", "get_it_on", "getiton", "download-on-the", "download_on_the", "downloadonthe",
	"app-store-badge", "appstore-badge", "app_store_badge", "google-play-badge", "googleplay-badge",
	"google_play_badge", "play.google.com/intl/", "applemarketingtools.com", "linkmaker.itunes.apple.com",
	"feedburner.google.com/fb/images", "/feed-icon", "feed-icon-", "/rss-icon", "rss-icon.",
}

// isPicture reports whether an absolute image URL may be the review's picture:
// an http(s) URL that is no tracking pixel, avatar, emoji, badge or button,
// and no SVG (a logo or an icon, never a still or a poster; and networks do
// not take SVG for a card).
func isPicture(u string) bool {
	if u == "" {
		return false
	}
	l := strings.ToLower(u)
	if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
		return false // data: URLs included
	}
	for _, m := range notPictureMarkers {
		if strings.Contains(l, m) {
			return false
		}
	}
	for _, m := range badgeMarkers {
		if strings.Contains(l, m) {
			return false
		}
	}
	path := l
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	return !strings.HasSuffix(path, ".svg") && !strings.HasSuffix(path, ".svgz")
}

// badgeAlt reports an <img> alt text that names an app-store badge ("Get it
// on Google Play", "Download on the App Store").
func badgeAlt(alt string) bool {
	if alt == "" || !(containsFoldASCII(alt, "store") || containsFoldASCII(alt, "play") ||
		containsFoldASCII(alt, "f-droid") || containsFoldASCII(alt, "badge")) {
		return false // the usual case: a still's description, read without a copy
	}
	a := strings.ToLower(strings.Join(strings.Fields(alt), " "))
	for _, p := range []string{"get it on ", "download on the ", "available on the ", "available on ", "available at "} {
		if strings.HasPrefix(a, p) && (strings.Contains(a, "app store") || strings.Contains(a, "google play") ||
			strings.Contains(a, "microsoft") || strings.Contains(a, "amazon") || strings.Contains(a, "f-droid")) {
			return true
		}
	}
	return strings.Contains(a, "badge") && (strings.Contains(a, "app store") || strings.Contains(a, "google play"))
}

// tinySize reports a width or height attribute under 50 pixels: pixels,
// icons, buttons.
func tinySize(w, h string) bool {
	for _, s := range []string{w, h} {
		s = strings.TrimSuffix(strings.TrimSpace(s), "px")
		if s == "" {
			continue
		}
		if n, err := strconv.Atoi(s); err == nil && n < 50 {
			return true
		}
	}
	return false
}

// bloggerSmallRe matches Blogger's size segment (/s72-c/ or =s72-c).
var bloggerSmallRe = regexp.MustCompile(`([/=])s\d{2,3}(?:-[a-z0-9-]+)?(/|$)`)

// upsizeBlogger asks Blogger's image server for the full picture instead of
// the 72-pixel crop its feeds name.
func upsizeBlogger(u string) string {
	if !strings.Contains(u, "blogger.googleusercontent.com") && !strings.Contains(u, "bp.blogspot.com") {
		return u
	}
	return bloggerSmallRe.ReplaceAllString(u, "${1}s1600${2}")
}

// pickContentImage returns an <img>'s absolute URL when it is a picture.
func pickContentImage(attrs []html.Attribute, base *url.URL) string {
	if tinySize(attrOf(attrs, "width"), attrOf(attrs, "height")) {
		return ""
	}
	if c := strings.ToLower(attrOf(attrs, "class")); strings.Contains(c, "avatar") || strings.Contains(c, "emoji") || strings.Contains(c, "smiley") || strings.Contains(c, "badge") {
		return ""
	}
	if badgeAlt(attrOf(attrs, "alt")) {
		return ""
	}
	src := attrOf(attrs, "src")
	if src == "" || strings.HasPrefix(src, "data:") {
		// Lazy loaders keep the real URL aside.
		for _, k := range []string{"data-src", "data-lazy-src", "data-orig-file", "data-original"} {
			if v := attrOf(attrs, k); v != "" {
				src = v
				break
			}
		}
	}
	u := feed.ResolveURL(base, src)
	if !isPicture(u) {
		return ""
	}
	return upsizeBlogger(u)
}

// mediaImages lists the item's Media RSS images in order: media:content
// (images only, directly or in media:group), then media:thumbnail. Thumbnails
// under 200 pixels wide are returned separately: a picture from the content
// is better than a 72-pixel crop.
func mediaImages(exts ext.Extensions) (images, small []string) {
	media := exts["media"]
	if media == nil {
		return nil, nil
	}
	var contents, thumbs []ext.Extension
	contents = append(contents, media["content"]...)
	thumbs = append(thumbs, media["thumbnail"]...)
	for _, g := range media["group"] {
		contents = append(contents, g.Children["content"]...)
		thumbs = append(thumbs, g.Children["thumbnail"]...)
	}
	for _, c := range contents {
		typ, medium := c.Attrs["type"], c.Attrs["medium"]
		if !(strings.HasPrefix(typ, "image/") || medium == "image" || (typ == "" && medium == "" && looksLikeImageURL(c.Attrs["url"]))) {
			continue
		}
		if strings.HasPrefix(typ, "image/svg") {
			continue
		}
		if mediaTitle(c) == "author" { // WordPress.com lists the author's avatar first
			continue
		}
		images = append(images, c.Attrs["url"])
	}
	for _, t := range thumbs {
		if w, err := strconv.Atoi(t.Attrs["width"]); err == nil && w < 200 {
			small = append(small, t.Attrs["url"])
			continue
		}
		images = append(images, t.Attrs["url"])
	}
	return images, small
}

func mediaTitle(c ext.Extension) string {
	for _, t := range c.Children["title"] {
		return strings.TrimSpace(t.Value)
	}
	return ""
}

func looksLikeImageURL(u string) bool {
	l := strings.ToLower(u)
	if i := strings.IndexAny(l, "?#"); i >= 0 {
		l = l[:i]
	}
	for _, s := range []string{".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"} {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	return false
}

// chooseImage picks the review's picture: Media RSS, an image enclosure, the
// iTunes image, else the first picture of the content, else the feed parser's
// own choice (JSON Feed image, say), else a small thumbnail. Every candidate is
// made absolute against base and must pass isPicture.
func chooseImage(it *gofeed.Item, base *url.URL, contentImage string) string {
	media, small := mediaImages(it.Extensions)
	cands := media
	for _, e := range it.Enclosures {
		if e == nil {
			continue
		}
		// Wix labels .jpg enclosures image/png; some feeds leave type out.
		if (strings.HasPrefix(e.Type, "image/") && !strings.HasPrefix(e.Type, "image/svg")) || (e.Type == "" && looksLikeImageURL(e.URL)) {
			cands = append(cands, e.URL)
		}
	}
	if it.ITunesExt != nil && it.ITunesExt.Image != "" {
		cands = append(cands, it.ITunesExt.Image)
	}
	for _, c := range cands {
		if u := feed.ResolveURL(base, c); isPicture(u) {
			return upsizeBlogger(u)
		}
	}
	if contentImage != "" {
		return contentImage
	}
	var rest []string
	if it.Image != nil && it.Image.URL != "" {
		rest = append(rest, it.Image.URL) // gofeed's own pick: JSON Feed image, say
	}
	for _, c := range append(rest, small...) {
		if u := feed.ResolveURL(base, c); isPicture(u) {
			return upsizeBlogger(u)
		}
	}
	return ""
}
