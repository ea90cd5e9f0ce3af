package film

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Evidence is what a review states about its film. The caller fills what it
// found; the strongest evidence present decides how the film is found.
type Evidence struct {
	// TMDBMovieID and TMDBTVID are TMDB's ids, as Letterboxd's feeds give
	// them (tmdb:movieId, tmdb:tvId).
	TMDBMovieID, TMDBTVID int
	// IMDbID is a title id (tt…) from an imdb.com/title/ link in the review.
	IMDbID string
	// Title is the film's title as the review gives it (see TitleFromItem).
	Title string
	// Year is the year the review states; 0 when none.
	Year int
	// Director is the director(s) the review names ("Joel and Ethan Coen",
	// "Lana Wachowski, Lilly Wachowski").
	Director string
	// Cast are actors the review names.
	Cast []string
	// Published is when the review was published; zero when unknown.
	Published time.Time
}

// Match is the film a review is about, or why none could be named.
type Match struct {
	Kind           Kind     `json:"kind,omitempty"`
	TMDBID         int      `json:"tmdb_id,omitempty"`
	IMDbID         string   `json:"imdb_id,omitempty"`
	Title          string   `json:"title,omitempty"` // in the client's language
	OriginalTitle  string   `json:"original_title,omitempty"`
	Year           int      `json:"year,omitempty"`
	Directors      []string `json:"directors,omitempty"` // for TV, the creators
	Genres         []string `json:"genres,omitempty"`
	RuntimeMinutes int      `json:"runtime_minutes,omitempty"` // per episode for TV
	// Cast is the top-billed cast, at most 4.
	Cast      []string `json:"cast,omitempty"`
	PosterURL string   `json:"poster_url,omitempty"`
	// Trailer is the trailer ChooseTrailer picked for the client's
	// language; zero when the film has none on YouTube.
	Trailer Video `json:"trailer,omitzero"`
	// Videos are every trailer and teaser ChooseTrailer could pick, best
	// first, so that a post in another language can choose again.
	Videos []Video `json:"videos,omitempty"`
	// Reason says how the film was identified ("tmdb id from the feed",
	// "imdb link", "title + year + director"), or why none was.
	Reason string `json:"reason"`
	// CheckedAt is when TMDB was asked.
	CheckedAt time.Time `json:"checked_at"`
}

// Found reports whether a film was identified. A Match that is not found
// still says why in Reason.
func (m Match) Found() bool { return m.TMDBID != 0 }

// posterBase is TMDB's image host at 780 pixels wide, large enough for every
// network's link card (https://developer.themoviedb.org/docs/image-basics).
const posterBase = "https://image.tmdb.org/t/p/w780"

// maxRequests bounds what one identification asks TMDB. Every path is
// designed to fit:
//   - a TMDB id: details (1), plus the videos in the film's original
//     language (1) when none of the post's language or English qualify;
//   - an IMDb id: find (1) + details (1); if the find names another film
//     than the review's title or year, the title path with 2 left: search
//     (1) and details of 1 candidate. A series' year is its first air
//     date's, so a series' name with a later year goes there before any
//     details, as a film of that name; only a title naming a season or an
//     episode takes a later year on to the details, to be judged on the
//     series' run. If the details contradict the director or cast the
//     review states, no match: the title path would need a search and
//     details, and 1 request is left. So for a season's year outside the
//     run, and for an episode's IMDb id (find names the episode, the
//     details are its series'), whose series' name only the details give.
//     The request left goes, for a series that only one of its episodes'
//     directors confirms, to a film search that rules out a film of its
//     name (ruleOutFilm); for an episode, to its series' videos in its
//     original language, which find does not give (addOriginalVideos);
//   - a title: search (1) + details of at most 2 candidates (2). Year and
//     publication date narrow on the search results themselves; only
//     director and cast need details, so more than 2 candidates left after
//     the year are checked 2 at most, most popular first. Where one film
//     is left and only its title names it (no year, no director or cast
//     that TMDB confirms), a TV search (1) makes sure no series has that
//     title: search (1) + TV search (1) + details (1).
const maxRequests = 3

// budget counts the requests an identification may still make.
type budget struct{ left int }

func (b *budget) take() bool {
	if b.left <= 0 {
		return false
	}
	b.left--
	return true
}

// Cache keeps identifications between runs: the lead's ledger, so that a
// restart, a repost or another account asks TMDB nothing again.
type Cache interface {
	// Get returns what Put stored under key; ok is false when nothing is.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	Put(ctx context.Context, key string, value []byte) error
}

