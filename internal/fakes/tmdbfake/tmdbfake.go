// Package tmdbfake is a recording stand-in for The Movie Database's API v3
// (https://developer.themoviedb.org/docs) on 127.0.0.1, for tests: it checks
// both forms of credential, answers film and TV search, movie and TV details (with
// append_to_response), videos, credits (a show's aggregate credits too),
// external ids and find-by-IMDb-id (films, shows, episodes) from a small
// catalogue as TMDB does, with TMDB's error bodies, and can be told to fail.
package tmdbfake

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/reelpost/reelpost/internal/fakes/recorder"
)

// The credentials a fake accepts unless Options name others: a v3 API key
// (32 hex characters, sent as ?api_key=) and a v4 API Read Access Token (a
// JWT, sent as Authorization: Bearer).
const (
	APIKey      = "0123456789abcdef0123456789abcdef"
	AccessToken = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJyZWVscG9zdC10ZXN0Iiwic2NvcGVzIjpbImFwaV9yZWFkIl19.c2lnbmF0dXJlLW5vdC1jaGVja2Vk"
)

// Options configure a fake. Zero values take the defaults.
type Options struct {
	// APIKey and AccessToken are the credentials accepted (default the
	// package's constants).
	APIKey, AccessToken string
	// RetryAfter is what Fault429 and Fault503 announce (default 10s).
	RetryAfter time.Duration
	// Empty starts the fake without the default catalogue.
	Empty bool
}

// Request is one request the fake received.
type Request = recorder.Request

// Fault is a failure the fake can be told to produce.
type Fault = recorder.Fault

// The faults, and TMDB's answers to them: Fault429 is a 429 with
// Retry-After and status_code 25, Fault500 a 500 with status_code 11,
// Fault503 a 503 with Retry-After and status_code 9; FaultHang never
// answers, FaultReset resets the connection.
const (
	Fault429, Fault500, Fault503 = recorder.Fault429, recorder.Fault500, recorder.Fault503
	FaultHang, FaultReset        = recorder.FaultHang, recorder.FaultReset
)

// Video is a video attached to a film or show, as TMDB lists it.
type Video struct {
	// Key is the video's id on its site (11 characters on YouTube).
	Key, Name string
	// Site is "YouTube" or "Vimeo".
	Site string
	// Type is Trailer, Teaser, Clip, Featurette, Behind the Scenes,
	// Bloopers or Opening Credits.
	Type string
	// Language is the ISO 639-1 code; "" is TMDB's null (no language).
	Language, Region string
	Official         bool
	// PublishedAt is RFC 3339, as TMDB writes it.
	PublishedAt string
}

// Movie is a film in the catalogue.
type Movie struct {
	ID     int
	IMDbID string
	// Title is the English title; Titles holds the others by ISO 639-1.
	Title, OriginalTitle, OriginalLanguage string
	Titles                                 map[string]string
	// ReleaseDate is the primary release date, YYYY-MM-DD or "".
	ReleaseDate string
	// OtherReleaseYears are the years of its other release dates
	// (festivals, other countries), which search's year= also matches.
	OtherReleaseYears []int
	Runtime           int
	Genres            []string
	PosterPath        string
	Popularity        float64
	Directors, Cast   []string // cast in billing order
	Videos            []Video
}

// Show is a TV show in the catalogue.
type Show struct {
	ID                                   int
	IMDbID                               string
	Name, OriginalName, OriginalLanguage string
	// OriginCountry are ISO 3166-1 codes ("GB").
	OriginCountry []string
	// FirstAirDate and LastAirDate are YYYY-MM-DD or ""; search's year=
	// matches any year from the first to the last.
	FirstAirDate, LastAirDate string
	EpisodeRunTime            int
	Genres                    []string
	PosterPath                string
	Popularity                float64
	// InProduction is TMDB's in_production: more seasons are coming.
	InProduction bool
	// CreatedBy are the show's creators (created_by in its details).
	CreatedBy []string
	// Cast is everyone credited in any season, in billing order: what
	// aggregate_credits lists. LatestCast, when set, is the latest season's
	// alone: what /credits lists ("Just like the website, TMDb pulls this
	// information from the last season of the series",
	// https://rdrr.io/cran/TMDb/man/tv_credits.html); Cast when unset.
	Cast, LatestCast []string
	// Directors directed episodes: aggregate_credits' crew with a Director
	// job.
	Directors []string
	Videos    []Video
	// Episodes are those of its episodes that have an IMDb id, for find.
	Episodes []Episode
}

