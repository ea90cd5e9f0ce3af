package bluesky

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/reelpost/reelpost/publisher"
)

// Facet feature types (https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/richtext/facet.json).
const (
	LinkFeature = "app.bsky.richtext.facet#link"
	TagFeature  = "app.bsky.richtext.facet#tag"
)

// Facet is app.bsky.richtext.facet: a feature over a byte range of the text.
type Facet struct {
	Index    ByteSlice `json:"index"`
	Features []Feature `json:"features"`
}

// ByteSlice is a range of the text's UTF-8 bytes, end exclusive.
type ByteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

// Feature is a #link (URI) or a #tag (Tag, without '#').
type Feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

// The lexicon caps a tag at 64 graphemes and 640 bytes; a longer one would
// make the PDS refuse the whole record.
const (
	maxTagGraphemes = 64
	maxTagBytes     = 640
)

// Facets finds the link and tag facets of text.
//
// Links are looked for in order, each after the previous one, so a Display
// shown twice maps to two facets in the right order; a link whose Display
// is not in the text is an error (the text and its links disagree). A tag
// facet is made for every hashtag in the text whose tag is one of tags
// (compared case-insensitively, as Bluesky's search does): like Bluesky's
// own client, a hashtag starts after a space or the start of the text and
// runs to the next space, trailing punctuation excluded. Hashtags inside a
// link are not tags. The facets come sorted by position.
func Facets(text string, links []publisher.Link, tags []string) ([]Facet, error) {
	for i, l := range links {
		if l.Display == "" || l.URL == "" {
			return nil, fmt.Errorf("link %d (%q -> %q): empty display or URL", i, l.Display, l.URL)
		}
	}
	// The renderer's own finding, so that link facets cover the bytes its
	// TagSpans left out of the post's tags.
	spans := publisher.LinkSpans(publisher.Post{Text: text, Links: links})
	if n := len(spans); n < len(links) {
		from := 0
		if n > 0 {
			from = spans[n-1].End
		}
		return nil, fmt.Errorf("link %d %q: not in the text after byte %d", n, links[n].Display, from)
	}
	var out []Facet
	for i, sp := range spans {
		out = append(out, Facet{
			Index:    ByteSlice{ByteStart: sp.Start, ByteEnd: sp.End},
			Features: []Feature{{Type: LinkFeature, URI: links[i].URL}},
		})
	}
	links2 := len(out)
	if len(tags) > 0 {
		for pos := 0; pos < len(text); {
			hash := strings.IndexByte(text[pos:], '#')
			if hash < 0 {
				break
			}
			hash += pos
			pos = hash + 1
			if hash > 0 {
				prev, _ := utf8.DecodeLastRuneInString(text[:hash])
				if !unicode.IsSpace(prev) {
					continue
				}
			}
			end := strings.IndexFunc(text[hash+1:], unicode.IsSpace)
			if end < 0 {
				end = len(text)
			} else {
				end += hash + 1
			}
			tag := strings.TrimRightFunc(text[hash+1:end], unicode.IsPunct)
			if tag == "" || len(tag) > maxTagBytes || uniseg.GraphemeClusterCount(tag) > maxTagGraphemes ||
				!slices.ContainsFunc(tags, func(t string) bool { return strings.EqualFold(t, tag) }) {
				continue
			}
			span := ByteSlice{ByteStart: hash, ByteEnd: hash + 1 + len(tag)}
			if overlaps(out[:links2], span) {
				continue
			}
			out = append(out, Facet{Index: span, Features: []Feature{{Type: TagFeature, Tag: tag}}})
			pos = span.ByteEnd
		}
	}
	slices.SortFunc(out, func(a, b Facet) int { return a.Index.ByteStart - b.Index.ByteStart })
	return out, nil
}

func overlaps(fs []Facet, s ByteSlice) bool {
	for _, f := range fs {
		if s.ByteStart < f.Index.ByteEnd && f.Index.ByteStart < s.ByteEnd {
			return true
		}
	}
	return false
}