// CacheKey names the evidence: "tmdb:movie:603", "tmdb:tv:87108",
// "imdb:tt0133093", "title:the matrix|1999|lana wachowski,lilly
// wachowski". Two Evidence with the same key are identified the same way.
// It is "" when there is nothing to identify by.
func (e Evidence) CacheKey() string {
	switch {
	case e.TMDBMovieID > 0:
		return "tmdb:movie:" + strconv.Itoa(e.TMDBMovieID)
	case e.TMDBTVID > 0:
		return "tmdb:tv:" + strconv.Itoa(e.TMDBTVID)
	}
	var parts []string
	if id := imdbID(e.IMDbID); id != "" {
		parts = append(parts, "imdb:"+id)
	}
	if t := fold(e.Title); t != "" {
		// Everything the title path weighs is in the key, or two reviews
		// with different evidence would share an answer.
		fields := []string{"title:" + t, "", joinFolded(splitNames(e.Director)), joinFolded(e.Cast), ""}
		if e.Year > 0 {
			fields[1] = strconv.Itoa(e.Year)
		}
		if !e.Published.IsZero() {
			fields[4] = e.Published.UTC().Format(time.DateOnly)
		}
		parts = append(parts, strings.TrimRight(strings.Join(fields, "|"), "|"))
	}
	return strings.Join(parts, "|")
}

// CacheKey is the key Identify keeps e's Match under: e's, qualified by the
// post language, since the title and the videos fetched depend on it.
func (c *Client) CacheKey(e Evidence) string {
	k := e.CacheKey()
	if k == "" {
		return ""
	}
	return k + "|lang:" + c.iso
}

func joinFolded(names []string) string {
	var out []string
	for _, n := range names {
		if f := fold(n); f != "" {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ",")
}

func imdbID(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !imdbIDRe.MatchString(s) {
		return ""
	}
	return s
}

// cacheEntry is what is kept under a key; V lets a later layout tell an
// old entry from its own.
type cacheEntry struct {
	V     int   `json:"v"`
	Match Match `json:"match"`
}

const cacheVersion = 1

// Identify names the film e is about, and its trailer. Strongest evidence
// first: a TMDB id; an IMDb id; else the title, narrowed by year (±1, since
// festival and release years differ), publication date, director and cast.
// When films remain that nothing tells apart, it names none: the Match is
// not Found and its Reason says why. It never guesses. It makes at most 3
// requests (see maxRequests), and none when the cache holds the answer.
// Errors are TMDB's or the network's (*Error); a no-match is not an error.
func (c *Client) Identify(ctx context.Context, e Evidence) (Match, error) {
	key := c.CacheKey(e)
	if key == "" {
		return Match{Reason: "the review names no film"}, nil
	}
	if m, ok := c.cached(ctx, key); ok {
		return m, nil
	}
	m, err := c.identify(ctx, e, &budget{left: maxRequests})
	if err != nil {
		return Match{}, err
	}
	m.CheckedAt = c.now().UTC()
	c.log.LogAttrs(ctx, slog.LevelDebug, "film identified", slog.String("cache_key", key),
		slog.Int("tmdb_id", m.TMDBID), slog.String("reason", m.Reason))
	if c.cache != nil {
		b, err := json.Marshal(cacheEntry{V: cacheVersion, Match: m})
		if err == nil {
			err = c.cache.Put(ctx, key, b)
		}
		if err != nil {
			// The answer stands; the next identification asks TMDB again.
			c.log.LogAttrs(ctx, slog.LevelWarn, "film cache put", slog.String("cache_key", key), slog.Any("error", err))
		}
	}
	return m, nil
}

// cached returns the Match kept under key while it stands.
func (c *Client) cached(ctx context.Context, key string) (Match, bool) {
	if c.cache == nil {
		return Match{}, false
	}
	b, ok, err := c.cache.Get(ctx, key)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "film cache get", slog.String("cache_key", key), slog.Any("error", err))
		return Match{}, false
	}
	if !ok {
		return Match{}, false
	}
	var ent cacheEntry
	if err := json.Unmarshal(b, &ent); err != nil || ent.V != cacheVersion {
		return Match{}, false
	}
	m := ent.Match
	if !m.Found() || m.Trailer.Key == "" {
		if c.now().Sub(m.CheckedAt) >= c.recheck {
			return Match{}, false
		}
	}
	return m, true
}

