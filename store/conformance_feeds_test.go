package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// polledFeed is a feed's state after some polls, with every field set and
// times that are neither in UTC nor whole seconds.
func polledFeed() FeedState {
	paris := time.FixedZone("CEST", 2*3600)
	return FeedState{
		URL: mainFeed, ETag: `W/"abc"`, LastModified: "Sat, 28 Nov 2026 01:02:03 GMT", BodyHash: "deadbeef",
		LastPoll:    time.Date(2026, 11, 28, 3, 4, 5, 123456000, paris),
		LastSuccess: time.Date(2026, 11, 28, 3, 4, 5, 999999000, time.UTC),
		NextPoll:    time.Date(2026, 11, 28, 3, 9, 5, 1000, time.UTC),
		LastError:   "fetch: 503", ConsecutiveErrors: 2, Initialized: true,
	}
}

func (su *suite) TestFeedStateRoundTripsToTheMicrosecond(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	if _, ok, err := s.Feed(ctx, mainFeed); err != nil || ok {
		t.Fatalf("Feed of an unseen feed: ok=%v err=%v, want false, nil", ok, err)
	}
	want := polledFeed()
	if err := s.SaveFeed(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Feed(ctx, mainFeed)
	if err != nil || !ok {
		t.Fatalf("Feed: ok=%v err=%v", ok, err)
	}
	for name, pair := range map[string][2]time.Time{
		"LastPoll": {got.LastPoll, want.LastPoll}, "LastSuccess": {got.LastSuccess, want.LastSuccess}, "NextPoll": {got.NextPoll, want.NextPoll},
	} {
		if !pair[0].Equal(pair[1]) || pair[0].Location() != time.UTC {
			t.Errorf("%s = %v, want %v in UTC", name, pair[0], pair[1])
		}
	}
	got.LastPoll, got.LastSuccess, got.NextPoll = want.LastPoll, want.LastSuccess, want.NextPoll
	if got != want {
		t.Errorf("Feed = %+v, want %+v", got, want)
	}
}

// TestSavingAFeedReplacesItsState: an upsert replaces, the zero time comes
// back zero, and Feeds lists every feed by URL.
func (su *suite) TestSavingAFeedReplacesItsState(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	want := polledFeed()
	if err := s.SaveFeed(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.ETag, want.ConsecutiveErrors, want.NextPoll = "", 0, time.Time{}
	if err := s.SaveFeed(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFeed(ctx, FeedState{URL: reviewsFeed}); err != nil {
		t.Fatal(err)
	}
	feeds, err := s.Feeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(feeds) != 2 || feeds[0].URL != reviewsFeed || feeds[1].URL != mainFeed {
		t.Fatalf("Feeds = %+v, want the two feeds by URL", feeds)
	}
	if f := feeds[1]; f.ETag != "" || f.ConsecutiveErrors != 0 || !f.NextPoll.IsZero() || !f.LastSuccess.Equal(want.LastSuccess) {
		t.Errorf("after upsert Feed = %+v, want %+v", f, want)
	}
}

// TestAStaleSaveKeepsTheFeedInitialized: a replica saving a state it read
// before the first sight (a failed poll, say) does not undo it: its next
// poll would skip the news.
func (su *suite) TestAStaleSaveKeepsTheFeedInitialized(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	want := polledFeed()
	if err := s.SaveFeed(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.Initialized = false
	if err := s.SaveFeed(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.Feed(ctx, mainFeed); err != nil || !got.Initialized {
		t.Errorf("after saving a stale uninitialized state: Feed = %+v, %v; want it still initialized", got, err)
	}
}

// TestRecordItemsNeverMakesAFirstSight: RecordItems (a repost's item found in
// a feed) leaves the feed's first sight to come.
func (su *suite) TestRecordItemsNeverMakesAFirstSight(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	record(t, s, reviewsFeed, []NewItem{review(reviewsFeed, "other", "other", "https://blog.example/reviews/other")}, threeAccounts[:1])
	if f, _, err := s.Feed(ctx, reviewsFeed); err != nil || f.Initialized {
		t.Fatalf("RecordItems initialized the feed: %+v, %v", f, err)
	}
}

func (su *suite) TestFirstSightRecordsItsPlanOnce(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	items := numbered(mainFeed, 3)
	later := clk.Now().Add(time.Minute)
	items[2].FirstSight = Plan{State: Pending, NotBefore: later} // BACKFILL=1
	created, first, err := s.RecordFirstSight(ctx, mainFeed, items[:3], threeAccounts[:1])
	if err != nil || !first || len(created) != 3 {
		t.Fatalf("RecordFirstSight = %d created, first %v, %v; want 3, true", len(created), first, err)
	}
	if f, _, err := s.Feed(ctx, mainFeed); err != nil || !f.Initialized {
		t.Fatalf("after its first sight Feed = %+v, %v; want initialized", f, err)
	}
	news := review(mainFeed, "news", "news", "https://blog.example/reviews/news")
	news.NotBefore = clk.Now().Add(2 * time.Minute)
	created, first, err = s.RecordFirstSight(ctx, mainFeed, append(items, news), threeAccounts[:1])
	if err != nil || first || len(created) != 1 || created[0].Key != news.Key {
		t.Fatalf("RecordFirstSight again = %+v, first %v, %v; want only the news, not a first sight", created, first, err)
	}
	want := map[string]Plan{
		items[0].Key: {State: Skipped},
		items[1].Key: {State: Skipped},
		items[2].Key: {State: Pending, NotBefore: later},
		news.Key:     {State: Pending, NotBefore: news.NotBefore},
	}
	ds, err := s.Deliveries(ctx, DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Item.FeedURL != mainFeed {
			continue
		}
		w := want[d.Item.Key]
		if d.State != w.State || w.State == Pending && !d.NextAttempt.Equal(w.NotBefore) {
			t.Errorf("delivery of %s: %s due %v, want %s due %v", d.Item.Key, d.State, d.NextAttempt, w.State, w.NotBefore)
		}
		delete(want, d.Item.Key)
	}
	if len(want) > 0 {
		t.Errorf("no delivery for %v", want)
	}
}

func (su *suite) TestFirstSightRefusesAPostedPlan(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	bad := review(mainFeed, "bad", "", "")
	bad.FirstSight.State = Posted
	if _, _, err := s.RecordFirstSight(ctx, mainFeed, []NewItem{bad}, threeAccounts[:1]); err == nil {
		t.Error("RecordFirstSight accepted a first-sight state posted")
	}
}

// TestAFirstSightLongerThanALookupBatch: a feed's whole archive, more items
// than one lookup query takes, is all found again by the next poll.
func (su *suite) TestAFirstSightLongerThanALookupBatch(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	n := batch + 10
	items := make([]NewItem, n)
	for i := range items {
		link := fmt.Sprintf("https://blog.example/reviews/archive-%03d", i)
		items[i] = review(mainFeed, link, link, link)
		items[i].State = Skipped
	}
	if created := record(t, s, mainFeed, items[:n-1], nil); len(created) != n-1 {
		t.Fatalf("created %d items, want %d", len(created), n-1)
	}
	for _, tc := range []struct {
		name string
		feed string
	}{
		{"same feed", mainFeed},
		{"another feed with the same links", reviewsFeed},
	} {
		asked := make([]NewItem, len(items))
		for i, it := range items {
			it.FeedURL, it.Key = tc.feed, tc.feed+"#"+it.Key
			asked[i] = it
		}
		if tc.feed == mainFeed {
			asked = items
		}
		known, err := s.known(ctx, tc.feed, asked)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range known {
			if want := i < n-1; k != want {
				t.Errorf("%s: Known[%d] = %v, want %v", tc.name, i, k, want)
			}
		}
	}
	if created := record(t, s, mainFeed, items, nil); len(created) != 1 || created[0].Key != items[n-1].Key {
		t.Errorf("recording the feed again created %d items, want only the last", len(created))
	}
}

// TestTwoReplicasRacingAFeedsFirstSightSkipOnlyTheWinnersBatch runs its
// rounds on one database, as replicas share one ledger; each round has a
// feed of its own.
func (su *suite) TestTwoReplicasRacingAFeedsFirstSightSkipOnlyTheWinnersBatch(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	const rounds = 4 // one feed each: contention is likelier in some
	for round := range rounds {
		feedURL := fmt.Sprintf("https://blog%d.example/feed/", round)
		shared := numbered(feedURL, 4)
		for i := range shared {
			shared[i].FeedURL, shared[i].Key = feedURL, feedURL+shared[i].Key
			shared[i].GUID, shared[i].NormLink = shared[i].Key, shared[i].Key
		}
		// Each replica fetched the feed at a slightly different moment:
		// the same four reviews and one the other did not see yet. Both
		// read the feed as not initialized, so both ask for a first sight.
		batches := make([][]NewItem, 2)
		for r := range batches {
			link := fmt.Sprintf("%sonly-%d", feedURL, r)
			batches[r] = append(append([]NewItem(nil), shared...), review(feedURL, link, link, link))
		}
		replicas := []*Store{reopen(t, s, Options{}), reopen(t, s, Options{})}
		firsts := make([]bool, 2)
		created := make([][]Item, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for r := range replicas {
			wg.Go(func() {
				<-start
				var err error
				created[r], firsts[r], err = replicas[r].RecordFirstSight(ctx, feedURL, batches[r], threeAccounts[:2])
				if err != nil {
					t.Errorf("replica %d: %v", r, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if t.Failed() {
			return
		}
		if firsts[0] == firsts[1] {
			t.Fatalf("round %d: first sight reported by replicas %v, want exactly one", round, firsts)
		}
		winner, loser := 0, 1
		if firsts[1] {
			winner, loser = 1, 0
		}
		if len(created[winner]) != 5 || len(created[loser]) != 1 || created[loser][0].Key != batches[loser][4].Key {
			t.Fatalf("round %d: winner created %d items, loser %d; want 5 and only the loser's own news", round, len(created[winner]), len(created[loser]))
		}
		// The loser's next poll, still from its stale view, brings news.
		link := feedURL + "after"
		c, first, err := replicas[loser].RecordFirstSight(ctx, feedURL, append(batches[loser], review(feedURL, link, link, link)), threeAccounts[:2])
		if err != nil || first || len(c) != 1 || c[0].Key != link {
			t.Fatalf("round %d: the loser's later batch = %+v, first %v, %v; want one new item, not a first sight", round, c, first, err)
		}
		ds, err := s.Deliveries(ctx, DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]State{}
		for _, d := range ds {
			if d.Item.FeedURL == feedURL {
				if prev, ok := states[d.Item.Key]; ok && prev != d.State {
					t.Errorf("round %d: item %s has %s and %s deliveries", round, d.Item.Key, prev, d.State)
				}
				states[d.Item.Key] = d.State
			}
		}
		want := map[string]State{batches[loser][4].Key: Pending, link: Pending}
		for _, it := range batches[winner] {
			want[it.Key] = Skipped
		}
		if fmt.Sprint(states) != fmt.Sprint(want) {
			t.Errorf("round %d: delivery states %v, want %v", round, states, want)
		}
		if f, _, err := s.Feed(ctx, feedURL); err != nil || !f.Initialized {
			t.Errorf("round %d: Feed = %+v, %v; want initialized", round, f, err)
		}
	}
}

// TestARecordSavesTheFeedsStateWithItsItems: Batch.Feed is written in the
// recording transaction (a first sight of 37 items, written in chunks of
// several rows, each item with its own ID and deliveries), not by a record
// that only reads, nor by one that fails; a state of another feed is
// refused.
func (su *suite) TestARecordSavesTheFeedsStateWithItsItems(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	state := polledFeed()
	state.ConsecutiveErrors, state.LastError = 0, ""
	items := numbered(mainFeed, 37)
	for i := range items {
		items[i].FirstSight = Plan{State: Skipped, Reason: "history"}
	}
	items[36].FirstSight = Plan{State: Pending}
	rec, err := s.Record(ctx, Batch{FeedURL: mainFeed, Items: items, Accounts: threeAccounts, Sight: First, Feed: &state})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.FeedSaved || rec.Sight != First || len(rec.Created) != 37 {
		t.Fatalf("Record: saved %v, sight %v, created %d; want the state saved and 37 items created at the first sight",
			rec.FeedSaved, rec.Sight, len(rec.Created))
	}
	seen := map[int64]bool{}
	for i, it := range rec.Created {
		got, ok, err := s.FindItem(ctx, items[i].NormLink)
		if err != nil || !ok || got.ID != it.ID || got.Key != items[i].Key || seen[it.ID] {
			t.Errorf("created[%d] = item %d (%s); the ledger has %d (%s), %v, %v", i, it.ID, it.Key, got.ID, got.Key, ok, err)
		}
		seen[it.ID] = true
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, acct := range threeAccounts {
		if c := counts[acct]; c[Skipped] != 36 || c[Pending] != 1 {
			t.Errorf("Counts[%s] = %v, want 36 skipped and 1 pending", acct, c)
		}
	}
	got, ok, err := s.Feed(ctx, mainFeed)
	if err != nil || !ok || got.ETag != state.ETag || got.BodyHash != state.BodyHash || !got.NextPoll.Equal(state.NextPoll) || !got.Initialized {
		t.Errorf("Feed = %+v, %v, %v; want the state given with the items, initialized", got, ok, err)
	}

	// Nothing new: Record only reads, and leaves the state to the caller.
	later := state
	later.ETag = `W/"later"`
	rec, err = s.Record(ctx, Batch{FeedURL: mainFeed, Items: items, Accounts: threeAccounts, Sight: Again, Feed: &later})
	if err != nil || rec.FeedSaved {
		t.Errorf("Record of the same items: saved %v, %v; want nothing written", rec.FeedSaved, err)
	}
	// A failed record saves nothing.
	broken := func(Sight, []Found) []Decision { return nil }
	if _, err := s.Record(ctx, Batch{FeedURL: mainFeed, Items: numbered(mainFeed, 38)[37:], Accounts: threeAccounts, Plan: broken, Feed: &later}); err == nil {
		t.Error("Record with a planner that decides nothing: no error")
	}
	if got, _, _ := s.Feed(ctx, mainFeed); got.ETag != state.ETag {
		t.Errorf("ETag = %q after a record that wrote nothing, want %q", got.ETag, state.ETag)
	}
	other := state
	other.URL = reviewsFeed
	if _, err := s.Record(ctx, Batch{FeedURL: mainFeed, Items: items, Accounts: threeAccounts, Feed: &other}); err == nil || !strings.Contains(err.Error(), reviewsFeed) {
		t.Errorf("Record with another feed's state: %v, want an error naming %s", err, reviewsFeed)
	}
}
