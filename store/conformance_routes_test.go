package store

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// Routed feeds (FEED_<n>_TO): a blog's main feed goes to some accounts, a
// category feed to others, and one review is in both. Each account must get
// it once, whichever feed the ledger saw it in first.
var (
	mainRoute    = []string{"bluesky:main", "x:main"}
	reviewsRoute = []string{"mastodon:main", "x:main"} // x:main is on both routes
)

// recordAs records items of feed for accounts, every open item decided d
// (at sight).
func recordAs(t *testing.T, s *Store, feed string, accounts []string, sight Sight, items []NewItem, d Decision) Recorded {
	t.Helper()
	rec, err := s.Record(context.Background(), Batch{FeedURL: feed, Items: items, Accounts: accounts, Sight: sight,
		Plan: func(_ Sight, found []Found) []Decision {
			ds := make([]Decision, len(found))
			for i := range ds {
				ds[i] = d
			}
			return ds
		}})
	if err != nil {
		t.Fatalf("Record(%s): %v", feed, err)
	}
	return rec
}

// byAccount returns the automatic deliveries of item per account, failing
// the test if an account has more than one.
func byAccount(t *testing.T, s *Store, item int64) map[string]Delivery {
	t.Helper()
	ds, err := s.Deliveries(context.Background(), DeliveryFilter{ItemID: item})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Delivery{}
	for _, d := range ds {
		if d.Seq != 0 {
			continue
		}
		if _, dup := out[d.Account]; dup {
			t.Fatalf("item %d has two deliveries for %s", item, d.Account)
		}
		out[d.Account] = d
	}
	return out
}

// bothOrders are the two orders in which a review in the main feed and in
// its category feed can be recorded.
var bothOrders = []struct {
	name          string
	first, second string
}{
	{name: "main feed first", first: mainFeed, second: reviewsFeed},
	{name: "category feed first", first: reviewsFeed, second: mainFeed},
}

// TestARoutedReviewReachesEveryAccountOnce: the review is news in both
// feeds. Whichever feed is recorded first, every account of either route
// gets one pending delivery, the account on both routes one only, and a
// later poll of either feed adds nothing.
func (su *suite) TestARoutedReviewReachesEveryAccountOnce(t *testing.T) {
	for _, tc := range bothOrders {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			routes := map[string][]string{mainFeed: mainRoute, reviewsFeed: reviewsRoute}
			const link = "https://blog.example/reviews/the-thing"
			at := map[string]NewItem{
				mainFeed:    review(mainFeed, "main-1", "main-1", link),
				reviewsFeed: review(reviewsFeed, "cat-1", "cat-1", link),
			}
			due := clk.Now().Add(time.Minute)
			pending := Decision{Plan: Plan{State: Pending, NotBefore: due}}
			first := recordAs(t, s, tc.first, routes[tc.first], Again, []NewItem{at[tc.first]}, pending)
			clk.Advance(5 * time.Minute)
			rec := recordAs(t, s, tc.second, routes[tc.second], Again, []NewItem{at[tc.second]}, pending)
			if f := rec.Found[0]; f.Match != Alias || !f.Lacking || !f.Open() {
				t.Fatalf("second feed found %+v, want an alias its route's new account lacks", f)
			}
			got := byAccount(t, s, first.Created[0].ID)
			if len(got) != 3 {
				t.Fatalf("deliveries for %d accounts, want 3 (both routes)", len(got))
			}
			for acct, d := range got {
				if d.State != Pending || !d.NextAttempt.Equal(due) || d.Key != DeliveryKey(first.Created[0].Identity, acct, 0) {
					t.Errorf("%s: %s due %v, want pending due %v with the item's key", acct, d.State, d.NextAttempt, due)
				}
			}
			for _, feed := range []string{tc.first, tc.second} {
				if rec := recordAs(t, s, feed, routes[feed], Again, []NewItem{at[feed]}, pending); rec.Found[0].Open() {
					t.Errorf("a later poll of %s found the review open: %+v", feed, rec.Found[0])
				}
			}
			if n := countRows(t, s, "deliveries"); n != 3 {
				t.Errorf("%d deliveries in all, want 3", n)
			}
		})
	}
}