func (c *Client) identify(ctx context.Context, e Evidence, b *budget) (Match, error) {
	switch {
	case e.TMDBMovieID > 0:
		return c.byID(ctx, KindMovie, e.TMDBMovieID, "tmdb id from the feed", b)
	case e.TMDBTVID > 0:
		return c.byID(ctx, KindTV, e.TMDBTVID, "tmdb tv id from the feed", b)
	}
	title := strings.TrimSpace(e.Title)
	id := imdbID(e.IMDbID)
	if id == "" {
		if title == "" {
			return Match{Reason: "the review names no film"}, nil
		}
		return c.byTitle(ctx, e, b, "")
	}
	b.take()
	f, err := c.FindIMDb(ctx, id)
	if err != nil {
		return Match{}, err
	}
	var hit SearchResult
	switch {
	case len(f.Movies) > 0:
		hit = f.Movies[0]
	case len(f.TV) > 0:
		hit = f.TV[0]
	case len(f.Episodes) > 0:
		return c.byEpisode(ctx, e, b, f.Episodes[0])
	default:
		if title == "" {
			return Match{Reason: fmt.Sprintf("IMDb %s is not on TMDB", id)}, nil
		}
		return c.byTitle(ctx, e, b, fmt.Sprintf("IMDb %s is not on TMDB", id))
	}
	// A review may link another film's IMDb page (an earlier film by the
	// same director, a remake): the link stands only if it agrees with the
	// title and year the review states. A series' year is its first air
	// date's, as a film's is its release's. Only a title that names a
	// season or an episode ("Severance: Season Two", 2025) may state a
	// later one, judged on the series' run, which only its details give:
	// the series' bare name with a year of its run is as likely a film of
	// that name made during it, a continuation or a remake ("Veronica Mars",
	// the series 2004–2019, the film 2014), which the title path looks for
	// among films. A review that states no title leaves nothing to search.
	seasonNamed := hit.Kind == KindTV && seriesTitle(title) != ""
	laterSeason := seasonNamed && e.Year > hit.Year() && hit.Year() > 0
	yearOff := e.Year > 0 && !nearYear(e.Year, hit.Year()) && !laterSeason
	if title != "" && (!titleMatches(title, hit) || yearOff) {
		return c.byTitle(ctx, e, b, fmt.Sprintf("the imdb link is to %s", describe(hit)))
	}
	if hit.Kind == KindTV && yearOff {
		return Match{Reason: fmt.Sprintf("the imdb link is to %s, the review states %d and names no season",
			describe(hit), e.Year)}, nil
	}
	b.take()
	d, err := c.details(ctx, hit.Kind, hit.ID, hit.OriginalLanguage)
	if err != nil {
		return Match{}, err
	}
	if d.Kind == KindTV && e.Year > 0 && !c.seriesYear(d, e, seasonNamed) {
		return Match{Reason: fmt.Sprintf("the imdb link is to the series %s, on the air %s, the review states %d%s",
			d.Title, runOf(d), e.Year, namesNoSeason(seasonNamed))}, nil
	}
	// The link is the review's own evidence, and stands where nothing the
	// review states contradicts it: a review of "Suspiria" that links the
	// 1977 film and states no year or director is taken to be of the 1977
	// film, though a remake shares its title (nothing else in the review
	// says which it is, and the reviewer chose the link). A director or cast
	// the review names that the linked film's credits do not hold is
	// another film's ("Crash" by Paul Haggis linking Cronenberg's): no match,
	// since the title path would need a search and details and one request
	// is left (see maxRequests).
	v, by := judge(e, d)
	if v == contradicted {
		if d.Kind == KindTV {
			return Match{Reason: fmt.Sprintf("the imdb link is to the series %s, %s, the review names %s",
				describe(SearchResult{Title: d.Title, ReleaseDate: d.ReleaseDate}), seriesCredits(d), statedBy(e))}, nil
		}
		return Match{Reason: fmt.Sprintf("the imdb link is to %s by %s, the review names %s",
			describe(SearchResult{Title: d.Title, ReleaseDate: d.ReleaseDate}), orNobody(d.Directors), statedBy(e))}, nil
	}
	// A director who made only some of a series' episodes may have made a
	// film of its name too: a review of the film that links the series'
	// page is not to get the series' trailer on that.
	if by == byEpisodeDirector && !seasonNamed {
		if m, stop, err := c.ruleOutFilm(ctx, e, b, d); stop || err != nil {
			return m, err
		}
	}
	return c.match(d, "imdb link"), nil
}

