package review

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/film"
)

const memberFeedURL = "https://letterboxd.com/reelpost_fixture/rss/"

// extractMemberFeed runs a Letterboxd fixture (review/letterboxd/testdata)
// through an Extractor built with opts and returns its items by GUID.
func extractMemberFeed(t *testing.T, name string, opts ExtractOptions) (map[string]Review, []Review) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("letterboxd", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.Parse(memberFeedURL, body, "application/rss+xml")
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	out := NewExtractor(opts).Extract(context.Background(), memberFeedURL, f)
	byGUID := map[string]Review{}
	for _, r := range out {
		byGUID[r.GUID] = r
	}
	return byGUID, out
}

// failingPages fails the test when a page is asked for: a member feed
// carries the whole review.
type failingPages struct{ t *testing.T }

func (p failingPages) Fetch(_ context.Context, rawURL string, _ feed.Validators) (*feed.Response, error) {
	p.t.Errorf("page %s fetched for a Letterboxd entry", rawURL)
	return nil, os.ErrNotExist
}

func TestExtractLetterboxdMemberFeed(t *testing.T) {
	t.Parallel()
	// FEED_CATEGORIES and page completion are on: neither may change what
	// Letterboxd says an entry is, nor fetch its page.
	byGUID, all := extractMemberFeed(t, "member-feed.xml", ExtractOptions{
		Categories: []string{"Reviews"}, FetchPages: true, Pages: failingPages{t},
	})
	if len(all) != 15 {
		t.Fatalf("got %d items, want the fixture's 15", len(all))
	}
	reasons := map[string]int{}
	reviews := 0
	for _, r := range all {
		if r.IsReview {
			reviews++
		}
		reasons[r.ReviewReason]++
	}
	if reviews != 9 {
		t.Errorf("%d reviews, want 9 (reasons %v)", reviews, reasons)
	}
	for _, guid := range []string{"letterboxd-watch-1100000108", "letterboxd-watch-1100000071",
		"letterboxd-watch-1100000068", "letterboxd-watch-1100000066"} {
		if r := byGUID[guid]; r.IsReview || r.ReviewReason != "letterboxd diary entry without review text" {
			t.Errorf("%s: IsReview %v (%q), want a diary entry that is not posted", guid, r.IsReview, r.ReviewReason)
		}
	}
	for _, guid := range []string{"letterboxd-list-1100000074", "letterboxd-list-1100000059"} {
		if r := byGUID[guid]; r.IsReview || r.ReviewReason != "letterboxd list" {
			t.Errorf("%s: IsReview %v (%q), want a list that is not posted", guid, r.IsReview, r.ReviewReason)
		}
	}

	tests := []struct {
		guid                   string
		title, film            string
		year                   int
		stars, rating          string
		movieID, tvID          int
		rewatch, spoilers      bool
		summaryHas, summaryNot string
		image                  string
	}{
		{guid: "letterboxd-review-1100000112", title: "Weapons (2025)", film: "Weapons", year: 2025, stars: "★★★★½", rating: "4.5/5",
			movieID: 1078605, summaryHas: "Cregger builds the whole thing",
			image: "https://a.ltrbxd.com/resized/film-poster/1/0/6/4/8/9/3/1064893-weapons-2025-0-600-0-900-crop.jpg?v=5e1c0a9b2f"},
		{guid: "letterboxd-review-1100000104", title: "Parasite (2019)", film: "Parasite", year: 2019, stars: "★★★★½", rating: "4.5/5",
			movieID: 496243, spoilers: true, summaryHas: "The flood is the film's whole argument", summaryNot: "may contain spoilers",
			image: "https://a.ltrbxd.com/resized/film-poster/4/2/6/4/0/6/426406-parasite-2019-0-600-0-900-crop.jpg?v=5e1c0a9b2f"},
		{guid: "letterboxd-review-1100000101", title: "Her (2013)", film: "Her", year: 2013, stars: "★★★★★", rating: "5/5",
			movieID: 152601, rewatch: true, summaryHas: "Third time"},
		{guid: "letterboxd-review-1100000097", title: "Aftersun (2022)", film: "Aftersun", year: 2022, movieID: 965150,
			summaryHas: "I don’t want to give this a number"},
		{guid: "letterboxd-review-1100000086", title: "Severance (2022)", film: "Severance", year: 2022, stars: "★★★★", rating: "4/5",
			tvID: 95396, summaryHas: "nine hours of office corridors"},
		{guid: "letterboxd-review-1100000083", title: "Cats (2019)", film: "Cats", year: 2019, stars: "½", rating: "0.5/5",
			movieID: 536869, summaryHas: "Half a star"},
		{guid: "letterboxd-review-1100000090", title: "Crouching Tiger, Hidden Dragon (2000)", film: "Crouching Tiger, Hidden Dragon",
			year: 2000, stars: "★★★★", rating: "4/5", movieID: 146, summaryHas: "Watched the restoration"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			t.Parallel()
			r, ok := byGUID[tt.guid]
			if !ok {
				t.Fatalf("%s missing", tt.guid)
			}
			if !r.IsReview || r.ReviewReason != "letterboxd review" {
				t.Errorf("IsReview %v (%q), want a Letterboxd review", r.IsReview, r.ReviewReason)
			}
			if r.Title != tt.title || r.FilmTitle != tt.film || r.Year != tt.year {
				t.Errorf("Title, FilmTitle, Year = %q, %q, %d; want %q, %q, %d", r.Title, r.FilmTitle, r.Year, tt.title, tt.film, tt.year)
			}
			if r.Stars != tt.stars || r.Rating != tt.rating {
				t.Errorf("Stars, Rating = %q, %q; want %q, %q", r.Stars, r.Rating, tt.stars, tt.rating)
			}
			if r.TMDBMovieID != tt.movieID || r.TMDBTVID != tt.tvID {
				t.Errorf("TMDB movie, tv = %d, %d; want %d, %d", r.TMDBMovieID, r.TMDBTVID, tt.movieID, tt.tvID)
			}
			if r.Rewatch != tt.rewatch || r.Spoilers != tt.spoilers {
				t.Errorf("Rewatch, Spoilers = %v, %v; want %v, %v", r.Rewatch, r.Spoilers, tt.rewatch, tt.spoilers)
			}
			if !strings.Contains(r.Summary, tt.summaryHas) || !strings.Contains(r.Text, tt.summaryHas) {
				t.Errorf("Summary %q / Text %q lack %q", r.Summary, r.Text, tt.summaryHas)
			}
			if tt.summaryNot != "" && (strings.Contains(r.Summary, tt.summaryNot) || strings.Contains(r.Text, tt.summaryNot)) {
				t.Errorf("Summary %q holds %q", r.Summary, tt.summaryNot)
			}
			if strings.Contains(r.Summary, "Watched on") || strings.Contains(r.Summary, "★") {
				t.Errorf("Summary holds Letterboxd's boilerplate: %q", r.Summary)
			}
			if tt.image != "" && r.Image != tt.image {
				t.Errorf("Image = %q, want the poster %q", r.Image, tt.image)
			}
			if !strings.HasPrefix(r.Image, "https://a.ltrbxd.com/resized/film-poster/") {
				t.Errorf("Image = %q, want the film's poster", r.Image)
			}
			if r.PageFetched {
				t.Errorf("PageFetched: a member feed's page is never fetched")
			}
			ev := r.Evidence()
			want := film.Evidence{TMDBMovieID: tt.movieID, TMDBTVID: tt.tvID, Title: tt.film, Year: tt.year, Published: r.Published}
			if ev.TMDBMovieID != want.TMDBMovieID || ev.TMDBTVID != want.TMDBTVID || ev.Title != want.Title || ev.Year != want.Year || !ev.Published.Equal(want.Published) {
				t.Errorf("Evidence = %+v, want %+v", ev, want)
			}
		})
	}
}

