package review

import (
	"reflect"
	"testing"
	"time"

	"github.com/reelpost/reelpost/film"
)

// parasiteMatch is TMDB's answer for Parasite, its videos best first for an
// English post, as Identify caches it.
func parasiteMatch() film.Match {
	yt := func(key, typ, lang string, official bool, published string) film.Video {
		at, _ := time.Parse(time.RFC3339, published)
		return film.Video{Key: key, Site: "YouTube", Type: typ, Language: lang, Official: official, PublishedAt: at}
	}
	en := yt("NeonPrst001", "Trailer", "en", true, "2019-08-12T16:00:00Z")
	return film.Match{Kind: film.KindMovie, TMDBID: 496243, IMDbID: "tt6751668", Title: "Parasite",
		OriginalTitle: "기생충", Year: 2019, Directors: []string{"Bong Joon Ho"}, Genres: []string{"Comedy", "Thriller", "Drama"},
		RuntimeMinutes: 133, Cast: []string{"Song Kang-ho", "Lee Sun-kyun", "Cho Yeo-jeong", "Choi Woo-shik"},
		PosterURL: "https://image.tmdb.org/t/p/w780/7IiTTgloJzvGI1TAYymCfbfl3vT.jpg", Trailer: en,
		Videos: []film.Video{en, yt("DePrstTrl01", "Trailer", "de", true, "2019-09-20T10:00:00Z"),
			yt("KoPrstTrl01", "Trailer", "ko", true, "2019-04-22T09:00:00Z")},
		Reason: "title + year + director"}
}