// byEpisode follows an IMDb link to a TV episode to its series: a review of
// an episode gets the series' trailer, on the terms of a link to the series
// itself. The title the review states must be the series' (a season or
// episode named after it aside) or the episode's; the year it states, the
// episode's, the series' first, or, where the title names a season or an
// episode, within the series' run; and no director or cast it names may be
// missing from the series' credits. The series' name comes only with its
// details, so a title that names neither is found out after them, with no
// request left for the title path: no match. Find gives an episode's
// series but not its original language, so the details cannot ask for the
// videos in it that a link to the series gets: one more request does.
func (c *Client) byEpisode(ctx context.Context, e Evidence, b *budget, ep FoundEpisode) (Match, error) {
	b.take()
	d, err := c.details(ctx, KindTV, ep.ShowID, "")
	if err != nil {
		return Match{}, err
	}
	series := SearchResult{Kind: KindTV, Title: d.Title, OriginalTitle: d.OriginalTitle, ReleaseDate: d.ReleaseDate}
	what := fmt.Sprintf("S%02dE%02d %q of the series %s", ep.Season, ep.Episode, ep.Name, describe(series))
	title := strings.TrimSpace(e.Title)
	if title != "" && !titleMatches(title, series) && fold(title) != fold(ep.Name) {
		return Match{Reason: fmt.Sprintf("the imdb link is to %s, the review is titled %s", what, title)}, nil
	}
	seasonNamed := seriesTitle(title) != ""
	if e.Year > 0 && !nearYear(e.Year, yearOf(ep.AirDate)) && !c.seriesYear(d, e, seasonNamed) {
		return Match{Reason: fmt.Sprintf("the imdb link is to %s, on the air %s, the review states %d%s",
			what, runOf(d), e.Year, namesNoSeason(seasonNamed))}, nil
	}
	if v, _ := judge(e, d); v == contradicted {
		return Match{Reason: fmt.Sprintf("the imdb link is to %s, %s, the review names %s", what, seriesCredits(d), statedBy(e))}, nil
	}
	if err := c.addOriginalVideos(ctx, &d, b); err != nil {
		return Match{}, err
	}
	return c.match(d, "imdb link to an episode"), nil
}

// addOriginalVideos adds to d the videos in its original language, where
// the details request did not ask for them (it could not name the
// language) and the post's language and English are not that one.
func (c *Client) addOriginalVideos(ctx context.Context, d *Details, b *budget) error {
	o := strings.ToLower(d.OriginalLanguage)
	if o == "" || o == "xx" || slices.Contains(strings.Split(c.videoLanguages(""), ","), o) || !b.take() {
		return nil
	}
	vs, err := c.videos(ctx, d.Kind, d.ID, o)
	if err != nil {
		return err
	}
	d.Videos = append(d.Videos, vs...)
	return nil
}

// seriesYear reports whether the year e states is series d's: its first
// air date's, a year's grace either side; or, where the review's title
// names a season or an episode, one of its run (see airedIn).
func (c *Client) seriesYear(d Details, e Evidence, seasonNamed bool) bool {
	if nearYear(e.Year, d.Year()) {
		return true
	}
	reviewYear := c.now().Year()
	if !e.Published.IsZero() {
		reviewYear = e.Published.Year()
	}
	return seasonNamed && airedIn(d, e.Year, reviewYear)
}

// airedIn reports whether a season of series d may be of year: from its
// first air date to its last, a year's grace either side (a festival
// premiere, a late release abroad). A series in production (TMDB's
// in_production) has seasons to come, which a review in reviewYear may
// be of before they air: to reviewYear, a year's grace after it too.
func airedIn(d Details, year, reviewYear int) bool {
	first, last := d.Year(), yearOf(d.LastAirDate)
	if first == 0 {
		return false
	}
	end := max(first, last)
	if d.InProduction {
		end = max(end, reviewYear)
	}
	return year >= first-1 && year <= end+1
}

func namesNoSeason(seasonNamed bool) string {
	if seasonNamed {
		return ""
	}
	return " and names no season"
}

// runOf is a series' years on the air: "2019", "2022–2025", "2022–2025 and
// in production".
func runOf(d Details) string {
	first, last := d.Year(), yearOf(d.LastAirDate)
	run := strconv.Itoa(first) + "–" + strconv.Itoa(last)
	switch {
	case first == 0:
		run = "at dates TMDB does not know"
	case last <= first:
		run = strconv.Itoa(first)
	}
	if d.InProduction {
		run += " and in production"
	}
	return run
}