// TestARoutedAliasKeepsTheLedgersDecision: what the ledger decided of the
// review through its first feed holds for the other route's accounts. One
// it holds as history is not posted to them when it turns up as news in
// the other feed; one it posts is not posted to them either when it is in
// the other feed at that feed's first sight (its history, however new the
// review is elsewhere): adding a routed feed never floods its accounts.
// One it posts is posted to them as news even where the other feed's copy
// is not a review yet (decided Wait): the ledger knows it is one; at that
// feed's first sight it is its history then too. A dry run's decision
// holds too.
func (su *suite) TestARoutedAliasKeepsTheLedgersDecision(t *testing.T) {
	const history = "in the feed when reelpost first saw it: history"
	const dryRun = "seen in dry run"
	for _, tc := range []struct {
		name   string
		first  Decision // the review in the main feed
		sight  Sight    // the look at the category feed
		second Decision // what the planner decides there
		want   State
		reason string
	}{
		{name: "history, then news", first: Decision{Plan: Plan{State: Skipped, Reason: history}}, sight: Again,
			second: Decision{Plan: Plan{State: Pending}}, want: Skipped, reason: history},
		{name: "posted, then history", first: Decision{Plan: Plan{State: Pending}}, sight: First,
			second: Decision{Plan: Plan{State: Skipped, Reason: history}}, want: Skipped, reason: history},
		{name: "posted, then news", first: Decision{Plan: Plan{State: Pending}}, sight: Again,
			second: Decision{Plan: Plan{State: Pending}}, want: Pending},
		{name: "posted, then not a review yet", first: Decision{Plan: Plan{State: Pending}}, sight: Again,
			second: Decision{Wait: true}, want: Pending},
		{name: "posted, then not a review yet at that feed's first sight", first: Decision{Plan: Plan{State: Pending}}, sight: First,
			second: Decision{Wait: true}, want: Skipped},
		{name: "posted, then in a dry run", first: Decision{Plan: Plan{State: Pending}}, sight: Again,
			second: Decision{Plan: Plan{State: Skipped, Reason: dryRun}}, want: Skipped, reason: dryRun},
		{name: "history, then not a review yet", first: Decision{Plan: Plan{State: Skipped, Reason: history}}, sight: Again,
			second: Decision{Wait: true}, want: Skipped, reason: history},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			const link = "https://blog.example/reviews/the-thing"
			first := recordAs(t, s, mainFeed, mainRoute, Again, []NewItem{review(mainFeed, "main-1", "main-1", link)}, tc.first)
			rec := recordAs(t, s, reviewsFeed, reviewsRoute, tc.sight, []NewItem{review(reviewsFeed, "cat-1", "cat-1", link)}, tc.second)
			if d := rec.Decisions[0]; d.State != tc.want && !(d.State == "" && tc.want == Skipped) || d.Wait {
				t.Errorf("Record reports %+v for the new account, want %s", d, tc.want)
			}
			if live := stateOf(tc.first) == Pending; rec.Found[0].Live != live {
				t.Errorf("Found %+v, want Live %v: the main feed's decision was %s", rec.Found[0], live, stateOf(tc.first))
			}
			got := byAccount(t, s, first.Created[0].ID)
			m, ok := got["mastodon:main"]
			if !ok || m.State != tc.want || m.LastError != tc.reason {
				t.Fatalf("the category route's account: %s (%q), want %s (%q)", m.State, m.LastError, tc.want, tc.reason)
			}
			if x := got["x:main"]; len(got) != 3 || x.State != stateOf(tc.first) {
				t.Errorf("deliveries for %d accounts, x:main %s; want 3, x:main as the main feed decided (%s)",
					len(got), x.State, stateOf(tc.first))
			}
		})
	}
}

