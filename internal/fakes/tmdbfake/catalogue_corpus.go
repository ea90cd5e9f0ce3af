package tmdbfake

// The films of the review corpus (review/testdata/corpus) and of the
// Letterboxd fixtures (review/letterboxd/testdata), for the trailer-coverage
// measurement and the end-to-end tests. Ids, titles, years and directors are
// the films' real ones, and so are the IMDb ids the corpus links (The
// Matrix's, Drive's, Alien's, Nope's); the other IMDb ids are as remembered,
// not checked (nothing here is fetched). Ids from 90000100 up are invented, for other films of the same title (so that a title alone
// is not enough where TMDB too holds several). Release dates, running times,
// genres and billing are as TMDB lists them, give or take; YouTube keys are
// invented but well-formed, each film's own, so a trailer names its film.
// The videos vary as TMDB's do: some films have only teasers, some only a
// fan-made trailer, some none on YouTube at all, some several languages.
const (
	DriveID          = 64690
	Drive1997ID      = 90000101 // Steve Wang's Drive (real id not at hand)
	EverythingID     = 545611
	AlienID          = 348
	HeatID           = 949
	Heat1986ID       = 90000102 // Dick Richards's Heat (real id not at hand)
	OppenheimerID    = 872585
	JawsID           = 578
	GetOutID         = 419430
	GetOutShortID    = 90000103 // an invented short also titled "Get Out"
	SpiritedAwayID   = 129
	MoonlightID      = 376867
	Moonlight2002ID  = 90000104 // Paula van der Oest's Moonlight (real id not at hand)
	Se7enID          = 807
	Dune2021ID       = 438631
	Dune1984ID       = 841
	DunePartTwoID    = 693134
	ArrivalID        = 329865
	BladeRunner2049  = 335984
	SubstanceID      = 933260
	NopeID           = 762504
	PastLivesID      = 666277
	SinnersID        = 1233413
	Sinners2007ID    = 90000105 // an invented thriller also titled "Sinners"
	PerfectDaysID    = 976893
	AnatomyID        = 915935
	ZoneOfInterestID = 467244
	ConclaveID       = 974576
	BarbieID         = 346698
	PoorThingsID     = 792307
	KillersID        = 466420
	HoldoversID      = 840430
	AnoraID          = 1064213
	AmelieID         = 194
	CrouchingTigerID = 146
	CatsID           = 536869
	SeveranceID      = 95396 // TV
)

// Trailer keys the corpus tests look for.
const (
	OppenheimerTrailerKey = "OppnhmrTr01"
	SinnersTeaserKey      = "SnnrsTsr001"
	AnatomyEnTrailerKey   = "AnatomyEn01"
	AnatomyFrTrailerKey   = "AnatomyFr01"
	AnatomyDeTrailerKey   = "AnatomyDe01"
	ConclaveTeaserKey     = "CnclvTsr001"
	JawsFanTrailerKey     = "JwsFanTrl01"
	ZoneTrailerKey        = "ZoneTrlr001"
	SeveranceTrailerKey   = "SvrncTrl001"
)

func vimeo(key, name, typ, lang string, published string) Video {
	return Video{Key: key, Name: name, Site: "Vimeo", Type: typ, Language: lang, Official: true, PublishedAt: published}
}