// seriesCredits names who made a series as a contradiction reports it:
// "created by Craig Mazin, episodes directed by Johan Renck".
func seriesCredits(d Details) string {
	var parts []string
	if len(d.Directors) > 0 {
		parts = append(parts, "created by "+strings.Join(d.Directors, " and "))
	}
	if len(d.EpisodeDirectors) > 0 {
		parts = append(parts, "episodes directed by "+strings.Join(d.EpisodeDirectors, ", "))
	}
	if len(parts) == 0 {
		return "with no creator or director on TMDB"
	}
	return strings.Join(parts, ", ")
}

// byID fetches a film or show by TMDB id; when no trailer of the post's
// language, English or none qualifies, it asks for the videos in the
// original language too, which the details request could not name.
func (c *Client) byID(ctx context.Context, k Kind, id int, reason string, b *budget) (Match, error) {
	b.take()
	d, err := c.details(ctx, k, id, "")
	if err != nil {
		return Match{}, err
	}
	if _, ok := ChooseTrailer(d.Videos, c.iso); !ok && d.OriginalLanguage != "" && d.OriginalLanguage != "xx" &&
		!strings.Contains(","+c.videoLanguages("")+",", ","+d.OriginalLanguage+",") && b.take() {
		vs, err := c.videos(ctx, k, id, d.OriginalLanguage+",null")
		if err != nil {
			return Match{}, err
		}
		d.Videos = append(d.Videos, vs...)
	}
	return c.match(d, reason), nil
}

// candidate is a search result the title path weighs.
type candidate struct {
	SearchResult
	exactYear bool
}