// Episode is one episode of a show, as find lists it.
type Episode struct {
	ID     int
	IMDbID string
	Name   string
	// Season and Number are its season_number and episode_number.
	Season, Number int
	// AirDate is YYYY-MM-DD or "".
	AirDate string
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, to be used as the TMDB base URL.
	URL string

	// Recorder gives the fake Requests, Received, FailNext and Close.
	*recorder.Recorder[Request]

	o Options

	mu     sync.Mutex
	movies map[int]Movie
	shows  map[int]Show
}

// New starts a fake holding the default catalogue (see catalogue.go). It is
// closed when t ends.
func New(t testing.TB, o Options) *Server {
	t.Helper()
	if o.APIKey == "" {
		o.APIKey = APIKey
	}
	if o.AccessToken == "" {
		o.AccessToken = AccessToken
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = 10 * time.Second
	}
	s := &Server{o: o, Recorder: recorder.New[Request](), movies: map[int]Movie{}, shows: map[int]Show{}}
	if !o.Empty {
		s.AddMovie(Movies()...)
		s.AddShow(Shows()...)
	}
	s.URL = s.Serve(t, recorder.Handler(s.Recorder, s.fail, s.serve))
	return s
}

// AddMovie adds films to the catalogue, replacing any with the same id.
func (s *Server) AddMovie(ms ...Movie) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range ms {
		s.movies[m.ID] = m
	}
}

// AddShow adds TV shows to the catalogue, replacing any with the same id.
func (s *Server) AddShow(ts ...Show) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range ts {
		s.shows[t.ID] = t
	}
}

// The errors TMDB answers with (https://developer.themoviedb.org/docs/errors):
// every one a JSON body {"status_code":N,"status_message":"...","success":false}.
const (
	codeInvalidKey   = 7
	msgInvalidKey    = "Invalid API key: You must be granted a valid key."
	codeNotFound     = 34
	msgNotFound      = "The resource you requested could not be found."
	codeInvalidParam = 5
	msgInvalidParam  = "Invalid parameters: Your request parameters are incorrect."
	codeTooMany      = 27
	msgTooMany       = "Too many append to response objects: The maximum number of remote calls is 20."
)

func writeError(w http.ResponseWriter, status, code int, msg string) {
	recorder.WriteJSON(w, status, map[string]any{"status_code": code, "status_message": msg, "success": false})
}

