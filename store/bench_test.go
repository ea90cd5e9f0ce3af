package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/ledgerfill"
)

// benchStores runs b against a fresh SQLite ledger and, when the test server
// is configured, a fresh PostgreSQL schema.
func benchStores(b *testing.B, fn func(b *testing.B, s *Store, clk *clock)) {
	b.Run("sqlite", func(b *testing.B) {
		clk := newClock()
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), Options{Now: clk.Now})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		fn(b, s, clk)
	})
	b.Run("postgres", func(b *testing.B) {
		base := postgresURL(b)
		clk := newClock()
		s, err := Open(context.Background(), freshSchema(b, base), Options{Now: clk.Now})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		fn(b, s, clk)
	})
}

// BenchmarkRecordItems records one new item with three accounts per op: the
// cost of a poll that found a new review.
func BenchmarkRecordItems(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store, clk *clock) {
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			link := fmt.Sprintf("https://blog.example/reviews/bench-%d", i)
			if _, err := s.RecordItems(ctx, mainFeed, []NewItem{review(mainFeed, link, link, link)}, threeAccounts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRecordUnchanged records a 50-item feed the ledger holds as it
// is: the cost of a poll that found nothing new (Record only reads).
func BenchmarkRecordUnchanged(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store, clk *clock) {
		ctx := context.Background()
		items := numbered(mainFeed, 50)
		if _, err := s.RecordItems(ctx, mainFeed, items, threeAccounts); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if created, err := s.RecordItems(ctx, mainFeed, items, threeAccounts); err != nil || len(created) != 0 {
				b.Fatalf("RecordItems = %d created, %v", len(created), err)
			}
		}
	})
}

// BenchmarkClaimPost claims one delivery and marks it posted per op: the
// ledger's share of one post.
func BenchmarkClaimPost(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store, clk *clock) {
		ctx := context.Background()
		items := make([]NewItem, b.N)
		for i := range items {
			link := fmt.Sprintf("https://blog.example/reviews/bench-%d", i)
			items[i] = review(mainFeed, link, link, link)
		}
		if _, err := s.RecordItems(ctx, mainFeed, items, threeAccounts[:1]); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			ds, err := s.Claim(ctx, ClaimOptions{Owner: "bench", Lease: time.Minute, Limit: 1})
			if err != nil || len(ds) != 1 {
				b.Fatalf("claim: %d, %v", len(ds), err)
			}
			if err := s.MarkPosted(ctx, ds[0].ID, "bench", "1", ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkClaimIdle claims when nothing is due, over a ledger of 10,000
// settled deliveries: what an idle daemon pays on every claim tick.
func BenchmarkClaimIdle(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store, clk *clock) {
		ctx := context.Background()
		items := make([]NewItem, 5000)
		for i := range items {
			link := fmt.Sprintf("https://blog.example/reviews/history-%d", i)
			items[i] = review(mainFeed, link, link, link)
			items[i].State = Skipped
		}
		if _, err := s.RecordItems(ctx, mainFeed, items, threeAccounts[:2]); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			ds, err := s.Claim(ctx, ClaimOptions{Owner: "idle", Lease: time.Minute, Limit: 10})
			if err != nil || len(ds) != 0 {
				b.Fatalf("claim: %d, %v", len(ds), err)
			}
		}
	})
}

// fillLedger adds n reviews to an empty ledger, in one transaction of
// three INSERT ... SELECT statements (then, on PostgreSQL, ANALYZE), as the
// history of 100 blogs: each an
// item, how its feed names it, and one delivery to one of threeAccounts,
// posted (every tenth skipped).
func fillLedger(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	err := s.inTx(ctx, "fill the ledger", func(tx *sql.Tx) error {
		for _, q := range ledgerfill.Statements(s.dialect == DialectPostgres, n, s.now()) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if s.dialect == DialectPostgres {
		// The planner statistics autovacuum keeps on a grown ledger (the
		// test server may run without autovacuum): without them PostgreSQL
		// takes the million rows for none and scans.
		if _, err := s.db.ExecContext(ctx, `ANALYZE items, feed_items, deliveries`); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkRecordGrowth records one poll of a 10-item feed whose newest
// item is new (three accounts), over a ledger pre-filled with 1,000 and
// with 1,000,000 reviews: the per-poll queries must stay flat as the ledger
// grows (target: at 1,000,000 at most twice the cost at 1,000).
//
//	go test -run '^$' -bench RecordGrowth -benchtime 2000x ./store/
func BenchmarkRecordGrowth(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			benchStores(b, func(b *testing.B, s *Store, clk *clock) {
				ctx := context.Background()
				fillLedger(b, s, n)
				const feedURL = "https://fill7.example/feed/"
				var items []NewItem
				for i := range 9 {
					k := 7 + 100*i // items of fill7's feed
					link := fmt.Sprintf("https://fill.example/reviews/%d", k)
					guid := fmt.Sprintf("https://fill.example/?p=%d", k)
					items = append(items, NewItem{FeedURL: feedURL, Key: guid, GUID: guid, NormLink: link,
						Title: fmt.Sprintf("Review %d", k), Published: clk.Now(), Payload: []byte(`{}`), State: Skipped})
				}
				// The filled rows' content is not what these items show: one
				// poll records that, so that the timed ones find them unchanged.
				if _, err := s.RecordItems(ctx, feedURL, items, threeAccounts); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					link := fmt.Sprintf("https://fill.example/reviews/new-%d", i)
					poll := append(slices.Clone(items[len(items)-9:]), review(feedURL, link, link, link))
					created, err := s.RecordItems(ctx, feedURL, poll, threeAccounts)
					if err != nil || len(created) != 1 {
						b.Fatalf("RecordItems = %d created, %v", len(created), err)
					}
					items = poll
				}
				b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
			})
		})
	}
}
