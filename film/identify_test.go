package film_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// weaponsLookalikes are 25 films whose titles hold "Weapons", so that a
// search for it runs to a second page.
func weaponsLookalikes() []tmdbfake.Movie {
	var ms []tmdbfake.Movie
	for i := range 25 {
		ms = append(ms, tmdbfake.Movie{ID: 91000000 + i, Title: fmt.Sprintf("Weapons of War %d", i+1),
			ReleaseDate: "2001-01-01", Popularity: 1 + float64(i)/100})
	}
	return ms
}

// lighthouseID is an invented series of three seasons (2020-2023) whose
// first season's cast left before its latest, with an episode on IMDb.
const lighthouseID = 93000001

func lighthouse() tmdbfake.Show {
	return tmdbfake.Show{ID: lighthouseID, IMDbID: "tt9900001", Name: "The Lighthouse Keepers", OriginalName: "The Lighthouse Keepers",
		OriginalLanguage: "en", FirstAirDate: "2020-01-10", LastAirDate: "2023-03-01", CreatedBy: []string{"Casey Creator"},
		Directors: []string{"Dana Director"}, Cast: []string{"Ann First", "Ben Second", "Cy Gone"},
		LatestCast: []string{"Ann First", "Ben Second"},
		Videos:     []tmdbfake.Video{{Key: "LghtTrlr001", Name: "The Lighthouse Keepers | Official Trailer", Site: "YouTube", Type: "Trailer", Language: "en", Official: true, PublishedAt: "2019-12-01T10:00:00.000Z"}},
		Episodes:   []tmdbfake.Episode{{ID: 93000013, IMDbID: "tt9900013", Name: "The Lamp", Season: 1, Number: 3, AirDate: "2020-01-24"}}}
}

// A series and a film of its name made during its run, each linked by
// its own IMDb id: a review of the film that links the series' page must
// still get the film's trailer. Veronica Mars (series 2004-2019, film
// 2014, both Rob Thomas's), The X-Files (series 1993-2018, film 1998 by
// Rob Bowman, who also directed episodes), Downton Abbey (series
// 2010-2015, film 2019). Ids and keys are invented.
const (
	vmarsShowID, vmarsFilmID     = 91000001, 91000002
	xfilesShowID, xfilesFilmID   = 91000003, 91000004
	downtonShowID, downtonFilmID = 91000005, 91000006
)

func ytVideo(key, name, lang string, official bool) tmdbfake.Video {
	return tmdbfake.Video{Key: key, Name: name, Site: "YouTube", Type: "Trailer", Language: lang, Official: official,
		PublishedAt: "2010-01-01T10:00:00.000Z"}
}

func seriesAndFilms() ([]tmdbfake.Show, []tmdbfake.Movie) {
	shows := []tmdbfake.Show{
		{ID: vmarsShowID, IMDbID: "tt0412253", Name: "Veronica Mars", OriginalName: "Veronica Mars", OriginalLanguage: "en",
			FirstAirDate: "2004-09-22", LastAirDate: "2019-07-19", CreatedBy: []string{"Rob Thomas"},
			Directors: []string{"Rob Thomas", "John T. Kretchmer"}, Cast: []string{"Kristen Bell", "Enrico Colantoni"},
			Videos: []tmdbfake.Video{ytVideo("VMarsSerie1", "Veronica Mars | Official Trailer", "en", true)}},
		{ID: xfilesShowID, IMDbID: "tt0106179", Name: "The X-Files", OriginalName: "The X-Files", OriginalLanguage: "en",
			FirstAirDate: "1993-09-10", LastAirDate: "2018-03-21", CreatedBy: []string{"Chris Carter"},
			Directors: []string{"Rob Bowman", "Kim Manners", "David Nutter"}, Cast: []string{"David Duchovny", "Gillian Anderson"},
			Videos: []tmdbfake.Video{ytVideo("XFilesSer01", "The X-Files | Official Trailer", "en", true)}},
		{ID: downtonShowID, IMDbID: "tt1606375", Name: "Downton Abbey", OriginalName: "Downton Abbey", OriginalLanguage: "en",
			FirstAirDate: "2010-09-26", LastAirDate: "2015-12-25", CreatedBy: []string{"Julian Fellowes"},
			Directors: []string{"Brian Percival", "Brian Kelly"}, Cast: []string{"Hugh Bonneville", "Maggie Smith"},
			Videos: []tmdbfake.Video{ytVideo("DowntonSer1", "Downton Abbey | Official Trailer", "en", true)}},
	}
	films := []tmdbfake.Movie{
		{ID: vmarsFilmID, IMDbID: "tt2771372", Title: "Veronica Mars", OriginalTitle: "Veronica Mars", OriginalLanguage: "en",
			ReleaseDate: "2014-03-13", Popularity: 10, Directors: []string{"Rob Thomas"}, Cast: []string{"Kristen Bell"},
			Videos: []tmdbfake.Video{ytVideo("VMarsFilm01", "Veronica Mars - Official Trailer", "en", true)}},
		{ID: xfilesFilmID, IMDbID: "tt0120902", Title: "The X-Files", OriginalTitle: "The X-Files", OriginalLanguage: "en",
			ReleaseDate: "1998-06-19", Popularity: 10, Directors: []string{"Rob Bowman"}, Cast: []string{"David Duchovny"},
			Videos: []tmdbfake.Video{ytVideo("XFilesFlm01", "The X-Files - Trailer", "en", true)}},
		{ID: downtonFilmID, IMDbID: "tt6398184", Title: "Downton Abbey", OriginalTitle: "Downton Abbey", OriginalLanguage: "en",
			ReleaseDate: "2019-09-12", Popularity: 10, Directors: []string{"Michael Engler"}, Cast: []string{"Hugh Bonneville"},
			Videos: []tmdbfake.Video{ytVideo("DowntonFlm1", "Downton Abbey - Official Trailer", "en", true)}},
	}
	return shows, films
}

