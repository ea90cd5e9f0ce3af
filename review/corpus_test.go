package review

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/feed"
)

// corpusRow is one row of testdata/corpus/README.md's item table.
type corpusRow struct {
	file, item, tmdb, film string
	year                   int
	review, trailer        bool
}

func readCorpusTable(t *testing.T) []corpusRow {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "corpus", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	inItems := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			inItems = line == "## Items"
		}
		if !inItems || !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 9 {
			t.Fatalf("README row has %d cells, want 9: %s", len(cells), line)
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		year, err := strconv.Atoi(cells[5])
		if err != nil {
			t.Fatalf("README row year %q: %v", cells[5], err)
		}
		rows = append(rows, corpusRow{file: strings.Trim(cells[0], "`"), item: cells[1], tmdb: cells[3], film: cells[4],
			year: year, review: cells[6] == "yes", trailer: cells[7] == "yes"})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCorpusREADME checks the corpus's README against extraction, so that
// the table the trailer-coverage measurement starts from says what
// reelpost does: every item of every corpus feed is in the table, with the
// film, year, review verdict and trailer extraction gives it.
func TestCorpusREADME(t *testing.T) {
	t.Parallel()
	rows := readCorpusTable(t)
	byFile := map[string][]corpusRow{}
	for _, r := range rows {
		byFile[r.file] = append(byFile[r.file], r)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.xml"))
	if err != nil || len(files) != 5 {
		t.Fatalf("corpus feeds: %v, %v", files, err)
	}
	recognised := 0
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
		// The table names items by the feed's own titles.
		byTitle := map[string]Review{}
		reviews := NewExtractor(ExtractOptions{}).Extract(context.Background(), feedURL, f)
		byKey := map[string]Review{}
		for _, r := range reviews {
			byKey[r.Key] = r
		}
		for _, it := range f.Items {
			r := FromItem(feedURL, f, it)
			byTitle[strings.TrimSpace(it.Title)] = byKey[r.Key]
		}
		if len(byFile[name]) != len(f.Items) || len(reviews) != len(f.Items) {
			t.Errorf("%s: %d items, %d extracted, %d rows in the README", name, len(f.Items), len(reviews), len(byFile[name]))
		}
		for _, row := range byFile[name] {
			r, ok := byTitle[row.item]
			if !ok || r.Key == "" {
				t.Errorf("%s: no item %q", name, row.item)
				continue
			}
			if r.IsReview {
				recognised++
			}
			if r.FilmTitle != row.film || r.Year != row.year {
				t.Errorf("%s %q: film %q (%d), README says %q (%d)", name, row.item, r.FilmTitle, r.Year, row.film, row.year)
			}
			if r.IsReview != row.review {
				t.Errorf("%s %q: IsReview %v (%s), README says %v", name, row.item, r.IsReview, r.ReviewReason, row.review)
			}
			if got := r.TrailerSource == TrailerFromReview; got != row.trailer {
				t.Errorf("%s %q: embeds a trailer %v (%q), README says %v", name, row.item, got, r.TrailerID, row.trailer)
			}
			switch id, tv := strings.CutPrefix(row.tmdb, "tv "); {
			case r.TMDBMovieID != 0 && strconv.Itoa(r.TMDBMovieID) != row.tmdb,
				r.TMDBTVID != 0 && (!tv || strconv.Itoa(r.TMDBTVID) != id):
				t.Errorf("%s %q: the feed's TMDB ids %d/%d, README says %s", name, row.item, r.TMDBMovieID, r.TMDBTVID, row.tmdb)
			}
		}
	}
	if recognised < 30 {
		t.Errorf("extraction recognises %d reviews in the corpus, want at least 30", recognised)
	}
}
