package review

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/testutil"
)

// BenchmarkParseExtract is Parse plus FromItem for every item (no pages) of
// the 1,000-item, ~5 MB testutil.BenchFeed; compare BenchmarkGofeedOnly and
// BenchmarkParse on the same bytes. It also reports
//
//   - peak-heap/feed: the highest heap in use during one parse and
//     extraction, sampled from runtime.MemStats, over the feed's size
//     (target: under 10);
//   - extract/gofeed: the CPU time of FromItem over all items divided by
//     the CPU time of gofeed's own parse (GC included), each the least of 5
//     interleaved rounds started from a collected heap: process CPU time
//     rather than the wall clock, so that other load on a shared machine
//     does not count (target: at most
//     0.5, i.e. extraction adds at most 50% to gofeed's time).
func BenchmarkParseExtract(b *testing.B) {
	body := testutil.BenchFeed(b, 1000)
	run := func() int {
		f, err := feed.Parse("bench", body, "application/rss+xml; charset=UTF-8")
		if err != nil || len(f.Items) != 1000 {
			b.Fatalf("Parse: %v", err)
		}
		n := 0
		for _, it := range f.Items {
			if r := FromItem("bench", f, it); r.TrailerID != "" {
				n++
			}
		}
		return n
	}
	peak := peakHeap(func() {
		if n := run(); n != 500 {
			b.Fatalf("found %d trailers, want 500 (every other item has one)", n)
		}
	})
	ratio := extractGofeedRatio(b, body, 5)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(peak)/float64(len(body)), "peak-heap/feed")
	b.ReportMetric(ratio, "extract/gofeed")
}

// extractGofeedRatio times gofeed's parse and FromItem over every item in
// interleaved rounds and divides the fastest of each.
func extractGofeedRatio(b *testing.B, body []byte, rounds int) float64 {
	b.Helper()
	var bestParse, bestExtract time.Duration
	for range rounds {
		runtime.GC() // each phase starts from a collected heap
		start := cpuTime()
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		parse := cpuTime() - start
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		start = cpuTime()
		for _, it := range f.Items {
			FromItem("bench", f, it)
		}
		extract := cpuTime() - start
		if bestParse == 0 || parse < bestParse {
			bestParse = parse
		}
		if bestExtract == 0 || extract < bestExtract {
			bestExtract = extract
		}
	}
	return float64(bestExtract) / float64(bestParse)
}

// BenchmarkExtractOnly is FromItem over the already parsed testutil.BenchFeed: the
// extraction's own cost.
func BenchmarkExtractOnly(b *testing.B) {
	body := testutil.BenchFeed(b, 1000)
	f, err := feed.Parse("bench", body, "application/rss+xml; charset=UTF-8")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range f.Items {
			FromItem("bench", f, it)
		}
	}
}

// peakHeap runs fn and returns the highest HeapAlloc seen above the heap in
// use before it, sampling runtime.MemStats every millisecond.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var s runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&s)
				peak = max(peak, s.HeapAlloc)
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapAlloc)
	if peak < base {
		return 0
	}
	return peak - base
}