func TestFill(t *testing.T) {
	t.Parallel()
	const poster = "https://image.tmdb.org/t/p/w780/7IiTTgloJzvGI1TAYymCfbfl3vT.jpg"
	tmdbTrailer := func(r Review, key string) Review {
		r.TrailerID, r.TrailerURL, r.TrailerSource = key, "https://www.youtube.com/watch?v="+key, TrailerFromTMDB
		return r
	}
	filled := func(r Review) Review {
		r.TMDBMovieID, r.IMDbID, r.FilmTitle, r.Year = 496243, "tt6751668", "Parasite", 2019
		r.Director, r.RuntimeMinutes, r.Image = "Bong Joon Ho", 133, poster
		r.Genres = []string{"Comedy", "Thriller", "Drama"}
		r.Cast = []string{"Song Kang-ho", "Lee Sun-kyun", "Cho Yeo-jeong", "Choi Woo-shik"}
		return r
	}
	bare := Review{Key: "k", Title: "Parasite review", Summary: "A masterpiece.", IsReview: true}
	// A blog review that states everything, in its own words.
	stated := Review{Key: "k", Title: "Parasite (2019) review", FilmTitle: "Parasite", Year: 2019,
		Director: "Bong Joon-ho", Genres: []string{"Thriller"}, Cast: []string{"Song Kang-ho"}, RuntimeMinutes: 132,
		Image: "https://blog.example/parasite.jpg", IMDbID: "tt6751668", IsReview: true}
	embedded := bare
	embedded.TrailerID, embedded.TrailerURL, embedded.TrailerSource = "isOGD_7hNIY", "https://www.youtube.com/watch?v=isOGD_7hNIY", TrailerFromReview
	legacy := embedded
	legacy.TrailerSource = "" // stored before TrailerSource existed

	noTrailer := parasiteMatch()
	noTrailer.Trailer, noTrailer.Videos = film.Video{}, nil
	cachedOld := parasiteMatch() // an answer cached before Videos were kept
	cachedOld.Videos = nil

	chernobyl := film.Match{Kind: film.KindTV, TMDBID: 87108, Title: "Chernobyl", Year: 2019,
		Directors: []string{"Craig Mazin"}, Genres: []string{"Drama", "War & Politics"}, RuntimeMinutes: 65,
		Cast: []string{"Jared Harris"}, PosterURL: "https://image.tmdb.org/t/p/w780/chernobyl.jpg",
		Trailer: film.Video{Key: "ChrnblTrl01", Site: "YouTube", Type: "Trailer", Language: "en", Official: true},
		Reason:  "tmdb tv id from the feed"}
	lbxTV := Review{Key: "letterboxd-review-1", FilmTitle: "Chernobyl", Year: 2019, TMDBTVID: 87108,
		Image: "https://a.ltrbxd.com/poster.jpg", Stars: "★★★★★", IsReview: true}

	tests := []struct {
		name string
		in   Review
		m    film.Match
		lang string
		want Review
	}{
		{"a bare review gets every fact and TMDB's trailer", bare, parasiteMatch(), "en-GB",
			tmdbTrailer(filled(bare), "NeonPrst001")},
		{"what the review states stands", stated, parasiteMatch(), "en",
			tmdbTrailer(func() Review { r := stated; r.TMDBMovieID = 496243; return r }(), "NeonPrst001")},
		{"the review's own trailer wins", embedded, parasiteMatch(), "en", filled(embedded)},
		{"a trailer stored without a source is the review's", legacy, parasiteMatch(), "en",
			func() Review { r := filled(legacy); r.TrailerSource = TrailerFromReview; return r }()},
		{"a German post gets the German trailer", bare, parasiteMatch(), "de-AT",
			tmdbTrailer(filled(bare), "DePrstTrl01")},
		{"a Korean post gets the Korean trailer", bare, parasiteMatch(), "ko",
			tmdbTrailer(filled(bare), "KoPrstTrl01")},
		{"no post language: the match's own choice", bare, parasiteMatch(), "", tmdbTrailer(filled(bare), "NeonPrst001")},
		{"an answer cached without videos still gives its trailer", bare, cachedOld, "de", tmdbTrailer(filled(bare), "NeonPrst001")},
		{"a film without a trailer gets its facts, no trailer", bare, noTrailer, "en", filled(bare)},
		{"no film identified changes nothing", bare, film.Match{Reason: "2 films titled Parasite (1982, 2019); the review states no director"},
			"en", bare},
		{"a show: no director or running time, the feed's poster stays", lbxTV, chernobyl, "en",
			func() Review {
				r := lbxTV
				r.Genres, r.Cast = []string{"Drama", "War & Politics"}, []string{"Jared Harris"}
				return tmdbTrailer(r, "ChrnblTrl01")
			}()},
		{"a show found by title gets its TV id", Review{Key: "k", Title: "Chernobyl review"}, chernobyl, "en",
			func() Review {
				r := Review{Key: "k", Title: "Chernobyl review", TMDBTVID: 87108, FilmTitle: "Chernobyl", Year: 2019,
					Genres: []string{"Drama", "War & Politics"}, Cast: []string{"Jared Harris"},
					Image: "https://image.tmdb.org/t/p/w780/chernobyl.jpg"}
				return tmdbTrailer(r, "ChrnblTrl01")
			}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.in
			got.Fill(tt.m, tt.lang)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Fill:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestFillDoesNotShareTheMatch: the filled lists are the review's own, so a
// template or fitter editing them cannot change a cached Match.
func TestFillDoesNotShareTheMatch(t *testing.T) {
	t.Parallel()
	m := parasiteMatch()
	var r Review
	r.Fill(m, "en")
	r.Genres[0], r.Cast[0] = "changed", "changed"
	if m.Genres[0] != "Comedy" || m.Cast[0] != "Song Kang-ho" {
		t.Errorf("editing the review changed the match: %v, %v", m.Genres, m.Cast)
	}
}

func TestLacksFilmFacts(t *testing.T) {
	t.Parallel()
	complete := Review{TrailerID: "isOGD_7hNIY", FilmTitle: "Parasite", Year: 2019, Director: "Bong Joon-ho",
		Genres: []string{"Thriller"}, Cast: []string{"Song Kang-ho"}, RuntimeMinutes: 132, Image: "https://blog.example/p.jpg"}
	if complete.LacksFilmFacts() {
		t.Error("a review stating every fact and embedding a trailer lacks film facts")
	}
	noTrailer := complete
	noTrailer.TrailerID = ""
	noCast := complete
	noCast.Cast = nil
	for name, r := range map[string]Review{"no trailer": noTrailer, "no cast": noCast, "nothing": {}} {
		if !r.LacksFilmFacts() {
			t.Errorf("%s: LacksFilmFacts false, want true", name)
		}
	}
}