// corpusMovies are the corpus's and the Letterboxd fixtures' films.
func corpusMovies() []Movie {
	return []Movie{
		{ID: DriveID, IMDbID: "tt0780504", Title: "Drive", OriginalTitle: "Drive", OriginalLanguage: "en",
			ReleaseDate: "2011-09-15", Runtime: 100, Genres: []string{"Drama", "Thriller", "Crime"},
			PosterPath: "/602vevIURmpDfzbnv5Ubi6wIkQm.jpg", Popularity: 38.2, Directors: []string{"Nicolas Winding Refn"},
			Cast:   []string{"Ryan Gosling", "Carey Mulligan", "Bryan Cranston", "Albert Brooks", "Oscar Isaac"},
			Videos: []Video{yt("DrvTrlr0001", "Drive - Official Trailer", "Trailer", "en", true, "2011-04-28T16:00:00.000Z")}},
		{ID: Drive1997ID, Title: "Drive", OriginalTitle: "Drive", OriginalLanguage: "en", ReleaseDate: "1997-09-20",
			Runtime: 99, Genres: []string{"Action", "Science Fiction"}, Popularity: 4.1, Directors: []string{"Steve Wang"},
			Cast:   []string{"Mark Dacascos", "Kadeem Hardison"},
			Videos: []Video{yt("Drv97Trlr01", "Drive (1997) Trailer", "Trailer", "en", false, "2014-02-01T10:00:00.000Z")}},
		{ID: EverythingID, IMDbID: "tt6710474", Title: "Everything Everywhere All at Once",
			OriginalTitle: "Everything Everywhere All at Once", OriginalLanguage: "en", ReleaseDate: "2022-03-24",
			Runtime: 140, Genres: []string{"Action", "Adventure", "Science Fiction"}, Popularity: 44.0,
			Directors: []string{"Daniel Kwan", "Daniel Scheinert"},
			Cast:      []string{"Michelle Yeoh", "Ke Huy Quan", "Stephanie Hsu", "Jamie Lee Curtis", "James Hong"},
			Videos: []Video{
				yt("EEAAOTsr001", "Everything Everywhere All at Once | Official Teaser | A24", "Teaser", "en", true, "2021-12-15T17:00:00.000Z"),
				yt("EEAAOTrl001", "Everything Everywhere All at Once | Official Trailer | A24", "Trailer", "en", true, "2022-01-25T17:00:00.000Z"),
			}},
		{ID: AlienID, IMDbID: "tt0078748", Title: "Alien", OriginalTitle: "Alien", OriginalLanguage: "en",
			ReleaseDate: "1979-05-25", Runtime: 117, Genres: []string{"Horror", "Science Fiction"}, Popularity: 52.3,
			PosterPath: "/vfrQk5IPloGg1v9Rzbh2Eg3VGyM.jpg", Directors: []string{"Ridley Scott"},
			Cast: []string{"Sigourney Weaver", "Tom Skerritt", "Veronica Cartwright", "Harry Dean Stanton", "John Hurt"},
			Videos: []Video{
				vimeo("119876543", "Alien - Trailer", "Trailer", "en", "2010-01-01T10:00:00.000Z"),
				yt("AlnTrlr1979", "Alien (1979) Official Trailer", "Trailer", "en", true, "2014-10-09T10:00:00.000Z"),
				yt("AlnTrlr4K01", "Alien | 4K Re-release Trailer", "Trailer", "en", true, "2024-08-01T10:00:00.000Z"),
			}},
		{ID: HeatID, IMDbID: "tt0113277", Title: "Heat", OriginalTitle: "Heat", OriginalLanguage: "en",
			ReleaseDate: "1995-12-15", Runtime: 170, Genres: []string{"Crime", "Drama", "Action"}, Popularity: 40.8,
			Directors: []string{"Michael Mann"}, Cast: []string{"Al Pacino", "Robert De Niro", "Val Kilmer", "Jon Voight"},
			Videos: []Video{
				yt("HeatDeTrl01", "Heat Trailer Deutsch", "Trailer", "de", true, "2012-06-01T10:00:00.000Z"),
				yt("HeatTrlr001", "Heat (1995) Official Trailer", "Trailer", "en", true, "2013-03-01T10:00:00.000Z"),
			}},
		{ID: Heat1986ID, Title: "Heat", OriginalTitle: "Heat", OriginalLanguage: "en", ReleaseDate: "1986-11-21",
			Runtime: 101, Genres: []string{"Action", "Thriller"}, Popularity: 5.2, Directors: []string{"Dick Richards"},
			Cast:   []string{"Burt Reynolds", "Karen Young"},
			Videos: []Video{yt("Heat86Trl01", "Heat (1986) Trailer", "Trailer", "en", true, "2015-01-01T10:00:00.000Z")}},
		{ID: OppenheimerID, IMDbID: "tt15398776", Title: "Oppenheimer", OriginalTitle: "Oppenheimer", OriginalLanguage: "en",
			ReleaseDate: "2023-07-19", Runtime: 181, Genres: []string{"Drama", "History"}, Popularity: 88.4,
			PosterPath: "/8Gxv8gSFCU0XGDykEGv7zR1n2ua.jpg", Directors: []string{"Christopher Nolan"},
			Cast: []string{"Cillian Murphy", "Emily Blunt", "Matt Damon", "Robert Downey Jr.", "Florence Pugh"},
			Videos: []Video{
				yt("OppnhmrTsr1", "Oppenheimer | Teaser Trailer", "Teaser", "en", true, "2022-07-21T16:00:00.000Z"),
				yt(OppenheimerTrailerKey, "Oppenheimer | Official Trailer", "Trailer", "en", true, "2022-12-19T16:00:00.000Z"),
				yt("OppnhmrDe01", "OPPENHEIMER | Offizieller Trailer", "Trailer", "de", true, "2022-12-19T17:00:00.000Z"),
				yt("OppnhmrBTS1", "Oppenheimer | Behind the Scenes", "Behind the Scenes", "en", true, "2022-11-01T16:00:00.000Z"),
			}},
		{ID: JawsID, IMDbID: "tt0073195", Title: "Jaws", OriginalTitle: "Jaws", OriginalLanguage: "en",
			ReleaseDate: "1975-06-20", Runtime: 124, Genres: []string{"Horror", "Thriller", "Adventure"}, Popularity: 35.5,
			Directors: []string{"Steven Spielberg"}, Cast: []string{"Roy Scheider", "Robert Shaw", "Richard Dreyfuss"},
			// Only an upload by a fan: the film's own trailer is not on TMDB.
			Videos: []Video{
				yt("JwsClip0001", "Jaws - You're gonna need a bigger boat", "Clip", "en", true, "2011-01-01T10:00:00.000Z"),
				yt(JawsFanTrailerKey, "JAWS (1975) trailer", "Trailer", "en", false, "2012-05-05T10:00:00.000Z"),
			}},
		{ID: GetOutID, IMDbID: "tt5052448", Title: "Get Out", OriginalTitle: "Get Out", OriginalLanguage: "en",
			ReleaseDate: "2017-02-24", Runtime: 104, Genres: []string{"Mystery", "Thriller", "Horror"}, Popularity: 33.9,
			Directors: []string{"Jordan Peele"}, Cast: []string{"Daniel Kaluuya", "Allison Williams", "Catherine Keener", "Bradley Whitford"},
			Videos: []Video{
				yt("GetOutFt001", "Get Out - Featurette", "Featurette", "en", true, "2016-09-01T10:00:00.000Z"),
				yt("GetOutTrl01", "Get Out Official Trailer 1", "Trailer", "en", true, "2016-10-04T16:00:00.000Z"),
			}},
		{ID: GetOutShortID, Title: "Get Out", OriginalTitle: "Get Out", OriginalLanguage: "en", ReleaseDate: "2012-05-01",
			Runtime: 9, Genres: []string{"Comedy"}, Popularity: 0.8, Directors: []string{"Kim Example"}, Cast: []string{"Lee Example"},
			Videos: []Video{yt("GetOut12T01", "Get Out (short) - Trailer", "Trailer", "en", true, "2012-04-01T10:00:00.000Z")}},
		{ID: SpiritedAwayID, IMDbID: "tt0245429", Title: "Spirited Away", OriginalTitle: "千と千尋の神隠し", OriginalLanguage: "ja",
			ReleaseDate: "2001-07-20", Runtime: 125, Genres: []string{"Animation", "Family", "Fantasy"}, Popularity: 70.1,
			Directors: []string{"Hayao Miyazaki"}, Cast: []string{"Rumi Hiiragi", "Miyu Irino", "Mari Natsuki", "Takashi Naito"},
			Videos: []Video{
				yt("SprtJaTrl01", "千と千尋の神隠し 予告", "Trailer", "ja", true, "2001-06-01T10:00:00.000Z"),
				yt("SprtEnTrl01", "Spirited Away - Official Trailer | GKIDS", "Trailer", "en", true, "2019-08-01T10:00:00.000Z"),
			}},
		{ID: MoonlightID, IMDbID: "tt4975722", Title: "Moonlight", OriginalTitle: "Moonlight", OriginalLanguage: "en",
			ReleaseDate: "2016-10-21", Runtime: 111, Genres: []string{"Drama"}, Popularity: 21.4, Directors: []string{"Barry Jenkins"},
			Cast:   []string{"Trevante Rhodes", "André Holland", "Janelle Monáe", "Ashton Sanders", "Mahershala Ali"},
			Videos: []Video{yt("MnlghtTrl01", "Moonlight | Official Trailer HD | A24", "Trailer", "en", true, "2016-08-11T16:00:00.000Z")}},
		{ID: Moonlight2002ID, Title: "Moonlight", OriginalTitle: "Moonlight", OriginalLanguage: "en", ReleaseDate: "2002-10-01",
			Runtime: 86, Genres: []string{"Drama", "Thriller"}, Popularity: 2.7, Directors: []string{"Paula van der Oest"},
			Cast: []string{"Laurien Van den Broeck"}},
		{ID: Se7enID, IMDbID: "tt0114369", Title: "Se7en", OriginalTitle: "Se7en", OriginalLanguage: "en",
			ReleaseDate: "1995-09-22", Runtime: 127, Genres: []string{"Crime", "Mystery", "Thriller"}, Popularity: 45.7,
			Directors: []string{"David Fincher"}, Cast: []string{"Brad Pitt", "Morgan Freeman", "Gwyneth Paltrow", "Kevin Spacey"},
			// Nothing on YouTube that may be posted: a trailer on Vimeo, a clip.
			Videos: []Video{
				vimeo("88776655", "Se7en - Trailer", "Trailer", "en", "2012-01-01T10:00:00.000Z"),
				yt("Se7enClip01", "Se7en - What's in the box", "Clip", "en", true, "2011-01-01T10:00:00.000Z"),
			}},
		{ID: Dune2021ID, IMDbID: "tt1160419", Title: "Dune", OriginalTitle: "Dune", OriginalLanguage: "en",
			ReleaseDate: "2021-09-15", Runtime: 155, Genres: []string{"Science Fiction", "Adventure"}, Popularity: 92.3,
			Directors: []string{"Denis Villeneuve"}, Cast: []string{"Timothée Chalamet", "Rebecca Ferguson", "Oscar Isaac", "Zendaya"},
			Videos: []Video{yt("Dune21Trl01", "Dune | Official Main Trailer", "Trailer", "en", true, "2021-07-22T16:00:00.000Z")}},
		{ID: Dune1984ID, IMDbID: "tt0087182", Title: "Dune", OriginalTitle: "Dune", OriginalLanguage: "en",
			ReleaseDate: "1984-12-14", Runtime: 137, Genres: []string{"Action", "Science Fiction", "Adventure"}, Popularity: 30.6,
			Directors: []string{"David Lynch"}, Cast: []string{"Kyle MacLachlan", "Francesca Annis", "Sting"},
			Videos: []Video{yt("Dune84Trl01", "Dune (1984) Trailer", "Trailer", "en", true, "2011-03-01T10:00:00.000Z")}},
		{ID: DunePartTwoID, IMDbID: "tt15239678", Title: "Dune: Part Two", OriginalTitle: "Dune: Part Two", OriginalLanguage: "en",
			ReleaseDate: "2024-02-27", Runtime: 167, Genres: []string{"Science Fiction", "Adventure"}, Popularity: 120.4,
			PosterPath: "/1pdfLvkbY9ohJlCjQH2CZjjYVvJ.jpg", Directors: []string{"Denis Villeneuve"},
			Cast: []string{"Timothée Chalamet", "Zendaya", "Rebecca Ferguson", "Javier Bardem"},
			Videos: []Video{
				yt("Dune2Trl003", "Dune: Part Two | Official Trailer 3", "Trailer", "en", true, "2023-12-12T16:00:00.000Z"),
				yt("Dune2Trl001", "Dune: Part Two | Official Trailer", "Trailer", "en", true, "2023-05-03T16:00:00.000Z"),
				yt("Dune2Trl002", "Dune: Part Two | Official Trailer 2", "Trailer", "en", true, "2023-06-21T16:00:00.000Z"),
			}},
		{ID: ArrivalID, IMDbID: "tt2543164", Title: "Arrival", OriginalTitle: "Arrival", OriginalLanguage: "en",
			ReleaseDate: "2016-11-10", Runtime: 116, Genres: []string{"Drama", "Science Fiction", "Mystery"}, Popularity: 36.0,
			Directors: []string{"Denis Villeneuve"}, Cast: []string{"Amy Adams", "Jeremy Renner", "Forest Whitaker"},
			Videos: []Video{yt("ArrvlTrl001", "Arrival Official Trailer", "Trailer", "en", true, "2016-08-15T16:00:00.000Z")}},
		{ID: BladeRunner2049, IMDbID: "tt1856101", Title: "Blade Runner 2049", OriginalTitle: "Blade Runner 2049",
			OriginalLanguage: "en", ReleaseDate: "2017-10-04", Runtime: 164, Genres: []string{"Science Fiction", "Drama"},
			Popularity: 50.2, Directors: []string{"Denis Villeneuve"}, Cast: []string{"Ryan Gosling", "Harrison Ford", "Ana de Armas"},
			Videos: []Video{yt("BR2049Trl01", "Blade Runner 2049 - Official Trailer", "Trailer", "en", true, "2017-05-08T16:00:00.000Z")}},
		{ID: SubstanceID, IMDbID: "tt17526714", Title: "The Substance", OriginalTitle: "The Substance", OriginalLanguage: "en",
			ReleaseDate: "2024-09-07", Runtime: 141, Genres: []string{"Horror", "Science Fiction"}, Popularity: 64.9,
			Directors: []string{"Coralie Fargeat"}, Cast: []string{"Demi Moore", "Margaret Qualley", "Dennis Quaid"},
			Videos: []Video{
				yt("SbstncBlp01", "The Substance - Bloopers", "Bloopers", "en", true, "2024-06-01T10:00:00.000Z"),
				yt("SbstncTrl01", "The Substance | Official Trailer | MUBI", "Trailer", "en", true, "2024-07-15T16:00:00.000Z"),
			}},
		{ID: NopeID, IMDbID: "tt10954984", Title: "Nope", OriginalTitle: "Nope", OriginalLanguage: "en",
			ReleaseDate: "2022-07-20", Runtime: 130, Genres: []string{"Horror", "Science Fiction", "Mystery"}, Popularity: 29.7,
			Directors: []string{"Jordan Peele"}, Cast: []string{"Daniel Kaluuya", "Keke Palmer", "Steven Yeun"},
			Videos: []Video{yt("NopeTrlr001", "Nope - Official Trailer", "Trailer", "en", true, "2022-02-13T23:00:00.000Z")}},
		{ID: PastLivesID, IMDbID: "tt13238346", Title: "Past Lives", OriginalTitle: "Past Lives", OriginalLanguage: "en",
			ReleaseDate: "2023-06-02", Runtime: 106, Genres: []string{"Drama", "Romance"}, Popularity: 25.1,
			Directors: []string{"Celine Song"}, Cast: []string{"Greta Lee", "Teo Yoo", "John Magaro"},
			Videos: []Video{yt("PstLvsTrl01", "Past Lives | Official Trailer HD | A24", "Trailer", "en", true, "2023-03-01T16:00:00.000Z")}},
		{ID: SinnersID, IMDbID: "tt31193180", Title: "Sinners", OriginalTitle: "Sinners", OriginalLanguage: "en",
			ReleaseDate: "2025-04-16", Runtime: 138, Genres: []string{"Horror", "Action", "Thriller"}, Popularity: 97.0,
			Directors: []string{"Ryan Coogler"}, Cast: []string{"Michael B. Jordan", "Hailee Steinfeld", "Miles Caton"},
			// Only teasers so far, the first one earliest.
			Videos: []Video{
				yt("SnnrsTsr002", "Sinners | Official Teaser 2", "Teaser", "en", true, "2025-02-09T23:00:00.000Z"),
				yt(SinnersTeaserKey, "Sinners | Official Teaser", "Teaser", "en", true, "2024-10-01T16:00:00.000Z"),
			}},
		{ID: Sinners2007ID, Title: "Sinners", OriginalTitle: "Sinners", OriginalLanguage: "en", ReleaseDate: "2007-03-10",
			Runtime: 92, Genres: []string{"Thriller"}, Popularity: 1.9, Directors: []string{"Pat Example"}, Cast: []string{"Rob Example"},
			Videos: []Video{yt("Snnrs07Trl1", "Sinners (2007) Trailer", "Trailer", "en", true, "2007-01-01T10:00:00.000Z")}},
		{ID: PerfectDaysID, IMDbID: "tt27503384", Title: "Perfect Days", OriginalTitle: "Perfect Days", OriginalLanguage: "ja",
			ReleaseDate: "2023-12-21", Runtime: 124, Genres: []string{"Drama"}, Popularity: 18.6,
			Directors: []string{"Wim Wenders"}, Cast: []string{"Koji Yakusho", "Tokio Emoto", "Arisa Nakano"},
			Videos: []Video{
				yt("PrfDysDe001", "PERFECT DAYS | Trailer | Deutsch", "Trailer", "de", true, "2023-10-10T10:00:00.000Z"),
				yt("PrfDysJa001", "PERFECT DAYS 予告編", "Trailer", "ja", true, "2023-09-01T10:00:00.000Z"),
			}},
		{ID: AnatomyID, IMDbID: "tt17009710", Title: "Anatomy of a Fall", OriginalTitle: "Anatomie d'une chute",
			OriginalLanguage: "fr", Titles: map[string]string{"de": "Anatomie eines Falls"}, ReleaseDate: "2023-08-23",
			Runtime: 152, Genres: []string{"Crime", "Mystery", "Drama"}, Popularity: 27.3, Directors: []string{"Justine Triet"},
			Cast: []string{"Sandra Hüller", "Swann Arlaud", "Milo Machado-Graner", "Antoine Reinartz"},
			Videos: []Video{
				yt(AnatomyFrTrailerKey, "Anatomie d'une chute - Bande-annonce", "Trailer", "fr", true, "2023-05-26T10:00:00.000Z"),
				yt(AnatomyDeTrailerKey, "ANATOMIE EINES FALLS Trailer German Deutsch", "Trailer", "de", true, "2023-09-01T10:00:00.000Z"),
				yt(AnatomyEnTrailerKey, "Anatomy of a Fall | Official Trailer | NEON", "Trailer", "en", true, "2023-08-10T16:00:00.000Z"),
			}},
		{ID: ZoneOfInterestID, IMDbID: "tt7160372", Title: "The Zone of Interest", OriginalTitle: "The Zone of Interest",
			OriginalLanguage: "en", ReleaseDate: "2023-12-15", Runtime: 105, Genres: []string{"Drama", "History", "War"},
			Popularity: 24.0, Directors: []string{"Jonathan Glazer"}, Cast: []string{"Christian Friedel", "Sandra Hüller"},
			Videos: []Video{
				yt("ZoneTsr0001", "The Zone of Interest | Official Teaser | A24", "Teaser", "en", true, "2023-09-01T16:00:00.000Z"),
				yt(ZoneTrailerKey, "The Zone of Interest | Official Trailer | A24", "Trailer", "en", true, "2023-11-01T16:00:00.000Z"),
			}},
		{ID: ConclaveID, IMDbID: "tt20215234", Title: "Conclave", OriginalTitle: "Conclave", OriginalLanguage: "en",
			ReleaseDate: "2024-10-25", Runtime: 120, Genres: []string{"Drama", "Thriller"}, Popularity: 55.5,
			Directors: []string{"Edward Berger"}, Cast: []string{"Ralph Fiennes", "Stanley Tucci", "John Lithgow", "Isabella Rossellini"},
			// A fan-made trailer, earlier than the official teaser: the teaser wins.
			Videos: []Video{
				yt("CnclvFan001", "CONCLAVE Trailer (2024) fan made", "Trailer", "en", false, "2024-05-01T10:00:00.000Z"),
				yt(ConclaveTeaserKey, "Conclave | Official Teaser", "Teaser", "en", true, "2024-07-10T16:00:00.000Z"),
			}},
		{ID: BarbieID, IMDbID: "tt1517268", Title: "Barbie", OriginalTitle: "Barbie", OriginalLanguage: "en",
			ReleaseDate: "2023-07-19", Runtime: 114, Genres: []string{"Comedy", "Adventure", "Fantasy"}, Popularity: 60.0,
			PosterPath: "/iuFNMS8U5cb6xfzi51Dbkovj7vM.jpg", Directors: []string{"Greta Gerwig"},
			Cast: []string{"Margot Robbie", "Ryan Gosling", "America Ferrera", "Kate McKinnon"},
			Videos: []Video{
				yt("BrbTeaser01", "Barbie | Teaser Trailer", "Teaser", "en", true, "2022-12-16T16:00:00.000Z"),
				yt("BrbTrailer1", "Barbie | Main Trailer", "Trailer", "en", true, "2023-05-25T16:00:00.000Z"),
			}},
		{ID: PoorThingsID, IMDbID: "tt14230458", Title: "Poor Things", OriginalTitle: "Poor Things", OriginalLanguage: "en",
			ReleaseDate: "2023-12-07", Runtime: 141, Genres: []string{"Science Fiction", "Romance", "Comedy"}, Popularity: 48.1,
			Directors: []string{"Yorgos Lanthimos"}, Cast: []string{"Emma Stone", "Mark Ruffalo", "Willem Dafoe", "Ramy Youssef"},
			Videos: []Video{yt("PoorThTrl01", "POOR THINGS | Official Trailer | Searchlight Pictures", "Trailer", "en", true, "2023-05-10T16:00:00.000Z")}},
		{ID: KillersID, IMDbID: "tt5537002", Title: "Killers of the Flower Moon", OriginalTitle: "Killers of the Flower Moon",
			OriginalLanguage: "en", ReleaseDate: "2023-10-18", Runtime: 206, Genres: []string{"Crime", "Drama", "History"},
			Popularity: 41.2, Directors: []string{"Martin Scorsese"},
			Cast: []string{"Leonardo DiCaprio", "Robert De Niro", "Lily Gladstone", "Jesse Plemons"},
			Videos: []Video{
				yt("KotFMDeTr01", "KILLERS OF THE FLOWER MOON | Trailer Deutsch", "Trailer", "de", true, "2023-05-19T10:00:00.000Z"),
				yt("KotFMTrl001", "Killers of the Flower Moon — Official Trailer | Apple TV+", "Trailer", "en", true, "2023-05-18T16:00:00.000Z"),
			}},
		{ID: HoldoversID, IMDbID: "tt14849194", Title: "The Holdovers", OriginalTitle: "The Holdovers", OriginalLanguage: "en",
			ReleaseDate: "2023-10-27", Runtime: 133, Genres: []string{"Comedy", "Drama"}, Popularity: 26.9,
			Directors: []string{"Alexander Payne"}, Cast: []string{"Paul Giamatti", "Da'Vine Joy Randolph", "Dominic Sessa"},
			Videos: []Video{yt("HldvrsTrl01", "THE HOLDOVERS | Official Trailer | Focus Features", "Trailer", "en", true, "2023-07-26T16:00:00.000Z")}},
		{ID: AnoraID, IMDbID: "tt28607951", Title: "Anora", OriginalTitle: "Anora", OriginalLanguage: "en",
			ReleaseDate: "2024-10-14", Runtime: 139, Genres: []string{"Drama", "Comedy", "Romance"}, Popularity: 58.3,
			Directors: []string{"Sean Baker"}, Cast: []string{"Mikey Madison", "Mark Eydelshteyn", "Yura Borisov"},
			Videos: []Video{yt("AnoraTrl001", "ANORA - Official Trailer | NEON", "Trailer", "en", true, "2024-08-20T16:00:00.000Z")}},
		{ID: AmelieID, Title: "Amélie", OriginalTitle: "Le Fabuleux Destin d'Amélie Poulain", OriginalLanguage: "fr",
			ReleaseDate: "2001-04-25", Runtime: 122, Genres: []string{"Comedy", "Romance"}, Popularity: 30.4,
			Directors: []string{"Jean-Pierre Jeunet"}, Cast: []string{"Audrey Tautou", "Mathieu Kassovitz"},
			// Only French videos: the details ask for the post's language and
			// English, so the client must ask for French too.
			Videos: []Video{yt("AmelieFrTr1", "Le Fabuleux Destin d'Amélie Poulain - Bande-annonce", "Trailer", "fr", true, "2011-04-25T10:00:00.000Z")}},
		{ID: CrouchingTigerID, Title: "Crouching Tiger, Hidden Dragon", OriginalTitle: "臥虎藏龍", OriginalLanguage: "zh",
			ReleaseDate: "2000-07-06", Runtime: 120, Genres: []string{"Adventure", "Drama", "Action", "Romance"}, Popularity: 22.2,
			Directors: []string{"Ang Lee"}, Cast: []string{"Chow Yun-fat", "Michelle Yeoh", "Zhang Ziyi"},
			Videos: []Video{yt("CTHDTrlr001", "Crouching Tiger, Hidden Dragon - Trailer", "Trailer", "en", true, "2010-11-01T10:00:00.000Z")}},
		{ID: CatsID, Title: "Cats", OriginalTitle: "Cats", OriginalLanguage: "en", ReleaseDate: "2019-12-19", Runtime: 110,
			Genres: []string{"Comedy", "Fantasy"}, Popularity: 15.0, Directors: []string{"Tom Hooper"},
			Cast:   []string{"Francesca Hayward", "Judi Dench", "Idris Elba", "Taylor Swift"},
			Videos: []Video{yt("CatsTrlr001", "CATS - Official Trailer [HD]", "Trailer", "en", true, "2019-07-18T16:00:00.000Z")}},
	}
}

// corpusShows are the corpus's and the Letterboxd fixtures' TV shows.
func corpusShows() []Show {
	return []Show{
		// Two seasons (2022, 2025) and a third coming: created by Dan
		// Erickson, its episodes directed by Ben Stiller and others.
		{ID: SeveranceID, IMDbID: "tt11280740", Name: "Severance", OriginalName: "Severance", OriginalLanguage: "en",
			FirstAirDate: "2022-02-17", LastAirDate: "2025-03-20", InProduction: true, EpisodeRunTime: 50,
			Genres: []string{"Drama", "Mystery"}, Popularity: 80.0, CreatedBy: []string{"Dan Erickson"},
			Directors: []string{"Ben Stiller", "Aoife McArdle", "Uta Briesewitz", "Jessica Lee Gagné", "Sam Donovan"},
			Cast:      []string{"Adam Scott", "Britt Lower", "Zach Cherry", "Tramell Tillman", "John Turturro", "Patricia Arquette"},
			Videos:    []Video{yt(SeveranceTrailerKey, "Severance — Official Trailer | Apple TV+", "Trailer", "en", true, "2022-01-13T16:00:00.000Z")}},
	}
}
