package review

import (
	"time"

	"github.com/reelpost/reelpost/film"
)

// Where a trailer came from (Review.TrailerSource).
const (
	// TrailerFromReview: the review embeds or links it, or the item's media
	// carries it.
	TrailerFromReview = "review"
	// TrailerFromTMDB: TMDB's official trailer for the identified film.
	TrailerFromTMDB = "tmdb"
)

// Review is what reelpost understood of one feed item: the fields a post is
// rendered from and the identity the ledger keys deliveries on. It is stored in
// the ledger (Encode, Decode), so a pending delivery can be rendered after a restart
// without the feed.
type Review struct {
	// Key is the item's stable identity within its feed: the GUID; without one,
	// the normalised link; without that, a hash of title and date.
	Key string `json:"key"`
	// GUID is the item's own GUID (Atom id, JSON Feed id) as the feed gave it.
	GUID string `json:"guid,omitempty"`
	// Link is the absolute URL of the review page, as published.
	Link string `json:"link,omitempty"`
	// NormLink is Link normalised for identity: lower-case scheme and host, no
	// fragment, no trailing slash, tracking parameters (utm_*, fbclid, ...) and
	// language variants (?lang=) removed, https.
	NormLink string `json:"norm_link,omitempty"`
	// FeedURL is the feed the item came from.
	FeedURL string `json:"feed_url,omitempty"`

	// Title is the item's title as published; for a Letterboxd entry, whose
	// item title is "Film, 2025 - ★★★★½ (contains spoilers)", it is the
	// film and year as a reader writes them ("Film (2025)"): the rating and
	// the spoiler flag have fields of their own.
	Title      string    `json:"title"`
	Author     string    `json:"author,omitempty"`
	Published  time.Time `json:"published,omitzero"`
	Categories []string  `json:"categories,omitempty"`
	// Image is an absolute URL of the review's picture (never a tracking pixel,
	// a feed-flare button or the author's avatar), or empty.
	Image string `json:"image,omitempty"`

	// TrailerID is a YouTube video id (11 characters of [A-Za-z0-9_-]).
	TrailerID string `json:"trailer_id,omitempty"`
	// TrailerURL is https://www.youtube.com/watch?v=TrailerID, or empty.
	TrailerURL string `json:"trailer_url,omitempty"`
	// TrailerSource says where the trailer came from: TrailerFromReview or
	// TrailerFromTMDB; empty when there is no trailer, and in reviews stored
	// before the field existed (when every trailer came from the review).
	TrailerSource string `json:"trailer_source,omitempty"`

	// The film the review is about, as the review states it (see Evidence).
	// FilmTitle is the film's name: Letterboxd's film title, the metadata
	// block's title, else derived from Title ("Parasite review" is
	// "Parasite"). Year is 0 when the review states none.
	FilmTitle string `json:"film_title,omitempty"`
	Year      int    `json:"year,omitempty"`
	// TMDBMovieID and TMDBTVID are TMDB's ids as the feed gives them
	// (Letterboxd's tmdb:movieId, tmdb:tvId); 0 when absent.
	TMDBMovieID int `json:"tmdb_movie_id,omitempty"`
	TMDBTVID    int `json:"tmdb_tv_id,omitempty"`
	// IMDbID is the title id (tt…) of the first imdb.com/title/ link in the
	// review.
	IMDbID string `json:"imdb_id,omitempty"`
	// Spoilers is set when the review says it discusses the plot: a
	// "spoilers" category or tag, a title marked "(spoilers)", Letterboxd's
	// spoiler flag.
	Spoilers bool `json:"spoilers,omitempty"`
	// Rewatch is set when a Letterboxd entry is a rewatch.
	Rewatch bool `json:"rewatch,omitempty"`

	// The review's metadata block, when it has one.
	Genres         []string `json:"genres,omitempty"`
	Cast           []string `json:"cast,omitempty"`
	Director       string   `json:"director,omitempty"`
	Writer         string   `json:"writer,omitempty"`
	RuntimeMinutes int      `json:"runtime_minutes,omitempty"`
	// Rating is normalised to "N/M" (stars become N/5), or empty.
	Rating string `json:"rating,omitempty"`
	// Stars is the rating as the reviewer gave it in stars out of five,
	// "★★★½" (Letterboxd's member rating), or empty.
	Stars   string   `json:"stars,omitempty"`
	SeeAlso []string `json:"see_also,omitempty"`

	// Summary is the verdict-like summary a post carries: the feed's own excerpt
	// when it is a real one, otherwise the sentences carrying the reviewer's
	// judgement. Plain text, whole sentences.
	Summary string `json:"summary,omitempty"`
	// Text is the review's whole body as plain text (HTML stripped, shortcodes,
	// metadata lines and page boilerplate removed).
	Text string `json:"text,omitempty"`

	// IsReview says whether the item is a review at all, and ReviewReason why.
	IsReview     bool   `json:"is_review"`
	ReviewReason string `json:"review_reason,omitempty"`
	// Excluded is set when the operator's filters (FEED_INCLUDE,
	// FEED_EXCLUDE and a feed's own) left the item out: IsReview is then
	// false and ReviewReason names the variable.
	Excluded bool `json:"excluded,omitempty"`
	// PageFetched is set when fields were completed from the item's own page.
	PageFetched bool `json:"page_fetched,omitempty"`
	// Duplicates lists the links of other items of the same feed that were
	// recognised as this same review (a post listed once per language, say).
	Duplicates []string `json:"duplicates,omitempty"`
}

// Film is the film the review is about, as a post names it: FilmTitle and
// Year; for a review stored before those fields existed, what extraction
// derives from Title now ("Parasite (2019) review" is "Parasite", 2019).
func (r Review) Film() (title string, year int) {
	if r.FilmTitle != "" || r.Title == "" {
		return r.FilmTitle, r.Year
	}
	title, year = film.TitleFromItem(r.Title)
	if r.Year > 0 {
		year = r.Year
	}
	return title, year
}

// Evidence is what the review states about its film, for identifying it on
// TMDB: the one place that evidence is built.
func (r Review) Evidence() film.Evidence {
	title, year := r.Film()
	return film.Evidence{
		TMDBMovieID: r.TMDBMovieID,
		TMDBTVID:    r.TMDBTVID,
		IMDbID:      r.IMDbID,
		Title:       title,
		Year:        year,
		Director:    r.Director,
		Cast:        r.Cast,
		Published:   r.Published,
	}
}