func seriesOnly() []tmdbfake.Show { s, _ := seriesAndFilms(); return s }
func filmsOnly() []tmdbfake.Movie { _, f := seriesAndFilms(); return f }

// moonlitID is an invented Korean series whose only official trailer is in
// Korean (an English one is a fan upload), with an episode on IMDb.
const moonlitID = 93000101

func moonlit() tmdbfake.Show {
	return tmdbfake.Show{ID: moonlitID, IMDbID: "tt9900101", Name: "Moonlit Harbour", OriginalName: "달빛 항구",
		OriginalLanguage: "ko", FirstAirDate: "2023-05-01", LastAirDate: "2023-06-20", CreatedBy: []string{"Kim Example"},
		Cast: []string{"Lee Example"},
		Videos: []tmdbfake.Video{ytVideo("MoonKoTrl01", "달빛 항구 | 공식 예고편", "ko", true),
			ytVideo("MoonFanEn01", "Moonlit Harbour trailer (fan subs)", "en", false)},
		Episodes: []tmdbfake.Episode{{ID: 93000102, IMDbID: "tt9900102", Name: "The Ferry", Season: 1, Number: 2, AirDate: "2023-05-08"}}}
}

func TestIdentify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		lang         string
		extra        []tmdbfake.Movie
		extraShows   []tmdbfake.Show
		ev           film.Evidence
		wantID       int // 0: no match
		wantKind     film.Kind
		wantReason   string // a substring of Reason
		wantTrailer  string
		wantRequests int
		now          string // the client's clock, YYYY-MM-DD; "" for the real one
	}{
		// The strongest evidence first.
		{name: "tmdb id from the feed", ev: film.Evidence{TMDBMovieID: tmdbfake.AftersunID, Title: "Crash"},
			wantID: tmdbfake.AftersunID, wantKind: film.KindMovie, wantReason: "tmdb id from the feed",
			wantTrailer: tmdbfake.AftersunTrailerKey, wantRequests: 1},
		{name: "tmdb tv id from the feed", ev: film.Evidence{TMDBTVID: tmdbfake.ChernobylID},
			wantID: tmdbfake.ChernobylID, wantKind: film.KindTV, wantReason: "tmdb tv id from the feed",
			wantTrailer: tmdbfake.ChernobylTrailerKey, wantRequests: 1},
		{name: "imdb link", ev: film.Evidence{IMDbID: "tt6751668", Title: "Parasite", Year: 2019},
			wantID: tmdbfake.ParasiteID, wantKind: film.KindMovie, wantReason: "imdb link",
			wantTrailer: tmdbfake.ParasiteEnTrailerKey, wantRequests: 2},
		{name: "imdb link to a tv show", ev: film.Evidence{IMDbID: "TT7366338"},
			wantID: tmdbfake.ChernobylID, wantKind: film.KindTV, wantReason: "imdb link",
			wantTrailer: tmdbfake.ChernobylTrailerKey, wantRequests: 2},
		{name: "imdb link to another film than the review's", ev: film.Evidence{IMDbID: "tt0133093", Title: "Aftersun", Year: 2022},
			wantID: tmdbfake.AftersunID, wantReason: "title + year (the imdb link is to The Matrix (1999))",
			wantTrailer: tmdbfake.AftersunTrailerKey, wantRequests: 3},
		{name: "imdb id not on TMDB, title is", ev: film.Evidence{IMDbID: "tt0000001", Title: "Aftersun", Year: 2022},
			wantID: tmdbfake.AftersunID, wantReason: "IMDb tt0000001 is not on TMDB", wantRequests: 3,
			wantTrailer: tmdbfake.AftersunTrailerKey},
		{name: "imdb id not on TMDB, nothing else", ev: film.Evidence{IMDbID: "tt0000001"},
			wantReason: "IMDb tt0000001 is not on TMDB", wantRequests: 1},
		{name: "imdb link contradicted by the review's director", ev: film.Evidence{IMDbID: "tt0115964", Title: "Crash", Director: "Paul Haggis"},
			wantReason: "the imdb link is to Crash (1996) by David Cronenberg, the review names Paul Haggis", wantRequests: 2},
		{name: "imdb link contradicted by the review's cast", ev: film.Evidence{IMDbID: "tt0115964", Title: "Crash", Cast: []string{"Sandra Bullock"}},
			wantReason: "the imdb link is to Crash (1996)", wantRequests: 2},
		{name: "imdb link confirmed by the director", ev: film.Evidence{IMDbID: "tt0115964", Title: "Crash", Director: "Cronenberg"},
			wantID: tmdbfake.Crash1996ID, wantReason: "imdb link", wantTrailer: "Crsh96Trlr1", wantRequests: 2},
		// A remake shares the original's title: the link the review chose
		// names the film unless the review says otherwise.
		{name: "imdb link to the original of a remake, nothing stated", ev: film.Evidence{IMDbID: "tt0076786", Title: "Suspiria"},
			wantID: tmdbfake.Suspiria1977ID, wantReason: "imdb link", wantTrailer: tmdbfake.Suspiria1977Key, wantRequests: 2},
		{name: "imdb link to the original, the remake's director named", ev: film.Evidence{IMDbID: "tt0076786", Title: "Suspiria", Director: "Luca Guadagnino"},
			wantReason: "the imdb link is to Suspiria (1977) by Dario Argento, the review names Luca Guadagnino", wantRequests: 2},
		{name: "imdb link to the original, the remake's year stated", ev: film.Evidence{IMDbID: "tt0076786", Title: "Suspiria", Year: 2018},
			wantID: tmdbfake.Suspiria2018ID, wantReason: "title + year (the imdb link is to Suspiria (1977))",
			wantTrailer: tmdbfake.Suspiria2018Key, wantRequests: 3},

		// Title and year.
		{name: "title + year", ev: film.Evidence{Title: "Her", Year: 2013},
			wantID: tmdbfake.HerID, wantReason: "title + year", wantTrailer: tmdbfake.HerTrailerKey, wantRequests: 2},
		{name: "a year off: festival against release", ev: film.Evidence{Title: "Aftersun", Year: 2023},
			wantID: tmdbfake.AftersunID, wantReason: "title + year", wantTrailer: tmdbfake.AftersunTrailerKey, wantRequests: 2},
		{name: "the exact year before a year off", ev: film.Evidence{Title: "Her", Year: 2016},
			wantID: tmdbfake.HerShortID, wantReason: "title + year", wantRequests: 2},
		{name: "two years off is another film", ev: film.Evidence{Title: "Aftersun", Year: 2019},
			wantReason: "no film titled Aftersun from 2019±1 on TMDB (there are 2022)", wantRequests: 1},
		{name: "a title that contains the review's is not it", ev: film.Evidence{Title: "Her Smell Again"},
			wantReason: "no film titled Her Smell Again on TMDB", wantRequests: 1},
		{name: "punctuation and case do not tell titles apart", ev: film.Evidence{Title: "crash", Year: 2024},
			wantID: tmdbfake.Crash2024ID, wantRequests: 2},

		// Never a guess.
		{name: "ambiguous: no match, and why", ev: film.Evidence{Title: "Crash", Published: date("2012-05-01")},
			wantReason: "2 films titled Crash (1996, 2004); the review states no year or director", wantRequests: 1},
		{name: "three of a title", ev: film.Evidence{Title: "Crash"},
			wantReason: "3 films titled Crash (1996, 2004, 2024); the review states no year or director", wantRequests: 1},
		{name: "released after the review: excluded", ev: film.Evidence{Title: "Crash", Published: date("2001-06-01")},
			wantID: tmdbfake.Crash1996ID, wantReason: "title + publication date", wantTrailer: "Crsh96Trlr1", wantRequests: 3},
		{name: "a festival review months before the release stands", ev: film.Evidence{Title: "Aftersun", Published: date("2022-05-22")},
			wantID: tmdbfake.AftersunID, wantTrailer: tmdbfake.AftersunTrailerKey, wantRequests: 3},
		{name: "a film long after the review is never it", ev: film.Evidence{Title: "Aftersun", Published: date("2015-01-01")},
			wantReason: "no film titled Aftersun from before 2015-01-01 on TMDB", wantRequests: 1},
		{name: "the only film of its title", ev: film.Evidence{Title: "Weapons"},
			wantID: tmdbfake.WeaponsID, wantReason: "title (the only film of that title on TMDB)",
			wantTrailer: tmdbfake.WeaponsTrailerKey, wantRequests: 3},
		{name: "only the first page read: unique there is not unique", extra: weaponsLookalikes(),
			ev:         film.Evidence{Title: "Weapons"},
			wantReason: "26 films on TMDB match \"Weapons\"", wantRequests: 1},
		{name: "the year settles what the first page cannot", extra: weaponsLookalikes(),
			ev:     film.Evidence{Title: "Weapons", Year: 2025},
			wantID: tmdbfake.WeaponsID, wantReason: "title + year", wantTrailer: tmdbfake.WeaponsTrailerKey, wantRequests: 2},
		{name: "the review names no film", ev: film.Evidence{}, wantReason: "the review names no film"},

		// A film and a TV series of one title.
		{name: "a series of the film's title: no match", ev: film.Evidence{Title: "Adolescence", Published: date("2025-03-20")},
			wantReason: "Adolescence is the title of a film (2018) and of a series (2025)", wantRequests: 2},
		{name: "a series of the film's title, undated review: no match", ev: film.Evidence{Title: "Adolescence"},
			wantReason: "Adolescence is the title of a film (2018) and of a series (2025)", wantRequests: 2},
		{name: "the film, reviewed years before the series", ev: film.Evidence{Title: "Adolescence", Published: date("2019-02-01")},
			wantID: tmdbfake.AdolescenceFilmID, wantReason: "title (the only film of that title on TMDB)",
			wantTrailer: tmdbfake.AdolescenceFilmKey, wantRequests: 3},
		{name: "the year tells the film from the series", ev: film.Evidence{Title: "Adolescence", Year: 2018},
			wantID: tmdbfake.AdolescenceFilmID, wantReason: "title + year", wantTrailer: tmdbfake.AdolescenceFilmKey, wantRequests: 2},
		{name: "the director tells the film from the series", ev: film.Evidence{Title: "Adolescence", Director: "Casey Example"},
			wantID: tmdbfake.AdolescenceFilmID, wantReason: "title + director", wantTrailer: tmdbfake.AdolescenceFilmKey, wantRequests: 2},
		{name: "no credits on TMDB to weigh: the series rules the film out",
			extra:      []tmdbfake.Movie{{ID: tmdbfake.AdolescenceFilmID, Title: "Adolescence", ReleaseDate: "2018-06-01"}},
			ev:         film.Evidence{Title: "Adolescence", Director: "Philip Barantini"},
			wantReason: "Adolescence is the title of a film (2018) and of a series (2025)", wantRequests: 3},
		{name: "only the first page of series read: no series there is not none", ev: film.Evidence{Title: "Weapons"},
			extraShows: func() []tmdbfake.Show {
				var ts []tmdbfake.Show
				for i := range 25 {
					ts = append(ts, tmdbfake.Show{ID: 92000000 + i, Name: fmt.Sprintf("Weapons Diaries %d", i+1), FirstAirDate: "2010-01-01", Popularity: 100})
				}
				return ts
			}(), wantReason: "25 series on TMDB match \"Weapons\", none titled so on the first page", wantRequests: 2},
		{name: "no request left to rule out a series", ev: film.Evidence{IMDbID: "tt0133093", Title: "Weapons"},
			wantReason: "no TMDB request left to rule out a series titled Weapons", wantRequests: 2},

		// A series by its IMDb link: the trailer of the series, on the same
		// never-guess terms as a film's.
		{name: "imdb link to a series, a later season's review", ev: film.Evidence{IMDbID: "tt11280740", Title: "Severance: Season Two", Year: 2025},
			wantID: tmdbfake.SeveranceID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: tmdbfake.SeveranceTrailerKey, wantRequests: 2},
		{name: "imdb link to a series, a season named in another language", ev: film.Evidence{IMDbID: "tt11280740", Title: "Severance – Staffel 2"},
			wantID: tmdbfake.SeveranceID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: tmdbfake.SeveranceTrailerKey, wantRequests: 2},
		// Its episodes' director may be a film's of the same name: a search
		// makes sure none is (the next case).
		{name: "imdb link to a series, its episodes' director named", ev: film.Evidence{IMDbID: "tt7366338", Title: "Chernobyl", Director: "Johan Renck"},
			wantID: tmdbfake.ChernobylID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: tmdbfake.ChernobylTrailerKey, wantRequests: 3},
		{name: "imdb link to a series, its creator named", ev: film.Evidence{IMDbID: "tt7366338", Title: "Chernobyl", Director: "Craig Mazin"},
			wantID: tmdbfake.ChernobylID, wantKind: film.KindTV, wantTrailer: tmdbfake.ChernobylTrailerKey, wantRequests: 2},
		{name: "imdb link to a series, contradicted by the director", ev: film.Evidence{IMDbID: "tt7366338", Title: "Chernobyl", Director: "Christopher Nolan"},
			wantReason:   "the imdb link is to the series Chernobyl (2019), created by Craig Mazin, episodes directed by Johan Renck, the review names Christopher Nolan",
			wantRequests: 2},
		{name: "imdb link to a series, contradicted by the cast", ev: film.Evidence{IMDbID: "tt11280740", Title: "Severance", Cast: []string{"Cillian Murphy"}},
			wantReason: "the imdb link is to the series Severance (2022)", wantRequests: 2},
		{name: "imdb link to a series, cast of a season before the latest", extraShows: []tmdbfake.Show{lighthouse()},
			ev:     film.Evidence{IMDbID: "tt9900001", Title: "The Lighthouse Keepers season 1", Cast: []string{"Cy Gone"}},
			wantID: lighthouseID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: "LghtTrlr001", wantRequests: 2},
		{name: "imdb link to a series, a year after its run: the title path", ev: film.Evidence{IMDbID: "tt7366338", Title: "Chernobyl", Year: 2024},
			wantReason: "no film titled Chernobyl on TMDB (the imdb link is to Chernobyl (2019))", wantRequests: 2},
		{name: "imdb link to a series, a year before it began", ev: film.Evidence{IMDbID: "tt11280740", Title: "Severance", Year: 2015},
			wantReason: "no film titled Severance on TMDB (the imdb link is to Severance (2022))", wantRequests: 2},
		{name: "imdb link to a series, another title", ev: film.Evidence{IMDbID: "tt7366338", Title: "The Matrix", Year: 1999},
			wantID: tmdbfake.MatrixID, wantReason: "title + year (the imdb link is to Chernobyl (2019))", wantTrailer: "MtrxTrlr001", wantRequests: 3},
		// A film of a series' name made during its run, its review linking
		// the series' IMDb page: a year of the run that is not the series'
		// first is the film's unless the title names a season.
		{name: "the series linked, the film's year: the film", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:     film.Evidence{IMDbID: "tt0412253", Title: "Veronica Mars", Year: 2014, Director: "Rob Thomas"},
			wantID: vmarsFilmID, wantKind: film.KindMovie, wantReason: "title + year", wantTrailer: "VMarsFilm01", wantRequests: 3},
		{name: "the series linked, the film's year and director, who directed episodes too", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:     film.Evidence{IMDbID: "tt0106179", Title: "The X-Files", Year: 1998, Director: "Rob Bowman"},
			wantID: xfilesFilmID, wantKind: film.KindMovie, wantReason: "title + year", wantTrailer: "XFilesFlm01", wantRequests: 3},
		{name: "the series linked, the film's year after the run", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:     film.Evidence{IMDbID: "tt1606375", Title: "Downton Abbey", Year: 2019},
			wantID: downtonFilmID, wantKind: film.KindMovie, wantReason: "title + year", wantTrailer: "DowntonFlm1", wantRequests: 3},
		{name: "the series linked, a later season named: the series", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:     film.Evidence{IMDbID: "tt0412253", Title: "Veronica Mars season 4", Year: 2019},
			wantID: vmarsShowID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: "VMarsSerie1", wantRequests: 2},
		{name: "the series linked, its first year: the series", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:     film.Evidence{IMDbID: "tt0412253", Title: "Veronica Mars", Year: 2005, Director: "Rob Thomas"},
			wantID: vmarsShowID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: "VMarsSerie1", wantRequests: 2},
		{name: "the series linked, no title, a later year and no season: no match", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:         film.Evidence{IMDbID: "tt0412253", Year: 2014},
			wantReason: "the imdb link is to Veronica Mars (2004), the review states 2014 and names no season", wantRequests: 1},
		{name: "the series linked, no year, the film's director who directed episodes: no match", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:           film.Evidence{IMDbID: "tt0106179", Title: "The X-Files", Director: "Rob Bowman"},
			wantReason:   "The X-Files is the title of a series (1993) and of a film (1998); the review names Rob Bowman, who directed episodes of the series",
			wantRequests: 3},
		{name: "the series linked, its start year, an episodes' director: no film then", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:     film.Evidence{IMDbID: "tt0106179", Title: "The X-Files", Year: 1993, Director: "Rob Bowman"},
			wantID: xfilesShowID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: "XFilesSer01", wantRequests: 3},
		{name: "the series linked, no year, its creator named: the link stands", extraShows: seriesOnly(), extra: filmsOnly(),
			ev:     film.Evidence{IMDbID: "tt0106179", Title: "The X-Files", Director: "Chris Carter"},
			wantID: xfilesShowID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: "XFilesSer01", wantRequests: 2},

		// A series still in production: its next season may be reviewed
		// before it airs, in the review's year or the next.
		{name: "a season of a series in production, reviewed before it airs", ev: film.Evidence{IMDbID: "tt11280740",
			Title: "Severance season 3", Year: 2027, Published: date("2026-09-01")},
			wantID: tmdbfake.SeveranceID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: tmdbfake.SeveranceTrailerKey, wantRequests: 2},
		{name: "a season of a series in production, undated review, by the clock", now: "2026-09-01",
			ev:     film.Evidence{IMDbID: "tt11280740", Title: "Severance season 3", Year: 2027},
			wantID: tmdbfake.SeveranceID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: tmdbfake.SeveranceTrailerKey, wantRequests: 2},
		{name: "a season of a series in production, years after the review", ev: film.Evidence{IMDbID: "tt11280740",
			Title: "Severance season 3", Year: 2028, Published: date("2026-09-01")},
			wantReason: "the imdb link is to the series Severance, on the air 2022–2025 and in production, the review states 2028", wantRequests: 2},
		{name: "a series in production, its name alone and a year past the run: not the series", ev: film.Evidence{IMDbID: "tt11280740",
			Title: "Severance", Year: 2027, Published: date("2026-09-01")},
			wantReason: "no film titled Severance on TMDB (the imdb link is to Severance (2022))", wantRequests: 2},
		{name: "a season of an ended series, years after its run", extraShows: []tmdbfake.Show{lighthouse()},
			ev:         film.Evidence{IMDbID: "tt9900001", Title: "The Lighthouse Keepers season 4", Year: 2026, Published: date("2026-01-10")},
			wantReason: "the imdb link is to the series The Lighthouse Keepers, on the air 2020–2023, the review states 2026", wantRequests: 2},
		{name: "imdb link to an episode, titled as its series and season", extraShows: []tmdbfake.Show{lighthouse()},
			ev:     film.Evidence{IMDbID: "tt9900013", Title: "The Lighthouse Keepers S01E03", Year: 2020},
			wantID: lighthouseID, wantKind: film.KindTV, wantReason: "imdb link to an episode", wantTrailer: "LghtTrlr001", wantRequests: 2},
		{name: "imdb link to an episode, titled as the episode", extraShows: []tmdbfake.Show{lighthouse()},
			ev:     film.Evidence{IMDbID: "tt9900013", Title: "The Lamp", Director: "Dana Director"},
			wantID: lighthouseID, wantKind: film.KindTV, wantReason: "imdb link to an episode", wantTrailer: "LghtTrlr001", wantRequests: 2},
		{name: "imdb link to an episode, the series' name and a year neither its nor the series' start", extraShows: []tmdbfake.Show{lighthouse()},
			ev:           film.Evidence{IMDbID: "tt9900013", Title: "The Lighthouse Keepers", Year: 2022},
			wantReason:   `the imdb link is to S01E03 "The Lamp" of the series The Lighthouse Keepers (2020), on the air 2020–2023, the review states 2022 and names no season`,
			wantRequests: 2},
		{name: "imdb link to an episode, a season named in the run", extraShows: []tmdbfake.Show{lighthouse()},
			ev:     film.Evidence{IMDbID: "tt9900013", Title: "The Lighthouse Keepers season 3", Year: 2022},
			wantID: lighthouseID, wantKind: film.KindTV, wantReason: "imdb link to an episode", wantTrailer: "LghtTrlr001", wantRequests: 2},
		{name: "imdb link to an episode of a Korean series: its Korean trailer", extraShows: []tmdbfake.Show{moonlit()},
			ev:     film.Evidence{IMDbID: "tt9900102", Title: "Moonlit Harbour"},
			wantID: moonlitID, wantKind: film.KindTV, wantReason: "imdb link to an episode", wantTrailer: "MoonKoTrl01", wantRequests: 3},
		{name: "imdb link to the Korean series itself: the same trailer", extraShows: []tmdbfake.Show{moonlit()},
			ev:     film.Evidence{IMDbID: "tt9900101", Title: "Moonlit Harbour"},
			wantID: moonlitID, wantKind: film.KindTV, wantReason: "imdb link", wantTrailer: "MoonKoTrl01", wantRequests: 2},
		{name: "imdb link to an episode of a Korean series, a Korean post: no request more", lang: "ko", extraShows: []tmdbfake.Show{moonlit()},
			ev:     film.Evidence{IMDbID: "tt9900102", Title: "Moonlit Harbour"},
			wantID: moonlitID, wantKind: film.KindTV, wantReason: "imdb link to an episode", wantTrailer: "MoonKoTrl01", wantRequests: 2},
		{name: "imdb link to an episode, another title", extraShows: []tmdbfake.Show{lighthouse()},
			ev:         film.Evidence{IMDbID: "tt9900013", Title: "Aftersun"},
			wantReason: `the imdb link is to S01E03 "The Lamp" of the series The Lighthouse Keepers (2020), the review is titled Aftersun`, wantRequests: 2},
		{name: "imdb link to an episode, contradicted by the director", extraShows: []tmdbfake.Show{lighthouse()},
			ev:         film.Evidence{IMDbID: "tt9900013", Title: "The Lighthouse Keepers", Director: "Someone Else"},
			wantReason: "created by Casey Creator, episodes directed by Dana Director, the review names Someone Else", wantRequests: 2},

		// Director and cast.
		{name: "director narrows", ev: film.Evidence{Title: "Crash", Director: "David Cronenberg"},
			wantID: tmdbfake.Crash1996ID, wantReason: "title + director", wantTrailer: "Crsh96Trlr1", wantRequests: 3},
		{name: "director in another order and spelling", ev: film.Evidence{Title: "Parasite", Director: "Joon-ho Bong"},
			wantID: tmdbfake.ParasiteID, wantReason: "title + director", wantTrailer: tmdbfake.ParasiteEnTrailerKey, wantRequests: 3},
		{name: "one of two directors, accents folded", ev: film.Evidence{Title: "The Matrix", Director: "Lilly Wáchowski and Someone"},
			wantID: tmdbfake.MatrixID, wantReason: "title + director", wantTrailer: "MtrxTrlr001", wantRequests: 2},
		{name: "director by surname", ev: film.Evidence{Title: "Crash", Year: 1996, Director: "Cronenberg"},
			wantID: tmdbfake.Crash1996ID, wantReason: "title + year + director", wantTrailer: "Crsh96Trlr1", wantRequests: 2},
		{name: "the fixture review: Her by Spike Jonze", ev: film.Evidence{Title: "Her", Director: "Spike Jonze",
			Cast: []string{"Joaquin Phoenix", "Scarlett Johansson"}, Published: date("2014-02-14")},
			wantID: tmdbfake.HerID, wantReason: "title + director", wantTrailer: tmdbfake.HerTrailerKey, wantRequests: 2},
		{name: "Her by Spike Jonze, undated: both films titled Her checked", ev: film.Evidence{Title: "Her", Director: "Spike Jonze"},
			wantID: tmdbfake.HerID, wantReason: "title + director", wantTrailer: tmdbfake.HerTrailerKey, wantRequests: 3},
		{name: "only the first page read: a film not on it is not found", ev: film.Evidence{Title: "Weapons"},
			extra: func() []tmdbfake.Movie {
				ms := weaponsLookalikes()
				for i := range ms {
					ms[i].Popularity += 100 // all before Weapons
				}
				return ms
			}(), wantReason: "no film titled Weapons among the first 20 of the 26 films TMDB finds for it", wantRequests: 1},
		{name: "cast narrows", ev: film.Evidence{Title: "Parasite", Cast: []string{"Demi Moore"}},
			wantID: tmdbfake.Parasite1982ID, wantReason: "title + cast", wantRequests: 3},
		{name: "the director contradicts the only film of the title", ev: film.Evidence{Title: "Aftersun", Director: "Someone Else"},
			wantReason: "no film titled Aftersun by Someone Else on TMDB (checked Aftersun (2022) by Charlotte Wells)", wantRequests: 2},
		{name: "no director among the two checked of three", ev: film.Evidence{Title: "Crash", Director: "Someone Else"},
			wantReason: "checked Crash (2004) by Paul Haggis, Crash (1996) by David Cronenberg; 1 more not checked", wantRequests: 3},
		{name: "the year, then the director", ev: film.Evidence{Title: "Weapons", Year: 2025, Director: "Zach Cregger"},
			wantID: tmdbfake.WeaponsID, wantReason: "title + year + director", wantTrailer: tmdbfake.WeaponsTrailerKey, wantRequests: 2},

		// Trailers in another language than the post's.
		{name: "an English trailer for a German post", lang: "de-DE", ev: film.Evidence{Title: "Aftersun", Year: 2022},
			wantID: tmdbfake.AftersunID, wantTrailer: tmdbfake.AftersunTrailerKey, wantRequests: 2},
		{name: "the German trailer for a German post", lang: "de", ev: film.Evidence{TMDBMovieID: tmdbfake.ParasiteID},
			wantID: tmdbfake.ParasiteID, wantTrailer: tmdbfake.ParasiteDeTrailerKey, wantRequests: 1},
		{name: "a German trailer for an English post, found by title", ev: film.Evidence{Title: "The Quiet Hour", Year: 2023},
			wantID: tmdbfake.GermanOnlyID, wantTrailer: tmdbfake.GermanTrailerKey, wantRequests: 2},
		{name: "a German trailer for an English post, by tmdb id", ev: film.Evidence{TMDBMovieID: tmdbfake.GermanOnlyID},
			wantID: tmdbfake.GermanOnlyID, wantTrailer: tmdbfake.GermanTrailerKey, wantRequests: 2},
		{name: "only teasers", ev: film.Evidence{TMDBMovieID: tmdbfake.TeasersOnlyID},
			wantID: tmdbfake.TeasersOnlyID, wantTrailer: tmdbfake.TeaserKey, wantRequests: 1},
		{name: "no trailer at all", ev: film.Evidence{Title: "Her", Year: 2016},
			wantID: tmdbfake.HerShortID, wantRequests: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := config{lang: tt.lang}
			if tt.now != "" {
				now := date(tt.now)
				cfg.now = func() time.Time { return now }
			}
			s := newSetup(t, cfg)
			s.fake.AddMovie(tt.extra...)
			s.fake.AddShow(tt.extraShows...)
			m, err := s.client.Identify(t.Context(), tt.ev)
			if err != nil {
				t.Fatalf("Identify: %v", err)
			}
			if m.TMDBID != tt.wantID || m.Found() != (tt.wantID != 0) || !strings.Contains(m.Reason, tt.wantReason) {
				t.Errorf("Identify = %d %q (found %t); want %d, a reason saying %q",
					m.TMDBID, m.Reason, m.Found(), tt.wantID, tt.wantReason)
			}
			if tt.wantKind != "" && m.Kind != tt.wantKind {
				t.Errorf("kind %q, want %q", m.Kind, tt.wantKind)
			}
			if m.Trailer.Key != tt.wantTrailer {
				t.Errorf("trailer %q, want %q", m.Trailer.Key, tt.wantTrailer)
			}
			reqs := s.fake.Requests()
			if len(reqs) != tt.wantRequests || len(reqs) > 3 {
				var paths []string
				for _, r := range reqs {
					paths = append(paths, r.Path+"?"+r.RawQuery)
				}
				t.Errorf("%d requests, want %d (at most 3): %s", len(reqs), tt.wantRequests, strings.Join(paths, " "))
			}
		})
	}
}

