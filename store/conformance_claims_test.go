package store

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

func (su *suite) TestThreeOwnersClaim50DeliveriesExactlyOnce(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 25), threeAccounts[:2])
	var mu sync.Mutex
	claimedBy := map[int64][]string{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, owner := range []string{"replica-1", "replica-2", "replica-3"} {
		r := reopen(t, s, Options{Now: clk.Now})
		wg.Go(func() {
			<-start
			for {
				ds, err := r.Claim(ctx, ClaimOptions{Owner: owner, Lease: time.Hour, Limit: 4})
				if err != nil {
					t.Errorf("%s: %v", owner, err)
					return
				}
				if len(ds) == 0 {
					return
				}
				for _, d := range ds {
					if d.State != Posting || d.LeaseOwner != owner || d.Attempts != 1 || d.Unknown || d.Item.ID != d.ItemID {
						t.Errorf("%s claimed %+v", owner, d)
					}
					mu.Lock()
					claimedBy[d.ID] = append(claimedBy[d.ID], owner)
					mu.Unlock()
					if err := r.MarkPosted(ctx, d.ID, owner, "post-"+strconv.FormatInt(d.ID, 10), ""); err != nil {
						t.Errorf("%s: %v", owner, err)
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if len(claimedBy) != 50 {
		t.Errorf("%d deliveries claimed, want 50", len(claimedBy))
	}
	for id, owners := range claimedBy {
		if len(owners) != 1 {
			t.Errorf("delivery %d claimed by %v", id, owners)
		}
	}
	if counts, err := s.Counts(ctx); err != nil || counts[threeAccounts[0]][Posted] != 25 || counts[threeAccounts[1]][Posted] != 25 {
		t.Errorf("Counts = %v, %v; want 25 posted per account", counts, err)
	}
}

func (su *suite) TestClaimOrderAndLimit(t *testing.T) {
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	items := numbered(mainFeed, 3)
	for i := range items {
		// Listed newest first, due oldest first.
		items[i].NotBefore = clk.Now().Add(-time.Duration(i) * time.Minute)
	}
	record(t, s, mainFeed, items, threeAccounts[:1])
	ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute, Limit: 2})
	if len(ds) != 2 || ds[0].Item.Key != items[2].Key || ds[1].Item.Key != items[1].Key {
		t.Fatalf("claimed %+v, want the two oldest due first", ds)
	}
	if !ds[0].LeaseExpires.Equal(clk.Now().Add(time.Minute)) {
		t.Errorf("lease expires %v, want %v", ds[0].LeaseExpires, clk.Now().Add(time.Minute))
	}
}

func (su *suite) TestAnExpiredLeaseIsTakenOverWithUnknownSet(t *testing.T) {
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
	first := claim(t, s, ClaimOptions{Owner: "dead", Lease: time.Minute})
	if len(first) != 1 || first[0].Unknown {
		t.Fatalf("first claim = %+v, want one delivery, outcome known", first)
	}
	id := first[0].ID
	clk.Advance(59 * time.Second)
	if got := claim(t, s, ClaimOptions{Owner: "alive", Lease: time.Minute}); len(got) != 0 {
		t.Fatalf("claimed %v while the lease held", ids(got))
	}
	clk.Advance(time.Second)
	second := claim(t, s, ClaimOptions{Owner: "alive", Lease: time.Minute})
	if len(second) != 1 || second[0].ID != id || !second[0].Unknown || second[0].Attempts != 2 || second[0].LeaseOwner != "alive" {
		t.Fatalf("claim after expiry = %+v, want delivery %d, unknown, attempt 2, owned by alive", second, id)
	}
}

// TestClaimOnlyTheAccountsAskedFor runs with and without spacing, each on a
// store of its own.
func (su *suite) TestClaimOnlyTheAccountsAskedFor(t *testing.T) {
	for _, spacing := range []time.Duration{0, time.Minute} {
		t.Run("spacing "+spacing.String(), func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			record(t, s, mainFeed, numbered(mainFeed, 2), threeAccounts)
			want := threeAccounts[1]
			got := claim(t, s, ClaimOptions{Owner: "m", Lease: time.Hour, Accounts: []string{want}, Spacing: spacing})
			if len(got) == 0 {
				t.Fatalf("spacing %s: nothing claimed for %s", spacing, want)
			}
			for _, d := range got {
				if d.Account != want {
					t.Errorf("spacing %s: claimed %s's delivery %d, asked for %s only", spacing, d.Account, d.ID, want)
				}
			}
			// The others' deliveries are untouched: due, no attempt spent.
			others := 0
			for _, d := range claim(t, s, ClaimOptions{Owner: "all", Lease: time.Hour}) {
				if d.Account == want {
					continue // with spacing, the second of its two was left due
				}
				others++
				if d.Attempts != 1 || d.Unknown {
					t.Errorf("spacing %s: then claimed %+v, want the other accounts' deliveries on their first attempt", spacing, d)
				}
			}
			if others != 4 {
				t.Errorf("spacing %s: %d other deliveries claimed, want 4", spacing, others)
			}
		})
	}
}

func (su *suite) TestReleaseHandsClaimsBack(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 3), threeAccounts[:1])
	ds := claim(t, s, ClaimOptions{Owner: "stopping", Lease: time.Hour})
	if err := s.MarkPosted(ctx, ds[0].ID, "stopping", "1", ""); err != nil {
		t.Fatal(err)
	}
	n, err := s.Release(ctx, "stopping")
	if err != nil || n != 2 {
		t.Fatalf("Release = %d, %v; want 2", n, err)
	}
	got := claim(t, s, ClaimOptions{Owner: "next", Lease: time.Hour})
	// Unknown: a released delivery may have been posted by an attempt
	// whose record failed, so the next attempt looks for it first.
	if len(got) != 2 || got[0].Attempts != 1 || !got[0].Unknown || !got[1].Unknown {
		t.Fatalf("claim after release = %+v, want the 2 unposted, first attempt, outcome unknown", got)
	}
}

// TestSpacingCountsFromTheLastPost: an account posts at most once per
// spacing, counted from its last claim and then from its last post, and
// every replica is bound by it.
func (su *suite) TestSpacingCountsFromTheLastPost(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 3), threeAccounts[:2])
	o := ClaimOptions{Owner: "a", Lease: time.Hour, Limit: 10, Spacing: 10 * time.Minute}
	first := claim(t, s, o)
	if len(first) != 2 || first[0].Account == first[1].Account {
		t.Fatalf("first spaced claim = %+v, want one delivery per account", first)
	}
	if got := claim(t, s, o); len(got) != 0 {
		t.Fatalf("claimed %v right after the last claim", ids(got))
	}
	clk.Advance(5 * time.Minute)
	for _, d := range first {
		if err := s.MarkPosted(ctx, d.ID, "a", "1", ""); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(9 * time.Minute) // 14 min after the claim, 9 after the post
	if got := claim(t, s, o); len(got) != 0 {
		t.Fatalf("claimed %v 9 minutes after the last post", ids(got))
	}
	clk.Advance(time.Minute)
	if got := claim(t, s, o); len(got) != 2 {
		t.Fatalf("claimed %d 10 minutes after the last post, want one per account", len(got))
	}
	// Another replica is bound by the same spacing.
	clk.Advance(time.Minute)
	if got := claim(t, reopen(t, s, Options{Now: clk.Now}), ClaimOptions{Owner: "b", Lease: time.Hour, Spacing: 10 * time.Minute}); len(got) != 0 {
		t.Fatalf("another replica claimed %v within the spacing", ids(got))
	}
}

