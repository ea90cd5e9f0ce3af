// Package letterboxd reads a Letterboxd member feed (https://letterboxd.com/USER/rss/):
// it tells a written review from a bare diary entry and a list, and lifts the film,
// the member's rating and the review text out of Letterboxd's own fields, which a
// blog heuristic cannot see.
//
// The format, as public captures and parsers of member feeds show it:
//   - GiuliaZobrist/GiuliaZobrist.github.io tests/fixtures/rss.xml, a live feed snapshot:
//     namespaces letterboxd="https://letterboxd.com" and tmdb="https://themoviedb.org",
//     letterboxd:watchedDate/rewatch/filmTitle/filmYear/memberRating/memberLike, tmdb:movieId,
//     the poster as <p><img src="https://a.ltrbxd.com/..."/></p>, then the review paragraphs
//     or "<p>Watched on Saturday October 4, 2025.</p>"; PLAN.md there notes memberRating is
//     absent when unrated and TV shows carry tmdb:tvId;
//   - zoetrope69/letterboxd test/fixtures/rss-sample.xml and diary-sample.xml (the
//     " (contains spoilers)" title suffix with "<p><em>This review may contain
//     spoilers.</em></p>"; lists as <ul>/<ol> with a "...plus N more." paragraph; the older
//     http://letterboxd.com namespace and titles as the only carrier of film and stars) and
//     src/letterboxd.ts (the ½..★★★★★ rendering);
//   - nickcotton/nickcotton.com src/_posts/2024-03-21-letterboxd-eleventy-and-rss-a-perfect-trio.md
//     (a letterboxd-watch item beside a letterboxd-list item);
//   - Fleker/letterboxd-for-obsidian main.ts (a letterboxd-review item with tmdb:tvId).
package letterboxd

import (
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

// Kind is what a member-feed item is.
type Kind int

// The zero Kind is never returned by Parse with ok true.
const (
	// Review is a diary entry or review with written text.
	Review Kind = iota + 1
	// Watch is a diary entry without text: a log, perhaps rated or liked.
	Watch
	// List is a member's list of films.
	List
)

func (k Kind) String() string {
	switch k {
	case Review:
		return "review"
	case Watch:
		return "watch"
	case List:
		return "list"
	default:
		return "unknown"
	}
}

// The reasons Parse gives, one per way an item can be classified.
const (
	reasonReview        = "letterboxd review"
	reasonWatchWithText = "letterboxd diary entry with review text"
	reasonWatch         = "letterboxd diary entry without review text"
	reasonList          = "letterboxd list"
)

// ListFilm is one film of a list as the list's description links it.
type ListFilm struct {
	Title string
	URL   string
}

// Entry is one member-feed item as Letterboxd describes it.
type Entry struct {
	Kind Kind
	// Reason says in a few words why the item got its Kind (for logs).
	Reason string

	FilmTitle string
	FilmYear  int // 0 when unknown
	// MemberRating is 0.5..5.0 in halves; 0 when the member did not rate.
	MemberRating float64
	Liked        bool
	Rewatch      bool
	WatchedDate  time.Time // zero when the entry carries no watched date
	TMDBMovieID  int       // 0 when absent
	TMDBTVID     int       // 0 when absent (set instead of TMDBMovieID for TV)
	PosterURL    string

	// Text is the written review as plain text, paragraphs separated by a blank
	// line, without the poster, the "Watched on ..." line and the spoiler line.
	// For a list it is the list's own description, without its films.
	Text string
	// Spoilers is set when the title ends in "(contains spoilers)" or the
	// description carries Letterboxd's "This review may contain spoilers." line.
	Spoilers bool

	// ListName and Films are set for a List.
	ListName string
	Films    []ListFilm
}

// Stars renders the rating as Letterboxd writes it in item titles: one ★ per
// whole star and ½ for a half ("★★★½", "½"); "" when unrated.
func (e Entry) Stars() string {
	return Stars(e.MemberRating)
}

// Stars renders a rating of 0.5..5.0 as ★ and ½; it rounds to the nearest half
// and returns "" for anything below a half star.
func Stars(rating float64) string {
	halves := int(math.Round(rating * 2))
	if halves <= 0 {
		return ""
	}
	if halves > 10 {
		halves = 10
	}
	s := strings.Repeat("★", halves/2)
	if halves%2 == 1 {
		s += "½"
	}
	return s
}

const (
	prefixLetterboxd = "letterboxd"
	prefixTMDB       = "tmdb"

	guidReview = "letterboxd-review-"
	guidWatch  = "letterboxd-watch-"
	guidList   = "letterboxd-list-"

	spoilerTitleSuffix = "(contains spoilers)"
)

// Is reports whether feed is a Letterboxd member feed: its channel links to
// letterboxd.com, or its items carry Letterboxd's GUIDs or letterboxd:
// elements. A blog that merely links to Letterboxd films is not one.
//
// gofeed keys extension elements by the prefix the document declares (it keeps
// no namespace URI for unknown namespaces); Letterboxd always declares
// "letterboxd", under https://letterboxd.com now and http://letterboxd.com in
// older feeds, so the prefix is what is checked. tmdb: alone is not enough:
// other sites use TMDB ids too.
func Is(feed *gofeed.Feed) bool {
	if feed == nil {
		return false
	}
	if isLetterboxdURL(feed.Link) || isLetterboxdURL(feed.FeedLink) {
		return true
	}
	for _, l := range feed.Links {
		if isLetterboxdURL(l) {
			return true
		}
	}
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		if len(it.Extensions[prefixLetterboxd]) > 0 || guidKind(it.GUID) != 0 {
			return true
		}
	}
	return false
}