// byTitle searches the title and narrows the results; note explains why an
// IMDb link was not followed, when it was not.
func (c *Client) byTitle(ctx context.Context, e Evidence, b *budget, note string) (Match, error) {
	nomatch := func(format string, args ...any) (Match, error) {
		r := fmt.Sprintf(format, args...)
		if note != "" {
			r += " (" + note + ")"
		}
		return Match{Reason: r}, nil
	}
	found := func(d Details, reason string) (Match, error) {
		if note != "" {
			reason += " (" + note + ")"
		}
		return c.match(d, reason), nil
	}
	title := strings.TrimSpace(e.Title)
	if !b.take() {
		return nomatch("no TMDB request left to search %q", title)
	}
	// The year is not sent: TMDB's year= keeps exact years only, and a
	// review's year may be the festival's or the local release's, a year
	// off. Year and publication date are weighed on the results instead.
	page, err := c.SearchMovie(ctx, title)
	if err != nil {
		return Match{}, err
	}
	var titled, cands []candidate
	for _, r := range page.Results {
		if titleMatches(title, r) {
			titled = append(titled, candidate{SearchResult: r})
		}
	}
	if len(titled) == 0 {
		if page.TotalPages > 1 {
			return nomatch("no film titled %s among the first %d of the %d films TMDB finds for it",
				title, len(page.Results), page.TotalResults)
		}
		return nomatch("no film titled %s on TMDB", title)
	}
	for _, cd := range titled {
		if released := dateOf(cd.ReleaseDate); !e.Published.IsZero() && !released.IsZero() &&
			released.After(e.Published.AddDate(1, 0, 0)) {
			// A review cannot be of a film released after it; a festival
			// screening may precede the release TMDB records by months, so
			// a year's grace.
			continue
		}
		if e.Year > 0 {
			if !nearYear(e.Year, cd.Year()) {
				continue
			}
			cd.exactYear = cd.Year() == e.Year
		}
		cands = append(cands, cd)
	}
	if len(cands) == 0 {
		return nomatch("no film titled %s from %s on TMDB (there are %s)", title, statedWhen(e), yearsOf(titled))
	}
	// An exact year outranks a year off; within each, the most popular
	// first (TMDB's own order breaks ties).
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].exactYear != cands[j].exactYear {
			return cands[i].exactYear
		}
		return cands[i].Popularity > cands[j].Popularity
	})
	hasDirector, hasCast := strings.TrimSpace(e.Director) != "", len(e.Cast) > 0
	if !hasDirector && !hasCast {
		pool := cands
		if e.Year > 0 && cands[0].exactYear {
			pool = slices.DeleteFunc(slices.Clone(cands), func(cd candidate) bool { return !cd.exactYear })
		}
		if len(pool) > 1 {
			what := "no year or director"
			if e.Year > 0 {
				what = "no director"
			}
			return nomatch("%d films titled %s (%s); the review states %s", len(pool), title, yearsOf(pool), what)
		}
		if e.Year == 0 && page.TotalPages > 1 {
			// Only the first page was read: another film of this title may
			// be on the next.
			return nomatch("%d films on TMDB match %q, one of them titled so on the first page; "+
				"the review states no year or director", page.TotalResults, title)
		}
		if e.Year == 0 {
			if b.left < 2 {
				// A TV search and the film's details: without both, no film.
				return nomatch("no TMDB request left to rule out a series titled %s and fetch %s",
					title, describe(pool[0].SearchResult))
			}
			if m, stop, err := c.ruleOutSeries(ctx, e, b, pool[0].SearchResult); stop || err != nil {
				return m, err
			}
		}
		if !b.take() {
			return nomatch("no TMDB request left to fetch %s", describe(pool[0].SearchResult))
		}
		d, err := c.details(ctx, KindMovie, pool[0].ID, pool[0].OriginalLanguage)
		if err != nil {
			return Match{}, err
		}
		reason := "title + year"
		if e.Year == 0 {
			reason = "title (the only film of that title on TMDB)"
			if !e.Published.IsZero() && len(titled) > 1 {
				reason = "title + publication date"
			}
		}
		return found(d, reason)
	}

	// Director or cast tell films apart, but only details carry them.
	type checked struct {
		d       Details
		verdict verdict
		by      string
	}
	var seen []checked
	for _, cd := range cands {
		if !b.take() {
			break
		}
		d, err := c.details(ctx, KindMovie, cd.ID, cd.OriginalLanguage)
		if err != nil {
			return Match{}, err
		}
		v, by := judge(e, d)
		seen = append(seen, checked{d, v, by})
	}
	var confirmed []checked
	for _, s := range seen {
		if s.verdict == confirmedBy {
			confirmed = append(confirmed, s)
		}
	}
	switch {
	case len(confirmed) == 1:
		reason := "title"
		if e.Year > 0 {
			reason += " + year"
		}
		return found(confirmed[0].d, reason+" + "+confirmed[0].by)
	case len(confirmed) > 1:
		var ds []SearchResult
		for _, s := range confirmed {
			ds = append(ds, SearchResult{Title: s.d.Title, ReleaseDate: s.d.ReleaseDate})
		}
		return nomatch("%d films titled %s (%s) by %s", len(confirmed), title, yearsOfResults(ds), statedBy(e))
	case len(cands) == 1 && len(seen) == 1 && seen[0].verdict == unknown && (e.Year > 0 || page.TotalPages <= 1):
		// The one film of that title (and year) has no director or cast
		// on TMDB to weigh: nothing contradicts it.
		reason := "title + year"
		if e.Year == 0 {
			if m, stop, err := c.ruleOutSeries(ctx, e, b, cands[0].SearchResult); stop || err != nil {
				return m, err
			}
			reason = "title (the only film of that title on TMDB)"
		}
		return found(seen[0].d, reason)
	}
	var names []string
	for _, s := range seen {
		names = append(names, fmt.Sprintf("%s by %s", describe(SearchResult{Title: s.d.Title, ReleaseDate: s.d.ReleaseDate}),
			orNobody(s.d.Directors)))
	}
	unchecked := ""
	if len(cands) > len(seen) {
		unchecked = fmt.Sprintf("; %d more not checked", len(cands)-len(seen))
	}
	return nomatch("no film titled %s by %s on TMDB (checked %s%s)", title, statedBy(e), strings.Join(names, ", "), unchecked)
}

