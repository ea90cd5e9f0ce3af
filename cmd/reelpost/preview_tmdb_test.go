package main

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
)

// corpusBlog is a WordPress review feed of the trailer-coverage corpus.
var corpusBlog = filepath.Join("..", "..", "review", "testdata", "corpus", "wordpress-reel-thoughts.xml")

type tmdbPreviewItem struct {
	Title string `json:"title"`
	Film  struct {
		Title  string `json:"title"`
		Year   int    `json:"year"`
		TMDBID int    `json:"tmdb_id"`
	} `json:"film"`
	TMDBID        int      `json:"tmdb_id"`
	TrailerSource string   `json:"trailer_source"`
	TrailerID     string   `json:"trailer_id"`
	Director      string   `json:"director"`
	Genres        []string `json:"genres"`
	TMDB          string   `json:"tmdb"`
	Spoilers      bool     `json:"spoilers"`
	Posts         []struct {
		Network     string `json:"network"`
		Text        string `json:"text"`
		SpoilerText string `json:"spoiler_text"`
	} `json:"posts"`
}

func previewItems(t *testing.T, out string) map[string]tmdbPreviewItem {
	t.Helper()
	items := map[string]tmdbPreviewItem{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var it tmdbPreviewItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("line is not JSON: %v\n%s", err, sc.Text())
		}
		items[it.Title] = it
	}
	return items
}

// TestPreviewTMDB: with TMDB configured, preview shows what the daemon will
// post: a blog review's film identified and completed, TMDB's trailer where
// the review has none, the review's own where it has one, no trailer where
// the title names several films (and why), and a review with spoilers
// behind a content warning on Mastodon only.
func TestPreviewTMDB(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{})
	out, errOut, code := runCLI(t, map[string]string{"FETCH_PAGES": "false", "TMDB_API_KEY": tmdbfake.AccessToken,
		"TMDB_API_URL": fake.URL}, "preview", "--json", corpusBlog)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	items := previewItems(t, out)

	matrix := items["The Matrix review"]
	if matrix.TMDBID != tmdbfake.MatrixID || matrix.Film.TMDBID != tmdbfake.MatrixID || matrix.Film.Year != 1999 ||
		matrix.TrailerSource != "tmdb" || matrix.TrailerID != "MtrxTrlr001" || matrix.Director != "Lana Wachowski, Lilly Wachowski" {
		t.Errorf("The Matrix = %+v; want TMDB's film 603, its year, director and trailer", matrix)
	}
	if !strings.Contains(matrix.TMDB, "imdb link") {
		t.Errorf("The Matrix: tmdb %q, want how it was identified", matrix.TMDB)
	}
	for _, p := range matrix.Posts {
		if !strings.Contains(p.Text, "MtrxTrlr001") {
			t.Errorf("%s post of The Matrix lacks TMDB's trailer:\n%s", p.Network, p.Text)
		}
	}

	crash := items["Crash review"]
	if crash.TMDBID != 0 || crash.TrailerSource != "" || crash.TrailerID != "" || !strings.Contains(crash.TMDB, "3 films titled Crash") {
		t.Errorf("Crash = %+v; want no film, no trailer, and why", crash)
	}

	parasite := items["Parasite (2019) review"]
	if parasite.TMDBID != tmdbfake.ParasiteID || parasite.TrailerSource != "review" || !parasite.Spoilers {
		t.Errorf("Parasite = %+v; want film 496243 with the review's own trailer, spoilers", parasite)
	}
	for _, p := range parasite.Posts {
		switch p.Network {
		case "mastodon":
			if p.SpoilerText != "Spoilers: Parasite (2019)" {
				t.Errorf("mastodon spoiler_text %q", p.SpoilerText)
			}
		default:
			if p.SpoilerText != "" {
				t.Errorf("%s post has spoiler_text %q", p.Network, p.SpoilerText)
			}
		}
	}
}

// TestPreviewWithoutTMDBAsksNothing: TMDB_API_KEY unset, no request goes
// to TMDB, whatever TMDB_API_URL says, and no film is filled in.
func TestPreviewWithoutTMDBAsksNothing(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{})
	out, errOut, code := runCLI(t, map[string]string{"FETCH_PAGES": "false", "TMDB_API_URL": fake.URL},
		"preview", "--json", corpusBlog)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests to TMDB without TMDB_API_KEY, want 0", n)
	}
	if m := previewItems(t, out)["The Matrix review"]; m.TMDBID != 0 || m.TrailerSource != "" || m.TMDB != "" {
		t.Errorf("The Matrix without TMDB = %+v; want nothing from TMDB", m)
	}
}

// TestPreviewSpoilerWarningInPostLanguage: the content warning of a review
// with spoilers is in POST_LANGUAGE, or English for a language reelpost
// has no words for; the posts without a warning stay without one.
func TestPreviewSpoilerWarningInPostLanguage(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{
		"fr-FR": "Attention, spoilers\u00a0: Parasite (2019)",
		"de":    "Spoiler: Parasite (2019)",
		"tr":    "Spoilers: Parasite (2019)",
	} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, map[string]string{"FETCH_PAGES": "false", "POST_LANGUAGE": lang},
				"preview", "--json", corpusBlog)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			parasite := previewItems(t, out)["Parasite (2019) review"]
			if !parasite.Spoilers || len(parasite.Posts) == 0 {
				t.Fatalf("Parasite = %+v; want a review with spoilers and its posts", parasite)
			}
			warned := 0
			for _, p := range parasite.Posts {
				if p.Network == "mastodon" {
					warned++
				}
				switch {
				case p.Network == "mastodon" && p.SpoilerText != want:
					t.Errorf("POST_LANGUAGE=%s: mastodon spoiler_text %q, want %q", lang, p.SpoilerText, want)
				case p.Network != "mastodon" && p.SpoilerText != "":
					t.Errorf("%s post has spoiler_text %q", p.Network, p.SpoilerText)
				}
			}
			if warned != 1 {
				t.Errorf("%d Mastodon posts of Parasite, want 1", warned)
			}
		})
	}
}
