package feed

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// batchesOf reads body with ParseBatches and returns the batches' items in
// order, checking each batch's first and channel against want's.
func batchesOf(t *testing.T, name string, body []byte, batchBytes int, want *gofeed.Feed) ([]*gofeed.Item, int) {
	t.Helper()
	var got []*gofeed.Item
	calls := 0
	err := ParseBatches(name, body, "", batchBytes, func(f *gofeed.Feed, first int) error {
		calls++
		if first != len(got) {
			t.Errorf("%s: batch %d starts at item %d, want %d", name, calls, first, len(got))
		}
		if f.Title != want.Title || f.Link != want.Link || f.FeedType != want.FeedType || f.Language != want.Language ||
			!reflect.DeepEqual(f.Extensions, want.Extensions) {
			t.Errorf("%s: batch %d's channel is %q %q %q, want %q %q %q (and the same extensions)", name, calls,
				f.Title, f.Link, f.FeedType, want.Title, want.Link, want.FeedType)
		}
		got = append(got, f.Items...)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: ParseBatches: %v", name, err)
	}
	return got, calls
}

// ParseBatches, one item at a time, gives exactly the items Parse gives,
// over the corpus of real feeds: whatever the batches, what is read is the
// same.
func TestParseBatchesIsParse(t *testing.T) {
	t.Parallel()
	dir := parseRealFeedsDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	batched := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "README.md" || name == "MANIFEST.json" {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Parse(name, body, "")
		if err != nil {
			var pe *ParseError
			if perr := ParseBatches(name, body, "", 1, func(*gofeed.Feed, int) error { return nil }); !errors.As(perr, &pe) {
				t.Errorf("%s: Parse fails (%v), ParseBatches gives %v, want a *ParseError", name, err, perr)
			}
			continue
		}
		got, calls := batchesOf(t, name, body, 1, want)
		if calls > 1 {
			batched++
		}
		if len(got) != len(want.Items) {
			t.Errorf("%s: %d items in batches, Parse %d", name, len(got), len(want.Items))
			continue
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], want.Items[i]) {
				t.Errorf("%s: item %d differs:\nbatches %+v\nParse   %+v", name, i, got[i], want.Items[i])
			}
		}
	}
	if batched < 20 {
		t.Errorf("only %d feeds of the corpus were read in more than one batch: the test proves little", batched)
	}
}

func TestParseBatchesSizes(t *testing.T) {
	t.Parallel()
	body := []byte(printsRSS)
	want, err := Parse("t", body, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		batchBytes int
		calls      int
	}{
		{"one item a batch", 1, 3},
		{"all in one", 1 << 20, 1},
		{"two, then one", len(printsItems[0]) + len(printsItems[1]), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, calls := batchesOf(t, "t", []byte(printsRSS), tc.batchBytes, want)
			if calls != tc.calls || len(got) != 3 {
				t.Errorf("%d batches, %d items; want %d batches, 3 items", calls, len(got), tc.calls)
			}
		})
	}
}

func TestParseBatchesErrors(t *testing.T) {
	t.Parallel()
	stop := errors.New("enough")
	calls := 0
	err := ParseBatches("t", []byte(printsRSS), "", 1, func(*gofeed.Feed, int) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("fn's error: got %v after %d calls, want it as is after 1", err, calls)
	}
	var pe *ParseError
	err = ParseBatches("https://films.example/feed", []byte("<html><body>Not found</body></html>"), "", 1, func(*gofeed.Feed, int) error {
		t.Error("fn called for an HTML page")
		return nil
	})
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "https://films.example/feed") {
		t.Errorf("an HTML page: got %v, want a *ParseError naming the feed", err)
	}
}
