package film

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kind is what TMDB files an entry under.
type Kind string

const (
	KindMovie Kind = "movie"
	KindTV    Kind = "tv"
)

// SearchResult is one film a search or a find listed.
type SearchResult struct {
	Kind             Kind
	ID               int
	Title            string // in the client's language
	OriginalTitle    string
	OriginalLanguage string // ISO 639-1
	ReleaseDate      string // YYYY-MM-DD, or "" when TMDB has none
	Popularity       float64
}

// Year is the release (or first air) year; 0 when unknown.
func (r SearchResult) Year() int { return yearOf(r.ReleaseDate) }

// SearchPage is one page of search results, most relevant first.
type SearchPage struct {
	Page, TotalPages, TotalResults int
	Results                        []SearchResult
}

// Details is what TMDB holds on one film or show, with its videos and
// credits.
type Details struct {
	Kind             Kind
	ID               int
	IMDbID           string
	Title            string // in the client's language
	OriginalTitle    string
	OriginalLanguage string
	ReleaseDate      string // first air date for TV
	// LastAirDate is a show's latest episode's air date; "" for a film.
	LastAirDate string
	// InProduction is TMDB's in_production for a show: more of it is
	// coming, so a season may be reviewed before it airs.
	InProduction   bool
	RuntimeMinutes int // per episode for TV
	Genres         []string
	PosterPath     string
	// Directors are the crew whose job is Director; for TV, the creators.
	Directors []string
	// EpisodeDirectors are, for TV, whoever directed one of its episodes
	// in any season: a review of a series may name them as its director.
	EpisodeDirectors []string
	// Cast is everyone credited as cast, in billing order; for TV, in any
	// season.
	Cast []string
	// Videos are those in the languages asked for (see videoLanguages).
	Videos []Video
}

// Year is the release (or first air) year; 0 when unknown.
func (d Details) Year() int { return yearOf(d.ReleaseDate) }

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}

func dateOf(date string) time.Time {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return time.Time{}
	}
	return t
}

// wire types: TMDB's JSON.
type (
	wireResult struct {
		ID               int     `json:"id"`
		Title            string  `json:"title"`
		OriginalTitle    string  `json:"original_title"`
		Name             string  `json:"name"`          // TV
		OriginalName     string  `json:"original_name"` // TV
		OriginalLanguage string  `json:"original_language"`
		ReleaseDate      string  `json:"release_date"`
		FirstAirDate     string  `json:"first_air_date"` // TV
		Popularity       float64 `json:"popularity"`
	}
	wireVideo struct {
		Language    *string `json:"iso_639_1"`
		Region      *string `json:"iso_3166_1"`
		Name        string  `json:"name"`
		Key         string  `json:"key"`
		Site        string  `json:"site"`
		Type        string  `json:"type"`
		Official    bool    `json:"official"`
		PublishedAt string  `json:"published_at"`
	}
	wireVideos struct {
		Results []wireVideo `json:"results"`
	}
	wireCredits struct {
		Cast []struct {
			Name  string `json:"name"`
			Order int    `json:"order"`
		} `json:"cast"`
		Crew []struct {
			Name string `json:"name"`
			Job  string `json:"job"`
		} `json:"crew"`
	}
	// wireAggregateCredits is a show's cast and crew over every season
	// (GET /3/tv/{id}/aggregate_credits): a person once, with the jobs
	// they had.
	wireAggregateCredits struct {
		Cast []struct {
			Name  string `json:"name"`
			Order int    `json:"order"`
		} `json:"cast"`
		Crew []struct {
			Name string `json:"name"`
			Jobs []struct {
				Job string `json:"job"`
			} `json:"jobs"`
		} `json:"crew"`
	}
	wireDetails struct {
		wireResult
		IMDbID         *string `json:"imdb_id"`       // films only
		LastAirDate    *string `json:"last_air_date"` // TV
		InProduction   bool    `json:"in_production"` // TV
		Runtime        int     `json:"runtime"`
		EpisodeRunTime []int   `json:"episode_run_time"` // TV
		Genres         []struct {
			Name string `json:"name"`
		} `json:"genres"`
		PosterPath *string `json:"poster_path"`
		CreatedBy  []struct {
			Name string `json:"name"`
		} `json:"created_by"` // TV
		Videos           wireVideos           `json:"videos"`
		Credits          wireCredits          `json:"credits"`
		AggregateCredits wireAggregateCredits `json:"aggregate_credits"` // TV
		ExternalIDs      struct {
			IMDbID *string `json:"imdb_id"`
		} `json:"external_ids"` // TV: its details have no imdb_id
	}
)