// ruleOutSeries makes sure that the one film titled as the review, which
// nothing but its title names, is not mistaken for a TV series of the same
// name: the title path searches films, and a review of the series
// "Adolescence" (2025) would otherwise get the trailer of the film
// "Adolescence" (2018). It asks TMDB's TV search (one request); a series of
// that name or original name, first aired no later than a year after the
// review (a screener may come before the air date, as a festival before a
// release), leaves the review's subject unknown. So does a search whose
// first page has no such series but more pages, which were not read, and
// so does a spent budget: the film is never taken without the search. stop
// says that m, a no-match, is the answer.
func (c *Client) ruleOutSeries(ctx context.Context, e Evidence, b *budget, film SearchResult) (m Match, stop bool, err error) {
	title := strings.TrimSpace(e.Title)
	if !b.take() {
		return Match{Reason: fmt.Sprintf("no TMDB request left to rule out a series titled %s", title)}, true, nil
	}
	page, err := c.SearchTV(ctx, title)
	if err != nil {
		return Match{}, true, err
	}
	var series []SearchResult
	for _, r := range page.Results {
		aired := dateOf(r.ReleaseDate)
		if titleMatches(title, r) && (e.Published.IsZero() || aired.IsZero() || !aired.After(e.Published.AddDate(1, 0, 0))) {
			series = append(series, r)
		}
	}
	switch {
	case len(series) > 0:
		return Match{Reason: fmt.Sprintf("%s is the title of a film (%s) and of %s (%s); the review states no year or director TMDB confirms",
			title, yearsOfResults([]SearchResult{film}), plural(len(series), "a series", "series"), yearsOfResults(series))}, true, nil
	case page.TotalPages > 1:
		return Match{Reason: fmt.Sprintf("%d series on TMDB match %q, none titled so on the first page; the review states no year or director TMDB confirms",
			page.TotalResults, title)}, true, nil
	}
	return Match{}, false, nil
}

// ruleOutFilm makes sure that a series linked by its IMDb id, whose
// credits hold the director the review names only as one of its episodes',
// is not mistaken for a film of its name by that director: a continuation
// or a remake directed by someone who directed episodes (the film "The
// X-Files", 1998, by Rob Bowman, who directed episodes of the series). It
// asks TMDB's film search (one request) for the review's title, or the
// series' name when the review states none; a film of that title, released
// no later than a year after the review and, where the review states a
// year, within one of it, leaves the review's subject unknown. So does a
// search whose first page has no such film but more pages, which were not
// read, and so does a spent budget. stop says that m, a no-match, is the
// answer.
func (c *Client) ruleOutFilm(ctx context.Context, e Evidence, b *budget, series Details) (m Match, stop bool, err error) {
	title := strings.TrimSpace(e.Title)
	if title == "" {
		title = series.Title
	}
	who := fmt.Sprintf("the review names %s, who directed episodes of the series", statedBy(e))
	if !b.take() {
		return Match{Reason: fmt.Sprintf("no TMDB request left to rule out a film titled %s; %s", title, who)}, true, nil
	}
	page, err := c.SearchMovie(ctx, title)
	if err != nil {
		return Match{}, true, err
	}
	var films []SearchResult
	for _, r := range page.Results {
		released := dateOf(r.ReleaseDate)
		switch {
		case !titleMatches(title, r):
		case !e.Published.IsZero() && !released.IsZero() && released.After(e.Published.AddDate(1, 0, 0)):
		case e.Year > 0 && !nearYear(e.Year, r.Year()):
		default:
			films = append(films, r)
		}
	}
	switch {
	case len(films) > 0:
		return Match{Reason: fmt.Sprintf("%s is the title of a series (%s) and of %s (%s); %s", title,
			yearsOfResults([]SearchResult{{Title: series.Title, ReleaseDate: series.ReleaseDate}}),
			plural(len(films), "a film", "films"), yearsOfResults(films), who)}, true, nil
	case page.TotalPages > 1:
		return Match{Reason: fmt.Sprintf("%d films on TMDB match %q, none titled so on the first page; %s",
			page.TotalResults, title, who)}, true, nil
	}
	return Match{}, false, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return strconv.Itoa(n) + " " + many
}

// verdict is what a film's credits say of the review's director and cast.
type verdict int

const (
	unknown      verdict = iota // TMDB lists neither
	confirmedBy                 // they agree
	contradicted                // they disagree
)

// byEpisodeDirector is judge's word for a series confirmed by one of its
// episodes' directors, who is not its creator.
const byEpisodeDirector = "episodes' director"

// judge weighs d's credits against e: the director decides when both name
// one; the cast when the director cannot. A series' director is any of its
// creators or of its episodes' directors: a review may name either. The
// string says what confirmed it: "director", byEpisodeDirector (a series'
// creators named nobody the review names) or "cast".
func judge(e Evidence, d Details) (verdict, string) {
	if names := splitNames(e.Director); len(names) > 0 && len(d.Directors)+len(d.EpisodeDirectors) > 0 {
		for _, dirs := range []struct {
			names []string
			by    string
		}{{d.Directors, "director"}, {d.EpisodeDirectors, byEpisodeDirector}} {
			for _, n := range names {
				for _, dn := range dirs.names {
					if sameName(n, dn) {
						return confirmedBy, dirs.by
					}
				}
			}
		}
		return contradicted, ""
	}
	if len(e.Cast) > 0 && len(d.Cast) > 0 {
		for _, n := range e.Cast {
			for _, cn := range d.Cast {
				if sameName(n, cn) {
					return confirmedBy, "cast"
				}
			}
		}
		return contradicted, ""
	}
	return unknown, ""
}

