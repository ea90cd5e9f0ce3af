// Package benchfeed builds the large film-review feeds that the benchmarks
// share: the rig's `changed` and `bigfirst` scenarios serve them to the real
// daemon, and the Go benchmarks in relay parse the very same bytes, so a
// figure from one can be set beside a figure from the other.
//
// A feed is RSS 2.0 as WordPress writes it: per item a title, link, GUID,
// dc:creator, pubDate, two categories, an excerpt, and the full text in
// content:encoded with a picture, seven paragraphs, a YouTube trailer embed
// and a metadata block, about 3.3 KB an item (5,000 items: 16 MiB). Every item
// is complete (full text and a trailer), so reelpost never needs an item's
// page. The bytes are deterministic: the same for every run and platform.
package benchfeed

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"time"
)

// Feed is a rendered feed, split so that a server can stamp a new
// lastBuildDate into each answer without rendering the items again.
type Feed struct {
	head  []byte // up to and including "<lastBuildDate>"
	mid   []byte // from "</lastBuildDate>" to the first item
	items []byte
	n     int
}

// Epoch is the date of the newest item: items are dated 7 hours apart
// before it.
var Epoch = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// New renders a feed of n items whose links and pictures point at base (a
// scheme and host, such as "http://127.0.0.1:8080"). Item k (0 is the
// newest) has the token "big-k" in its link and GUID.
func New(n int, base string) *Feed {
	r := NewRand(20261206)
	films, genres, people, sentences := Films, Genres, People, Sentences
	next, trailerID := r.Intn, r.YouTubeID

	f := &Feed{n: n}
	f.head = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>Films in Focus (benchfeed)</title>
<link>` + base + `/</link>
<description>Film reviews, trailers and the occasional rant</description>
<lastBuildDate>`)
	f.mid = []byte(`</lastBuildDate>
<language>en-GB</language>
<generator>https://wordpress.org/?v=6.9.1</generator>
`)
	var b bytes.Buffer
	b.Grow(n * 3300)
	for i := range n {
		film := films[next(len(films))]
		year := 1950 + next(76)
		token := "big-" + strconv.Itoa(i)
		link := fmt.Sprintf("%s/reviews/%s/", base, token)
		g1, g2 := genres[next(len(genres))], genres[next(len(genres))]
		fmt.Fprintf(&b, "<item>\n<title>%s (%d) review</title>\n<link>%s</link>\n", html.EscapeString(film), year, link)
		fmt.Fprintf(&b, "<dc:creator><![CDATA[Critic %d]]></dc:creator>\n<pubDate>%s</pubDate>\n", next(5),
			Epoch.Add(-time.Duration(i)*7*time.Hour).Format(time.RFC1123Z))
		fmt.Fprintf(&b, "<category><![CDATA[Film Reviews]]></category>\n<category><![CDATA[%s]]></category>\n", g1)
		fmt.Fprintf(&b, "<guid isPermaLink=\"false\">%s/?p=%s</guid>\n", base, token)
		fmt.Fprintf(&b, "<description><![CDATA[%s %s [&#8230;]]]></description>\n", sentences[next(len(sentences))], sentences[next(len(sentences))])
		fmt.Fprintf(&b, "<content:encoded><![CDATA[<figure class=\"wp-block-image\"><img src=\"%s/img/%s.jpg\" alt=\"%s still\" width=\"1024\" height=\"576\" /></figure>\n",
			base, token, html.EscapeString(film))
		for p := range 7 {
			b.WriteString("<p>")
			for range 3 + next(2) {
				b.WriteString(sentences[next(len(sentences))])
				b.WriteByte(' ')
			}
			b.WriteString("</p>\n")
			if p == 3 {
				fmt.Fprintf(&b, "<figure class=\"wp-block-embed is-provider-youtube\"><div class=\"wp-block-embed__wrapper\"><iframe title=\"trailer\" width=\"640\" height=\"360\" src=\"https://www.youtube.com/embed/%s?feature=oembed\" allowfullscreen></iframe></div></figure>\n", trailerID())
			}
		}
		fmt.Fprintf(&b, "<p><strong>Genre:</strong> %s, %s<br><strong>Cast:</strong> %s, %s<br><strong>Director:</strong> %s<br><strong>Running time:</strong> %dhrs %dmins<br><strong>Rating:</strong> %d/5</p>\n",
			g1, g2, people[next(len(people))], people[next(len(people))], people[next(len(people))], 1+next(2), next(60), 1+next(5))
		b.WriteString("]]></content:encoded>\n</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	f.items = b.Bytes()
	return f
}

// Items is how many items the feed holds.
func (f *Feed) Items() int { return f.n }

// Body is the feed with built as its lastBuildDate: a body whose bytes
// differ from one date to another while its items stay the same.
func (f *Feed) Body(built time.Time) []byte {
	out := make([]byte, 0, len(f.head)+len(f.mid)+len(f.items)+40)
	out = append(out, f.head...)
	out = built.UTC().AppendFormat(out, time.RFC1123Z)
	out = append(out, f.mid...)
	return append(out, f.items...)
}

// The words both bench feed generators (this one and internal/testutil's
// BenchFeed) draw from.
var (
	Films     = []string{"Her", "Heat", "Arrival", "Parasite", "Amélie", "Stalker", "Tokyo Story", "In the Mood for Love", "Drive", "Moon"}
	Genres    = []string{"Drama", "Romance", "Sci-Fi", "Thriller", "Comedy", "Crime"}
	People    = []string{"Joaquin Phoenix", "Scarlett Johansson", "Amy Adams", "Al Pacino", "Robert De Niro", "Song Kang-ho", "Audrey Tautou", "Tony Leung"}
	Sentences = []string{
		"The film opens on a quiet city at dawn, and the camera lingers on faces rather than places.",
		"It’s sweet, humorous and thought-provoking, and it never mistakes sentiment for insight.",
		"The screenplay takes its time, letting each scene breathe before the next one arrives.",
		"What lingers is the score: spare, patient, and more confident than the plot around it.",
		"The lead performance is the reason to see it, carrying whole scenes with a glance.",
		"Some of the middle act drags, but the final twenty minutes earn every quiet beat.",
		"Cinematography here is generous with light & shadow, and the editing knows when to stop.",
		"I’d call it the director’s most assured work so far — a film that trusts its audience.",
	}
)

// Rand is a linear congruential generator: the same numbers on every run
// and platform, so a generated feed has the same bytes everywhere.
type Rand struct{ seed uint32 }

// NewRand starts a generator at seed.
func NewRand(seed uint32) *Rand { return &Rand{seed: seed} }

// Intn is the next number in [0, k).
func (r *Rand) Intn(k int) int {
	r.seed = r.seed*1664525 + 1013904223
	return int(r.seed>>8) % k
}

// YouTubeID is the next well-formed YouTube video id (11 characters).
func (r *Rand) YouTubeID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b [11]byte
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b[:])
}