func (su *suite) TestClaimByIDsTakesExactlyTheNamedDeliveries(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	items := numbered(mainFeed, 4)
	items[3].NotBefore = clk.Now().Add(time.Hour)
	record(t, s, mainFeed, items, threeAccounts[:1])
	all, err := s.Deliveries(ctx, DeliveryFilter{})
	if err != nil || len(all) != 4 {
		t.Fatalf("Deliveries = %d, %v; want 4", len(all), err)
	}
	byKey := map[string]int64{}
	for _, d := range all {
		byKey[d.Item.Key] = d.ID
	}
	leased, other, wanted, notDue := byKey[items[0].Key], byKey[items[1].Key], byKey[items[2].Key], byKey[items[3].Key]
	if got := claim(t, s, ClaimOptions{Owner: "daemon", Lease: time.Minute, Limit: 1}); len(got) != 1 || got[0].ID != leased {
		t.Fatalf("daemon claimed %v, want %d", ids(got), leased)
	}

	got, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "cli", Lease: time.Minute}, []int64{leased, wanted, notDue, 424242})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != wanted {
		t.Fatalf("ClaimIDs = %v, want only %d (the others: leased, not due, unknown)", ids(got), wanted)
	}
	if d := got[0]; d.State != Posting || d.LeaseOwner != "cli" || d.Attempts != 1 || d.Unknown ||
		!d.LeaseExpires.Equal(clk.Now().Add(time.Minute)) || d.Item.Key != items[2].Key {
		t.Errorf("claimed %+v, want posting by cli, attempt 1, lease of a minute, item filled", d)
	}
	for id, owner := range map[int64]string{leased: "daemon", other: "", notDue: ""} {
		d, err := s.Delivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.LeaseOwner != owner {
			t.Errorf("delivery %d is held by %q, want %q", id, d.LeaseOwner, owner)
		}
	}
	if again, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "thief", Lease: time.Minute}, []int64{wanted}); err != nil || len(again) != 0 {
		t.Errorf("ClaimIDs of a delivery under a valid lease = %v, %v; want nothing", ids(again), err)
	}
	if err := s.MarkPosted(ctx, wanted, "cli", "1", ""); err != nil {
		t.Fatal(err)
	}
	if again, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "cli", Lease: time.Minute}, []int64{wanted}); err != nil || len(again) != 0 {
		t.Errorf("ClaimIDs of a posted delivery = %v, %v; want nothing", ids(again), err)
	}
	// An expired lease is taken over, outcome unknown, as Claim does.
	clk.Advance(time.Minute)
	took, err := s.ClaimIDs(ctx, ClaimOptions{Owner: "cli", Lease: time.Minute}, []int64{leased})
	if err != nil || len(took) != 1 || !took[0].Unknown || took[0].Attempts != 2 || took[0].LeaseOwner != "cli" {
		t.Fatalf("ClaimIDs after the lease expired = %+v, %v; want it, unknown, attempt 2", took, err)
	}
}