func TestMatchFields(t *testing.T) {
	t.Parallel()
	s := newSetup(t, config{})
	m, err := s.client.Identify(t.Context(), film.Evidence{Title: "Her", Year: 2013})
	if err != nil {
		t.Fatal(err)
	}
	want := film.Match{
		Kind: film.KindMovie, TMDBID: tmdbfake.HerID, IMDbID: "tt1798709", Title: "Her", OriginalTitle: "Her", Year: 2013,
		Directors: []string{"Spike Jonze"}, Genres: []string{"Romance", "Science Fiction", "Drama"}, RuntimeMinutes: 126,
		Cast:      []string{"Joaquin Phoenix", "Scarlett Johansson", "Amy Adams", "Rooney Mara"},
		PosterURL: "https://image.tmdb.org/t/p/w780/eCOtqtfvn7mxGl6nfmq4b1exJRc.jpg",
		Trailer: film.Video{Key: tmdbfake.HerTrailerKey, Name: "Her - Official Trailer", Site: "YouTube", Type: "Trailer",
			Official: true, Language: "en", Region: "US", PublishedAt: time.Date(2013, 8, 7, 16, 0, 0, 0, time.UTC)},
		Reason: "title + year",
	}
	want.Videos = []film.Video{want.Trailer}
	got := m
	got.CheckedAt = time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Identify =\n%+v\nwant\n%+v", got, want)
	}
	if m.Trailer.URL() != "https://www.youtube.com/watch?v=WzV6mXIOVl4" {
		t.Errorf("trailer URL %q: want the one the fixture review embeds", m.Trailer.URL())
	}
}

