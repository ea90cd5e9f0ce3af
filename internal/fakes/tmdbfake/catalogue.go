package tmdbfake

// The default catalogue: the films of the project's example and fixture
// reviews, films that share a title, a film with only teasers, one whose
// videos are in several languages and on several sites, a German film with
// only a German trailer, a film and its remake, a TV show, and a film and a
// series of the same title. Ids below 90000000 are the films'
// real TMDB ids; ids from 90000000 up are invented, for invented films or
// where the real id was not at hand. YouTube keys are invented but
// well-formed (11 characters of [A-Za-z0-9_-]), except Her's, which is the
// trailer the fixture review (shared/fixtures/reviews/her.txt) embeds.
const (
	HerID          = 152601
	HerShortID     = 90000010 // an invented short also titled "Her"
	HerSmellID     = 90000011 // "Her Smell": contains the title, is not it
	AftersunID     = 965150
	ParasiteID     = 496243
	Parasite1982ID = 90000020 // Charles Band's Parasite (real id not at hand)
	WeaponsID      = 1078605
	MatrixID       = 603
	Crash1996ID    = 884
	Crash2004ID    = 1640
	Crash2024ID    = 90000003 // invented
	TeasersOnlyID  = 90000001 // invented: only teasers so far
	GermanOnlyID   = 90000002 // invented: only a German trailer
	ChernobylID    = 87108    // TV
	// Suspiria and its remake, to link the one while reviewing the other
	// (real ids not at hand).
	Suspiria1977ID = 90000040
	Suspiria2018ID = 90000041
	// A film and a TV series of the same title, years apart: the series
	// (Netflix, 2025) is real, the film invented, as are both ids.
	AdolescenceFilmID   = 90000050
	AdolescenceSeriesID = 90000051 // TV
)

// Trailer keys the tests look for.
const (
	HerTrailerKey        = "WzV6mXIOVl4"
	AftersunTrailerKey   = "K8vAftrsn01"
	ParasiteEnTrailerKey = "NeonPrst001"
	ParasiteDeTrailerKey = "DePrstTrl01"
	ParasiteKoTrailerKey = "KoPrstTrl01"
	WeaponsTrailerKey    = "WpnsTrlr001"
	TeaserKey            = "NghtTsr0001"
	GermanTrailerKey     = "StlStdTrl01"
	ChernobylTrailerKey  = "ChrnblTrl01"
	Suspiria1977Key      = "Susp77Trlr1"
	Suspiria2018Key      = "Susp18Trlr1"
	AdolescenceFilmKey   = "Adol18Trlr1"
	AdolescenceSeriesKey = "AdolTVTrlr1"
)

// genreIDs are TMDB's genre ids (GET /3/genre/movie/list, /3/genre/tv/list).
var genreIDs = map[string]int{
	"Action": 28, "Adventure": 12, "Animation": 16, "Comedy": 35, "Crime": 80, "Documentary": 99,
	"Drama": 18, "Family": 10751, "Fantasy": 14, "History": 36, "Horror": 27, "Music": 10402,
	"Mystery": 9648, "Romance": 10749, "Science Fiction": 878, "TV Movie": 10770, "Thriller": 53,
	"War": 10752, "Western": 37, "War & Politics": 10768,
}

func yt(key, name, typ, lang string, official bool, published string) Video {
	region := map[string]string{"en": "US", "de": "DE", "ko": "KR"}[lang]
	return Video{Key: key, Name: name, Site: "YouTube", Type: typ, Language: lang, Region: region,
		Official: official, PublishedAt: published}
}

// Movies returns the default catalogue's films, the corpus's among them
// (catalogue_corpus.go).
func Movies() []Movie {
	return append(coreMovies(), corpusMovies()...)
}

// Shows returns the default catalogue's TV shows, the corpus's among them.
func Shows() []Show {
	return append(coreShows(), corpusShows()...)
}