func (su *suite) TestClaimIDsRequiresAnOwner(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
	all, err := s.Deliveries(ctx, DeliveryFilter{})
	if err != nil || len(all) != 1 {
		t.Fatalf("Deliveries = %d, %v; want 1", len(all), err)
	}
	if _, err := s.ClaimIDs(ctx, ClaimOptions{Lease: time.Minute}, ids(all)); err == nil {
		t.Error("ClaimIDs without an owner succeeded")
	}
}

func (su *suite) TestOwnersRacingClaimIDsForTheSameDeliveriesClaimEachOnce(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 10), threeAccounts)
	all, err := s.Deliveries(ctx, DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	claimedBy := map[int64][]string{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, owner := range []string{"cli-1", "cli-2", "daemon"} {
		r := reopen(t, s, Options{Now: clk.Now})
		wg.Go(func() {
			<-start
			var got []Delivery
			var err error
			if owner == "daemon" {
				got, err = r.Claim(ctx, ClaimOptions{Owner: owner, Lease: time.Hour, Limit: 100})
			} else {
				got, err = r.ClaimIDs(ctx, ClaimOptions{Owner: owner, Lease: time.Hour}, ids(all))
			}
			if err != nil {
				t.Errorf("%s: %v", owner, err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, d := range got {
				claimedBy[d.ID] = append(claimedBy[d.ID], owner)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(claimedBy) != len(all) {
		t.Errorf("%d of %d deliveries claimed", len(claimedBy), len(all))
	}
	for id, owners := range claimedBy {
		if len(owners) != 1 {
			t.Errorf("delivery %d claimed by %v", id, owners)
		}
	}
}