// fail gives TMDB's answer to fault f; it reports whether it answered.
func (s *Server) fail(w http.ResponseWriter, f Fault) bool {
	secs := strconv.Itoa(int(s.o.RetryAfter / time.Second))
	switch f {
	case Fault429:
		// "If you exceed the limit, you will receive a 429 HTTP status with a
		// Retry-After header" (https://developers.themoviedb.org/3/getting-started/request-rate-limiting,
		// quoted in https://github.com/streamaserver/streama/issues/311);
		// status_code 25 in https://developer.themoviedb.org/docs/errors.
		w.Header().Set("Retry-After", secs)
		writeError(w, http.StatusTooManyRequests, 25, "Your request count (#) is over the allowed limit of (40).")
	case Fault500:
		writeError(w, http.StatusInternalServerError, 11, "Internal error: Something went wrong, contact TMDB.")
	case Fault503:
		w.Header().Set("Retry-After", secs)
		writeError(w, http.StatusServiceUnavailable, 9, "Service offline: This service is temporarily offline, try again later.")
	default:
		return false
	}
	return true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, _ []byte) {
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, 42, "The request method is not supported for this resource.")
		return
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, codeInvalidKey, msgInvalidKey)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "3" {
		writeError(w, http.StatusNotFound, codeNotFound, msgNotFound)
		return
	}
	q := r.URL.Query()
	switch {
	case len(parts) == 2 && parts[1] == "authentication":
		// GET /3/authentication ("Validate Key") validates either
		// credential; the shape as in
		// https://raw.githubusercontent.com/api-evangelist/tmdb/refs/heads/main/json-schema/tmdb-api-authentication-validate-key-response-schema.json.
		recorder.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "status_code": 1, "status_message": "Success."})
	case len(parts) == 3 && parts[1] == "search" && parts[2] == "movie":
		s.search(w, q)
	case len(parts) == 3 && parts[1] == "search" && parts[2] == "tv":
		s.searchTV(w, q)
	case len(parts) == 3 && parts[1] == "find":
		s.find(w, parts[2], q)
	case len(parts) >= 3 && (parts[1] == "movie" || parts[1] == "tv"):
		s.item(w, parts[1], parts[2:], q)
	default:
		writeError(w, http.StatusNotFound, codeNotFound, msgNotFound)
	}
}

// authorized checks the credential: an api_key query parameter, when there
// is one, must be the v3 key; otherwise the Bearer token must be the v4
// token (https://developer.themoviedb.org/docs/authentication-application).
func (s *Server) authorized(r *http.Request) bool {
	if r.URL.Query().Has("api_key") {
		return r.URL.Query().Get("api_key") == s.o.APIKey
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && tok == s.o.AccessToken
}

// lang is the ISO 639-1 part of a language= parameter (default en-US).
func lang(q map[string][]string) string {
	l := "en"
	if v := first(q, "language"); v != "" {
		l, _, _ = strings.Cut(v, "-")
	}
	return strings.ToLower(l)
}

func first(q map[string][]string, k string) string {
	if v := q[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// fold lowercases and drops everything but letters and digits, so that the
// fake's search is as forgiving of punctuation as TMDB's.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			space = true
		}
	}
	return b.String()
}

func (m Movie) title(l string) string {
	if t := m.Titles[l]; t != "" {
		return t
	}
	return m.Title
}

func year(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(date[:4])
	return y
}

// pageSize is how many results a search page holds on TMDB.
const pageSize = 20

// search answers GET /3/search/movie: titles, original titles and
// translations containing the query's words, most popular first, 20 a page;
// year= matches any release date's year, primary_release_year= only the
// primary one (https://search.r-project.org/CRAN/refmans/TMDb/html/search_movie.html).
func (s *Server) search(w http.ResponseWriter, q map[string][]string) {
	query := fold(first(q, "query"))
	yearAny, _ := strconv.Atoi(first(q, "year"))
	yearPrimary, _ := strconv.Atoi(first(q, "primary_release_year"))
	page, _ := strconv.Atoi(first(q, "page"))
	if page < 1 {
		page = 1
	}
	l := lang(q)
	s.mu.Lock()
	var hits []Movie
	for _, m := range s.movies {
		if query == "" || !containsWords(query, m) {
			continue
		}
		y := year(m.ReleaseDate)
		if yearPrimary != 0 && y != yearPrimary {
			continue
		}
		if yearAny != 0 && y != yearAny && !slices.Contains(m.OtherReleaseYears, yearAny) {
			continue
		}
		hits = append(hits, m)
	}
	s.mu.Unlock()
	writePage(w, hits, page, func(m Movie) (float64, int) { return m.Popularity, m.ID },
		func(m Movie) map[string]any { return movieResult(m, l) })
}

