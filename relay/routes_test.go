package relay_test

import (
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/relay"
)

// TestRoutedFeedsSharingAReviewPostOnEachRoute: a blog's main feed is
// routed to X and Bluesky, its horror category feed to Mastodon and X. A
// horror review is in both feeds: it is posted once on each account of
// either route, whichever feed the relay recorded first, and X, on both
// routes, posts it once.
// The review both feeds held when first seen is history on every route.
func TestRoutedFeedsSharingAReviewPostOnEachRoute(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			main := newFeedServer(t, reviews(1, 1, base)...)
			horror := newFeedServer(t, reviews(1, 1, base)...)
			e := newEnv(t, l, main, horror)
			xID, mID, bID := e.nets.pubs[0].ID(), e.nets.pubs[1].ID(), e.nets.pubs[2].ID()
			r := e.relay(func(o *relay.Options) {
				o.Routes = map[string]relay.Route{
					main.URL():   {Accounts: []string{xID, bID}},
					horror.URL(): {Accounts: []string{mID, xID}},
				}
			})
			e.once(r) // first sight of both
			if got := e.nets.counts(); got != [3]int{} {
				t.Fatalf("posts at first sight %v, want none: what both feeds held is history", got)
			}
			rv := reviews(2, 1, base)[0]
			main.add(rv)
			horror.add(rv)
			for range 2 {
				e.clk.Add(6 * time.Minute)
				e.once(r)
			}
			if got := e.nets.counts(); got != [3]int{1, 1, 1} {
				t.Fatalf("posts on x, mastodon, bluesky = %v, want [1 1 1]: the review once on each route's accounts", got)
			}
		})
	}
}

// TestARoutedFeedAddedLaterDoesNotPostItsHistory: the horror feed, routed to
// Mastodon, is added once the main feed (routed to X) has posted a review
// that the horror feed carries too. At the horror feed's first sight that
// review is its history: Mastodon does not get it; the next review in both
// feeds reaches both accounts.
func TestARoutedFeedAddedLaterDoesNotPostItsHistory(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	main := newFeedServer(t, reviews(1, 1, base)...)
	horror := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, main, horror)
	xID, mID := e.nets.pubs[0].ID(), e.nets.pubs[1].ID()
	before := e.relay(func(o *relay.Options) {
		o.Feeds = []string{main.URL()}
		o.Routes = map[string]relay.Route{main.URL(): {Accounts: []string{xID}}}
	})
	e.once(before) // first sight of the main feed
	main.add(reviews(2, 1, base)...)
	e.clk.Add(6 * time.Minute)
	e.once(before)
	if got := e.nets.counts(); got != [3]int{1, 0, 0} {
		t.Fatalf("posts before the horror feed %v, want review 2 on X only", got)
	}

	after := e.relay(func(o *relay.Options) {
		o.Routes = map[string]relay.Route{
			main.URL():   {Accounts: []string{xID}},
			horror.URL(): {Accounts: []string{mID}},
		}
	})
	e.clk.Add(6 * time.Minute)
	e.once(after) // first sight of the horror feed
	if got := e.nets.counts(); got != [3]int{1, 0, 0} {
		t.Fatalf("posts after the horror feed's first sight %v, want [1 0 0]: review 2 is its history", got)
	}
	rv := reviews(3, 1, base)[0]
	main.add(rv)
	horror.add(rv)
	for range 2 {
		e.clk.Add(6 * time.Minute)
		e.once(after)
	}
	if got := e.nets.counts(); got != [3]int{2, 1, 0} {
		t.Fatalf("posts on x, mastodon, bluesky = %v, want [2 1 0]: review 3 on both routes", got)
	}
	texts := e.nets.texts()
	if m := texts[1]; !strings.Contains(m[0], "Film Number 3") {
		t.Fatalf("Mastodon posted %q, want review 3 (review 2 is the horror feed's history)", m[0])
	}
	if x := texts[0]; !strings.Contains(x[0], "Film Number 2") || !strings.Contains(x[1], "Film Number 3") {
		t.Fatalf("X posted %q, want reviews 2 and 3", x)
	}
}
