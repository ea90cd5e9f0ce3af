package store

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// ofAccount returns the IDs of ds that belong to account, in order.
func ofAccount(ds []Delivery, account string) []int64 {
	var ids []int64
	for _, d := range ds {
		if d.Account == account {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// TestARateLimitedAccountWaitsThenProbesOnce: after MarkLimited, no claim
// (batched or spaced, by any owner) takes a delivery of the account before
// the reset; at the reset exactly one (the first in line) goes, and nothing
// else of the account while it is in flight; a probe refused again opens a
// new window; once a probe is posted the rest follow in order. Another
// account posts throughout, and no wait costs an attempt.
func (su *suite) TestARateLimitedAccountWaitsThenProbesOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spacing time.Duration
	}{
		{"batched", 0},
		{"spaced", time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			limited, other := threeAccounts[0], threeAccounts[1]
			record(t, s, mainFeed, numbered(mainFeed, 5), []string{limited, other})
			opts := func(owner string) ClaimOptions {
				return ClaimOptions{Owner: owner, Lease: time.Hour, Limit: 16, Spacing: tc.spacing}
			}
			first := claim(t, s, ClaimOptions{Owner: "r1", Lease: time.Hour, Limit: 16, Accounts: []string{limited}})
			line := ofAccount(first, limited)
			if len(line) != 5 {
				t.Fatalf("claimed %d deliveries of %s, want 5", len(line), limited)
			}
			reset := clk.Now().Add(10 * time.Minute)
			if err := s.MarkLimited(ctx, first[0].ID, "r1", reset, "429 too many requests", NotSent); err != nil {
				t.Fatal(err)
			}
			for _, d := range first[1:] {
				if err := s.MarkWait(ctx, d.ID, "r1", d.NextAttempt, "account rate-limited", NotSent); err != nil {
					t.Fatal(err)
				}
			}

			// The window is open: the other account posts, this one waits.
			for clk.Now().Before(reset) {
				for _, owner := range []string{"r1", "r2"} {
					ds := claim(t, s, opts(owner))
					if got := ofAccount(ds, limited); len(got) > 0 {
						t.Fatalf("%s claimed %v of %s %s before its reset", owner, got, limited, reset.Sub(clk.Now()))
					}
					for _, d := range ds {
						if err := s.MarkPosted(ctx, d.ID, owner, "p", ""); err != nil {
							t.Fatal(err)
						}
					}
				}
				clk.Advance(time.Minute)
			}
			if c, err := s.Counts(ctx); err != nil || c[other][Posted] != 5 || c[limited][Pending] != 5 {
				t.Fatalf("counts before the reset = %v, %v; want %s all posted, %s all pending", c, err, other, limited)
			}

			// The reset: one probe, the first in line; none beside it.
			probe := claim(t, s, opts("r2"))
			if got := ofAccount(probe, limited); !slices.Equal(got, line[:1]) {
				t.Fatalf("claimed %v at the reset, want only the first in line %d", got, line[0])
			}
			if ds := claim(t, s, opts("r1")); len(ds) > 0 {
				t.Fatalf("r1 claimed %v while the probe is in flight", ofAccount(ds, limited))
			}
			// Refused again: a new window, one probe at its end.
			reset = clk.Now().Add(5 * time.Minute)
			if err := s.MarkLimited(ctx, probe[0].ID, "r2", reset, "429 too many requests", NotSent); err != nil {
				t.Fatal(err)
			}
			clk.Advance(5*time.Minute - time.Second)
			if ds := claim(t, s, opts("r1")); len(ds) > 0 {
				t.Fatalf("claimed %v before the second reset", ofAccount(ds, limited))
			}
			clk.Advance(time.Second)
			probe = claim(t, s, opts("r1"))
			if got := ofAccount(probe, limited); !slices.Equal(got, line[:1]) {
				t.Fatalf("claimed %v at the second reset, want only %d", got, line[0])
			}
			if err := s.MarkPosted(ctx, probe[0].ID, "r1", "p", ""); err != nil {
				t.Fatal(err)
			}

			// Posted: the rest flow, in order, at the usual pace.
			var rest []int64
			for range 10 {
				clk.Advance(tc.spacing)
				ds := claim(t, s, opts("r2"))
				for _, d := range ds {
					if d.Attempts != 1 {
						t.Errorf("delivery %d on attempt %d, want 1: waiting spent an attempt", d.ID, d.Attempts)
					}
					if err := s.MarkPosted(ctx, d.ID, "r2", "p", ""); err != nil {
						t.Fatal(err)
					}
				}
				rest = append(rest, ofAccount(ds, limited)...)
			}
			if !slices.Equal(rest, line[1:]) {
				t.Fatalf("after the probe claimed %v, want %v", rest, line[1:])
			}
		})
	}
}