func stateOf(d Decision) State {
	if d.State == "" {
		return Skipped
	}
	return d.State
}

// TestAWaitingAliasOpensForEveryRoute: the item is not a review yet in
// either feed; when it becomes one, seen through either, the accounts of
// both routes get it.
func (su *suite) TestAWaitingAliasOpensForEveryRoute(t *testing.T) {
	for _, tc := range []struct {
		name    string
		becomes string // the feed through which it becomes a review
	}{
		{name: "through the feed that saw it first", becomes: mainFeed},
		{name: "through the other feed", becomes: reviewsFeed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			routes := map[string][]string{mainFeed: mainRoute, reviewsFeed: reviewsRoute}
			const link = "https://letterboxd.com/u/film/the-thing/"
			at := map[string]NewItem{
				mainFeed:    review(mainFeed, "main-1", "main-1", link),
				reviewsFeed: review(reviewsFeed, "cat-1", "cat-1", link),
			}
			wait := Decision{Wait: true}
			first := recordAs(t, s, mainFeed, mainRoute, Again, []NewItem{at[mainFeed]}, wait)
			rec := recordAs(t, s, reviewsFeed, reviewsRoute, Again, []NewItem{at[reviewsFeed]}, wait)
			if f := rec.Found[0]; f.Match != Alias || !f.Waiting || !f.Lacking {
				t.Fatalf("category feed found %+v, want a waiting alias its route's new account lacks", f)
			}
			for acct, d := range byAccount(t, s, first.Created[0].ID) {
				if d.State != Skipped {
					t.Errorf("%s: %s while the item waits, want skipped", acct, d.State)
				}
			}

			clk.Advance(time.Hour)
			it := at[tc.becomes]
			it.Payload = []byte(`{"title":"now a review"}`)
			due := clk.Now().Add(time.Minute)
			rec = recordAs(t, s, tc.becomes, routes[tc.becomes], Again, []NewItem{it}, Decision{Plan: Plan{State: Pending, NotBefore: due}})
			if rec.Decisions[0].State != Pending {
				t.Fatalf("becoming a review: decided %+v", rec.Decisions[0])
			}
			got := byAccount(t, s, first.Created[0].ID)
			if len(got) != 3 {
				t.Fatalf("deliveries for %d accounts, want 3 (both routes)", len(got))
			}
			for acct, d := range got {
				if d.State != Pending || !d.NextAttempt.Equal(due) {
					t.Errorf("%s: %s due %v, want pending due %v", acct, d.State, d.NextAttempt, due)
				}
			}
		})
	}
}

