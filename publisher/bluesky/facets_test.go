package bluesky_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/bluesky"
)

// checkFacets asserts what Bluesky needs of facets and no PDS checks: every
// offset on a rune boundary within the text, no overlaps, one link facet per
// link in order whose bytes are its Display and whose uri its URL, and tag
// facets whose bytes are "#"+tag for one of tags.
func checkFacets(t *testing.T, text string, links []publisher.Link, tags []string, facets []bluesky.Facet) {
	t.Helper()
	var nlink int
	prevEnd := 0
	for i, f := range facets {
		s, e := f.Index.ByteStart, f.Index.ByteEnd
		if s < prevEnd || s >= e || e > len(text) {
			t.Errorf("facet %d [%d,%d) out of order, empty or past the text (%d bytes)", i, s, e, len(text))
			return
		}
		if !utf8.RuneStart(text[s]) || e < len(text) && !utf8.RuneStart(text[e]) {
			t.Errorf("facet %d [%d,%d) splits a character in %q", i, s, e, text)
		}
		prevEnd = e
		if len(f.Features) != 1 {
			t.Errorf("facet %d has %d features", i, len(f.Features))
			continue
		}
		switch ft := f.Features[0]; ft.Type {
		case bluesky.LinkFeature:
			if nlink >= len(links) {
				t.Errorf("facet %d: more link facets than links", i)
				continue
			}
			l := links[nlink]
			nlink++
			if text[s:e] != l.Display || ft.URI != l.URL {
				t.Errorf("link facet %d covers %q -> %q, want %q -> %q", i, text[s:e], ft.URI, l.Display, l.URL)
			}
		case bluesky.TagFeature:
			known := false
			for _, tag := range tags {
				known = known || strings.EqualFold(tag, ft.Tag)
			}
			if text[s:e] != "#"+ft.Tag || !known {
				t.Errorf("tag facet %d covers %q with tag %q, want #tag for one of %q", i, text[s:e], ft.Tag, tags)
			}
		default:
			t.Errorf("facet %d: feature %q", i, ft.Type)
		}
	}
	if nlink != len(links) {
		t.Errorf("%d link facets for %d links", nlink, len(links))
	}
}

func tagsIn(facets []bluesky.Facet, text string) []string {
	var out []string
	for _, f := range facets {
		if f.Features[0].Type == bluesky.TagFeature {
			out = append(out, text[f.Index.ByteStart:f.Index.ByteEnd])
		}
	}
	return out
}

func TestFacets(t *testing.T) {
	t.Parallel()
	yt := publisher.Link{Display: "youtu.be/dQw4w9WgXcQ", URL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
	review := publisher.Link{Display: "https://films.example/reviews/l-été-dernier", URL: "https://films.example/reviews/l-%C3%A9t%C3%A9-dernier"}
	tests := []struct {
		name     string
		text     string
		links    []publisher.Link
		tags     []string
		wantTags []string
		wantErr  bool
	}{
		{name: "short display, full uri, after emoji and CJK",
			text:  "🎬 夏の終わり ★★★★ Trailer: youtu.be/dQw4w9WgXcQ Review: https://films.example/reviews/l-été-dernier",
			links: []publisher.Link{yt, review}},
		{name: "the same display twice maps in order",
			text: "a youtu.be/dQw4w9WgXcQ b youtu.be/dQw4w9WgXcQ",
			links: []publisher.Link{{Display: yt.Display, URL: "https://first.example"},
				{Display: yt.Display, URL: "https://second.example"}}},
		{name: "tags with trailing punctuation, RTL and combining marks",
			text:     "#Drama, #فيلم #Cafe\u0301! #Noir.",
			tags:     []string{"Drama", "فيلم", "Cafe\u0301", "Noir"},
			wantTags: []string{"#Drama", "#فيلم", "#Cafe\u0301", "#Noir"}},
		{name: "a longer hashtag is not the tag",
			text: "#Films #Film", tags: []string{"Film"}, wantTags: []string{"#Film"}},
		{name: "a hashtag glued to a word is not a tag",
			text: "abc#Film", tags: []string{"Film"}},
		{name: "a fragment inside a link is not a tag",
			text:  "see https://films.example/r #Drama",
			links: []publisher.Link{{Display: "https://films.example/r", URL: "https://films.example/r"}},
			tags:  []string{"r", "Drama"}, wantTags: []string{"#Drama"}},
		{name: "tags differing in case are found",
			text: "#drama", tags: []string{"Drama"}, wantTags: []string{"#drama"}},
		{name: "tag not in the text is no facet",
			text: "no tags here", tags: []string{"Drama"}},
		{name: "link not in the text is an error",
			text: "nothing", links: []publisher.Link{yt}, wantErr: true},
		{name: "second link only before the first is an error",
			text:  "youtu.be/dQw4w9WgXcQ then https://films.example/reviews/l-été-dernier",
			links: []publisher.Link{review, yt}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := bluesky.Facets(tt.text, tt.links, tt.tags)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, facets %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkFacets(t, tt.text, tt.links, tt.tags, got)
			if gt := tagsIn(got, tt.text); strings.Join(gt, " ") != strings.Join(tt.wantTags, " ") {
				t.Errorf("tag facets cover %q, want %q", gt, tt.wantTags)
			}
		})
	}
}

