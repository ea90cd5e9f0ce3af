package benchfeed

import (
	"bytes"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// The benchmarks' figures are only comparable if the feed is what its
// comment says: a valid feed of n complete items of about 3.3 KB, the same
// bytes every time, and a body that changes with its build date alone.
func TestFeedIsValidAndStable(t *testing.T) {
	t.Parallel()
	const n = 200
	a, b := New(n, "http://127.0.0.1:1"), New(n, "http://127.0.0.1:1")
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	if !bytes.Equal(a.Body(t0), b.Body(t0)) {
		t.Fatal("two feeds built alike differ: the benchmarks would not be repeatable")
	}
	if bytes.Equal(a.Body(t0), a.Body(t0.Add(time.Second))) {
		t.Fatal("the body does not change with its build date")
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(a.Body(t0)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != n {
		t.Fatalf("parsed %d items, want %d", len(f.Items), n)
	}
	for i, it := range f.Items {
		if it.Content == "" || !bytes.Contains([]byte(it.Content), []byte("youtube.com/embed/")) || it.GUID == "" || it.PublishedParsed == nil {
			t.Fatalf("item %d is not complete (content, trailer, GUID, date): %+v", i, it)
		}
	}
	if per := len(a.Body(t0)) / n; per < 3100 || per > 3500 {
		t.Errorf("%d bytes an item, want about 3.3 KB (5,000 items: 16 MB)", per)
	}
}