func coreMovies() []Movie {
	return []Movie{
		{ID: HerID, IMDbID: "tt1798709", Title: "Her", OriginalTitle: "Her", OriginalLanguage: "en",
			ReleaseDate: "2013-12-18", OtherReleaseYears: []int{2014}, Runtime: 126,
			Genres: []string{"Romance", "Science Fiction", "Drama"}, PosterPath: "/eCOtqtfvn7mxGl6nfmq4b1exJRc.jpg",
			Popularity: 42.5, Directors: []string{"Spike Jonze"},
			Cast: []string{"Joaquin Phoenix", "Scarlett Johansson", "Amy Adams", "Rooney Mara", "Olivia Wilde"},
			Videos: []Video{
				yt(HerTrailerKey, "Her - Official Trailer", "Trailer", "en", true, "2013-08-07T16:00:00.000Z"),
				yt("HerClip0001", "Her - Clip: Samantha", "Clip", "en", true, "2013-07-01T16:00:00.000Z"),
			}},
		{ID: HerShortID, Title: "Her", OriginalTitle: "Her", OriginalLanguage: "en", ReleaseDate: "2016-04-02",
			Runtime: 14, Genres: []string{"Drama"}, Popularity: 0.6, Directors: []string{"Anna Example"},
			Cast: []string{"Jo Example"}},
		{ID: HerSmellID, Title: "Her Smell", OriginalTitle: "Her Smell", OriginalLanguage: "en",
			ReleaseDate: "2019-04-12", Runtime: 135, Genres: []string{"Drama", "Music"}, Popularity: 9.1,
			Directors: []string{"Alex Ross Perry"}, Cast: []string{"Elisabeth Moss"}},
		{ID: AftersunID, IMDbID: "tt19770238", Title: "Aftersun", OriginalTitle: "Aftersun", OriginalLanguage: "en",
			ReleaseDate: "2022-10-21", OtherReleaseYears: []int{2022, 2023}, Runtime: 102, Genres: []string{"Drama"},
			PosterPath: "/evKz85EKouVbIr51zy5fOtpNRPg.jpg", Popularity: 18.3, Directors: []string{"Charlotte Wells"},
			Cast: []string{"Paul Mescal", "Frankie Corio", "Celia Rowlson-Hall", "Sally Messham", "Brooklyn Toulson"},
			Videos: []Video{
				yt("K8vAftrTsr1", "Aftersun | Official Teaser", "Teaser", "en", true, "2022-08-30T15:00:00.000Z"),
				yt(AftersunTrailerKey, "Aftersun | Official Trailer HD | A24", "Trailer", "en", true, "2022-09-22T15:00:00.000Z"),
			}},
		{ID: ParasiteID, IMDbID: "tt6751668", Title: "Parasite", OriginalTitle: "기생충", OriginalLanguage: "ko",
			Titles: map[string]string{"de": "Parasite"}, ReleaseDate: "2019-05-30", Runtime: 133,
			Genres: []string{"Comedy", "Thriller", "Drama"}, PosterPath: "/7IiTTgloJzvGI1TAYymCfbfl3vT.jpg",
			Popularity: 61.2, Directors: []string{"Bong Joon Ho"},
			Cast: []string{"Song Kang-ho", "Lee Sun-kyun", "Cho Yeo-jeong", "Choi Woo-shik", "Park So-dam"},
			Videos: []Video{
				// Earlier than every official trailer, each of these would win
				// if its rule were broken.
				yt("PrsClip0001", "Parasite - Clip: The Peach", "Clip", "en", true, "2019-03-01T09:00:00.000Z"),
				yt("PrsFanMade1", "PARASITE trailer (fan made)", "Trailer", "en", false, "2019-04-01T09:00:00.000Z"),
				{Key: "334455667", Name: "Parasite - Trailer", Site: "Vimeo", Type: "Trailer", Language: "en",
					Region: "US", Official: true, PublishedAt: "2019-04-15T09:00:00.000Z"},
				yt("PrsBTS00001", "Parasite - Behind the Scenes", "Behind the Scenes", "en", true, "2019-04-16T09:00:00.000Z"),
				yt("PrsFeat0001", "Parasite - Featurette", "Featurette", "en", true, "2019-04-17T09:00:00.000Z"),
				yt(ParasiteKoTrailerKey, "기생충 메인 예고편", "Trailer", "ko", true, "2019-04-22T09:00:00.000Z"),
				yt(ParasiteEnTrailerKey, "Parasite [Official Trailer] – In Theaters October 11, 2019", "Trailer", "en", true, "2019-08-12T16:00:00.000Z"),
				yt(ParasiteDeTrailerKey, "PARASITE Trailer German Deutsch (2019)", "Trailer", "de", true, "2019-09-20T10:00:00.000Z"),
				yt("NeonPrst002", "Parasite [Official Trailer 2]", "Trailer", "en", true, "2019-10-01T16:00:00.000Z"),
			}},
		{ID: Parasite1982ID, Title: "Parasite", OriginalTitle: "Parasite", OriginalLanguage: "en",
			ReleaseDate: "1982-03-12", Runtime: 85, Genres: []string{"Horror", "Science Fiction"}, Popularity: 4.4,
			Directors: []string{"Charles Band"}, Cast: []string{"Robert Glaudini", "Demi Moore"}},
		{ID: WeaponsID, IMDbID: "tt26581740", Title: "Weapons", OriginalTitle: "Weapons", OriginalLanguage: "en",
			Titles: map[string]string{"de": "Weapons - Die Stunde des Verschwindens"}, ReleaseDate: "2025-08-04",
			Runtime: 129, Genres: []string{"Horror", "Mystery"}, PosterPath: "/cpf7vsRZ0MYRQcnLWteD5jK9ymT.jpg",
			Popularity: 95.7, Directors: []string{"Zach Cregger"},
			Cast: []string{"Josh Brolin", "Julia Garner", "Alden Ehrenreich", "Austin Abrams", "Cary Christopher"},
			Videos: []Video{
				yt("WpnsTsr0001", "Weapons | Official Teaser", "Teaser", "en", true, "2024-12-18T17:00:00.000Z"),
				yt(WeaponsTrailerKey, "Weapons | Official Trailer", "Trailer", "en", true, "2025-05-14T17:00:00.000Z"),
			}},
		{ID: MatrixID, IMDbID: "tt0133093", Title: "The Matrix", OriginalTitle: "The Matrix", OriginalLanguage: "en",
			ReleaseDate: "1999-03-31", Runtime: 136, Genres: []string{"Action", "Science Fiction"},
			PosterPath: "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg", Popularity: 80.1,
			Directors: []string{"Lana Wachowski", "Lilly Wachowski"},
			Cast:      []string{"Keanu Reeves", "Laurence Fishburne", "Carrie-Anne Moss", "Hugo Weaving"},
			Videos:    []Video{yt("MtrxTrlr001", "The Matrix (1999) Official Trailer", "Trailer", "en", true, "2012-11-20T10:00:00.000Z")}},
		{ID: Crash1996ID, IMDbID: "tt0115964", Title: "Crash", OriginalTitle: "Crash", OriginalLanguage: "en",
			ReleaseDate: "1996-07-18", Runtime: 100, Genres: []string{"Drama", "Thriller"}, Popularity: 14.9,
			Directors: []string{"David Cronenberg"},
			Cast:      []string{"James Spader", "Holly Hunter", "Elias Koteas", "Deborah Kara Unger"},
			Videos:    []Video{yt("Crsh96Trlr1", "Crash (1996) Trailer", "Trailer", "en", true, "2011-05-02T10:00:00.000Z")}},
		{ID: Crash2004ID, IMDbID: "tt0375679", Title: "Crash", OriginalTitle: "Crash", OriginalLanguage: "en",
			ReleaseDate: "2004-09-10", OtherReleaseYears: []int{2005}, Runtime: 112, Genres: []string{"Drama", "Crime"},
			Popularity: 25.4, Directors: []string{"Paul Haggis"},
			Cast:   []string{"Sandra Bullock", "Don Cheadle", "Matt Dillon", "Thandiwe Newton"},
			Videos: []Video{yt("Crsh04Trlr1", "Crash (2004) Official Trailer", "Trailer", "en", true, "2012-03-02T10:00:00.000Z")}},
		{ID: Crash2024ID, Title: "Crash!", OriginalTitle: "Crash!", OriginalLanguage: "en", ReleaseDate: "2024-03-01",
			Runtime: 88, Genres: []string{"Thriller"}, Popularity: 1.2, Directors: []string{"Maya Example"},
			Cast: []string{"Sam Example"}},
		{ID: Suspiria1977ID, IMDbID: "tt0076786", Title: "Suspiria", OriginalTitle: "Suspiria", OriginalLanguage: "it",
			ReleaseDate: "1977-02-01", Runtime: 99, Genres: []string{"Horror"}, Popularity: 20.4,
			Directors: []string{"Dario Argento"}, Cast: []string{"Jessica Harper", "Stefania Casini", "Flavio Bucci"},
			Videos: []Video{yt(Suspiria1977Key, "Suspiria (1977) Trailer", "Trailer", "en", true, "2017-08-01T10:00:00.000Z")}},
		{ID: Suspiria2018ID, IMDbID: "tt1034415", Title: "Suspiria", OriginalTitle: "Suspiria", OriginalLanguage: "en",
			ReleaseDate: "2018-10-26", Runtime: 152, Genres: []string{"Horror", "Mystery"}, Popularity: 24.8,
			Directors: []string{"Luca Guadagnino"}, Cast: []string{"Dakota Johnson", "Tilda Swinton", "Mia Goth"},
			Videos: []Video{yt(Suspiria2018Key, "Suspiria | Official Trailer", "Trailer", "en", true, "2018-06-27T10:00:00.000Z")}},
		{ID: AdolescenceFilmID, Title: "Adolescence", OriginalTitle: "Adolescence", OriginalLanguage: "en",
			ReleaseDate: "2018-06-01", Runtime: 90, Genres: []string{"Drama"}, Popularity: 3,
			Directors: []string{"Casey Example"}, Cast: []string{"Robin Example"},
			Videos: []Video{yt(AdolescenceFilmKey, "Adolescence (2018) Trailer", "Trailer", "en", true, "2018-05-01T10:00:00.000Z")}},
		{ID: TeasersOnlyID, Title: "Nightfall Harbour", OriginalTitle: "Nightfall Harbour", OriginalLanguage: "en",
			ReleaseDate: "2026-11-20", Runtime: 0, Genres: []string{"Thriller"}, Popularity: 3.3,
			Directors: []string{"Sam Example"}, Cast: []string{"Alex Example"},
			Videos: []Video{
				yt("NghtClip001", "Nightfall Harbour - First Look", "Clip", "en", true, "2026-01-10T10:00:00.000Z"),
				yt("NghtTsr0002", "Nightfall Harbour - Teaser 2", "Teaser", "en", true, "2026-06-01T10:00:00.000Z"),
				yt(TeaserKey, "Nightfall Harbour - Teaser", "Teaser", "en", true, "2026-03-01T10:00:00.000Z"),
			}},
		{ID: GermanOnlyID, Title: "The Quiet Hour", OriginalTitle: "Die stille Stunde", OriginalLanguage: "de",
			Titles: map[string]string{"de": "Die stille Stunde"}, ReleaseDate: "2023-05-04", Runtime: 98,
			Genres: []string{"Drama"}, Popularity: 6.2, Directors: []string{"Lena Beispiel"},
			Cast:   []string{"Jonas Beispiel", "Mira Muster"},
			Videos: []Video{yt(GermanTrailerKey, "Die stille Stunde | Trailer | Deutsch", "Trailer", "de", true, "2023-03-01T10:00:00.000Z")}},
	}
}