// Parse reads one member-feed item. ok is false when the item is not a
// Letterboxd review, diary entry or list (then the caller treats it as any
// other item).
//
// The GUID prefix names the kind Letterboxd gave the item, but the text decides
// between Review and Watch: an entry whose GUID says review but whose
// description holds nothing besides the poster and the "Watched on" line is a
// Watch, and one whose GUID says watch but that has text is a Review.
func Parse(it *gofeed.Item) (Entry, bool) {
	if it == nil {
		return Entry{}, false
	}
	lb := it.Extensions[prefixLetterboxd]
	kind := guidKind(it.GUID)
	if kind == 0 {
		switch {
		case len(lb) > 0:
			kind = Watch // a film entry; the text decides below
		case isLetterboxdURL(it.Link) && strings.Contains(linkPath(it.Link), "/list/"):
			kind = List
		case isLetterboxdURL(it.Link) && strings.Contains(linkPath(it.Link), "/film/"):
			kind = Watch
		default:
			return Entry{}, false
		}
	}

	body := it.Description
	if strings.TrimSpace(body) == "" {
		body = it.Content
	}
	desc := readDescription(body)

	if kind == List {
		return Entry{
			Kind:      List,
			Reason:    reasonList,
			ListName:  strings.TrimSpace(it.Title),
			Films:     desc.films,
			Text:      strings.Join(desc.outsideList, "\n\n"),
			PosterURL: desc.poster,
		}, true
	}

	e := Entry{
		FilmTitle:   cleanText(extValue(lb, "filmTitle")),
		FilmYear:    atoi(extValue(lb, "filmYear")),
		Liked:       strings.EqualFold(extValue(lb, "memberLike"), "Yes"),
		Rewatch:     strings.EqualFold(extValue(lb, "rewatch"), "Yes"),
		TMDBMovieID: atoi(extValue(it.Extensions[prefixTMDB], "movieId")),
		TMDBTVID:    atoi(extValue(it.Extensions[prefixTMDB], "tvId")),
		PosterURL:   desc.poster,
		Text:        strings.Join(desc.paragraphs, "\n\n"),
	}
	e.MemberRating, _ = parseRating(extValue(lb, "memberRating"))
	if d, err := time.Parse(time.DateOnly, extValue(lb, "watchedDate")); err == nil {
		e.WatchedDate = d
	}

	// Older feeds carried only the title ("Film, 2016 - ★ (contains spoilers)");
	// it fills what the letterboxd: elements leave out.
	title := strings.TrimSpace(it.Title)
	spoilerTitle := strings.HasSuffix(title, spoilerTitleSuffix)
	t := parseItemTitle(title)
	if e.FilmTitle == "" {
		e.FilmTitle = cleanText(t.film)
	}
	if e.FilmYear == 0 {
		e.FilmYear = t.year
	}
	if e.MemberRating == 0 && extValue(lb, "memberRating") == "" {
		e.MemberRating = t.rating
	}

	e.Spoilers = spoilerTitle || desc.spoilerLine
	switch {
	case e.Text == "":
		e.Kind, e.Reason = Watch, reasonWatch
	case kind == Review:
		e.Kind, e.Reason = Review, reasonReview
	default:
		e.Kind, e.Reason = Review, reasonWatchWithText
	}
	return e, true
}

func guidKind(guid string) Kind {
	guid = strings.TrimSpace(guid)
	switch {
	case strings.HasPrefix(guid, guidReview):
		return Review
	case strings.HasPrefix(guid, guidWatch):
		return Watch
	case strings.HasPrefix(guid, guidList):
		return List
	default:
		return 0
	}
}

func isLetterboxdURL(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return false
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	return host == "letterboxd.com"
}

func linkPath(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return u.Path
}

func extValue(m map[string][]ext.Extension, name string) string {
	if vs := m[name]; len(vs) > 0 {
		return strings.TrimSpace(vs[0].Value)
	}
	return ""
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// parseRating accepts Letterboxd's 0.5..5.0 in halves; anything else is
// treated as unrated rather than shown as a wrong number of stars.
func parseRating(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || r < 0.5 || r > 5 || r*2 != math.Trunc(r*2) {
		return 0, false
	}
	return r, true
}

type itemTitle struct {
	film   string
	year   int
	rating float64
}

// ratingSuffixRE is the member's rating Letterboxd appends to an item title,
// " - ★★★½" (★ a star, ½ a half: Stars), and yearSuffixRE the film's year
// before it, ", 2023". Old feeds wrote the rating of a film without a year
// too ("Film Title - ★★★½"); a film title may itself hold commas
// ("Crouching Tiger, Hidden Dragon, 2000").
var (
	ratingSuffixRE = regexp.MustCompile(` - (★{1,5}½?|½)$`)
	yearSuffixRE   = regexp.MustCompile(`^(.+), (\d{4})$`)
)

// parseItemTitle reads "Film Title, 2023 - ★★★½ (contains spoilers)", any
// part after the film's title absent.
func parseItemTitle(title string) itemTitle {
	title = strings.TrimSpace(strings.TrimSuffix(title, spoilerTitleSuffix))
	var t itemTitle
	if m := ratingSuffixRE.FindStringSubmatchIndex(title); m != nil {
		for _, r := range title[m[2]:m[3]] {
			switch r {
			case '★':
				t.rating++
			case '½':
				t.rating += 0.5
			}
		}
		title = title[:m[0]]
	}
	t.film = title
	if m := yearSuffixRE.FindStringSubmatch(title); m != nil {
		t.film, t.year = m[1], atoi(m[2])
	}
	return t
}
