package review

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/testutil"
)

// streamed extracts body one item a batch, as a poll of a big feed does
// (whole when Batchable says so).
func streamed(t *testing.T, e *Extractor, feedURL string, body []byte) []Review {
	t.Helper()
	s := e.Stream(t.Context(), feedURL)
	batch := 1
	if !Batchable(body) {
		batch = math.MaxInt
	}
	if err := feed.ParseBatches(feedURL, body, "", batch, func(f *gofeed.Feed, first int) error {
		s.Add(f, first)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return s.Reviews()
}

// A feed read in batches gives the reviews Extract gives for the whole of
// it: the same fields, the same order, duplicates merged across batches
// (Wix's language copies), over this package's fixtures and the corpus of
// real feeds.
func TestStreamIsExtract(t *testing.T) {
	t.Parallel()
	var files []string
	for _, dir := range []string{filepath.Join("testdata", "reviews"), testutil.SharedDir(t, "fixtures", "feeds-real")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if n := e.Name(); !e.IsDir() && filepath.Ext(n) != ".md" && filepath.Ext(n) != ".json" && filepath.Ext(n) != ".html" {
				files = append(files, filepath.Join(dir, n))
			}
		}
	}
	merged := 0
	for _, path := range files {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		feedURL := "https://films.example/" + filepath.Base(path)
		f, err := feed.Parse(feedURL, body, "")
		if err != nil {
			continue
		}
		want := NewExtractor(ExtractOptions{Categories: []string{"film reviews"}}).Extract(t.Context(), feedURL, f)
		got := streamed(t, NewExtractor(ExtractOptions{Categories: []string{"film reviews"}}), feedURL, body)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: in batches %d reviews, whole %d; they differ:\nbatches %+v\nwhole   %+v", path, len(got), len(want), got, want)
		}
		for _, r := range want {
			if len(r.Duplicates) > 0 {
				merged++
			}
		}
	}
	if merged == 0 {
		t.Error("no fixture has duplicates merged: the test does not show merging across batches")
	}
}

// Page completion spans the batches: a page is requested once per
// extraction, and an item of a later batch with the same page (the same
// post under a second GUID) is completed from it too.
func TestStreamPagesOncePerExtraction(t *testing.T) {
	t.Parallel()
	srv := newPageServer(t)
	one := string(thinFeed(t, srv, "", ""))
	start, end := strings.Index(one, "<item>"), strings.Index(one, "</item>")+len("</item>")
	copyItem := strings.Replace(one[start:end], "6093eda01d8eeb00169dbbe3", "6093eda01d8eeb00169dbbe4", 1)
	body := []byte(one[:end] + "\n" + copyItem + one[end:])
	e := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: true})
	got := streamed(t, e, srv.URL+"/blog-feed.xml", body)
	if len(got) != 1 || !got[0].PageFetched {
		t.Fatalf("got %+v, want one review completed from its page, its copy merged into it", got)
	}
	if reqs := srv.log(); len(reqs) != 1 {
		t.Errorf("page requests %q, want one", reqs)
	}
	if e.PagesPending(srv.URL + "/blog-feed.xml") {
		t.Error("PagesPending after every page was read")
	}
}

// A Letterboxd GUID in any item makes the whole feed a Letterboxd member
// feed, which changes how its other items are read: such a document is
// extracted whole, and read in batches it would not give the same reviews.
func TestBatchable(t *testing.T) {
	t.Parallel()
	const doc = `<?xml version="1.0"?><rss version="2.0"><channel><title>Films</title><link>https://films.example/</link>
<item><title>Her, ★★★★</title><link>https://letterboxd.com/films/film/her/</link><guid>https://films.example/?p=1</guid>
<description>A tender film about loneliness, and one of the best of the year.</description></item>
<item><title>Heat, ★★★★½</title><link>https://letterboxd.com/films/film/heat/</link><guid isPermaLink="false">letterboxd-review-2</guid>
<description>Mann at his best.</description></item>
</channel></rss>`
	if Batchable([]byte(doc)) {
		t.Fatal("Batchable accepts a document holding a Letterboxd entry")
	}
	if !Batchable([]byte(printsLikeBlog)) {
		t.Error("Batchable refuses a blog's feed")
	}
	feedURL := "https://films.example/feed"
	f, err := feed.Parse(feedURL, []byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	whole := NewExtractor(ExtractOptions{}).Extract(t.Context(), feedURL, f)
	s := NewExtractor(ExtractOptions{}).Stream(t.Context(), feedURL)
	if err := feed.ParseBatches(feedURL, []byte(doc), "", 1, func(f *gofeed.Feed, first int) error {
		s.Add(f, first)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(s.Reviews(), whole) {
		t.Error("read in batches, the feed gives the same reviews: Batchable refuses it for nothing")
	}
}

const printsLikeBlog = `<?xml version="1.0"?><rss version="2.0"><channel><title>Films</title><link>https://films.example/</link>
<item><title>Her review</title><link>https://films.example/her/</link><description>See it on Letterboxd.</description></item></channel></rss>`

// A review kept across batches must not hold its item's body: detach gives
// every string of it, slices of strings included, storage of its own.
func TestDetach(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("<p>A tender film.</p>", 1000)
	r := Review{Key: body[3:10], Image: body[20:40], TrailerID: body[50:61], Text: body[:500],
		Categories: []string{body[1:5]}, Cast: []string{body[6:9], body[9:12]}}
	detach(&r)
	start := uintptr(unsafe.Pointer(unsafe.StringData(body)))
	inBody := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return s != "" && p >= start && p < start+uintptr(len(body))
	}
	v := reflect.ValueOf(r)
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.String && inBody(f.String()):
			t.Errorf("%s still points into the item's body", v.Type().Field(i).Name)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			for k := range f.Len() {
				if inBody(f.Index(k).String()) {
					t.Errorf("%s[%d] still points into the item's body", v.Type().Field(i).Name, k)
				}
			}
		}
	}
	if r.Key != body[3:10] || r.Cast[1] != body[9:12] || r.Text != body[:500] {
		t.Error("detach changed a value")
	}
}
