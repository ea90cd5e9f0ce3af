package review

import (
	"strings"

	"github.com/reelpost/reelpost/film"
)

// LacksFilmFacts reports whether TMDB could add to r what a post shows: a
// trailer, or a film fact the review does not state. A review that states
// them all needs no lookup at all.
func (r Review) LacksFilmFacts() bool {
	return r.TrailerID == "" || r.FilmTitle == "" || r.Year == 0 || r.Director == "" ||
		len(r.Genres) == 0 || len(r.Cast) == 0 || r.RuntimeMinutes == 0 || r.Image == ""
}

// Fill completes r from the film TMDB identified, m: what the review does
// not state, and never what it does (the reviewer's director spelling, their
// own picture, their year stand). The trailer is the review's own when it
// has one; else m's trailer for a post in lang (a BCP 47 tag, "" for m's
// own choice), chosen again from m's videos since the answer may be cached
// for another language's posts. A Match that names no film changes nothing.
func (r *Review) Fill(m film.Match, lang string) {
	if !m.Found() {
		return
	}
	switch {
	case r.TMDBMovieID != 0 || r.TMDBTVID != 0:
		// The feed named the film: the match is of it.
	case m.Kind == film.KindTV:
		r.TMDBTVID = m.TMDBID
	default:
		r.TMDBMovieID = m.TMDBID
	}
	if r.IMDbID == "" {
		r.IMDbID = m.IMDbID
	}
	if r.FilmTitle == "" {
		r.FilmTitle = m.Title
	}
	if r.Year == 0 {
		r.Year = m.Year
	}
	if m.Kind != film.KindTV {
		// A show's "directors" are its creators and its running time an
		// episode's: posts say "directed by" and "Running time", which
		// would be wrong of a series.
		if r.Director == "" {
			r.Director = strings.Join(m.Directors, ", ")
		}
		if r.RuntimeMinutes == 0 {
			r.RuntimeMinutes = m.RuntimeMinutes
		}
	}
	if len(r.Genres) == 0 && len(m.Genres) > 0 {
		r.Genres = append([]string(nil), m.Genres...)
	}
	if len(r.Cast) == 0 && len(m.Cast) > 0 {
		r.Cast = append([]string(nil), m.Cast...)
	}
	if r.Image == "" {
		r.Image = m.PosterURL
	}
	r.fillTrailer(m, lang)
}

// fillTrailer sets TMDB's trailer unless the review has its own. A trailer
// of unknown source (a review stored before TrailerSource existed) is the
// review's: only the review could have given it then.
func (r *Review) fillTrailer(m film.Match, lang string) {
	if r.TrailerID != "" && r.TrailerSource != TrailerFromTMDB {
		if r.TrailerSource == "" {
			r.TrailerSource = TrailerFromReview
		}
		return
	}
	v, ok := m.Trailer, m.Trailer.Key != ""
	if lang != "" && len(m.Videos) > 0 {
		v, ok = film.ChooseTrailer(m.Videos, lang)
	}
	if !ok || v.URL() == "" {
		// No trailer for this film (yet); one TMDB gave before, for this
		// same film, stays.
		return
	}
	r.TrailerID, r.TrailerURL, r.TrailerSource = v.Key, v.URL(), TrailerFromTMDB
}
