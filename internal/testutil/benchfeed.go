package testutil

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/benchrig/benchfeed"
)

// BenchFeed builds a deterministic WordPress-style RSS 2.0 film-review feed
// of n items, about 5 KiB each (1,000 items: about 5 MB): content:encoded
// with paragraphs, an image, a YouTube embed in every other item and a
// metadata block, plus an excerpt, categories, dc:creator, guid, pubDate and
// media:content. Shared by the parse (feed) and extraction (review) benchmarks.
func BenchFeed(tb testing.TB, n int) []byte {
	tb.Helper()
	r := benchfeed.NewRand(20261128)
	films, genres, people, sentences := benchfeed.Films, benchfeed.Genres, benchfeed.People, benchfeed.Sentences
	next, id := r.Intn, r.YouTubeID

	var buf bytes.Buffer
	buf.Grow(n * 5300)
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>Films in Focus</title>
<link>https://films.example/</link>
<description>Film reviews, trailers and the occasional rant</description>
<language>en-GB</language>
<generator>https://wordpress.org/?v=6.9.1</generator>
`)
	start := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		film := films[next(len(films))]
		year := 1950 + next(76)
		slug := strings.ToLower(strings.ReplaceAll(film, " ", "-"))
		link := fmt.Sprintf("https://films.example/%d/%s-review-%d/", year, slug, i)
		date := start.Add(-time.Duration(i) * 7 * time.Hour).Format(time.RFC1123Z)
		g1, g2 := genres[next(len(genres))], genres[next(len(genres))]
		fmt.Fprintf(&buf, "<item>\n<title>%s (%d) review</title>\n<link>%s?utm_source=rss&amp;utm_medium=rss</link>\n", film, year, link)
		fmt.Fprintf(&buf, "<dc:creator><![CDATA[Critic %d]]></dc:creator>\n<pubDate>%s</pubDate>\n", next(5), date)
		fmt.Fprintf(&buf, "<category><![CDATA[Reviews]]></category>\n<category><![CDATA[%s]]></category>\n<category><![CDATA[%s]]></category>\n", g1, g2)
		fmt.Fprintf(&buf, "<guid isPermaLink=\"false\">https://films.example/?p=%d</guid>\n", 10000+i)
		fmt.Fprintf(&buf, "<description><![CDATA[%s %s [&#8230;]]]></description>\n", sentences[next(len(sentences))], sentences[next(len(sentences))])
		buf.WriteString("<content:encoded><![CDATA[")
		fmt.Fprintf(&buf, "<figure class=\"wp-block-image size-large\"><img loading=\"lazy\" src=\"https://films.example/wp-content/uploads/%d/%s-%d.jpg\" alt=\"%s still\" width=\"1024\" height=\"576\" /></figure>\n", year, slug, i, film)
		for p := range 9 {
			buf.WriteString("<p>")
			for range 4 + next(3) {
				buf.WriteString(sentences[next(len(sentences))])
				buf.WriteByte(' ')
			}
			buf.WriteString("</p>\n")
			if p == 3 && i%2 == 0 {
				fmt.Fprintf(&buf, "<figure class=\"wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube\"><div class=\"wp-block-embed__wrapper\">\n<iframe title=\"%s trailer\" width=\"640\" height=\"360\" src=\"https://www.youtube.com/embed/%s?feature=oembed\" frameborder=\"0\" allowfullscreen></iframe>\n</div></figure>\n", film, id())
			}
		}
		fmt.Fprintf(&buf, "<p><strong>Genre:</strong> %s, %s<br><strong>Cast:</strong> %s, %s<br><strong>Director:</strong> %s<br><strong>Running time:</strong> %dhrs %dmins<br><strong>See it if you liked:</strong> %s<br><strong>Rating:</strong> %d/5</p>\n",
			g1, g2, people[next(len(people))], people[next(len(people))], people[next(len(people))], 1+next(2), next(60), films[next(len(films))], 1+next(5))
		fmt.Fprintf(&buf, "<p>The post <a href=\"%s\">%s (%d) review</a> appeared first on <a href=\"https://films.example\">Films in Focus</a>.</p>", link, film, year)
		buf.WriteString("]]></content:encoded>\n")
		fmt.Fprintf(&buf, "<media:content url=\"https://films.example/wp-content/uploads/%d/%s-%d.jpg\" medium=\"image\"/>\n</item>\n", year, slug, i)
	}
	buf.WriteString("</channel>\n</rss>\n")
	return buf.Bytes()
}
