package review

import (
	"slices"
	"testing"
)

func TestParseRuntime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{"2hrs 6mins", 126}, {"1h 45m", 105}, {"105 min", 105}, {"1 hour 30 minutes", 90},
		{"2 hours", 120}, {"2:06", 126}, {"PT2H6M", 126}, {"126", 126}, {"1.5 hours", 90},
		{"long", 0}, {"", 0}, {"9999 minutes", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := parseRuntime(tt.in); got != tt.want {
				t.Errorf("parseRuntime(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRating(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"4/5", "4/5"}, {"8/10", "8/10"}, {"★★★★☆", "4/5"}, {"★★★½", "3.5/5"}, {"4 stars", "4/5"},
		{"four stars", "4/5"}, {"3.5 out of 5", "3.5/5"}, {"4 out of 5 stars", "4/5"}, {"a must-see", ""}, {"", ""},
		{"11/10", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := parseRating(tt.in); got != tt.want {
				t.Errorf("parseRating(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMetadataLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  metadata
		meta  int // how many lines are metadata
	}{
		{
			name: "her block",
			lines: []string{"Genres: Romance, Drama & Science Fiction", "Cast: Joaquin Phoenix, Amy Adams, Rooney Mara, Scarlett Johansson",
				"Running Time: 2hrs 6mins", "Writer/Director: Spike Jonze", "See it if you liked: Robot and Frank & Stranger than Fiction."},
			want: metadata{Genres: []string{"Romance", "Drama", "Science Fiction"}, Cast: []string{"Joaquin Phoenix", "Amy Adams", "Rooney Mara", "Scarlett Johansson"},
				Runtime: 126, Director: "Spike Jonze", Writer: "Spike Jonze", SeeAlso: []string{"Robot and Frank", "Stranger than Fiction"}},
			meta: 5,
		},
		{
			name:  "label variants on one line",
			lines: []string{"Genre: Thriller | Starring: Al Pacino and Robert De Niro | Runtime: 1h 45m | Director: Michael Mann | Written by: Michael Mann | Rating: ★★★★☆"},
			want: metadata{Genres: []string{"Thriller"}, Cast: []string{"Al Pacino", "Robert De Niro"}, Runtime: 105,
				Director: "Michael Mann", Writer: "Michael Mann", Rating: "4/5"},
			meta: 1,
		},
		{
			name:  "verdict prose is not metadata, score is",
			lines: []string{"Verdict: a gorgeous mess.", "Score: 8/10", "Length: 105 min"},
			want:  metadata{Rating: "8/10", Runtime: 105},
			meta:  2,
		},
		{
			name:  "prose with colons is not metadata",
			lines: []string{"What lingers is the score: spare and patient.", "The cast: superb, says everyone."},
			meta:  0,
		},
		{
			name:  "byline without colon",
			lines: []string{"Written and directed by Spike Jonze"},
			want:  metadata{Director: "Spike Jonze", Writer: "Spike Jonze"},
			meta:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var m metadata
			n := 0
			for _, l := range tt.lines {
				if m.parseLine(l) {
					n++
				}
			}
			if n != tt.meta {
				t.Errorf("%d lines read as metadata, want %d", n, tt.meta)
			}
			if !slices.Equal(m.Genres, tt.want.Genres) || !slices.Equal(m.Cast, tt.want.Cast) || !slices.Equal(m.SeeAlso, tt.want.SeeAlso) ||
				m.Director != tt.want.Director || m.Writer != tt.want.Writer || m.Runtime != tt.want.Runtime || m.Rating != tt.want.Rating {
				t.Errorf("got %+v\nwant %+v", m, tt.want)
			}
		})
	}
}