// TestExtractLetterboxdLater reads the same member days later: the watch
// that became a review is a review now, and the new review is there.
func TestExtractLetterboxdLater(t *testing.T) {
	t.Parallel()
	byGUID, all := extractMemberFeed(t, "member-feed-later.xml", ExtractOptions{})
	reviews := 0
	for _, r := range all {
		if r.IsReview {
			reviews++
		}
	}
	if len(all) != 16 || reviews != 11 {
		t.Errorf("%d items, %d reviews; want 16 and 11", len(all), reviews)
	}
	zone := byGUID["letterboxd-review-1100000108"]
	if !zone.IsReview || zone.FilmTitle != "The Zone of Interest" || zone.Stars != "★★★★" || zone.TMDBMovieID != 467244 {
		t.Errorf("The Zone of Interest = %+v, want a rated review of TMDB 467244", zone)
	}
	if zone.Link != "https://letterboxd.com/reelpost_fixture/film/the-zone-of-interest/" {
		t.Errorf("Link = %q: the watch and the review share their page", zone.Link)
	}
	anatomy := byGUID["letterboxd-review-1100000121"]
	if !anatomy.IsReview || anatomy.Title != "Anatomy of a Fall (2023)" || !strings.Contains(anatomy.Text, "Sandra Hüller") {
		t.Errorf("Anatomy of a Fall = %+v", anatomy)
	}
}