func (w wireResult) result(k Kind) SearchResult {
	r := SearchResult{Kind: k, ID: w.ID, Title: w.Title, OriginalTitle: w.OriginalTitle,
		OriginalLanguage: w.OriginalLanguage, ReleaseDate: w.ReleaseDate, Popularity: w.Popularity}
	if k == KindTV {
		r.Title, r.OriginalTitle, r.ReleaseDate = w.Name, w.OriginalName, w.FirstAirDate
	}
	return r
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (w wireVideo) video() Video {
	v := Video{Key: w.Key, Name: w.Name, Site: w.Site, Type: w.Type, Official: w.Official,
		Language: strings.ToLower(deref(w.Language)), Region: deref(w.Region)}
	if v.Language == "xx" { // TMDB's code for "No Language"
		v.Language = ""
	}
	if t, err := time.Parse(time.RFC3339, w.PublishedAt); err == nil {
		v.PublishedAt = t.UTC()
	}
	return v
}

func videosOf(w wireVideos) []Video {
	out := make([]Video, 0, len(w.Results))
	for _, v := range w.Results {
		out = append(out, v.video())
	}
	return out
}

// SearchMovie searches films by title (GET /3/search/movie). No year is
// sent: TMDB's year= keeps exact years only, and identification weighs the
// year itself (±1). The first page only: 20 results.
func (c *Client) SearchMovie(ctx context.Context, query string) (SearchPage, error) {
	return c.search(ctx, KindMovie, query, url.Values{})
}

// SearchTV searches TV series by name (GET /3/search/tv). Its results carry
// a series' name, original name and first air date as Title, OriginalTitle
// and ReleaseDate. The first page only: 20 results.
func (c *Client) SearchTV(ctx context.Context, query string) (SearchPage, error) {
	return c.search(ctx, KindTV, query, url.Values{})
}

func (c *Client) search(ctx context.Context, k Kind, query string, q url.Values) (SearchPage, error) {
	if strings.TrimSpace(query) == "" {
		return SearchPage{}, fmt.Errorf("search TMDB: empty title")
	}
	q.Set("query", query)
	q.Set("language", c.lang)
	q.Set("include_adult", "false")
	var w struct {
		Page         int          `json:"page"`
		TotalPages   int          `json:"total_pages"`
		TotalResults int          `json:"total_results"`
		Results      []wireResult `json:"results"`
	}
	if err := c.get(ctx, "/3/search/"+string(k), q, &w); err != nil {
		return SearchPage{}, fmt.Errorf("search TMDB %s for %q: %w", k, query, err)
	}
	p := SearchPage{Page: w.Page, TotalPages: w.TotalPages, TotalResults: w.TotalResults}
	for _, r := range w.Results {
		p.Results = append(p.Results, r.result(k))
	}
	return p, nil
}

// Found is what TMDB holds under an external id.
type Found struct {
	Movies, TV []SearchResult
	// Episodes are TV episodes: an IMDb id names an episode as it names a
	// series.
	Episodes []FoundEpisode
}

// FoundEpisode is a TV episode find listed.
type FoundEpisode struct {
	// ShowID is its series' TMDB id.
	ShowID          int
	Name            string
	Season, Episode int
	AirDate         string // YYYY-MM-DD, or ""
}

var imdbIDRe = regexp.MustCompile(`^tt\d{7,10}$`)

// FindIMDb looks up an IMDb title id such as tt0133093
// (GET /3/find/{id}?external_source=imdb_id).
func (c *Client) FindIMDb(ctx context.Context, imdbID string) (Found, error) {
	if !imdbIDRe.MatchString(imdbID) {
		return Found{}, fmt.Errorf("find %q on TMDB: not an IMDb title id (tt and 7 or more digits)", imdbID)
	}
	var w struct {
		Movies   []wireResult `json:"movie_results"`
		TV       []wireResult `json:"tv_results"`
		Episodes []struct {
			ShowID  int     `json:"show_id"`
			Name    string  `json:"name"`
			Season  int     `json:"season_number"`
			Episode int     `json:"episode_number"`
			AirDate *string `json:"air_date"`
		} `json:"tv_episode_results"`
	}
	q := url.Values{"external_source": {"imdb_id"}, "language": {c.lang}}
	if err := c.get(ctx, "/3/find/"+imdbID, q, &w); err != nil {
		return Found{}, fmt.Errorf("find %s on TMDB: %w", imdbID, err)
	}
	var f Found
	for _, r := range w.Movies {
		f.Movies = append(f.Movies, r.result(KindMovie))
	}
	for _, r := range w.TV {
		f.TV = append(f.TV, r.result(KindTV))
	}
	for _, e := range w.Episodes {
		if e.ShowID > 0 {
			f.Episodes = append(f.Episodes, FoundEpisode{ShowID: e.ShowID, Name: e.Name, Season: e.Season,
				Episode: e.Episode, AirDate: deref(e.AirDate)})
		}
	}
	return f, nil
}

// Movie fetches a film's details, videos and credits in one request
// (GET /3/movie/{id}?append_to_response=videos,credits).
func (c *Client) Movie(ctx context.Context, id int) (Details, error) {
	return c.details(ctx, KindMovie, id, "")
}

// TV fetches a show's details, videos, credits over every season and IMDb
// id in one request
// (GET /3/tv/{id}?append_to_response=videos,aggregate_credits,external_ids).
func (c *Client) TV(ctx context.Context, id int) (Details, error) {
	return c.details(ctx, KindTV, id, "")
}

// videoLanguages is the include_video_language we send. TMDB filters videos
// to the language= of the request otherwise, so a German post would find no
// trailer for a film that only has English ones. We ask for the post's
// language, English (the language TMDB's trailers are most often in),
// videos with no language ("null"), and the film's original language when
// we know it, so that an English post about a German film finds its German
// trailer. ChooseTrailer then prefers them in that order.
func (c *Client) videoLanguages(original string) string {
	langs := []string{c.iso}
	for _, l := range []string{"en", strings.ToLower(original)} {
		if l != "" && l != "xx" && !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	return strings.Join(append(langs, "null"), ",")
}

func (c *Client) details(ctx context.Context, k Kind, id int, originalLang string) (Details, error) {
	if id <= 0 {
		return Details{}, fmt.Errorf("TMDB %s id %d: expected a positive number", k, id)
	}
	// A show's /credits are its latest season's only ("Just like the
	// website, TMDb pulls this information from the last season of the
	// series"): a review of an earlier season would find its cast
	// contradicted. aggregate_credits lists every season's cast and crew,
	// episode directors among them; external_ids carries the IMDb id a
	// show's details lack.
	appends := "videos,credits"
	if k == KindTV {
		appends = "videos,aggregate_credits,external_ids"
	}
	q := url.Values{
		"language":               {c.lang},
		"append_to_response":     {appends},
		"include_video_language": {c.videoLanguages(originalLang)},
	}
	var w wireDetails
	if err := c.get(ctx, "/3/"+string(k)+"/"+strconv.Itoa(id), q, &w); err != nil {
		return Details{}, fmt.Errorf("TMDB %s %d: %w", k, id, err)
	}
	r := w.result(k)
	d := Details{Kind: k, ID: w.ID, IMDbID: deref(w.IMDbID), Title: r.Title, OriginalTitle: r.OriginalTitle,
		OriginalLanguage: r.OriginalLanguage, ReleaseDate: r.ReleaseDate, RuntimeMinutes: w.Runtime,
		PosterPath: deref(w.PosterPath), Videos: videosOf(w.Videos)}
	if k == KindTV && len(w.EpisodeRunTime) > 0 {
		d.RuntimeMinutes = w.EpisodeRunTime[0]
	}
	for _, g := range w.Genres {
		d.Genres = append(d.Genres, g.Name)
	}
	if k == KindTV {
		d.IMDbID, d.LastAirDate, d.InProduction = deref(w.ExternalIDs.IMDbID), deref(w.LastAirDate), w.InProduction
		cast := w.AggregateCredits.Cast
		sort.SliceStable(cast, func(i, j int) bool { return cast[i].Order < cast[j].Order })
		for _, p := range cast {
			d.Cast = append(d.Cast, p.Name)
		}
		for _, p := range w.CreatedBy {
			d.Directors = append(d.Directors, p.Name)
		}
		for _, p := range w.AggregateCredits.Crew {
			for _, j := range p.Jobs {
				if j.Job == "Director" && !slices.Contains(d.EpisodeDirectors, p.Name) {
					d.EpisodeDirectors = append(d.EpisodeDirectors, p.Name)
				}
			}
		}
	} else {
		cast := w.Credits.Cast
		sort.SliceStable(cast, func(i, j int) bool { return cast[i].Order < cast[j].Order })
		for _, p := range cast {
			d.Cast = append(d.Cast, p.Name)
		}
		for _, p := range w.Credits.Crew {
			if p.Job == "Director" && !slices.Contains(d.Directors, p.Name) {
				d.Directors = append(d.Directors, p.Name)
			}
		}
	}
	return d, nil
}

// videos fetches a film's or show's videos in the given languages
// (GET /3/{kind}/{id}/videos).
func (c *Client) videos(ctx context.Context, k Kind, id int, langs string) ([]Video, error) {
	var w wireVideos
	q := url.Values{"language": {c.lang}, "include_video_language": {langs}}
	if err := c.get(ctx, "/3/"+string(k)+"/"+strconv.Itoa(id)+"/videos", q, &w); err != nil {
		return nil, fmt.Errorf("TMDB %s %d videos: %w", k, id, err)
	}
	return videosOf(w), nil
}
