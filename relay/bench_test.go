package relay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
)

// BenchmarkPollNotModified measures one poll cycle over 100 feeds that
// answer 304 to the conditional GET (the daemon's steady state), on SQLite:
// the cost per feed poll, fetch and ledger included, in wall time and in
// the CPU time of the whole process (the test's feed server included).
// The clock moves a poll interval per cycle, as in the daemon.
//
//	go test -run '^$' -bench PollNotModified -benchmem ./relay/
func BenchmarkPollNotModified(b *testing.B) {
	const feeds = 100
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"` + r.URL.Path + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(rss("http://"+r.Host, reviews(1, 10, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	}))
	b.Cleanup(srv.Close)
	var urls []string
	for i := range feeds {
		urls = append(urls, fmt.Sprintf("%s/feed-%d.xml", srv.URL, i))
	}
	clk := newClock()
	st := openStore(b, filepath.Join(b.TempDir(), "ledger.db"), clk.Now)
	fetcher := feed.NewFetcher(feed.FetchOptions{Timeout: 5 * time.Second, MaxBytes: 1 << 20})
	renderer, err := publisher.NewRenderer(publisher.Templates{})
	if err != nil {
		b.Fatal(err)
	}
	r, err := relay.New(relay.Options{
		Store: st, Fetcher: fetcher, Renderer: renderer,
		Extractor: review.NewExtractor(review.ExtractOptions{Pages: fetcher, Categories: []string{"review"}}),
		Feeds:     urls, PollInterval: time.Minute, Owner: "bench", Now: clk.Now,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := r.Once(ctx); err != nil { // first sight: fetched, parsed, recorded
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		clk.Add(time.Minute)
		if err := r.Once(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*feeds), "ns/feed")
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N*feeds), "cpu-ns/feed")
}