// TestReplicasSendOneProbe: replicas claiming together at the reset of a
// rate-limited account send one probe between them.
func (su *suite) TestReplicasSendOneProbe(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	account := threeAccounts[0]
	record(t, s, mainFeed, numbered(mainFeed, 8), []string{account})
	ds := claim(t, s, ClaimOptions{Owner: "r0", Lease: time.Hour, Limit: 1})
	if err := s.MarkLimited(ctx, ds[0].ID, "r0", clk.Now().Add(time.Minute), "429", NotSent); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	var (
		mu      sync.Mutex
		claimed []int64
		wg      sync.WaitGroup
	)
	start := make(chan struct{})
	for _, owner := range []string{"r1", "r2", "r3", "r4"} {
		r := reopen(t, s, Options{Now: clk.Now})
		wg.Go(func() {
			<-start
			ds, err := r.Claim(ctx, ClaimOptions{Owner: owner, Lease: time.Hour, Limit: 16})
			if err != nil {
				t.Errorf("%s: %v", owner, err)
			}
			mu.Lock()
			defer mu.Unlock()
			claimed = append(claimed, ofAccount(ds, account)...)
		})
	}
	close(start)
	wg.Wait()
	if len(claimed) != 1 || claimed[0] != ds[0].ID {
		t.Fatalf("replicas claimed %v at the reset, want one probe, delivery %d", claimed, ds[0].ID)
	}
}

// TestRateLimitsShowTheHoldAndTheProbe: what reelpost status shows of a
// rate limit follows the account through it: held until the reset the
// network gave (no other account listed), then waiting for its probe, then
// the probe in flight (with its item), not in flight once its lease has
// run out, and gone once a probe is posted.
func (su *suite) TestRateLimitsShowTheHoldAndTheProbe(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	limited, other := threeAccounts[0], threeAccounts[1]
	record(t, s, mainFeed, numbered(mainFeed, 3), []string{limited, other})
	limits := func(when string) []RateLimit {
		t.Helper()
		ls, err := s.RateLimits(ctx)
		if err != nil {
			t.Fatalf("%s: RateLimits: %v", when, err)
		}
		return ls
	}
	if ls := limits("before any 429"); len(ls) != 0 {
		t.Fatalf("rate limits before any 429 = %+v, want none", ls)
	}

	batch := claim(t, s, ClaimOptions{Owner: "r1", Lease: time.Minute, Limit: 16, Accounts: []string{limited}})
	line := ofAccount(batch, limited)
	reset := clk.Now().Add(42*time.Minute + 3*time.Second)
	if err := s.MarkLimited(ctx, batch[0].ID, "r1", reset, "429", NotSent); err != nil {
		t.Fatal(err)
	}
	for _, d := range batch[1:] {
		if err := s.MarkWait(ctx, d.ID, "r1", d.NextAttempt, "account rate-limited", NotSent); err != nil {
			t.Fatal(err)
		}
	}
	ls := limits("after the 429")
	if len(ls) != 1 || ls[0].Account != limited || !ls[0].Until.Equal(reset) || ls[0].Probe != nil {
		t.Fatalf("rate limits after the 429 = %+v, want %s held until %s, no probe", ls, limited, reset)
	}
	// Another account posting meanwhile is no probe of this one.
	for _, d := range claim(t, s, ClaimOptions{Owner: "r1", Lease: time.Minute, Limit: 16}) {
		if d.Account == limited {
			t.Fatalf("claimed %d of %s in its window", d.ID, limited)
		}
	}
	if ls := limits("while the other account posts"); len(ls) != 1 || ls[0].Probe != nil {
		t.Fatalf("rate limits while %s posts = %+v, want %s held, no probe", other, ls, limited)
	}

	clk.Advance(reset.Sub(clk.Now()) + time.Second)
	if ls := limits("after the reset"); len(ls) != 1 || !ls[0].Until.Equal(reset) || ls[0].Probe != nil {
		t.Fatalf("rate limits after the reset, before a claim = %+v, want the limit with no probe in flight", ls)
	}
	probe := ofAccount(claim(t, s, ClaimOptions{Owner: "r2", Lease: time.Minute, Limit: 16, Accounts: []string{limited}}), limited)
	if !slices.Equal(probe, line[:1]) {
		t.Fatalf("claimed %v at the reset, want the probe %d", probe, line[0])
	}
	ls = limits("probe in flight")
	if len(ls) != 1 || ls[0].Probe == nil || ls[0].Probe.ID != line[0] || ls[0].Probe.Item.Title != batch[0].Item.Title {
		t.Fatalf("rate limits with the probe in flight = %+v, want probe %d (%q)", ls, line[0], batch[0].Item.Title)
	}

	// Its replica died: the lease runs out, and nothing is in flight.
	clk.Advance(2 * time.Minute)
	if ls := limits("probe's lease expired"); len(ls) != 1 || ls[0].Probe != nil {
		t.Fatalf("rate limits after the probe's lease ran out = %+v, want no probe in flight", ls)
	}
	probe = ofAccount(claim(t, s, ClaimOptions{Owner: "r3", Lease: time.Minute, Limit: 16, Accounts: []string{limited}}), limited)
	if !slices.Equal(probe, line[:1]) {
		t.Fatalf("claimed %v after the lease ran out, want the probe %d again", probe, line[0])
	}
	if err := s.MarkPosted(ctx, probe[0], "r3", "p", ""); err != nil {
		t.Fatal(err)
	}
	if ls := limits("probe posted"); len(ls) != 0 {
		t.Fatalf("rate limits after the probe was posted = %+v, want none", ls)
	}
}