func coreShows() []Show {
	return []Show{
		// A miniseries: five episodes, all directed by Johan Renck.
		{ID: ChernobylID, IMDbID: "tt7366338", Name: "Chernobyl", OriginalName: "Chernobyl", OriginalLanguage: "en",
			FirstAirDate: "2019-05-06", LastAirDate: "2019-06-03", EpisodeRunTime: 65, Genres: []string{"Drama", "War & Politics"},
			PosterPath: "/hlLXt2tOPT6RRnjiUmoxyG1LTFi.jpg", Popularity: 30.2, CreatedBy: []string{"Craig Mazin"},
			Directors: []string{"Johan Renck"},
			Cast:      []string{"Jared Harris", "Stellan Skarsgård", "Emily Watson", "Paul Ritter"},
			Videos: []Video{
				yt("ChrnblTsr01", "Chernobyl | Official Teaser | HBO", "Teaser", "en", true, "2019-03-01T10:00:00.000Z"),
				yt(ChernobylTrailerKey, "Chernobyl | Official Trailer | HBO", "Trailer", "en", true, "2019-04-01T10:00:00.000Z"),
			}},
		{ID: AdolescenceSeriesID, Name: "Adolescence", OriginalName: "Adolescence", OriginalLanguage: "en",
			OriginCountry: []string{"GB"}, FirstAirDate: "2025-03-13", LastAirDate: "2025-03-13", EpisodeRunTime: 60,
			Genres: []string{"Drama", "Crime"}, Popularity: 88.6, CreatedBy: []string{"Jack Thorne", "Stephen Graham"},
			Cast:   []string{"Stephen Graham", "Owen Cooper", "Ashley Walters", "Erin Doherty"},
			Videos: []Video{yt(AdolescenceSeriesKey, "Adolescence | Official Trailer | Netflix", "Trailer", "en", true, "2025-02-20T10:00:00.000Z")}},
	}
}
