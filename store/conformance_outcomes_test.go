package store

import (
	"errors"
	"testing"
	"time"
)

// TestEachOutcomeDecidesWhenTheDeliveryIsClaimedAgain: each way of settling
// an attempt leaves the delivery in its state, due again when it says or
// never.
func (su *suite) TestEachOutcomeDecidesWhenTheDeliveryIsClaimedAgain(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		name      string
		settle    func(s *Store, d Delivery, now time.Time) error
		state     State
		lastErr   string
		claimable time.Duration // after which the delivery is claimable again; <0 never
		unknown   bool
	}{
		{
			name: "retry",
			settle: func(s *Store, d Delivery, now time.Time) error {
				return s.MarkRetry(ctx, d.ID, "a", now.Add(time.Hour), "429 too many requests")
			},
			state: Pending, lastErr: "429 too many requests", claimable: time.Hour,
		},
		{
			name: "unknown",
			settle: func(s *Store, d Delivery, now time.Time) error {
				return s.MarkUnknown(ctx, d.ID, "a", now.Add(time.Minute), "timeout")
			},
			state: Pending, lastErr: "timeout", claimable: time.Minute, unknown: true,
		},
		{
			name: "failed",
			settle: func(s *Store, d Delivery, now time.Time) error {
				return s.MarkFailed(ctx, d.ID, "a", "403 forbidden", NotSent)
			},
			state: Failed, lastErr: "403 forbidden", claimable: -1,
		},
		{
			name: "posted",
			settle: func(s *Store, d Delivery, now time.Time) error {
				return s.MarkPosted(ctx, d.ID, "a", "1", "https://x.example/1")
			},
			state: Posted, claimable: -1,
		},
		{
			name: "extended",
			settle: func(s *Store, d Delivery, now time.Time) error {
				return s.Extend(ctx, d.ID, "a", 2*time.Hour)
			},
			state: Posting, claimable: 2 * time.Hour, unknown: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
			ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute})
			if len(ds) != 1 {
				t.Fatalf("claimed %d, want 1", len(ds))
			}
			clk.Advance(time.Second)
			if err := tc.settle(s, ds[0], clk.Now()); err != nil {
				t.Fatal(err)
			}
			d, err := s.Delivery(ctx, ds[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.State != tc.state || d.LastError != tc.lastErr || !d.UpdatedAt.Equal(clk.Now()) {
				t.Errorf("after %s: %+v, want state %s, last error %q, updated now", tc.name, d, tc.state, tc.lastErr)
			}
			if tc.claimable < 0 {
				clk.Advance(24 * time.Hour)
				if got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute}); len(got) != 0 {
					t.Errorf("a %s delivery was claimed again", tc.state)
				}
				return
			}
			clk.Advance(tc.claimable - time.Microsecond)
			if got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute}); len(got) != 0 {
				t.Fatalf("claimed %v before it was due", ids(got))
			}
			clk.Advance(time.Microsecond)
			got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute})
			if len(got) != 1 || got[0].Attempts != 2 || got[0].Unknown != tc.unknown {
				t.Fatalf("claim when due = %+v, want attempt 2, unknown %v", got, tc.unknown)
			}
		})
	}
}

func (su *suite) TestWaitingSpendsNoAttempt(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
	for round := 1; round <= 3; round++ {
		ds := claim(t, s, ClaimOptions{Owner: "w", Lease: time.Hour})
		if len(ds) != 1 || ds[0].Attempts != 1 {
			t.Fatalf("round %d: claimed %+v, want the delivery on its first attempt", round, ds)
		}
		if ds[0].Unknown != (round > 1) {
			t.Fatalf("round %d: unknown %v, want it kept once set", round, ds[0].Unknown)
		}
		if err := s.MarkWait(ctx, ds[0].ID, "w", clk.Now().Add(time.Minute), "rate-limited", wasSent(round == 1)); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
}

// takenOver records one delivery, which owner "dead" claims and "alive"
// takes over once the lease has expired: what a crashed replica leaves.
func (su *suite) takenOver(t *testing.T) (*Store, *clock, int64) {
	t.Helper()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
	first := claim(t, s, ClaimOptions{Owner: "dead", Lease: time.Minute})
	if len(first) != 1 {
		t.Fatalf("first claim = %+v, want one delivery", first)
	}
	clk.Advance(time.Minute)
	second := claim(t, s, ClaimOptions{Owner: "alive", Lease: time.Minute})
	if len(second) != 1 || second[0].ID != first[0].ID || !second[0].Unknown {
		t.Fatalf("claim after expiry = %+v, want delivery %d, unknown", second, first[0].ID)
	}
	return s, clk, first[0].ID
}

// TestAStaleOwnerCannotSettle: the owner whose lease was taken over can
// neither settle the delivery nor release it.
func (su *suite) TestAStaleOwnerCannotSettle(t *testing.T) {
	ctx := t.Context()
	s, clk, id := su.takenOver(t)
	for name, err := range map[string]error{
		"MarkPosted": s.MarkPosted(ctx, id, "dead", "1", ""),
		"MarkRetry":  s.MarkRetry(ctx, id, "dead", clk.Now(), "boom"),
		"MarkFailed": s.MarkFailed(ctx, id, "dead", "boom", MaybeSent),
		"Extend":     s.Extend(ctx, id, "dead", time.Hour),
	} {
		if !errors.Is(err, ErrLeaseLost) {
			t.Errorf("%s by the stale owner: err = %v, want ErrLeaseLost", name, err)
		}
	}
	if n, err := s.Release(ctx, "dead"); err != nil || n != 0 {
		t.Errorf("Release by the stale owner = %d, %v; want 0", n, err)
	}
}

// TestPostedIsRecordedOnce: the post's id, address and time are kept, the
// unknown outcome is cleared, and a second MarkPosted is refused.
func (su *suite) TestPostedIsRecordedOnce(t *testing.T) {
	ctx := t.Context()
	s, clk, id := su.takenOver(t)
	if err := s.MarkPosted(ctx, id, "alive", "109", "https://masto.example/@film/109"); err != nil {
		t.Fatal(err)
	}
	d, err := s.Delivery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != Posted || d.RemoteID != "109" || d.RemoteURL != "https://masto.example/@film/109" || !d.PostedAt.Equal(clk.Now()) || d.Unknown {
		t.Errorf("posted delivery = %+v", d)
	}
	if err := s.MarkPosted(ctx, id, "alive", "110", ""); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("MarkPosted twice: err = %v, want ErrLeaseLost", err)
	}
}

// wasSent is MaybeSent for true, NotSent for false.
func wasSent(maybe bool) Sent {
	if maybe {
		return MaybeSent
	}
	return NotSent
}
