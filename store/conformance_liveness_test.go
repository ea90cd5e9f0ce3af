package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The cases below open a second Store on the case's database as another
// process would; closing it is that process's death, as far as its lease
// lock tells (the kernel or PostgreSQL releases it either way). The end-to-
// end tests of cmd/reelpost kill a real process with SIGKILL.

// leasedByOther records one review for one account and has a second Store,
// as owner "other", claim its delivery under a lease far longer than any
// test: only the owner's death can free it in time.
func leasedByOther(t *testing.T, s *Store, clk *clock) (*Store, Delivery) {
	t.Helper()
	record(t, s, mainFeed, numbered(mainFeed, 1), []string{"mastodon:main"})
	other := reopen(t, s, Options{Now: clk.Now})
	ds := claim(t, other, ClaimOptions{Owner: "other", Lease: time.Hour})
	if len(ds) != 1 {
		t.Fatalf("the other process claimed %d deliveries, want 1", len(ds))
	}
	return other, ds[0]
}

// TestADeadOwnersLeaseIsTakenOverInSeconds: a process dies holding a lease
// of an hour; the next claims find it dead and, DeadOwnerGrace later (for a
// post the dead process had sent to land), take the delivery over, with its
// outcome unknown so that the post is looked for before it is made again,
// by Claim and by ClaimIDs alike.
func (su *suite) TestADeadOwnersLeaseIsTakenOverInSeconds(t *testing.T) {
	for _, byID := range []bool{false, true} {
		name := "Claim"
		if byID {
			name = "ClaimIDs"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			other, d := leasedByOther(t, s, clk)
			if err := other.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			o := ClaimOptions{Owner: "next", Lease: time.Hour}
			claimNow := func() []Delivery {
				if !byID {
					return claim(t, s, o)
				}
				got, err := s.ClaimIDs(context.Background(), o, []int64{d.ID})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			if got := claimNow(); len(got) != 0 {
				t.Fatalf("claimed %v the moment its owner was found dead: a post it sent may still be landing", ids(got))
			}
			clk.Advance(DeadOwnerGrace)
			got := claimNow()
			if len(got) != 1 || got[0].ID != d.ID {
				t.Fatalf("claimed %v %s after its owner died, want delivery %d", ids(got), DeadOwnerGrace, d.ID)
			}
			if g := got[0]; !g.Unknown || g.LeaseOwner != "next" || g.Attempts != 2 || g.State != Posting {
				t.Errorf("taken over as %+v, want posting for next, unknown, attempt 2", g)
			}
			// Nobody else takes it from the live owner now.
			if again := claim(t, reopen(t, s, Options{Now: clk.Now}), ClaimOptions{Owner: "third", Lease: time.Hour}); len(again) != 0 {
				t.Errorf("a third process claimed %v from the live new owner", ids(again))
			}
		})
	}
}

// TestALiveOwnersLeaseIsNot: while the owner lives, its lease holds against
// Claim and ClaimIDs until it expires, and then goes as an expired lease does.
func (su *suite) TestALiveOwnersLeaseIsNot(t *testing.T) {
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	_, d := leasedByOther(t, s, clk)
	if got := claim(t, s, ClaimOptions{Owner: "next", Lease: time.Hour}); len(got) != 0 {
		t.Fatalf("claimed %v from a live owner", ids(got))
	}
	got, err := s.ClaimIDs(context.Background(), ClaimOptions{Owner: "next", Lease: time.Hour}, []int64{d.ID})
	if err != nil || len(got) != 0 {
		t.Fatalf("ClaimIDs took %v (err %v) from a live owner", ids(got), err)
	}
	if dd, err := s.Delivery(context.Background(), d.ID); err != nil || dd.LeaseOwner != "other" || dd.State != Posting {
		t.Fatalf("delivery after the claims = %+v (err %v), want still posting for other", dd, err)
	}
	clk.Advance(time.Hour + time.Second)
	if got := claim(t, s, ClaimOptions{Owner: "next", Lease: time.Hour}); len(got) != 1 || !got[0].Unknown {
		t.Fatalf("after the lease expired: claimed %+v, want the delivery, unknown", got)
	}
}

// TestAnOwnerNameInUseByALiveProcessIsRefused: two live processes claiming
// under one name would settle each other's deliveries, and the death of one
// would hand the other's over; the second is refused with a clear error.
func (su *suite) TestAnOwnerNameInUseByALiveProcessIsRefused(t *testing.T) {
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 2), []string{"mastodon:main"})
	claim(t, s, ClaimOptions{Owner: "twin", Lease: time.Hour, Limit: 1})
	twin := reopen(t, s, Options{Now: clk.Now})
	_, err := twin.Claim(context.Background(), ClaimOptions{Owner: "twin", Lease: time.Hour})
	if !errors.Is(err, errOwnerInUse) {
		t.Fatalf("a second live process claiming as twin: err = %v, want %v", err, errOwnerInUse)
	}
	// Once the first is gone, the name is free again (a restart under a
	// fixed name): its leases go with it.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := claim(t, twin, ClaimOptions{Owner: "twin", Lease: time.Hour, Limit: 5}); len(got) != 1 || got[0].Unknown {
		t.Fatalf("after the first twin died, the second claimed %+v, want the one free delivery", got)
	}
	clk.Advance(DeadOwnerGrace)
	if got := claim(t, twin, ClaimOptions{Owner: "twin", Lease: time.Hour, Limit: 5}); len(got) != 1 || !got[0].Unknown {
		t.Fatalf("the dead twin's delivery: claimed %+v, want it, unknown", got)
	}
}
