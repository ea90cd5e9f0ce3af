package film

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Video is one video TMDB lists for a film or show.
type Video struct {
	// Key is the video's id on its site.
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
	// Site is where it is hosted: "YouTube", "Vimeo".
	Site string `json:"site"`
	// Type is TMDB's: Trailer, Teaser, Clip, Featurette, Behind the
	// Scenes, Bloopers, Opening Credits.
	Type string `json:"type"`
	// Official is false for uploads by anyone but the film's own channels.
	Official bool `json:"official"`
	// Language is the ISO 639-1 code of its language; "" for none.
	Language    string    `json:"language,omitempty"`
	Region      string    `json:"region,omitempty"`
	PublishedAt time.Time `json:"published_at,omitzero"`
}

// URL is the video's YouTube watch URL; "" for a video elsewhere.
func (v Video) URL() string {
	if !v.onYouTube() {
		return ""
	}
	return WatchURL(v.Key)
}

// WatchURL is the canonical watch URL of a YouTube video id; "" for "".
func WatchURL(id string) string {
	if id == "" {
		return ""
	}
	return "https://www.youtube.com/watch?v=" + id
}

func (v Video) onYouTube() bool {
	return strings.EqualFold(v.Site, "YouTube") && ValidYouTubeID(v.Key)
}

// ValidYouTubeID reports whether s has the form of a YouTube video id: 11
// characters of [A-Za-z0-9_-].
func ValidYouTubeID(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// eligible reports whether v may be posted as the trailer: on YouTube (the
// link every network previews), and a trailer or a teaser. Clips,
// featurettes, behind-the-scenes, bloopers and opening credits show part of
// the film, not the film.
func (v Video) eligible() bool {
	return v.onYouTube() && (v.Type == "Trailer" || v.Type == "Teaser")
}

// ChooseTrailer picks the trailer to post from a film's videos, for a post
// in lang (a BCP 47 tag or an ISO 639-1 code). Only YouTube trailers and
// teasers qualify. Among them, in order of weight:
//
//  1. official before not (TMDB's official=false is a fan upload or a
//     re-cut; "the trailer" of a film is the one its makers published, so
//     an official teaser beats a fan-made trailer);
//  2. a Trailer before a Teaser;
//  3. the post's language, then English, then no language, then others;
//  4. the earliest published: later ones are second trailers, re-release
//     and anniversary trailers.
//  5. the YouTube key, so that equals are chosen the same way every time.
//
// It reports false when no video qualifies.
func ChooseTrailer(videos []Video, lang string) (Video, bool) {
	c := trailerCandidates(videos, lang)
	if len(c) == 0 {
		return Video{}, false
	}
	return c[0], true
}

// better reports whether a ranks before b for a post in iso.
func better(a, b Video, iso string) bool {
	if c := rank(a, iso) - rank(b, iso); c != 0 {
		return c < 0
	}
	switch {
	case a.PublishedAt.IsZero() != b.PublishedAt.IsZero():
		return b.PublishedAt.IsZero() // an unknown date ranks last
	case !a.PublishedAt.Equal(b.PublishedAt):
		return a.PublishedAt.Before(b.PublishedAt)
	}
	return a.Key < b.Key // the same answer every time
}

// rank orders by rules 1 to 3 of ChooseTrailer: lower is better.
func rank(v Video, iso string) int {
	r := 0
	if !v.Official {
		r += 100
	}
	if v.Type != "Trailer" {
		r += 10
	}
	switch v.Language {
	case iso:
	case "en":
		r++
	case "":
		r += 2
	default:
		r += 3
	}
	return r
}

// isoLanguage is the ISO 639-1 part of a BCP 47 tag ("de-AT" -> "de").
func isoLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	return strings.ToLower(base)
}

// trailerCandidates keeps the videos ChooseTrailer could choose, best first
// for lang, so that a cached Match can be re-chosen for another language.
func trailerCandidates(videos []Video, lang string) []Video {
	iso := isoLanguage(lang)
	var out []Video
	for _, v := range videos {
		if v.eligible() {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b Video) int {
		if better(a, b, iso) {
			return -1
		}
		if better(b, a, iso) {
			return 1
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}