// TestMatchRoundTrips checks that a Match survives the ledger: what the
// lead caches is what Identify returned.
func TestMatchRoundTrips(t *testing.T) {
	t.Parallel()
	s := newSetup(t, config{lang: "de-DE"})
	for _, ev := range []film.Evidence{{TMDBMovieID: tmdbfake.ParasiteID}, {TMDBTVID: tmdbfake.ChernobylID}, {Title: "Crash"}} {
		m, err := s.client.Identify(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back film.Match
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, m) {
			t.Errorf("round trip of %s:\n%+v\nbecame\n%+v", b, m, back)
		}
	}
}

func TestCacheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ev   film.Evidence
		want string
	}{
		{film.Evidence{TMDBMovieID: 603, IMDbID: "tt0133093", Title: "The Matrix"}, "tmdb:movie:603"},
		{film.Evidence{TMDBTVID: 87108}, "tmdb:tv:87108"},
		{film.Evidence{IMDbID: "TT0133093"}, "imdb:tt0133093"},
		{film.Evidence{IMDbID: "tt0133093", Title: "The Matrix"}, "imdb:tt0133093|title:the matrix"},
		{film.Evidence{Title: "The Matrix", Year: 1999, Director: "Lilly Wachowski & Lana Wachowski"},
			"title:the matrix|1999|lana wachowski,lilly wachowski"},
		{film.Evidence{Title: "Crash!", Cast: []string{"Holly Hunter", "James Spader"}, Published: date("2001-06-01")},
			"title:crash|||holly hunter,james spader|2001-06-01"},
		{film.Evidence{IMDbID: "not an id"}, ""},
	}
	for _, tt := range tests {
		if got := tt.ev.CacheKey(); got != tt.want {
			t.Errorf("%+v.CacheKey() = %q, want %q", tt.ev, got, tt.want)
		}
	}
}

