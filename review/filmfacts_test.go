package review

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/feed"
)

// TestFromItemFilmFacts checks what a blog review states about its film:
// the film's name and year (from the metadata block, else the title), the
// spoiler warning, the IMDb title link, and where the trailer came from.
func TestFromItemFilmFacts(t *testing.T) {
	t.Parallel()
	const para = `<p>Bong Joon-ho's film is a masterpiece of tension, funny and brutal by turns, and the best film of its year.</p>`
	tests := []struct {
		name          string
		item          gofeed.Item
		film          string
		year          int
		spoilers      bool
		imdb          string
		trailerSource string
	}{
		{name: "Parasite review", item: gofeed.Item{Title: "Parasite review", Content: para}, film: "Parasite"},
		{name: "Film 3 Review", item: gofeed.Item{Title: "Film 3 Review", Content: para}, film: "Film 3"},
		{name: "year in the title", item: gofeed.Item{Title: "Review: Parasite (2019)", Content: para}, film: "Parasite", year: 2019},
		{name: "metadata block names the film and year",
			item: gofeed.Item{Title: "A house with a basement: my favourite film of the decade",
				Content: `<p>Title: Parasite<br>Year: 2019<br>Director: Bong Joon-ho</p>` + para},
			film: "Parasite", year: 2019},
		{name: "metadata title with its year, release date",
			item: gofeed.Item{Title: "Sunday classic", Content: `<p>Film: Crash (1996)</p><p>Release date: 4 July 1997 (UK)</p>` + para},
			film: "Crash", year: 1997},
		{name: "Spoilers category", item: gofeed.Item{Title: "Parasite review", Categories: []string{"Reviews", "SPOILERS"}, Content: para},
			film: "Parasite", spoilers: true},
		{name: "spoiler tag", item: gofeed.Item{Title: "Parasite review", Categories: []string{"spoiler"}, Content: para},
			film: "Parasite", spoilers: true},
		{name: "contains spoilers tag", item: gofeed.Item{Title: "Parasite review", Categories: []string{"Contains  Spoilers"}, Content: para},
			film: "Parasite", spoilers: true},
		{name: "title marked (spoilers)", item: gofeed.Item{Title: "Parasite (spoilers) review", Content: para},
			film: "Parasite", spoilers: true},
		{name: "title marked [SPOILERS]", item: gofeed.Item{Title: "[SPOILERS] Parasite (2019) review", Content: para},
			film: "Parasite", year: 2019, spoilers: true},
		{name: "spoiler-free is not a warning", item: gofeed.Item{Title: "Parasite (spoiler-free) review", Categories: []string{"Spoiler-free"}, Content: para},
			film: "Parasite"},
		{name: "no spoilers is not a warning", item: gofeed.Item{Title: "Review: Parasite [No Spoilers]", Content: para}, film: "Parasite"},
		{name: "IMDb link in the HTML",
			item: gofeed.Item{Title: "Parasite review", Content: para + `<p>More on <a href="https://www.imdb.com/title/tt6751668/?ref_=nv_sr_srsg_0">IMDb</a>, and the director's <a href="https://m.imdb.com/title/tt1706620/">Okja</a>.</p>`},
			film: "Parasite", imdb: "tt6751668"},
		{name: "IMDb link written as text", item: gofeed.Item{Title: "Parasite review", Description: "Bong's best. imdb.com/title/tt6751668 for the cast."},
			film: "Parasite", imdb: "tt6751668"},
		{name: "IMDb name page is no title", item: gofeed.Item{Title: "Parasite review", Content: para + `<a href="https://www.imdb.com/name/nm0094435/">Bong</a>`},
			film: "Parasite"},
		{name: "embedded trailer comes from the review",
			item: gofeed.Item{Title: "Parasite review", Content: para + `<iframe src="https://www.youtube.com/embed/5xH0HfJHsaY"></iframe>`},
			film: "Parasite", trailerSource: TrailerFromReview},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := FromItem("https://blog.example.com/feed/", &gofeed.Feed{Link: "https://blog.example.com/"}, &tt.item)
			if r.FilmTitle != tt.film || r.Year != tt.year {
				t.Errorf("FilmTitle, Year = %q, %d; want %q, %d", r.FilmTitle, r.Year, tt.film, tt.year)
			}
			if r.Spoilers != tt.spoilers {
				t.Errorf("Spoilers = %v, want %v", r.Spoilers, tt.spoilers)
			}
			if r.IMDbID != tt.imdb {
				t.Errorf("IMDbID = %q, want %q", r.IMDbID, tt.imdb)
			}
			if r.TrailerSource != tt.trailerSource {
				t.Errorf("TrailerSource = %q, want %q", r.TrailerSource, tt.trailerSource)
			}
			if r.Title != tt.item.Title {
				t.Errorf("Title = %q: a blog's title stays as published (%q)", r.Title, tt.item.Title)
			}
			if ev := r.Evidence(); ev.Title != tt.film || ev.Year != tt.year || ev.IMDbID != tt.imdb {
				t.Errorf("Evidence = %+v, want the film %q (%d), IMDb %q", ev, tt.film, tt.year, tt.imdb)
			}
		})
	}
}

// TestReviewFilmOfOldPayloads checks that a review stored before FilmTitle
// existed names its film as extraction does now.
func TestReviewFilmOfOldPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		review Review
		title  string
		year   int
	}{
		{Review{Title: "Parasite (2019) review"}, "Parasite", 2019},
		{Review{Title: "Parasite review", FilmTitle: "Gisaengchung", Year: 2019}, "Gisaengchung", 2019},
		{Review{Title: "Her"}, "Her", 0},
		{Review{}, "", 0},
	}
	for _, tt := range tests {
		if title, year := tt.review.Film(); title != tt.title || year != tt.year {
			t.Errorf("%+v.Film() = %q, %d; want %q, %d", tt.review, title, year, tt.title, tt.year)
		}
	}
}

// TestExtractFilmFactsFromPage checks that a thin item's page completes what
// it states about the film: an IMDb link in the article, a spoilers tag.
func TestExtractFilmFactsFromPage(t *testing.T) {
	t.Parallel()
	const page = `<!doctype html><html><head><title>Parasite review</title>
<meta property="article:tag" content="Reviews"><meta property="article:tag" content="Spoilers"></head>
<body><nav><a href="https://www.imdb.com/title/tt0000001/">Our IMDb list</a></nav><article><h1>Parasite review</h1>
<p>Bong Joon-ho's film is a masterpiece of tension, funny and brutal by turns, and the best film of its year; the flood
sequence is the most precise piece of filmmaking of the decade, and the ending is crueller every time I see it.</p>
<p>Cast and crew on <a href="https://www.imdb.com/title/tt6751668/">IMDb</a>.</p></article></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	t.Cleanup(srv.Close)
	item := &gofeed.Item{Title: "Parasite review", Link: srv.URL + "/parasite-review", GUID: "p-1",
		Description: "Bong Joon-ho's film is a masterpiece of tension [&#8230;]"}
	e := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: true})
	got := e.Extract(t.Context(), srv.URL+"/feed", &gofeed.Feed{Link: srv.URL, Items: []*gofeed.Item{item}})
	if len(got) != 1 || !got[0].PageFetched {
		t.Fatalf("got %+v, want one item completed from its page", got)
	}
	if r := got[0]; r.IMDbID != "tt6751668" || !r.Spoilers || r.FilmTitle != "Parasite" {
		t.Errorf("IMDbID %q, Spoilers %v, FilmTitle %q; want the article's tt6751668, the page's spoilers tag, Parasite", r.IMDbID, r.Spoilers, r.FilmTitle)
	}
}
