package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// exampleFeed is the feed the README's first command runs against.
var exampleFeed = filepath.Join("..", "..", "examples", "feed.xml")

func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	if env == nil {
		env = map[string]string{}
	}
	err := run(context.Background(), args, env, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestPreviewJSON(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, map[string]string{"FETCH_PAGES": "false"}, "preview", "--json", exampleFeed)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type post struct {
		Network, Account, Text string
		Length, Limit          int
		Facets                 []struct{ Text, URL, Tag string }
		Card                   *struct{ URL, Title, ImageURL string } `json:"card"`
	}
	var items []struct {
		Key, Link, Title, TrailerID, TrailerURL, Director, Summary string
		Genres, Cast, SeeAlso                                      []string
		RuntimeMinutes                                             int  `json:"runtime_minutes"`
		IsReview                                                   bool `json:"is_review"`
		Posts                                                      []post
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var it = struct {
			Key        string   `json:"key"`
			Link       string   `json:"link"`
			Title      string   `json:"title"`
			TrailerID  string   `json:"trailer_id"`
			TrailerURL string   `json:"trailer_url"`
			Director   string   `json:"director"`
			Summary    string   `json:"summary"`
			Genres     []string `json:"genres"`
			Cast       []string `json:"cast"`
			SeeAlso    []string `json:"see_also"`
			Runtime    int      `json:"runtime_minutes"`
			IsReview   bool     `json:"is_review"`
			Posts      []post   `json:"posts"`
		}{}
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("line is not JSON: %v\n%s", err, sc.Text())
		}
		items = append(items, struct {
			Key, Link, Title, TrailerID, TrailerURL, Director, Summary string
			Genres, Cast, SeeAlso                                      []string
			RuntimeMinutes                                             int  `json:"runtime_minutes"`
			IsReview                                                   bool `json:"is_review"`
			Posts                                                      []post
		}{it.Key, it.Link, it.Title, it.TrailerID, it.TrailerURL, it.Director, it.Summary, it.Genres, it.Cast, it.SeeAlso, it.Runtime, it.IsReview, it.Posts})
	}
	if len(items) != 2 {
		t.Fatalf("got %d items, want 2 (a news item and the review)", len(items))
	}
	news, her := items[0], items[1]
	if news.IsReview {
		t.Errorf("the club-night news item is shown as a review")
	}
	if !her.IsReview || her.Title != "Her" || her.TrailerID != "WzV6mXIOVl4" ||
		her.TrailerURL != "https://www.youtube.com/watch?v=WzV6mXIOVl4" || her.Director != "Spike Jonze" || her.RuntimeMinutes != 126 {
		t.Errorf("review fields wrong: %+v", her)
	}
	if !strings.Contains(her.Summary, "It's sweet, humorous and thought-provoking") || strings.HasPrefix(her.Summary, "Technology") {
		t.Errorf("summary is not the verdict: %q", her.Summary)
	}
	if len(her.Posts) != 3 {
		t.Fatalf("no account configured: want a post for each of the 3 networks, got %d", len(her.Posts))
	}
	for _, p := range her.Posts {
		if p.Length <= 0 || p.Length > p.Limit {
			t.Errorf("%s: length %d of %d", p.Network, p.Length, p.Limit)
		}
		if !strings.Contains(p.Text, "Her") {
			t.Errorf("%s post lacks the title: %q", p.Network, p.Text)
		}
		switch p.Network {
		case "x", "mastodon":
			for _, u := range []string{her.TrailerURL, her.Link} {
				if !strings.Contains(p.Text, u) {
					t.Errorf("%s post lacks %s: %q", p.Network, u, p.Text)
				}
			}
		case "bluesky":
			urls := map[string]bool{}
			for _, f := range p.Facets {
				if f.URL != "" {
					urls[f.URL] = true
					if !strings.Contains(p.Text, f.Text) {
						t.Errorf("bluesky facet text %q not in the post", f.Text)
					}
				}
			}
			if !urls[her.TrailerURL] || !urls[her.Link] {
				t.Errorf("bluesky link facets %v lack the trailer or the review", urls)
			}
			if p.Card == nil || p.Card.URL != her.Link {
				t.Errorf("bluesky card = %+v, want one for the review", p.Card)
			}
		}
	}
}

func TestPreviewText(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, map[string]string{"FETCH_PAGES": "false"}, "preview", "--limit", "1", exampleFeed)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"== Her  [review", "trailer:   https://www.youtube.com/watch?v=WzV6mXIOVl4", "director:  Spike Jonze",
		"-- x (default rules): ", "-- mastodon (default rules): ", "-- bluesky (default rules): ", "youtu.be/WzV6mXIOVl4"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Cinema club night") {
		t.Errorf("--limit 1 should show only the newest item:\n%s", out)
	}
}

