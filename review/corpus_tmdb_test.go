package review

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
	"github.com/reelpost/reelpost/store"
)

// corpusReview is one review of the corpus as the relay would post it.
type corpusReview struct {
	row corpusRow
	rv  Review
}

// corpusReviews extracts every corpus item extraction calls a review, with
// its README row.
func corpusReviews(t *testing.T) []corpusReview {
	t.Helper()
	rows := readCorpusTable(t)
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus feeds: %v, %v", files, err)
	}
	var out []corpusReview
	for _, path := range files {
		name := filepath.Base(path)
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		feedURL := "https://corpus.example/" + name
		f, err := feed.Parse(feedURL, body, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		byKey := map[string]Review{}
		for _, r := range NewExtractor(ExtractOptions{}).Extract(context.Background(), feedURL, f) {
			byKey[r.Key] = r
		}
		byTitle := map[string]Review{}
		for _, it := range f.Items {
			byTitle[strings.TrimSpace(it.Title)] = byKey[FromItem(feedURL, f, it).Key]
		}
		for _, row := range rows {
			if row.file != name {
				continue
			}
			rv, ok := byTitle[row.item]
			if !ok {
				t.Fatalf("%s: no item %q", name, row.item)
			}
			if rv.IsReview {
				out = append(out, corpusReview{row: row, rv: rv})
			}
		}
	}
	return out
}

// trailerOwners maps every YouTube key of the fake's catalogue to the film
// or show it belongs to ("603", "tv 87108"): the judge of a trailer is the
// catalogue, not the code that chose it.
func trailerOwners(t *testing.T) map[string]string {
	t.Helper()
	owners := map[string]string{}
	add := func(key, owner string) {
		if prev, ok := owners[key]; ok && prev != owner {
			t.Fatalf("the fake's catalogue gives video %s to %s and %s: a trailer must name its film", key, prev, owner)
		}
		owners[key] = owner
	}
	for _, m := range tmdbfake.Movies() {
		for _, v := range m.Videos {
			add(v.Key, strconv.Itoa(m.ID))
		}
	}
	for _, s := range tmdbfake.Shows() {
		for _, v := range s.Videos {
			add(v.Key, "tv "+strconv.Itoa(s.ID))
		}
	}
	return owners
}

// TestCorpusTrailerCoverage is issue 10's measurement (BENCHMARKS.md, "Film
// knowledge"): every review of the corpus through extraction,
// identification against the TMDB fake with the ledger as cache, and Fill,
// as the relay does for a new review. It asserts what the issue promises:
// no wrong trailer, at most 3 TMDB requests per new review, none on a
// second pass over the same ledger (a restart); and logs the figures.
//
//	go test -run TestCorpusTrailerCoverage -v ./review/
func TestCorpusTrailerCoverage(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	reviews := corpusReviews(t)
	if len(reviews) < 30 {
		t.Fatalf("%d corpus reviews, want at least 30", len(reviews))
	}
	owners := trailerOwners(t)
	fake := tmdbfake.New(t, tmdbfake.Options{})
	ledger, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "ledger.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ledger.Close() })
	newClient := func() *film.Client {
		c, err := film.New(film.Options{BaseURL: fake.URL, Credential: tmdbfake.APIKey, Language: "en-US", Cache: ledger})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	client := newClient()
	var before, after, wrong, identified, ambiguousNamed, maxReq, totalReq int
	var table strings.Builder
	for _, cr := range reviews {
		rv, row := cr.rv, cr.row
		if rv.TrailerSource == TrailerFromReview {
			before++
		}
		n0 := len(fake.Requests())
		m, err := client.Identify(ctx, rv.Evidence())
		if err != nil {
			t.Fatalf("%s %q: identify: %v", row.file, row.item, err)
		}
		reqs := len(fake.Requests()) - n0
		maxReq, totalReq = max(maxReq, reqs), totalReq+reqs
		if reqs > 3 {
			t.Errorf("%s %q: %d TMDB requests for one new review, want at most 3", row.file, row.item, reqs)
		}
		rv.Fill(m, "en")
		if rv.TrailerID != "" {
			after++
		}
		got := ""
		switch {
		case m.Found() && m.Kind == film.KindTV:
			got = "tv " + strconv.Itoa(m.TMDBID)
		case m.Found():
			got = strconv.Itoa(m.TMDBID)
		}
		if got != "" {
			identified++
		}
		switch {
		case row.tmdb == "ambiguous" && got != "":
			ambiguousNamed++
			t.Errorf("%s %q: the corpus expects no film (ambiguous), identification named %s (%s)", row.file, row.item, got, m.Reason)
		case row.tmdb != "ambiguous" && got != "" && got != row.tmdb:
			t.Errorf("%s %q: identified TMDB %s, the corpus expects %s (%s)", row.file, row.item, got, row.tmdb, m.Reason)
		}
		if rv.TrailerSource == TrailerFromTMDB && owners[rv.TrailerID] != row.tmdb {
			wrong++
			t.Errorf("%s %q: wrong trailer %s (of %q), the review is of %s", row.file, row.item, rv.TrailerID,
				owners[rv.TrailerID], row.tmdb)
		}
		fmt.Fprintf(&table, "  %-28s %-45q expected %-9s got %-9s %d req  trailer %-6s %s\n", row.file, row.item,
			row.tmdb, orDash(got), reqs, orDash(rv.TrailerSource), m.Reason)
	}
	t.Logf("per review:\n%s", table.String())

	// A restart: a new client, the same ledger. Nothing is asked again.
	restarted := newClient()
	n0 := len(fake.Requests())
	for _, cr := range reviews {
		if _, err := restarted.Identify(ctx, cr.rv.Evidence()); err != nil {
			t.Fatalf("second pass %q: %v", cr.row.item, err)
		}
	}
	second := len(fake.Requests()) - n0
	if second != 0 {
		t.Errorf("second pass over the same ledger made %d TMDB requests, want 0", second)
	}
	if wrong != 0 || ambiguousNamed != 0 {
		t.Errorf("%d wrong trailers, %d ambiguous reviews given a film: want 0", wrong, ambiguousNamed)
	}
	n := len(reviews)
	t.Logf("%d review posts: trailer before (review's own) %d (%.0f%%), after (with TMDB) %d (%.0f%%); "+
		"films identified %d; wrong trailers %d; TMDB requests per new review max %d mean %.2f; second pass %d",
		n, before, pct(before, n), after, pct(after, n), identified, wrong, maxReq, float64(totalReq)/float64(n), second)
	if after <= before {
		t.Errorf("TMDB added no trailer: %d before, %d after", before, after)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func pct(a, n int) float64 { return 100 * float64(a) / float64(n) }
