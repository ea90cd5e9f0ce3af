package review

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
)

// TestTVReviewWithIMDbLinkGetsTheSeriesTrailer: a blog's review of a
// season of a series, linking the series' IMDb page and embedding no
// trailer, is identified as the series and gets its official trailer, as
// the relay fills it; the same review naming a director the series'
// credits do not hold gets none, and says why.
func TestTVReviewWithIMDbLinkGetsTheSeriesTrailer(t *testing.T) {
	t.Parallel()
	const feedURL = "https://tv.example/feed"
	body := `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><link>https://tv.example/</link><description>d</description>
<item><title>Severance season 2 review</title><link>https://tv.example/severance-s2</link><guid>severance-s2</guid><category>Review</category>
<pubDate>Tue, 25 Mar 2025 10:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>The second season of <a href="https://www.imdb.com/title/tt11280740/">Severance</a> is slower and stranger than the first, and better for it: a brilliant, unsettling return.</p>]]></content:encoded></item>
<item><title>Chernobyl review</title><link>https://tv.example/chernobyl</link><guid>chernobyl</guid><category>Review</category>
<pubDate>Mon, 10 Jun 2019 10:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>Director: Christopher Nolan</p><p>A superb, harrowing <a href="https://www.imdb.com/title/tt7366338/">series</a>; I was gripped from the first minute.</p>]]></content:encoded></item>
</channel></rss>`
	got := reviewsByKey(t, feedURL, body)
	fake := tmdbfake.New(t, tmdbfake.Options{})
	client, err := film.New(film.Options{BaseURL: fake.URL, Credential: tmdbfake.APIKey, Language: "en-US"})
	if err != nil {
		t.Fatal(err)
	}

	sev := got["severance-s2"]
	if !sev.IsReview || sev.IMDbID != "tt11280740" || sev.TrailerID != "" {
		t.Fatalf("Severance = review %v, IMDb %q, trailer %q; want a review linking the series, no trailer of its own", sev.IsReview, sev.IMDbID, sev.TrailerID)
	}
	m, err := client.Identify(t.Context(), sev.Evidence())
	if err != nil {
		t.Fatal(err)
	}
	sev.Fill(m, "en")
	if sev.TMDBTVID != tmdbfake.SeveranceID || sev.TrailerID != tmdbfake.SeveranceTrailerKey || sev.TrailerSource != TrailerFromTMDB {
		t.Errorf("Severance after TMDB: tv id %d, trailer %q (%s), reason %q; want the series' official trailer",
			sev.TMDBTVID, sev.TrailerID, sev.TrailerSource, m.Reason)
	}
	if sev.Director != "" {
		t.Errorf("Severance's director %q: a series' creators are not its director", sev.Director)
	}

	ch := got["chernobyl"]
	if ch.Director != "Christopher Nolan" || ch.IMDbID != "tt7366338" {
		t.Fatalf("Chernobyl = director %q, IMDb %q; want the review's stated director and link", ch.Director, ch.IMDbID)
	}
	m, err = client.Identify(t.Context(), ch.Evidence())
	if err != nil {
		t.Fatal(err)
	}
	ch.Fill(m, "en")
	if m.Found() || ch.TrailerID != "" || ch.TMDBTVID != 0 {
		t.Errorf("Chernobyl by a director its credits lack: found %v, trailer %q; want none", m.Found(), ch.TrailerID)
	}
	if want := "the review names Christopher Nolan"; !strings.Contains(m.Reason, want) {
		t.Errorf("reason %q, want it to say %q", m.Reason, want)
	}
}