func TestPreviewBadFeed(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.xml")
	out, errOut, code := runCLI(t, map[string]string{"FETCH_PAGES": "false"}, "preview", exampleFeed, missing)
	if code != exitFailure {
		t.Errorf("exit %d, want %d for an unreadable feed", code, exitFailure)
	}
	if !strings.Contains(errOut, missing) {
		t.Errorf("stderr does not name the feed %s:\n%s", missing, errOut)
	}
	if !strings.Contains(out, "Her") {
		t.Errorf("the readable feed should still be shown:\n%s", out)
	}
}

func TestUsageAndHelp(t *testing.T) {
	t.Parallel()
	if _, errOut, code := runCLI(t, nil); code != exitUsage || !strings.Contains(errOut, "usage: reelpost") {
		t.Errorf("no command: exit %d, stderr %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, nil, "frobnicate"); code != exitUsage || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
	for _, c := range commands() {
		out, _, code := runCLI(t, nil, c.name, "--help")
		if code != 0 || !strings.Contains(out, "usage: reelpost "+c.name) {
			t.Errorf("%s --help: exit %d, output %q", c.name, code, out)
		}
	}
	if out, _, code := runCLI(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "reelpost ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	if _, errOut, code := runCLI(t, nil, "preview", "--limit", "x"); code != exitUsage || errOut == "" {
		t.Errorf("bad flag: exit %d, stderr %q", code, errOut)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if c := exitCode(&exitError{code: exitConfig, err: errors.New("x")}, &b); c != exitConfig {
		t.Errorf("exitCode = %d", c)
	}
	if c := exitCode(errors.New("plain"), &b); c != exitFailure {
		t.Errorf("exitCode = %d", c)
	}
}

// TestPreviewJSONFilm checks what --json says of each item's film, and the
// feed it came from: a Letterboxd member feed states the film, its TMDB id,
// the member's stars and spoilers; a blog's film is derived from its title.
func TestPreviewJSONFilm(t *testing.T) {
	t.Parallel()
	memberFeed := filepath.Join("..", "..", "review", "letterboxd", "testdata", "member-feed.xml")
	out, errOut, code := runCLI(t, map[string]string{"FETCH_PAGES": "false"}, "preview", "--json", memberFeed, exampleFeed)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type item struct {
		FeedURL string `json:"feed_url"`
		Title   string `json:"title"`
		Film    struct {
			Title  string `json:"title"`
			Year   int    `json:"year"`
			TMDBID int    `json:"tmdb_id"`
		} `json:"film"`
		TMDBID        int    `json:"tmdb_id"`
		Spoilers      bool   `json:"spoilers"`
		Stars         string `json:"stars"`
		TrailerSource string `json:"trailer_source"`
		TrailerID     string `json:"trailer_id"`
		Posts         []struct{ Network, Text string }
	}
	byTitle := map[string]item{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var it item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("line is not JSON: %v\n%s", err, sc.Text())
		}
		for _, key := range []string{`"film":`, `"tmdb_id":`, `"trailer_source":`, `"spoilers":`, `"feed_url":`} {
			if !bytes.Contains(sc.Bytes(), []byte(key)) {
				t.Errorf("item %q lacks %s", it.Title, key)
			}
		}
		byTitle[it.Title] = it
	}
	weapons, ok := byTitle["Weapons (2025)"]
	if !ok {
		t.Fatalf("no Weapons (2025) item among %d", len(byTitle))
	}
	if weapons.FeedURL != memberFeed || weapons.Film.Title != "Weapons" || weapons.Film.Year != 2025 ||
		weapons.Film.TMDBID != 1078605 || weapons.TMDBID != 1078605 || weapons.Stars != "★★★★½" || weapons.Spoilers {
		t.Errorf("Weapons = %+v", weapons)
	}
	for _, p := range weapons.Posts {
		if p.Network == "x" && !strings.HasPrefix(p.Text, "Weapons (2025) ★★★★½\n") {
			t.Errorf("x post does not open with the film and the stars:\n%s", p.Text)
		}
	}
	if parasite := byTitle["Parasite (2019)"]; !parasite.Spoilers {
		t.Errorf("Parasite = %+v, want spoilers", parasite)
	}
	her, ok := byTitle["Her"]
	if !ok {
		t.Fatalf("no Her item from %s", exampleFeed)
	}
	if her.FeedURL != exampleFeed || her.Film.Title != "Her" || her.TrailerSource != "review" || her.TrailerID == "" {
		t.Errorf("Her = %+v, want the film Her and the review's own trailer", her)
	}
}