// TestADeliveryIsOfTheFeedThatGaveItsAccountTheReview: the review is one
// item, recorded by whichever feed was polled first, but each delivery
// names the feed whose route gave its account the review, since that
// route's template and hashtags are the post's. The account on both routes
// keeps the feed that gave it the review first; later polls of either feed
// change nothing; a repost is of its account's feed, or of the item's own
// when the account had the review through no feed.
func (su *suite) TestADeliveryIsOfTheFeedThatGaveItsAccountTheReview(t *testing.T) {
	for _, tc := range bothOrders {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			routes := map[string][]string{mainFeed: mainRoute, reviewsFeed: reviewsRoute}
			const link = "https://blog.example/reviews/the-thing"
			at := map[string]NewItem{
				mainFeed:    review(mainFeed, "main-1", "main-1", link),
				reviewsFeed: review(reviewsFeed, "cat-1", "cat-1", link),
			}
			pending := Decision{Plan: Plan{State: Pending}}
			first := recordAs(t, s, tc.first, routes[tc.first], Again, []NewItem{at[tc.first]}, pending)
			clk.Advance(5 * time.Minute)
			recordAs(t, s, tc.second, routes[tc.second], Again, []NewItem{at[tc.second]}, pending)
			item := first.Created[0]
			want := map[string]string{"bluesky:main": mainFeed, "mastodon:main": reviewsFeed, "x:main": tc.first}
			check := func(when string) {
				t.Helper()
				got := byAccount(t, s, item.ID)
				if len(got) != len(want) {
					t.Fatalf("%s: deliveries for %d accounts, want %d", when, len(got), len(want))
				}
				for acct, feed := range want {
					if d := got[acct]; d.FeedURL != feed || d.Feed() != feed || d.Item.FeedURL != tc.first {
						t.Errorf("%s: %s's delivery is of feed %q (Feed %q, item's %q), want %q (item's %q)",
							when, acct, d.FeedURL, d.Feed(), d.Item.FeedURL, feed, tc.first)
					}
				}
			}
			check("recorded through both feeds")

			clk.Advance(5 * time.Minute)
			for _, feed := range []string{tc.second, tc.first} {
				recordAs(t, s, feed, routes[feed], Again, []NewItem{at[feed]}, pending)
			}
			check("after later polls of both")

			for acct, feed := range want {
				d, err := s.AddRepost(ctx, item.ID, acct)
				if err != nil {
					t.Fatal(err)
				}
				if d.FeedURL != feed || d.Seq != 1 {
					t.Errorf("repost to %s: seq %d of feed %q, want seq 1 of %q", acct, d.Seq, d.FeedURL, feed)
				}
			}
			// An account that never had the review (added to no route of a
			// feed that carries it): the item's own feed renders it.
			d, err := s.AddRepost(ctx, item.ID, "mastodon:other")
			if err != nil {
				t.Fatal(err)
			}
			if d.FeedURL != "" || d.Feed() != tc.first {
				t.Errorf("repost to an account without the review: feed %q (Feed %q), want none (the item's, %q)",
					d.FeedURL, d.Feed(), tc.first)
			}
		})
	}
}

// TestAWaitingAliasOpensOnEachRoutesFeed: an item that waited (not a review
// yet in either feed) opens, through either feed, with each account's
// delivery of the feed that gave it the account; an account added to the
// route meanwhile gets one of the feed that opens it.
func (su *suite) TestAWaitingAliasOpensOnEachRoutesFeed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		becomes string // the feed through which it becomes a review
	}{
		{name: "through the main feed", becomes: mainFeed},
		{name: "through the category feed", becomes: reviewsFeed},
	} {
		becomes := tc.becomes
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			const link = "https://letterboxd.com/u/film/the-thing/"
			at := map[string]NewItem{
				mainFeed:    review(mainFeed, "main-1", "main-1", link),
				reviewsFeed: review(reviewsFeed, "cat-1", "cat-1", link),
			}
			wait := Decision{Wait: true}
			first := recordAs(t, s, mainFeed, mainRoute, Again, []NewItem{at[mainFeed]}, wait)
			recordAs(t, s, reviewsFeed, reviewsRoute, Again, []NewItem{at[reviewsFeed]}, wait)

			clk.Advance(time.Hour)
			it := at[becomes]
			it.Payload = []byte(`{"title":"now a review"}`)
			const added = "bluesky:second"
			routes := map[string][]string{mainFeed: mainRoute, reviewsFeed: reviewsRoute}
			recordAs(t, s, becomes, append(slices.Clone(routes[becomes]), added), Again, []NewItem{it},
				Decision{Plan: Plan{State: Pending}})
			want := map[string]string{"bluesky:main": mainFeed, "mastodon:main": reviewsFeed, "x:main": mainFeed, added: becomes}
			got := byAccount(t, s, first.Created[0].ID)
			if len(got) != len(want) {
				t.Fatalf("deliveries for %d accounts, want %d", len(got), len(want))
			}
			for acct, feed := range want {
				if d := got[acct]; d.State != Pending || d.FeedURL != feed {
					t.Errorf("%s: %s of feed %q, want pending of %q", acct, d.State, d.FeedURL, feed)
				}
			}
		})
	}
}