// FuzzFacets builds posts from arbitrary text (emoji, CJK, right-to-left,
// combining marks) around two links, one shown shortened and one with a
// non-ASCII path, and a hashtag, and checks the facets cover exactly them.
func FuzzFacets(f *testing.F) {
	f.Add("🎬 夏の終わり", "مراجعة الفيلم", "l-été-dernier", "Drame")
	f.Add("Cafe\u0301 👨\u200d👩\u200d👧", "#Drame, ok", "映画/レビュー", "映画")
	f.Add("youtu.be/abc", "https://films.example/x", "x", "x")
	f.Add("", "", "", "")
	f.Add("\u202eRTL override", "e\u0301\u0301\u0301", "%E2%82%AC/€", "Noir2024")
	f.Fuzz(func(t *testing.T, filler1, filler2, path, tagIn string) {
		filler1 = strings.ToValidUTF8(filler1, "?")
		filler2 = strings.ToValidUTF8(filler2, "?")
		path = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == utf8.RuneError {
				return -1
			}
			return r
		}, path)
		tag := []rune(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
				return r
			}
			return -1
		}, tagIn))
		if len(tag) == 0 {
			tag = []rune("Film")
		}
		if len(tag) > 20 {
			tag = tag[:20]
		}
		links := []publisher.Link{
			{Display: "https://films.example/" + path, URL: "https://films.example/" + path},
			{Display: "youtu.be/dQw4w9WgXcQ", URL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
		}
		tags := []string{string(tag)}
		text := filler1 + " " + links[0].Display + " " + filler2 + " " + links[1].Display + " "
		tagAt := len(text)
		text += "#" + tags[0] + " " + filler1

		facets, err := bluesky.Facets(text, links, tags)
		if err != nil {
			t.Fatalf("Facets(%q): %v", text, err)
		}
		checkFacets(t, text, links, tags, facets)
		found := false
		for _, fc := range facets {
			found = found || fc.Index.ByteStart == tagAt && fc.Index.ByteEnd == tagAt+1+len(tags[0])
		}
		if !found {
			t.Errorf("no tag facet at %d for #%s in %q: %+v", tagAt, tags[0], text, facets)
		}
	})
}

// BenchmarkFacets measures the facets of a typical review post (two links,
// two tags, non-ASCII text): part of the per-post cost on Bluesky.
func BenchmarkFacets(b *testing.B) {
	text := "🎬 L'Été dernier (2023) ★★★★ — Catherine Breillat. Trailer: youtu.be/dQw4w9WgXcQ " +
		"Review: https://films.example/reviews/l-été-dernier #Drama #映画"
	links := []publisher.Link{
		{Display: "youtu.be/dQw4w9WgXcQ", URL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
		{Display: "https://films.example/reviews/l-été-dernier", URL: "https://films.example/reviews/l-%C3%A9t%C3%A9-dernier"},
	}
	tags := []string{"Drama", "映画"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bluesky.Facets(text, links, tags); err != nil {
			b.Fatal(err)
		}
	}
}
