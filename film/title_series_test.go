package film

import "testing"

// TestSeriesTitle: a season or episode named at the end of a review's
// title is cut off, in the forms blogs write them; a title naming none
// gives "".
func TestSeriesTitle(t *testing.T) {
	t.Parallel()
	for title, want := range map[string]string{
		"Severance season 2":                   "severance",
		"Severance: Season Two":                "severance",
		"Severance (Season 2)":                 "severance",
		"The Crown series 4":                   "the crown",
		"The Bear S03E01":                      "the bear",
		"The Bear – S3":                        "the bear",
		"Shōgun 1x03":                          "shogun",
		"The Last of Us season 1, episode 3":   "the last of us",
		"The Last of Us: Episode 3":            "the last of us",
		"Dark – Staffel 2, Folge 4":            "dark",
		"Le Bureau des légendes saison 5":      "le bureau des legendes",
		"La casa de papel temporada 3":         "la casa de papel",
		"Severance: the final season":          "",
		"Severance":                            "",
		"Season 2":                             "",
		"Star Wars: Episode I – A New Hope":    "",
		"Series 7: The Contenders":             "",
		"Mission: Impossible – Dead Reckoning": "",
	} {
		if got := seriesTitle(title); got != want {
			t.Errorf("seriesTitle(%q) = %q, want %q", title, got, want)
		}
	}
}