// TestAWaitingItemOpenedWhileAnotherFeedAddsAccounts: two replicas share
// the ledger. The item waits (not a review yet, seen through the main
// feed). One replica records the category feed, which carries it too,
// still not a review, and is deciding it inside its transaction while the
// other records the main feed showing it as a review. The category route's
// account gets it pending all the same, as it would had the two records
// come one after the other, in either order: a review is never left
// unposted to a route because two polls met.
func (su *suite) TestAWaitingItemOpenedWhileAnotherFeedAddsAccounts(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s1 := su.open(t, Options{Now: clk.Now})
	s2 := reopen(t, s1, Options{Now: clk.Now})
	const link = "https://letterboxd.com/u/film/the-thing/"
	main := review(mainFeed, "main-1", "main-1", link)
	first := recordAs(t, s1, mainFeed, mainRoute, Again, []NewItem{main}, Decision{Wait: true})
	clk.Advance(time.Hour)

	// Replica 2 records the category feed; its planner holds the
	// transaction open on its first call, and decides Wait each time (the
	// category feed's copy is still not a review).
	deciding, release := make(chan struct{}), make(chan struct{})
	var hold sync.Once
	categoryDone := make(chan error, 1)
	go func() {
		_, err := s2.Record(ctx, Batch{FeedURL: reviewsFeed, Items: []NewItem{review(reviewsFeed, "cat-1", "cat-1", link)},
			Accounts: reviewsRoute, Sight: Again, Plan: func(_ Sight, found []Found) []Decision {
				hold.Do(func() { close(deciding); <-release })
				return slices.Repeat([]Decision{{Wait: true}}, len(found))
			}})
		categoryDone <- err
	}()
	select {
	case <-deciding:
	case err := <-categoryDone:
		t.Fatalf("the category feed was recorded without deciding the item: %v", err)
	}

	// Replica 1 records the main feed, where the item is a review now.
	became := main
	became.Payload = []byte(`{"title":"now a review"}`)
	mainDone := make(chan error, 1)
	go func() {
		_, err := s1.Record(ctx, Batch{FeedURL: mainFeed, Items: []NewItem{became}, Accounts: mainRoute, Sight: Again,
			Plan: func(_ Sight, found []Found) []Decision {
				return slices.Repeat([]Decision{{Plan: Plan{State: Pending}}}, len(found))
			}})
		mainDone <- err
	}()
	// On PostgreSQL replica 1 commits while replica 2 decides; SQLite lets
	// one writer in at a time, so there replica 1 waits for replica 2, and
	// replica 2 is let go after a moment. Either way the outcome must be
	// the same; the moment only decides which interleaving SQLite sees.
	var mainErr error
	mainFinished := false
	select {
	case mainErr = <-mainDone:
		mainFinished = true
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-categoryDone; err != nil {
		t.Fatalf("record the category feed: %v", err)
	}
	if !mainFinished {
		mainErr = <-mainDone
	}
	if mainErr != nil {
		t.Fatalf("record the main feed: %v", mainErr)
	}

	wantBothRoutesPending(t, s1, first.Created[0].ID)
}

// wantBothRoutesPending checks that the item has a delivery pending for
// each of the three accounts of both routes: it became a review.
func wantBothRoutesPending(t *testing.T, s *Store, itemID int64) {
	t.Helper()
	got := byAccount(t, s, itemID)
	if len(got) != 3 {
		t.Fatalf("deliveries for %d accounts, want 3 (both routes)", len(got))
	}
	for acct, d := range got {
		if d.State != Pending {
			t.Errorf("%s: %s (%q), want pending: the item became a review", acct, d.State, d.LastError)
		}
	}
}
