package publisher

import (
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/publisher/textlen"
)

// maxDisplayRunes is about how long a shortened link may show.
const maxDisplayRunes = 30

// placeLinks finds the links of text: every http(s) URL that twitter-text
// recognises, extended to the review's own URL (known) where one starts
// there and the recogniser stopped short of its end, plus known URLs it does
// not recognise at all. With short, each link is shown shortened in the
// returned text and Links keep the full URL; Display is always exactly the
// text shown, and Links are in text order.
func placeLinks(text string, known []string, short bool) (string, []Link) {
	return placeLinksShown(text, known, short, displayURL)
}

// placeLinksShown is placeLinks with the function that shortens a link.
func placeLinksShown(text string, known []string, short bool, display func(string) string) (string, []Link) {
	spans := textlen.HTTPURLSpans(text)
	for i, s := range spans {
		for _, k := range known {
			if len(k) > s.End-s.Start && strings.HasPrefix(text[s.Start:], k) {
				spans[i].End = s.Start + len(k)
			}
		}
	}
	for _, k := range known {
		for from := 0; ; {
			i := strings.Index(text[from:], k)
			if i < 0 {
				break
			}
			s := textlen.Span{Start: from + i, End: from + i + len(k)}
			if !overlaps(s, spans) {
				spans = append(spans, s)
			}
			from = s.End
		}
	}
	if len(spans) == 0 {
		return text, nil
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	// A span stretched to the review's URL may now cover the next URL the
	// recogniser found (a review link holding a second "https://" after a
	// parenthesis, say): that one is part of the link, not a link of its own.
	kept := spans[:1]
	for _, s := range spans[1:] {
		if s.Start >= kept[len(kept)-1].End {
			kept = append(kept, s)
		}
	}
	spans = kept
	links := make([]Link, 0, len(spans))
	if !short {
		for _, s := range spans {
			links = append(links, Link{Display: text[s.Start:s.End], URL: text[s.Start:s.End]})
		}
		return text, links
	}
	var b strings.Builder
	b.Grow(len(text))
	prev := 0
	for _, s := range spans {
		full := text[s.Start:s.End]
		disp := display(full)
		b.WriteString(text[prev:s.Start])
		b.WriteString(disp)
		links = append(links, Link{Display: disp, URL: full})
		prev = s.End
	}
	b.WriteString(text[prev:])
	return b.String(), links
}

func overlaps(s textlen.Span, spans []textlen.Span) bool {
	for _, o := range spans {
		if s.Start < o.End && o.Start < s.End {
			return true
		}
	}
	return false
}

// displayURL is how a link is shown where the network links it through a
// facet: "youtu.be/ID" for a YouTube video, else host and path without
// "www." and scheme, within about 30 characters: whole when it fits, else the
// host and the whole last path segment (the post's slug) with "…" for the
// folders left out, else cut at a path boundary: never inside a segment, so
// no word is cut.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	if id := youtubeID(u); id != "" {
		return "youtu.be/" + id
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if h, err := idna.Display.ToUnicode(host); err == nil {
		host = h
	}
	path := u.EscapedPath()
	// An at sign mentionFreeURL encoded stays encoded where it is shown.
	if p := u.Path; !strings.Contains(path, "%40") && utf8.ValidString(p) && !strings.ContainsFunc(p, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '#' || r == '?'
	}) {
		path = p
	}
	path = strings.TrimSuffix(path, "/")
	whole := host + path
	if u.RawQuery == "" && u.Fragment == "" && utf8.RuneCountInString(whole) <= maxDisplayRunes {
		return whole
	}
	// Drop the query, then path segments from the end, until it fits with "…".
	if path != "" && utf8.RuneCountInString(whole)+1 <= maxDisplayRunes {
		return whole + "…"
	}
	// A blog's last path segment is the post's slug ("her-review"): it says
	// more than the dated folders before it, so those go first.
	if i := strings.LastIndexByte(path, '/'); i > 0 && i < len(path)-1 {
		head, last := host+"/…/", path[i+1:]
		if utf8.RuneCountInString(head+last) <= maxDisplayRunes {
			return head + last
		}
	}
	for path != "" {
		if utf8.RuneCountInString(host+path)+2 <= maxDisplayRunes {
			return host + path + "/…"
		}
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	if utf8.RuneCountInString(host)+2 <= maxDisplayRunes || whole != host {
		return host + "/…"
	}
	return host + "…"
}