// memCache is a Cache in memory; getErr makes every Get fail.
type memCache struct {
	mu     sync.Mutex
	m      map[string][]byte
	getErr error
}

func (c *memCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.getErr != nil {
		return nil, false, c.getErr
	}
	b, ok := c.m[key]
	return b, ok, nil
}

func (c *memCache) Put(_ context.Context, key string, value []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[key] = value
	return nil
}

func TestCache(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		ev           film.Evidence
		later        time.Duration // between the two identifications
		getErr       error
		wantRequests int // by the second identification
	}{
		{name: "a found film with a trailer: no request", ev: film.Evidence{Title: "Crash", Director: "David Cronenberg"}},
		{name: "stands for good", ev: film.Evidence{TMDBMovieID: tmdbfake.HerID}, later: 400 * 24 * time.Hour},
		{name: "a no-match stands a while", ev: film.Evidence{Title: "Crash"}, later: 24 * time.Hour},
		{name: "then TMDB is asked again", ev: film.Evidence{Title: "Crash"}, later: 8 * 24 * time.Hour, wantRequests: 1},
		{name: "a film without a trailer is rechecked too", ev: film.Evidence{Title: "Her", Year: 2016},
			later: 8 * 24 * time.Hour, wantRequests: 2},
		{name: "a failing cache is passed by", ev: film.Evidence{TMDBMovieID: tmdbfake.HerID},
			getErr: errors.New("database is locked"), wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			cache := &memCache{}
			s := newSetup(t, config{cache: cache, now: clock})
			first, err := s.client.Identify(t.Context(), tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			before := len(s.fake.Requests())
			mu.Lock()
			now = now.Add(tt.later)
			mu.Unlock()
			cache.mu.Lock()
			cache.getErr = tt.getErr
			cache.mu.Unlock()
			second, err := s.client.Identify(t.Context(), tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(s.fake.Requests()) - before; n != tt.wantRequests {
				t.Errorf("second Identify made %d requests, want %d", n, tt.wantRequests)
			}
			first.CheckedAt, second.CheckedAt = time.Time{}, time.Time{}
			if !reflect.DeepEqual(first, second) {
				t.Errorf("second Identify = %+v, want %+v", second, first)
			}
		})
	}
}

