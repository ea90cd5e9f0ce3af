package feed

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/internal/testutil"
)

func TestBenchFeedIsAValidFeed(t *testing.T) {
	t.Parallel()
	a, b := testutil.BenchFeed(t, 50), testutil.BenchFeed(t, 50)
	if !bytes.Equal(a, b) {
		t.Fatal("BenchFeed is not deterministic")
	}
	f, err := Parse("bench", a, "application/rss+xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 50 || !strings.Contains(f.Items[0].Content, "youtube.com/embed/") {
		t.Fatalf("got %d items, first content %.80q; want 50 review items", len(f.Items), f.Items[0].Content)
	}
	if per := len(a) / 50; per < 4000 || per > 6500 {
		t.Errorf("%d bytes per item, want about 5 KiB", per)
	}
}

// BenchmarkParse is Parse (Decode, control-character cleaning, gofeed) on a
// 1,000-item, ~5 MB feed; compare BenchmarkGofeedOnly on the same bytes.
func BenchmarkParse(b *testing.B) {
	body := testutil.BenchFeed(b, 1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse("bench", body, "application/rss+xml; charset=UTF-8")
		if err != nil || len(f.Items) != 1000 {
			b.Fatalf("Parse: %v", err)
		}
	}
}

// BenchmarkGofeedOnly is gofeed's own parse of the BenchmarkParse feed.
func BenchmarkGofeedOnly(b *testing.B) {
	body := testutil.BenchFeed(b, 1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil || len(f.Items) != 1000 {
			b.Fatalf("gofeed: %v", err)
		}
	}
}

// BenchmarkParsePrepare is what Parse adds before gofeed (Decode, control
// character cleaning, the HTML check) on the same feed: measured alone, as
// on a loaded machine it drowns in the noise of the two benchmarks above.
func BenchmarkParsePrepare(b *testing.B) {
	body := testutil.BenchFeed(b, 1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Decode(body, "application/rss+xml; charset=UTF-8")
		if err != nil {
			b.Fatal(err)
		}
		if doc = cleanXMLChars(doc); looksLikeHTMLPage(doc) {
			b.Fatal("bench feed taken for an HTML page")
		}
	}
}