// youtubeID returns the video id of a YouTube watch, youtu.be, shorts or
// embed URL, or "".
func youtubeID(u *url.URL) string {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	host = strings.TrimPrefix(host, "m.")
	var id string
	switch {
	case host == "youtu.be":
		id = strings.Trim(u.Path, "/")
	case host == "youtube.com" || host == "youtube-nocookie.com":
		switch {
		case u.Path == "/watch":
			id = u.Query().Get("v")
		case strings.HasPrefix(u.Path, "/embed/"), strings.HasPrefix(u.Path, "/shorts/"):
			id = u.Path[strings.LastIndexByte(u.Path, '/')+1:]
		}
	}
	if !film.ValidYouTubeID(id) {
		return ""
	}
	return id
}

// safeURL writes a URL so that every network recognises all of it: an ASCII
// (punycode) host and percent-encoded non-ASCII characters and spaces in its
// path, query and fragment. An ASCII URL is returned unchanged.
func safeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || isPlainASCII(raw) {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	if host := u.Hostname(); !isPlainASCII(host) {
		if ascii, err := idna.Lookup.ToASCII(host); err == nil {
			if port := u.Port(); port != "" {
				ascii += ":" + port
			}
			u.Host = ascii
		}
	}
	u.RawQuery = escapeUnsafe(u.RawQuery)
	return u.String()
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// escapeUnsafe percent-encodes the bytes of s that are not printable ASCII.
func escapeUnsafe(s string) string {
	if isPlainASCII(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// LinkSpans returns where each of p.Links is shown in p.Text, as UTF-8 byte
// offsets, in order: the bytes a Bluesky link facet covers.
func LinkSpans(p Post) []textlen.Span {
	spans := make([]textlen.Span, 0, len(p.Links))
	from := 0
	for _, l := range p.Links {
		i := strings.Index(p.Text[from:], l.Display)
		if i < 0 {
			break
		}
		spans = append(spans, textlen.Span{Start: from + i, End: from + i + len(l.Display)})
		from += i + len(l.Display)
	}
	return spans
}

// TagSpans returns where each of p.Tags is in p.Text, '#' included, as UTF-8
// byte offsets: the bytes a Bluesky tag facet covers.
func TagSpans(p Post) []textlen.Span { return HashtagSpans(p.Text, LinkSpans(p)) }

// trackingParams are query parameters that say who shared a link or which
// campaign brought a reader, not which page it is; utm_* are too. The
// posted link goes without them: they follow every reader and say nothing
// to them. Parameters that may choose the page (a language, a "ref" some
// sites route by) stay.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"twclid": true, "yclid": true, "igshid": true, "mc_cid": true, "mc_eid": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true,
}

// withoutTracking removes the tracking parameters from raw's query, and
// YouTube's share marker si from a YouTube URL; everything else stays as
// written, in its order and encoding.
func withoutTracking(raw string) string {
	if !strings.Contains(raw, "?") {
		return raw
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.RawQuery == "" {
		return raw
	}
	host := strings.ToLower(u.Hostname())
	youtube := host == "youtu.be" || host == "youtube.com" || strings.HasSuffix(host, ".youtube.com")
	all := strings.Split(u.RawQuery, "&")
	kept := make([]string, 0, len(all))
	for _, part := range all {
		key, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		key = strings.ToLower(key)
		if trackingParams[key] || strings.HasPrefix(key, "utm_") || (youtube && key == "si") {
			continue
		}
		kept = append(kept, part)
	}
	if len(kept) == len(all) {
		return raw
	}
	u.RawQuery = strings.Join(kept, "&")
	u.ForceQuery = false
	return u.String()
}
