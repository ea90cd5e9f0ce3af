package review

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/review/letterboxd"
)

// applyLetterboxd makes x what its Letterboxd member feed says the entry is.
// Letterboxd's own fields decide: a written review is a review, a bare
// diary entry or a list never is, whatever the blog heuristics or
// FEED_CATEGORIES would say (a member feed has no categories). Its page is
// never fetched: the feed carries the whole review.
func (x *item) applyLetterboxd(en letterboxd.Entry) {
	r := &x.Review
	x.fromSource, x.thin = true, false
	r.IsReview, r.ReviewReason = en.Kind == letterboxd.Review, en.Reason
	if isPicture(en.PosterURL) {
		r.Image = en.PosterURL
	}
	r.Text, r.Summary = en.Text, strings.Join(strings.Fields(en.Text), " ")
	// Nothing of the blog heuristics' metadata block applies to a member's
	// text; the rating is the member's own.
	r.Genres, r.Cast, r.Director, r.Writer, r.RuntimeMinutes, r.Rating, r.SeeAlso = nil, nil, "", "", 0, "", nil
	if en.Kind == letterboxd.List {
		r.Title = en.ListName
		return
	}
	r.FilmTitle, r.Year = en.FilmTitle, en.FilmYear
	if en.FilmTitle != "" {
		r.Title = en.FilmTitle
		if en.FilmYear > 0 {
			r.Title += " (" + strconv.Itoa(en.FilmYear) + ")"
		}
	}
	r.TMDBMovieID, r.TMDBTVID = en.TMDBMovieID, en.TMDBTVID
	r.Rewatch, r.Spoilers = en.Rewatch, en.Spoilers
	if en.MemberRating > 0 {
		r.Rating = strconv.FormatFloat(en.MemberRating, 'f', -1, 64) + "/5"
		r.Stars = en.Stars()
	}
}

// finishFilm sets what the review states about its film once the text is
// final (after page completion): the film's title and year, whether it
// warns of spoilers, where its trailer came from. A Letterboxd entry has
// its film and spoiler flag from Letterboxd already.
func (x *item) finishFilm() {
	r := &x.Review
	if r.TrailerID != "" && r.TrailerSource == "" {
		r.TrailerSource = TrailerFromReview
	}
	if x.fromSource {
		return
	}
	title, marked := r.Title, false
	if containsFoldASCII(title, "spoiler") {
		title, marked = cutSpoilerMark(title)
	}
	r.Spoilers = marked || spoilerCategory(r.Categories)
	if x.film.title != "" {
		r.FilmTitle, r.Year = film.TitleFromItem(x.film.title)
	} else {
		r.FilmTitle, r.Year = film.TitleFromItem(title)
	}
	if x.film.year > 0 {
		r.Year = x.film.year
	}
}

// spoilerMarkRe is a title's note about spoilers in brackets: a warning,
// "(spoilers)", "[SPOILERS]", "(contains spoilers)", "(major spoilers)";
// or the opposite, "(spoiler-free)", "[no spoilers]" (group 1 set).
var spoilerMarkRe = regexp.MustCompile(`(?i)\s*[(\[]\s*(?:(no\s+|non[\s-]*)|(?:contains|with|major|minor|mild|some|heavy|full)\s+)?spoilers?(?:([\s-]*free))?\s*[)\]]\s*`)

// cutSpoilerMark returns title without its note about spoilers, which is
// no part of the film's name, and whether the note warns of them.
func cutSpoilerMark(title string) (string, bool) {
	m := spoilerMarkRe.FindStringSubmatchIndex(title)
	if m == nil {
		return title, false
	}
	free := m[2] >= 0 || m[4] >= 0
	return strings.TrimSpace(title[:m[0]] + " " + title[m[1]:]), !free
}

// spoilerTags are the categories and tags that warn of spoilers
// (categories come with their white space collapsed: cleanCategories).
var spoilerTags = []string{"spoilers", "spoiler", "contains spoilers", "spoiler alert", "spoiler warning"}

// spoilerCategory reports a category or tag that warns of spoilers.
func spoilerCategory(cats []string) bool {
	for _, c := range cats {
		for _, w := range spoilerTags {
			if strings.EqualFold(c, w) {
				return true
			}
		}
	}
	return false
}

// imdbTitleRe is an IMDb title page in a link or in text:
// imdb.com/title/tt0111161, m.imdb.com/title/tt…, imdb.com/de/title/tt….
var imdbTitleRe = regexp.MustCompile(`(?i:imdb\.com)/(?:[a-z]{2}(?:-[a-z]{2})?/)?title/(tt\d{7,10})\b`)

// imdbTitleID returns the title id of the first IMDb title page s names, or
// "".
func imdbTitleID(s string) string {
	if !strings.Contains(s, "title/tt") {
		return "" // the usual case, without running the expression
	}
	if m := imdbTitleRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}
