package film

import (
	"strings"
	"testing"
)

func TestFoldAndNames(t *testing.T) {
	t.Parallel()
	folds := []struct{ in, want string }{
		{"Amélie", "amelie"},
		{"Crash!", "crash"},
		{"Schindler’s List", "schindlers list"},
		{"Fast & Furious", "fast and furious"},
		{"Mission: Impossible – Dead Reckoning", "mission impossible dead reckoning"},
		{"  The   Matrix ", "the matrix"},
	}
	for _, f := range folds {
		if got := fold(f.in); got != f.want {
			t.Errorf("fold(%q) = %q, want %q", f.in, got, f.want)
		}
	}
	names := []struct {
		review, tmdb string
		same         bool
	}{
		{"Bong Joon-ho", "Bong Joon Ho", true},
		{"Joon-ho Bong", "Bong Joon Ho", true},
		{"Cronenberg", "David Cronenberg", true},
		{"Pedro Almodóvar", "Pedro Almodovar", true},
		{"David Lynch", "David Cronenberg", false},
		{"David", "David Cronenberg", true},
		{"Lana Wachowski", "Lilly Wachowski", false},
	}
	for _, n := range names {
		if got := sameName(n.review, n.tmdb); got != n.same {
			t.Errorf("sameName(%q, %q) = %t, want %t", n.review, n.tmdb, got, n.same)
		}
	}
	splits := []struct{ in, want string }{
		{"Joel and Ethan Coen", "Joel|Ethan Coen"},
		{"Lana Wachowski, Lilly Wachowski", "Lana Wachowski|Lilly Wachowski"},
		{"Daniel Kwan & Daniel Scheinert", "Daniel Kwan|Daniel Scheinert"},
		{"Spike Jonze", "Spike Jonze"},
	}
	for _, s := range splits {
		if got := strings.Join(splitNames(s.in), "|"); got != s.want {
			t.Errorf("splitNames(%q) = %q, want %q", s.in, got, s.want)
		}
	}
}