// TestFromItemLetterboxd checks that the network-free path understands a
// member feed too, and that a blog linking to Letterboxd stays a blog.
func TestFromItemLetterboxd(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		file       string
		wantSource bool
	}{
		{file: "member-feed.xml", wantSource: true},
		{file: "blog-feed.xml"},
	} {
		body, err := os.ReadFile(filepath.Join("letterboxd", "testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		f, err := feed.Parse(memberFeedURL, body, "application/rss+xml")
		if err != nil {
			t.Fatal(err)
		}
		r := FromItem(memberFeedURL, f, f.Items[0])
		if got := r.ReviewReason == "letterboxd review"; got != tt.wantSource {
			t.Errorf("%s: reason %q, Letterboxd's own = %v, want %v", tt.file, r.ReviewReason, got, tt.wantSource)
		}
		if r.FilmTitle == "" {
			t.Errorf("%s: no FilmTitle (title %q)", tt.file, r.Title)
		}
	}
}

// TestFromItemOldLetterboxdTitleWithoutYear: an old member feed's entry
// titled "Film - ★★★½" (no year, no letterboxd:filmTitle) posts the film's
// name without the stars, searches TMDB for that name, and keeps the stars
// as the rating.
func TestFromItemOldLetterboxdTitleWithoutYear(t *testing.T) {
	t.Parallel()
	const body = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:letterboxd="http://letterboxd.com"><channel><title>Letterboxd - Old</title><link>https://letterboxd.com/old/</link>
<item><title>The Unfinished Reel - ★★★½</title>
<link>https://letterboxd.com/old/film/the-unfinished-reel/</link><guid isPermaLink="false">letterboxd-review-16423370</guid>
<description><![CDATA[ <p><img src="https://a.ltrbxd.com/resized/film-poster/x.jpg"/></p> <p>Rough, and better for it.</p> ]]></description></item>
</channel></rss>`
	f, err := feed.Parse("https://letterboxd.com/old/rss/", []byte(body), "application/rss+xml")
	if err != nil {
		t.Fatal(err)
	}
	r := FromItem("https://letterboxd.com/old/rss/", f, f.Items[0])
	if r.FilmTitle != "The Unfinished Reel" || r.Title != "The Unfinished Reel" || r.Stars != "★★★½" || r.Rating != "3.5/5" {
		t.Errorf("film %q, title %q, stars %q, rating %q; want the film's name alone and ★★★½ (3.5/5)",
			r.FilmTitle, r.Title, r.Stars, r.Rating)
	}
	if ev := r.Evidence(); ev.Title != "The Unfinished Reel" {
		t.Errorf("TMDB is asked for %q", ev.Title)
	}
}
