package publisher

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/review"
)

// TestRenderNamesTheFilm checks that the built-in templates open with the
// film's name, not the post's title, and make the first hashtag from it
// (issue 12.15), and that a Letterboxd member's rating shows as stars.
func TestRenderNamesTheFilm(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(Templates{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		review    review.Review
		firstLine map[Network]string
		firstTag  string
		line      map[Network]string // a line the post must hold
		notIn     string             // text no post may hold
	}{
		{
			name: "blog post titled Parasite review",
			review: review.Review{Title: "Parasite review", FilmTitle: "Parasite", Director: "Bong Joon-ho",
				Link: "https://films.example/parasite-review", Summary: "A masterpiece of tension.", IsReview: true},
			firstLine: map[Network]string{X: "Parasite, directed by Bong Joon-ho", Mastodon: "Parasite, directed by Bong Joon-ho",
				Bluesky: "Parasite, directed by Bong Joon-ho"},
			firstTag: "Parasite",
			notIn:    "ParasiteReview",
		},
		{
			// Stored before FilmTitle existed: the film is derived from the title.
			name:      "stored review titled Film 3 Review",
			review:    review.Review{Title: "Film 3 Review", Link: "https://films.example/film-3", Summary: "Better than Film 2.", IsReview: true},
			firstLine: map[Network]string{X: "Film 3", Mastodon: "Film 3", Bluesky: "Film 3"},
			firstTag:  "Film3",
			notIn:     "Film3Review",
		},
		{
			name: "Letterboxd review with a half-star rating",
			review: review.Review{Title: "Weapons (2025)", FilmTitle: "Weapons", Year: 2025, Stars: "★★★★½", Rating: "4.5/5",
				Link: "https://letterboxd.com/reelpost_fixture/film/weapons/", Summary: "Cregger's nightmare is a fable.", IsReview: true},
			firstLine: map[Network]string{X: "Weapons (2025) ★★★★½", Mastodon: "Weapons (2025)", Bluesky: "Weapons (2025) ★★★★½"},
			firstTag:  "Weapons",
			line:      map[Network]string{Mastodon: "Rating: ★★★★½"},
			notIn:     "4.5/5",
		},
		{
			name: "blog rating without stars stays N/M",
			review: review.Review{Title: "Her (2013) review", FilmTitle: "Her", Year: 2013, Rating: "4/5",
				Link: "https://films.example/her", Summary: "Sweet and humorous.", IsReview: true},
			firstLine: map[Network]string{X: "Her (2013)", Mastodon: "Her (2013)", Bluesky: "Her (2013)"},
			firstTag:  "Her",
			line:      map[Network]string{Mastodon: "Rating: 4/5"},
			notIn:     "★",
		},
	}
	for _, tt := range tests {
		for _, n := range Networks {
			t.Run(tt.name+"/"+string(n), func(t *testing.T) {
				t.Parallel()
				p, err := r.Render(DefaultRules(n), tt.review, RenderOptions{})
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(p.Text, "\n")
				if lines[0] != tt.firstLine[n] {
					t.Errorf("first line = %q, want %q\n%s", lines[0], tt.firstLine[n], p.Text)
				}
				if len(p.Tags) == 0 || p.Tags[0] != tt.firstTag {
					t.Errorf("tags = %q, want %q first", p.Tags, tt.firstTag)
				}
				if want, ok := tt.line[n]; ok && !strings.Contains("\n"+p.Text+"\n", "\n"+want+"\n") {
					t.Errorf("post lacks the line %q:\n%s", want, p.Text)
				}
				if strings.Contains(p.Text, tt.notIn) {
					t.Errorf("post holds %q:\n%s", tt.notIn, p.Text)
				}
			})
		}
	}
}