// writePage answers a search as TMDB does: the hits most popular first
// (then by id, so the order is stable), pageSize to a page.
func writePage[T any](w http.ResponseWriter, hits []T, page int, rank func(T) (popularity float64, id int), result func(T) map[string]any) {
	sort.Slice(hits, func(i, j int) bool {
		pi, idi := rank(hits[i])
		pj, idj := rank(hits[j])
		if pi != pj {
			return pi > pj
		}
		return idi < idj
	})
	results := []map[string]any{}
	for i := (page - 1) * pageSize; i < len(hits) && i < page*pageSize; i++ {
		results = append(results, result(hits[i]))
	}
	pages := (len(hits) + pageSize - 1) / pageSize
	recorder.WriteJSON(w, http.StatusOK, map[string]any{
		"page": page, "results": results, "total_pages": pages, "total_results": len(hits)})
}

// searchTV answers GET /3/search/tv as search does films, by name and
// original name: first_air_date_year= keeps the shows first aired that
// year, year= those on the air that year (TMDB: "search the first air date
// and all episode air dates";
// https://docs.rs/tmdb-api/1.0.0-alpha.4/src/tmdb_api/tvshow/search.rs.html).
// A result is a show as TMDB's search lists it: name, original_name and
// first_air_date where a film has title, original_title and release_date,
// origin_country, and no media_type (only multi-search and find say it).
func (s *Server) searchTV(w http.ResponseWriter, q map[string][]string) {
	query := fold(first(q, "query"))
	yearFirst, _ := strconv.Atoi(first(q, "first_air_date_year"))
	yearAny, _ := strconv.Atoi(first(q, "year"))
	page, _ := strconv.Atoi(first(q, "page"))
	if page < 1 {
		page = 1
	}
	s.mu.Lock()
	var hits []Show
	for _, t := range s.shows {
		if query == "" || !hasWords(query, t.Name, t.OriginalName) {
			continue
		}
		aired, ended := year(t.FirstAirDate), year(t.LastAirDate)
		if ended < aired {
			ended = aired
		}
		if yearFirst != 0 && aired != yearFirst {
			continue
		}
		if yearAny != 0 && (yearAny < aired || yearAny > ended) {
			continue
		}
		hits = append(hits, t)
	}
	s.mu.Unlock()
	writePage(w, hits, page, func(t Show) (float64, int) { return t.Popularity, t.ID }, searchShowResult)
}

// searchShowResult is a show as TMDB's search lists it.
func searchShowResult(t Show) map[string]any {
	ids := []int{}
	for _, g := range t.Genres {
		ids = append(ids, genreIDs[g])
	}
	countries := append([]string{}, t.OriginCountry...)
	return map[string]any{
		"adult": false, "id": t.ID, "name": t.Name, "original_name": t.OriginalName,
		"original_language": t.OriginalLanguage, "first_air_date": t.FirstAirDate, "origin_country": countries,
		"poster_path": nullable(t.PosterPath), "backdrop_path": nil, "popularity": t.Popularity, "genre_ids": ids,
		"overview": "", "vote_average": 8.1, "vote_count": 500,
	}
}

func containsWords(query string, m Movie) bool {
	names := []string{m.Title, m.OriginalTitle}
	for _, t := range m.Titles {
		names = append(names, t)
	}
	return hasWords(query, names...)
}

// hasWords reports whether one of names holds the folded query's words,
// from a word's start.
func hasWords(query string, names ...string) bool {
	for _, n := range names {
		if strings.Contains(" "+fold(n)+" ", " "+query) {
			return true
		}
	}
	return false
}

// movieResult is a movie as search and find list it.
func movieResult(m Movie, l string) map[string]any {
	ids := []int{}
	for _, g := range m.Genres {
		ids = append(ids, genreIDs[g])
	}
	return map[string]any{
		"adult": false, "id": m.ID, "title": m.title(l), "original_title": m.OriginalTitle,
		"original_language": m.OriginalLanguage, "release_date": m.ReleaseDate, "poster_path": nullable(m.PosterPath),
		"popularity": m.Popularity, "genre_ids": ids, "overview": "", "video": false,
		"vote_average": 7.5, "vote_count": 1000, "media_type": "movie",
	}
}

