package review

import (
	"fmt"
	"strings"
)

// Review detection. A film blog also posts news, competitions and
// promotions; only reviews are posted. The first rule that applies decides:
//
//  1. FEED_CATEGORIES set: a review iff one of the item's categories equals
//     one of them (case-insensitive). Nothing else is consulted.
//  2. A category or the title says "review": a review.
//  3. A category or the title says news, announcement, giveaway, competition,
//     contest, promotion, sponsored, "win tickets" or trailer release: not one.
//  4. A metadata block (two or more fields understood) or a rating: a review.
//  5. A category or the title names film, movie or cinema: a review.
//  6. A trailer and evaluative prose (the verdict anchor scores above 2, see
//     summary.go): a review.
//  7. Otherwise: not a review.
var (
	reviewWords = []string{"review", "reviews", "reviewed", "critique", "verdict"}
	newsWords   = []string{"news", "announcement", "announcements", "giveaway", "competition", "contest",
		"promotion", "promo", "sponsored", "win tickets", "press release", "event", "events", "deal", "deals", "sale"}
	filmWords = []string{"film", "films", "movie", "movies", "cinema"}
)

type classifyInput struct {
	title      string
	categories []string
	metaFields int
	rating     string
	trailer    string
	evaluative bool
}

// classify applies the rule above. filter holds FEED_CATEGORIES lower-cased
// (empty: heuristics).
func classify(in classifyInput, filter map[string]bool) (bool, string) {
	if len(filter) > 0 {
		for _, c := range in.categories {
			if filter[strings.ToLower(strings.TrimSpace(c))] {
				return true, fmt.Sprintf("category %q is in FEED_CATEGORIES", c)
			}
		}
		return false, "no category is in FEED_CATEGORIES"
	}
	title := strings.ToLower(in.title)
	if c, ok := firstMatch(in.categories, reviewWords); ok {
		return true, fmt.Sprintf("category %q says review", c)
	}
	if countCues(title, reviewWords) > 0 {
		return true, "title says review"
	}
	if c, ok := firstMatch(in.categories, newsWords); ok {
		return false, fmt.Sprintf("category %q is news or promotion", c)
	}
	if countCues(title, newsWords) > 0 {
		return false, "title is news or promotion"
	}
	if in.metaFields >= 2 {
		return true, "has a metadata block"
	}
	if in.rating != "" {
		return true, "has a rating"
	}
	if c, ok := firstMatch(in.categories, filmWords); ok {
		return true, fmt.Sprintf("category %q names film", c)
	}
	if countCues(title, filmWords) > 0 {
		return true, "title names film"
	}
	if in.trailer != "" && in.evaluative {
		return true, "has a trailer and evaluative text"
	}
	return false, "no sign of a review"
}

func firstMatch(cats, words []string) (string, bool) {
	for _, c := range cats {
		if countCues(strings.ToLower(c), words) > 0 {
			return c, true
		}
	}
	return "", false
}
