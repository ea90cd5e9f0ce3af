package review

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/reelpost/reelpost/film"
)

// YouTube ids are found with regular expressions over URLs, attribute values
// and plain text: shortcodes are not HTML, and the URL forms are too many for
// url.Parse to be simpler. HTML itself is walked with golang.org/x/net/html.
var (
	// ytURLRe matches every URL form of a YouTube video: embed/ (also on
	// youtube-nocookie.com), v/, e/, shorts/, live/, watch?v= anywhere in the
	// query (& written raw, as &amp; or as &#038;), youtu.be/ and thumbnail
	// URLs. The scheme and www. are optional, so protocol-relative and
	// schemeless URLs match too.
	ytURLRe = regexp.MustCompile(`(?i)(?:youtube(?:-nocookie)?\.com/(?:embed/|v/|e/|shorts/|live/|watch/|watch\?(?:[^"'\s<>#\]]*?(?:&amp;|&#0?38;|&))?v=)|youtu\.be/|(?:i\d?\.ytimg\.com|img\.youtube\.com)/vi(?:_webp)?/)([A-Za-z0-9_-]{11})(?:[^A-Za-z0-9_-]|$)`)
	// ytShortcodeRe matches [youtube id="ID"] and [youtube ID] with straight,
	// typographic or no quotes (”ID″ is what some editors produce).
	ytShortcodeRe = regexp.MustCompile(`(?i)\[youtube[\s=]+(?:(?:id|v|video_?id)\s*=\s*)?["'“”″‘’]?([A-Za-z0-9_-]{11})(?:["'“”″‘’\s\]]|$)`)
	// embedShortcodeRe matches the shortcodes that embed a URL: [youtube URL],
	// [youtube=URL], [embed]URL[/embed], [video src=URL].
	embedShortcodeRe = regexp.MustCompile(`(?i)\[(?:youtube|embed|video|wpvideo)\b[^\]]*\](?:[^\[]*\[/(?:embed|video)\])?`)
	// substackVideoIDRe finds the id in Substack's data-attrs JSON.
	substackVideoIDRe = regexp.MustCompile(`"video_?[Ii]d"\s*:\s*"([A-Za-z0-9_-]{11})"`)
)

// notVideoIDs are 11-character path segments that are not videos
// (playlist and channel embeds).
var notVideoIDs = map[string]bool{"videoseries": true, "live_stream": true}

// trailerURL is the canonical watch URL of a YouTube id.
func trailerURL(id string) string { return film.WatchURL(id) }

// validYouTubeID reports whether s is a YouTube video id and not one of the
// 11-character path segments that name no video.
func validYouTubeID(s string) bool { return !notVideoIDs[s] && film.ValidYouTubeID(s) }

// trailerFinder keeps the first embedded video and the first linked one. An
// embed (iframe, shortcode, block comment, player attributes, a URL alone in
// an embed wrapper) is what the author put on the page to be watched, so it
// wins over a link in the prose, which may point at anything.
type trailerFinder struct {
	embed, link string
}

func (t *trailerFinder) best() string {
	if t.embed != "" {
		return t.embed
	}
	return t.link
}

func (t *trailerFinder) done() bool { return t.embed != "" }

func (t *trailerFinder) add(id string, embed bool) {
	if !validYouTubeID(id) {
		return
	}
	if embed {
		if t.embed == "" {
			t.embed = id
		}
	} else if t.link == "" {
		t.link = id
	}
}

// mentionsYouTube is a cheap filter before the regular expressions: does s
// hold "youtu", "YouTu", "Youtu", "YOUTU" or "ytimg"? One search for 'y'
// and one for 'Y' rather than one per spelling: it runs on every text token
// of every body.
func mentionsYouTube(s string) bool {
	for i := 0; ; {
		k := strings.IndexByte(s[i:], 'y')
		if k < 0 || i+k+5 > len(s) {
			break
		}
		i += k
		if w := s[i : i+5]; w == "youtu" || w == "ytimg" {
			return true
		}
		i++
	}
	for i := 0; ; {
		k := strings.IndexByte(s[i:], 'Y')
		if k < 0 || i+k+5 > len(s) {
			return false
		}
		i += k
		if w := s[i : i+5]; w == "YouTu" || w == "Youtu" || w == "YOUTU" {
			return true
		}
		i++
	}
}

// firstURLID returns the first YouTube id in a URL or text, or "".
func firstURLID(s string) string {
	if !mentionsYouTube(s) {
		return ""
	}
	if strings.Contains(s, `\/`) { // JSON-escaped URLs in block comments
		s = strings.ReplaceAll(s, `\/`, "/")
	}
	for _, m := range ytURLRe.FindAllStringSubmatch(s, -1) {
		if validYouTubeID(m[1]) {
			return m[1]
		}
	}
	return ""
}

// scanURL records the first id of a URL-like value.
func (t *trailerFinder) scanURL(s string, embed bool) {
	if id := firstURLID(s); id != "" {
		t.add(id, embed)
	}
}

// scanText looks at plain text: shortcodes are embeds, a URL standing alone
// is one too (WordPress and Ghost turn such a line into a player), any other
// URL is a link.
func (t *trailerFinder) scanText(s string, embedContext bool) {
	if !mentionsYouTube(s) {
		return
	}
	if strings.IndexByte(s, '[') >= 0 {
		for _, m := range ytShortcodeRe.FindAllStringSubmatch(s, -1) {
			t.add(m[1], true)
		}
		for _, sc := range embedShortcodeRe.FindAllString(s, -1) {
			t.scanURL(sc, true)
		}
	}
	trimmed := strings.TrimSpace(s)
	alone := !strings.ContainsAny(trimmed, " \t\n")
	t.scanURL(s, embedContext || alone)
}

// scanAttrs looks at one element's attributes.
func (t *trailerFinder) scanAttrs(tag string, attrs []html.Attribute) {
	player := false
	switch tag {
	case "iframe", "embed", "object", "param", "video", "source", "amp-youtube", "lite-youtube":
		player = true
	}
	for _, a := range attrs {
		switch a.Key {
		case "youtube-src-id", "data-youtube-id", "data-ytid", "videoid", "data-videoid":
			// Blogger writes youtube-src-id on its video iframes; lite-youtube
			// and similar players carry the bare id.
			t.add(strings.TrimSpace(a.Val), true)
		case "data-attrs":
			// Substack: data-attrs="{"videoId":"ID",...}" on a youtube-wrap div.
			if m := substackVideoIDRe.FindStringSubmatch(a.Val); m != nil {
				t.add(m[1], true)
			}
		case "src", "data-src", "data-lazy-src", "data", "value", "data-url", "data-embed-url", "srcdoc", "data-href":
			if tag == "img" {
				t.scanURL(a.Val, false) // a thumbnail: the video, but not an embed
				continue
			}
			t.scanURL(a.Val, player || a.Key != "src")
		case "href":
			t.scanURL(a.Val, false)
		case "data-video-id":
			if strings.Contains(strings.ToLower(attrOf(attrs, "class")), "youtube") {
				t.add(strings.TrimSpace(a.Val), true)
			}
		}
	}
}

// YouTubeID returns the trailer's YouTube id found in an HTML body or plain
// text (shortcodes, iframes, links, block comments, player attributes),
// preferring embeds to links, or "" when there is none.
func YouTubeID(body string) string {
	if !mentionsYouTube(body) {
		return ""
	}
	b := parseBody(body, nil, false)
	return b.trailer.best()
}