// showResult is a show as find lists it (with media_type).
func showResult(t Show) map[string]any {
	return map[string]any{
		"adult": false, "id": t.ID, "name": t.Name, "original_name": t.OriginalName,
		"original_language": t.OriginalLanguage, "first_air_date": t.FirstAirDate,
		"poster_path": nullable(t.PosterPath), "popularity": t.Popularity, "media_type": "tv",
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// find answers GET /3/find/{id}?external_source=imdb_id
// (https://developer.themoviedb.org/docs/finding-data): every kind of result
// in its own list, empty lists when nothing has that id.
func (s *Server) find(w http.ResponseWriter, id string, q map[string][]string) {
	if first(q, "external_source") != "imdb_id" {
		writeError(w, http.StatusUnprocessableEntity, codeInvalidParam, msgInvalidParam)
		return
	}
	l := lang(q)
	movies, shows, episodes := []map[string]any{}, []map[string]any{}, []map[string]any{}
	s.mu.Lock()
	for _, m := range s.movies {
		if m.IMDbID != "" && m.IMDbID == id {
			movies = append(movies, movieResult(m, l))
		}
	}
	for _, t := range s.shows {
		if t.IMDbID != "" && t.IMDbID == id {
			shows = append(shows, showResult(t))
		}
		for _, e := range t.Episodes {
			if e.IMDbID != "" && e.IMDbID == id {
				episodes = append(episodes, episodeResult(t, e))
			}
		}
	}
	s.mu.Unlock()
	// IMDb ids name films, series and episodes; a season has none ("IMDB
	// ID: Movies ✓, TV Shows ✓, TV Seasons ✗, TV Episodes ✓",
	// https://docs.rs/crate/tmdb_client/0.2.0/source/docs/FindApi.md), so
	// tv_season_results stays empty here.
	recorder.WriteJSON(w, http.StatusOK, map[string]any{
		"movie_results": movies, "person_results": []any{}, "tv_results": shows,
		"tv_episode_results": episodes, "tv_season_results": []any{}})
}

// episodeResult is an episode as find lists it: its own id and name, and
// its show's id as show_id (the fields of tmdb-rs's FoundEpisode,
// https://docs.rs/tmdb-rs/1.0.4/src/tmdb_rs/endpoints/find.rs.html).
func episodeResult(t Show, e Episode) map[string]any {
	return map[string]any{
		"id": e.ID, "show_id": t.ID, "name": e.Name, "season_number": e.Season, "episode_number": e.Number,
		"air_date": nullable(e.AirDate), "episode_type": "standard", "media_type": "tv_episode",
		"overview": "", "still_path": nil, "vote_average": 8.0, "vote_count": 100, "runtime": t.EpisodeRunTime,
	}
}

// item answers /3/movie/{id}, /3/tv/{id} and their /videos and /credits.
func (s *Server) item(w http.ResponseWriter, kind string, rest []string, q map[string][]string) {
	id, err := strconv.Atoi(rest[0])
	s.mu.Lock()
	m, isMovie := s.movies[id]
	t, isShow := s.shows[id]
	s.mu.Unlock()
	found := err == nil && (kind == "movie" && isMovie || kind == "tv" && isShow)
	if !found || len(rest) > 2 {
		writeError(w, http.StatusNotFound, codeNotFound, msgNotFound)
		return
	}
	var videos []Video
	var credits, aggregate, details map[string]any
	imdb := ""
	if kind == "movie" {
		videos, credits, details, imdb = m.Videos, creditsOf(m.Cast, m.Directors), movieDetails(m, lang(q)), m.IMDbID
	} else {
		latest := t.LatestCast
		if latest == nil {
			latest = t.Cast
		}
		videos, credits, details, imdb = t.Videos, creditsOf(latest, nil), showDetails(t), t.IMDbID
		aggregate = aggregateCreditsOf(t)
	}
	vids := map[string]any{"id": id, "results": filterVideos(videos, q)}
	// GET /3/{movie,tv}/{id}/external_ids: imdb_id (null when none) beside
	// the other sites' ids (https://rdrr.io/cran/TMDb/man/tv_external_ids.html).
	// A show's details carry no imdb_id of their own: this is where it is.
	external := map[string]any{"id": id, "imdb_id": nullable(imdb), "wikidata_id": nil, "facebook_id": nil,
		"instagram_id": nil, "twitter_id": nil}
	if kind == "tv" {
		external["tvdb_id"] = nil
	}
	if len(rest) == 2 {
		switch {
		case rest[1] == "videos":
			recorder.WriteJSON(w, http.StatusOK, vids)
		case rest[1] == "credits":
			credits["id"] = id
			recorder.WriteJSON(w, http.StatusOK, credits)
		case rest[1] == "aggregate_credits" && kind == "tv":
			aggregate["id"] = id
			recorder.WriteJSON(w, http.StatusOK, aggregate)
		case rest[1] == "external_ids":
			recorder.WriteJSON(w, http.StatusOK, external)
		default:
			writeError(w, http.StatusNotFound, codeNotFound, msgNotFound)
		}
		return
	}
	// append_to_response adds sub-requests to the answer, each answering
	// its own parameters (include_video_language for videos), at most 20
	// (https://developer.themoviedb.org/docs/append-to-response; status_code
	// 27 in https://developer.themoviedb.org/docs/errors).
	var appends []string
	if v := first(q, "append_to_response"); v != "" {
		appends = strings.Split(v, ",")
	}
	if len(appends) > 20 {
		writeError(w, http.StatusBadRequest, codeTooMany, msgTooMany)
		return
	}
	for _, a := range appends {
		switch {
		case a == "videos":
			details["videos"] = map[string]any{"results": vids["results"]}
		case a == "credits":
			details["credits"] = credits
		case a == "aggregate_credits" && kind == "tv":
			details["aggregate_credits"] = aggregate
		case a == "external_ids":
			delete(external, "id")
			details["external_ids"] = external
		}
	}
	recorder.WriteJSON(w, http.StatusOK, details)
}

// filterVideos keeps the videos TMDB would list: those in the languages of
// include_video_language ("null" for none), or else those in language=
// (default en-US) only
// (https://github.com/lordmike/tmdblib/issues/413 quotes TMDB's 2021 note:
// include_video_language works as include_image_language does).
func filterVideos(vs []Video, q map[string][]string) []map[string]any {
	var langs []string
	if v := first(q, "include_video_language"); v != "" {
		for l := range strings.SplitSeq(v, ",") {
			if l = strings.TrimSpace(l); l == "null" {
				langs = append(langs, "")
			} else {
				langs = append(langs, strings.ToLower(l))
			}
		}
	} else {
		langs = []string{lang(q)}
	}
	out := []map[string]any{}
	for i, v := range vs {
		if !slices.Contains(langs, v.Language) {
			continue
		}
		out = append(out, map[string]any{
			"iso_639_1": nullable(v.Language), "iso_3166_1": nullable(v.Region), "name": v.Name, "key": v.Key,
			"site": v.Site, "size": 1080, "type": v.Type, "official": v.Official, "published_at": v.PublishedAt,
			"id": fmt.Sprintf("%024x", i+1),
		})
	}
	return out
}

func creditsOf(cast, directors []string) map[string]any {
	c, crew := []map[string]any{}, []map[string]any{}
	for i, n := range cast {
		c = append(c, map[string]any{"id": 1000 + i, "name": n, "character": "", "order": i,
			"known_for_department": "Acting"})
	}
	for i, n := range directors {
		crew = append(crew, map[string]any{"id": 2000 + i, "name": n, "job": "Director", "department": "Directing"})
	}
	// A crew member who is not the director, so that a client reading
	// every crew entry as a director is caught.
	crew = append(crew, map[string]any{"id": 3000, "name": "Pat Producer", "job": "Producer", "department": "Production"})
	return map[string]any{"cast": c, "crew": crew}
}

// aggregateCreditsOf is GET /3/tv/{id}/aggregate_credits: every season's
// cast and crew, each person once, with the roles (cast) or jobs (crew)
// they had and in how many episodes, cast in billing order
// (https://developer.themoviedb.org/reference/tv-series-aggregate-credits;
// the shape of https://raw.githubusercontent.com/api-evangelist/tmdb/refs/heads/main/json-schema/tmdb-api-tv-series-aggregate-credits-response-schema.json
// and tmdb-api's aggregate_credits.rs: roles[{credit_id, character,
// episode_count}], jobs[{credit_id, job, episode_count}], total_episode_count).
func aggregateCreditsOf(t Show) map[string]any {
	cast, crew := []map[string]any{}, []map[string]any{}
	for i, n := range t.Cast {
		cast = append(cast, map[string]any{"adult": false, "gender": 0, "id": 5000 + i, "known_for_department": "Acting",
			"name": n, "original_name": n, "popularity": 10.0, "profile_path": nil, "order": i, "total_episode_count": 5,
			"roles": []map[string]any{{"credit_id": fmt.Sprintf("%024x", 5000+i), "character": "", "episode_count": 5}}})
	}
	for i, n := range t.Directors {
		crew = append(crew, map[string]any{"adult": false, "gender": 0, "id": 6000 + i, "known_for_department": "Directing",
			"name": n, "original_name": n, "popularity": 5.0, "profile_path": nil, "department": "Directing", "total_episode_count": 2,
			"jobs": []map[string]any{{"credit_id": fmt.Sprintf("%024x", 6000+i), "job": "Director", "episode_count": 2}}})
	}
	// A crew member with other jobs, so that a client reading every crew
	// entry as a director is caught.
	crew = append(crew, map[string]any{"adult": false, "gender": 0, "id": 3000, "known_for_department": "Production",
		"name": "Pat Producer", "original_name": "Pat Producer", "popularity": 1.0, "profile_path": nil, "department": "Production",
		"total_episode_count": 9, "jobs": []map[string]any{{"credit_id": fmt.Sprintf("%024x", 3000), "job": "Executive Producer", "episode_count": 9}}})
	return map[string]any{"cast": cast, "crew": crew}
}

func genres(names []string) []map[string]any {
	out := []map[string]any{}
	for _, g := range names {
		out = append(out, map[string]any{"id": genreIDs[g], "name": g})
	}
	return out
}

// movieDetails is GET /3/movie/{id}, the fields the client reads and a few
// more.
func movieDetails(m Movie, l string) map[string]any {
	return map[string]any{
		"id": m.ID, "imdb_id": nullable(m.IMDbID), "title": m.title(l), "original_title": m.OriginalTitle,
		"original_language": m.OriginalLanguage, "release_date": m.ReleaseDate, "runtime": m.Runtime,
		"genres": genres(m.Genres), "poster_path": nullable(m.PosterPath), "popularity": m.Popularity,
		"status": "Released", "overview": "", "adult": false, "video": false,
	}
}

// showDetails is GET /3/tv/{id}: name for title, first_air_date for
// release_date, created_by for directors, last_air_date (the latest
// episode's) and in_production; no imdb_id, which is under external_ids
// (https://raw.githubusercontent.com/api-evangelist/tmdb/refs/heads/main/json-schema/tmdb-api-tv-series-details-response-schema.json).
func showDetails(t Show) map[string]any {
	created := []map[string]any{}
	for i, n := range t.CreatedBy {
		created = append(created, map[string]any{"id": 4000 + i, "name": n})
	}
	runtimes := []int{}
	if t.EpisodeRunTime > 0 {
		runtimes = append(runtimes, t.EpisodeRunTime)
	}
	return map[string]any{
		"id": t.ID, "name": t.Name, "original_name": t.OriginalName, "original_language": t.OriginalLanguage,
		"first_air_date": t.FirstAirDate, "episode_run_time": runtimes, "genres": genres(t.Genres),
		"poster_path": nullable(t.PosterPath), "created_by": created, "popularity": t.Popularity,
		"last_air_date": nullable(t.LastAirDate), "in_production": t.InProduction,
	}
}