// TestFilmOfASeriesNameLinkingTheSeriesGetsTheFilmTrailer: a blog's review
// of the Veronica Mars film (2014), which links the series' IMDb page
// (2004–2019) and names the film's director, who created the series, gets
// the film's trailer, not the series'; its review of the series' fourth
// season, linking the same page, gets the series'. (Invented ids and keys.)
func TestFilmOfASeriesNameLinkingTheSeriesGetsTheFilmTrailer(t *testing.T) {
	t.Parallel()
	const feedURL = "https://tv.example/feed"
	body := `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><link>https://tv.example/</link><description>d</description>
<item><title>Veronica Mars (2014) review</title><link>https://tv.example/vmars-film</link><guid>vmars-film</guid><category>Review</category>
<pubDate>Sat, 15 Mar 2014 10:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>Director: Rob Thomas</p><p>The fans paid for it, and <a href="https://www.imdb.com/title/tt0412253/">Neptune</a> is back on the big screen: a warm, witty, satisfying reunion.</p>]]></content:encoded></item>
<item><title>Veronica Mars season 4 (2019) review</title><link>https://tv.example/vmars-s4</link><guid>vmars-s4</guid><category>Review</category>
<pubDate>Mon, 22 Jul 2019 10:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>The <a href="https://www.imdb.com/title/tt0412253/">revival</a> is darker than the original run, and it is brilliant, bold television.</p>]]></content:encoded></item>
</channel></rss>`
	got := reviewsByKey(t, feedURL, body)
	fake := tmdbfake.New(t, tmdbfake.Options{})
	trailer := func(key string) []tmdbfake.Video {
		return []tmdbfake.Video{{Key: key, Name: "Veronica Mars | Official Trailer", Site: "YouTube", Type: "Trailer",
			Language: "en", Official: true, PublishedAt: "2013-12-06T10:00:00.000Z"}}
	}
	fake.AddShow(tmdbfake.Show{ID: 91000001, IMDbID: "tt0412253", Name: "Veronica Mars", OriginalName: "Veronica Mars",
		OriginalLanguage: "en", FirstAirDate: "2004-09-22", LastAirDate: "2019-07-19", CreatedBy: []string{"Rob Thomas"},
		Directors: []string{"Rob Thomas"}, Cast: []string{"Kristen Bell"}, Videos: trailer("VMarsSerie1")})
	fake.AddMovie(tmdbfake.Movie{ID: 91000002, IMDbID: "tt2771372", Title: "Veronica Mars", OriginalTitle: "Veronica Mars",
		OriginalLanguage: "en", ReleaseDate: "2014-03-13", Popularity: 10, Directors: []string{"Rob Thomas"},
		Cast: []string{"Kristen Bell"}, Videos: trailer("VMarsFilm01")})
	client, err := film.New(film.Options{BaseURL: fake.URL, Credential: tmdbfake.APIKey, Language: "en-US"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		key, trailer string
		kind         film.Kind
	}{{"vmars-film", "VMarsFilm01", film.KindMovie}, {"vmars-s4", "VMarsSerie1", film.KindTV}} {
		rv := got[tt.key]
		if rv.IMDbID != "tt0412253" || rv.TrailerID != "" {
			t.Fatalf("%s: IMDb %q, trailer %q; want the series' link and no trailer of its own", tt.key, rv.IMDbID, rv.TrailerID)
		}
		m, err := client.Identify(t.Context(), rv.Evidence())
		if err != nil {
			t.Fatal(err)
		}
		rv.Fill(m, "en")
		if m.Kind != tt.kind || rv.TrailerID != tt.trailer || rv.TrailerSource != TrailerFromTMDB {
			t.Errorf("%s: %s %d, trailer %q (%s), reason %q; want the %s's trailer %s",
				tt.key, m.Kind, m.TMDBID, rv.TrailerID, rv.TrailerSource, m.Reason, tt.kind, tt.trailer)
		}
	}
}

// reviewsByKey extracts the reviews (items in the category "review") of
// an RSS document, by key.
func reviewsByKey(t *testing.T, feedURL, body string) map[string]Review {
	t.Helper()
	f, err := feed.Parse(feedURL, []byte(body), "application/rss+xml")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Review{}
	for _, rv := range NewExtractor(ExtractOptions{Categories: []string{"review"}}).Extract(t.Context(), feedURL, f) {
		got[rv.Key] = rv
	}
	return got
}