// TestCacheKeepsLanguagesApart checks that a German post does not reuse the
// trailer chosen for an English one.
func TestCacheKeepsLanguagesApart(t *testing.T) {
	t.Parallel()
	cache := &memCache{}
	en := newSetup(t, config{cache: cache})
	de := newSetup(t, config{cache: cache, lang: "de-DE"})
	ev := film.Evidence{TMDBMovieID: tmdbfake.ParasiteID}
	a, err := en.client.Identify(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	b, err := de.client.Identify(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if a.Trailer.Key != tmdbfake.ParasiteEnTrailerKey || b.Trailer.Key != tmdbfake.ParasiteDeTrailerKey {
		t.Errorf("trailers %q (en), %q (de); want each post's language", a.Trailer.Key, b.Trailer.Key)
	}
}

// TestIdentifyErrors checks that TMDB failing is an error, not a no-match,
// and is not cached.
func TestIdentifyErrors(t *testing.T) {
	t.Parallel()
	cache := &memCache{}
	s := newSetup(t, config{cache: cache})
	s.fake.FailNext(tmdbfake.Fault429, 1)
	ev := film.Evidence{Title: "Aftersun", Year: 2022}
	_, err := s.client.Identify(t.Context(), ev)
	var fe *film.Error
	if !errors.As(err, &fe) || !fe.Temporary() || fe.RetryAfter != 10*time.Second {
		t.Fatalf("Identify under a rate limit: %v, want a temporary *film.Error with its Retry-After", err)
	}
	m, err := s.client.Identify(t.Context(), ev)
	if err != nil || m.TMDBID != tmdbfake.AftersunID {
		t.Errorf("Identify once the limit passed = %d, %v; want Aftersun", m.TMDBID, err)
	}
	_, err = s.client.Identify(t.Context(), film.Evidence{TMDBMovieID: 999999999})
	if !errors.Is(err, film.ErrNotFound) {
		t.Errorf("Identify of a TMDB id that is not there: %v, want ErrNotFound", err)
	}
}
