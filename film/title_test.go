package film_test

import (
	"testing"

	"github.com/reelpost/reelpost/film"
)

func TestTitleFromItem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		item  string
		title string
		year  int
	}{
		{"Aftersun review", "Aftersun", 0},
		{"Review: Aftersun", "Aftersun", 0},
		{"Aftersun (2022) review", "Aftersun", 2022},
		{"Aftersun (2022)", "Aftersun", 2022},
		{"‘Aftersun’ Review: Paul Mescal Is Devastating", "Aftersun", 0},
		{"‘Aftersun’ (2022) review: a father, a daughter", "Aftersun", 2022},
		{"Film Review – Aftersun", "Aftersun", 0},
		{"Aftersun – review", "Aftersun", 0},
		{"Aftersun: Review", "Aftersun", 0},
		{"REVIEW | Aftersun [2022]", "Aftersun", 2022},
		{"Aftersun (2022) – Film Review", "Aftersun", 2022},
		{"Aftersun Review – A Father and Daughter on Holiday", "Aftersun", 0},
		{"Movie Review: 'Aftersun'", "Aftersun", 0},
		{"“Aftersun” review", "Aftersun", 0},
		{"Aftersun, 2022 - ★★★★½", "Aftersun", 2022},
		// Old Letterboxd titles of films without a year.
		{"Aftersun - ★★★½", "Aftersun", 0},
		{"Aftersun - ½", "Aftersun", 0},
		{"Mission: Impossible - Fallout - ★★★★", "Mission: Impossible - Fallout", 0},
		{"Crouching Tiger, Hidden Dragon - ★★", "Crouching Tiger, Hidden Dragon", 0},
		{"Her", "Her", 0},
		{"  Her  ", "Her", 0},
		{"‘Schindler’s List’ review", "Schindler’s List", 0},
		{"Review: Mission: Impossible – Dead Reckoning Part One", "Mission: Impossible – Dead Reckoning Part One", 0},
		{"Mission: Impossible – Dead Reckoning Part One (2023) review", "Mission: Impossible – Dead Reckoning Part One", 2023},
		{"Blade Runner 2049 review", "Blade Runner 2049", 0},
		{"Peer Review review", "Peer Review", 0},
		{"Review", "Review", 0},
		{"Giveaway: win tickets to the Dune: Part Two preview", "Giveaway: win tickets to the Dune: Part Two preview", 0},
		{"Previews: what opens this week", "Previews: what opens this week", 0},
		{"Cinema club night moves to Thursdays", "Cinema club night moves to Thursdays", 0},
	}
	for _, tt := range tests {
		t.Run(tt.item, func(t *testing.T) {
			t.Parallel()
			title, year := film.TitleFromItem(tt.item)
			if title != tt.title || year != tt.year {
				t.Errorf("TitleFromItem(%q) = %q, %d; want %q, %d", tt.item, title, year, tt.title, tt.year)
			}
		})
	}
}
