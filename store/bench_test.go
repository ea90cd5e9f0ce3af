package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
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