// sameName compares names folded, in any word order ("Joon-ho Bong" is
// "Bong Joon Ho"); a single word matches a name holding it ("Cronenberg").
func sameName(review, tmdb string) bool {
	a, b := strings.Fields(fold(review)), strings.Fields(fold(tmdb))
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if len(a) == 1 {
		return slices.Contains(b, a[0])
	}
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// splitNames splits "Joel and Ethan Coen" style lists on commas, "&", "/",
// ";" and the words and/und/et/y.
func splitNames(s string) []string {
	s = strings.NewReplacer("&", ",", "/", ",", ";", ",").Replace(s)
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		words := strings.Fields(part)
		start := 0
		for i, w := range words {
			switch strings.ToLower(w) {
			case "and", "und", "et", "y":
				if i > start {
					out = append(out, strings.Join(words[start:i], " "))
				}
				start = i + 1
			}
		}
		if start < len(words) {
			out = append(out, strings.Join(words[start:], " "))
		}
	}
	return out
}

// titleMatches reports whether the review's title is r's. A series' is
// also matched by a title naming one of its seasons or episodes after it
// ("Severance: Season Two").
func titleMatches(title string, r SearchResult) bool {
	t := fold(title)
	if t == "" {
		return false
	}
	if t == fold(r.Title) || t == fold(r.OriginalTitle) {
		return true
	}
	if r.Kind != KindTV {
		return false
	}
	s := seriesTitle(title)
	return s != "" && (s == fold(r.Title) || s == fold(r.OriginalTitle))
}

func nearYear(stated, year int) bool {
	return year != 0 && year >= stated-1 && year <= stated+1
}

func describe(r SearchResult) string {
	if y := r.Year(); y != 0 {
		return fmt.Sprintf("%s (%d)", r.Title, y)
	}
	return r.Title
}

func yearsOf(cs []candidate) string {
	rs := make([]SearchResult, len(cs))
	for i, cd := range cs {
		rs[i] = cd.SearchResult
	}
	return yearsOfResults(rs)
}

func yearsOfResults(rs []SearchResult) string {
	var ys []string
	for _, r := range rs {
		if y := r.Year(); y != 0 {
			ys = append(ys, strconv.Itoa(y))
		} else {
			ys = append(ys, "year unknown")
		}
	}
	sort.Strings(ys)
	return strings.Join(ys, ", ")
}

func statedWhen(e Evidence) string {
	switch {
	case e.Year > 0 && !e.Published.IsZero():
		return fmt.Sprintf("%d±1 released by %s", e.Year, e.Published.Format(time.DateOnly))
	case e.Year > 0:
		return fmt.Sprintf("%d±1", e.Year)
	}
	return fmt.Sprintf("before %s", e.Published.Format(time.DateOnly))
}

func statedBy(e Evidence) string {
	if d := strings.TrimSpace(e.Director); d != "" {
		return d
	}
	return "a cast with " + strings.Join(e.Cast, ", ")
}

func orNobody(names []string) string {
	if len(names) == 0 {
		return "no director on TMDB"
	}
	return strings.Join(names, " and ")
}

// match builds the Match for d.
func (c *Client) match(d Details, reason string) Match {
	m := Match{Kind: d.Kind, TMDBID: d.ID, IMDbID: d.IMDbID, Title: d.Title, OriginalTitle: d.OriginalTitle,
		Year: d.Year(), Directors: d.Directors, Genres: d.Genres, RuntimeMinutes: d.RuntimeMinutes,
		Cast: d.Cast[:min(4, len(d.Cast))], Reason: reason, Videos: trailerCandidates(d.Videos, c.iso)}
	if d.PosterPath != "" {
		m.PosterURL = posterBase + d.PosterPath
	}
	if len(m.Cast) == 0 {
		m.Cast = nil
	}
	if len(m.Videos) > 0 {
		m.Trailer = m.Videos[0] // best first
	}
	return m
}
