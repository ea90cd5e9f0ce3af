package relay_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
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
			b := newRoutedBlog(t, l, func(x, m, bsky string) ([]string, []string) { return []string{x, bsky}, []string{m, x} })
			e, main, horror, r, base := b.e, b.main, b.horror, b.r, b.base
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

// TestARoutedReviewReadsAsTheFeedThatBroughtIt: a blog's main feed goes to
// X and Mastodon with its template and #FilmBlog, its reviews category feed
// to Bluesky and X with another template and #Reviews, and a review is in
// both. Each account reads it as the feed that gave it the review, whichever
// feed the relay recorded first: Mastodon as the main feed, Bluesky as the
// category feed. X, on both routes, posts it once, as the feed that first
// gave it the review. A repost to Bluesky keeps the category feed's
// hashtags.
func TestARoutedReviewReadsAsTheFeedThatBroughtIt(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		for _, tc := range []struct {
			name  string
			first string // the feed that shows the review first: "main", "category", or "" for both at once
		}{
			{name: "main feed first", first: "main"},
			{name: "category feed first", first: "category"},
			{name: "both at once", first: ""},
		} {
			t.Run(l.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
				feeds := map[string]*feedServer{
					"main":     newFeedServer(t, reviews(1, 1, base)...),
					"category": newFeedServer(t, reviews(1, 1, base)...),
				}
				e := newEnv(t, l, feeds["main"], feeds["category"])
				xID, mID, bID := e.nets.pubs[0].ID(), e.nets.pubs[1].ID(), e.nets.pubs[2].ID()
				renderer := func(tmpl, repost string) *publisher.Renderer {
					rd, err := publisher.NewRenderer(publisher.Templates{Default: tmpl, Repost: repost})
					if err != nil {
						t.Fatal(err)
					}
					return rd
				}
				r := e.relay(func(o *relay.Options) {
					o.Hashtags = []string{"FilmReview"}
					o.Routes = map[string]relay.Route{
						feeds["main"].URL(): {Accounts: []string{xID, mID}, Hashtags: []string{"FilmReview", "FilmBlog"},
							Renderer: renderer("From the blog: {{.Title}} {{.Hashtags}}", "Again from the blog: {{.Title}} {{.Hashtags}}")},
						feeds["category"].URL(): {Accounts: []string{bID, xID}, Hashtags: []string{"FilmReview", "Reviews"},
							Renderer: renderer("New review: {{.Title}} {{.Hashtags}}", "Again, a review: {{.Title}} {{.Hashtags}}")},
					}
				})
				e.once(r) // first sight of both: review 1 is history
				rv := reviews(2, 1, base)[0]
				if tc.first == "" {
					feeds["main"].add(rv)
					feeds["category"].add(rv)
				} else {
					feeds[tc.first].add(rv)
					e.clk.Add(6 * time.Minute)
					e.once(r) // recorded by the first feed, posted to its accounts
					for name, f := range feeds {
						if name != tc.first {
							f.add(rv)
						}
					}
				}
				for range 2 {
					e.clk.Add(6 * time.Minute)
					e.once(r)
				}
				if got := e.nets.counts(); got != [3]int{1, 1, 1} {
					t.Fatalf("posts on x, mastodon, bluesky = %v, want [1 1 1]: the review once on each account", got)
				}
				const blog, category = "From the blog: Film Number 2", "New review: Film Number 2"
				texts := e.nets.texts()
				wantReads(t, "Mastodon (main feed's route)", texts[1][0], blog, "#FilmBlog", "#Reviews")
				wantReads(t, "Bluesky (category feed's route)", texts[2][0], category, "#Reviews", "#FilmBlog")
				switch x := texts[0][0]; tc.first {
				case "main":
					wantReads(t, "X (on both routes, given it by the main feed)", x, blog, "#FilmBlog", "#Reviews")
				case "category":
					wantReads(t, "X (on both routes, given it by the category feed)", x, category, "#Reviews", "#FilmBlog")
				default: // whichever feed's poll recorded it: one of the two, whole
					if strings.HasPrefix(x, blog) {
						wantReads(t, "X", x, blog, "#FilmBlog", "#Reviews")
					} else {
						wantReads(t, "X", x, category, "#Reviews", "#FilmBlog")
					}
				}

				// A repost to Bluesky reads as its route too.
				ctx := context.Background()
				it, ok, err := e.st.FindItem(ctx, rv.GUID)
				if err != nil || !ok {
					t.Fatalf("find item %s: ok=%v err=%v", rv.GUID, ok, err)
				}
				d, err := e.st.AddRepost(ctx, it.ID, bID)
				if err != nil {
					t.Fatal(err)
				}
				if err := r.DeliverIDs(ctx, []int64{d.ID}); err != nil {
					t.Fatal(err)
				}
				if got, _ := e.st.Delivery(ctx, d.ID); got.State != store.Posted {
					t.Fatalf("repost to Bluesky %s: %s", got.State, got.LastError)
				}
				bsky := e.nets.texts()[2]
				if len(bsky) != 2 {
					t.Fatalf("Bluesky holds %d posts after the repost, want 2", len(bsky))
				}
				wantReads(t, "Bluesky's repost", bsky[1], "Again, a review: Film Number 2", "#Reviews", "#FilmBlog")

				// The metrics count Bluesky's posts, the repost's included,
				// under the feed whose route made them.
				want := `reelpost_delivery_attempts_total{feed="` + feeds["category"].URL() + `",network="bluesky",outcome="posted"} 2`
				if body := metrics(t, r); !strings.Contains(body, want) {
					t.Errorf("metrics lack %s:\n%s", want, grep(body, "reelpost_delivery_attempts_total"))
				}
			})
		}
	}
}

// wantReads fails t unless the post on who begins with start, carries the
// hashtag want and not the other route's, other.
func wantReads(t *testing.T, who, text, start, want, other string) {
	t.Helper()
	if !strings.HasPrefix(text, start) || !strings.Contains(text, want) || strings.Contains(text, other) {
		t.Errorf("%s posted %q, want it to begin %q and carry %s, not %s", who, text, start, want, other)
	}
}

// TestARoutedReviewReachesTheOtherRouteWhileItsFeedShowsItAsNotOneYet: the
// main feed (routed to X) and the horror category feed (routed to
// Mastodon) share an entry. It is not a review yet when the main feed
// lists it; it becomes one there and is posted to X. The category feed
// then lists it as it was before (its cache is behind): the ledger holds
// it as a review, so Mastodon gets it at that poll, counted among the
// poll's posts, as it would have had the category feed listed it first,
// waiting, and the main feed opened it for both routes. Two replicas
// polling the two feeds at once can meet in this order.
func TestARoutedReviewReachesTheOtherRouteWhileItsFeedShowsItAsNotOneYet(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			b := newRoutedBlog(t, l, xAndMastodon)
			e, horror, r := b.e, b.horror, b.r
			draft := b.reviewThroughMain(t)
			horror.add(draft)
			e.clk.Add(6 * time.Minute)
			rep, err := r.OnceReport(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := e.nets.counts(); got != [3]int{1, 1, 0} {
				t.Fatalf("posts on x, mastodon, bluesky = %v after the category feed listed it, want [1 1 0]: "+
					"the review reaches Mastodon too", got)
			}
			if f := rep.Feeds[1]; f.URL != horror.URL() || f.ToPost != 1 {
				t.Errorf("category feed's report %+v, want the review to post", f)
			}
			for range 2 {
				e.clk.Add(6 * time.Minute)
				e.once(r)
			}
			if got := e.nets.counts(); got != [3]int{1, 1, 0} {
				t.Fatalf("posts on x, mastodon, bluesky = %v after later polls, want [1 1 0]", got)
			}
		})
	}
}

// routedBlog is a blog's main feed and its horror category feed, each
// listing review 1 (published at base), and a relay routing each feed to
// its accounts.
type routedBlog struct {
	e            *env
	main, horror *feedServer
	r            *relay.Relay
	routes       map[string]relay.Route
	base         time.Time
}

// newRoutedBlog starts a routedBlog whose routes route picks, given the X,
// Mastodon and Bluesky accounts' IDs.
func newRoutedBlog(t *testing.T, l ledger, route func(x, m, b string) (main, horror []string)) routedBlog {
	t.Helper()
	b := routedBlog{base: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.main = newFeedServer(t, reviews(1, 1, b.base)...)
	b.horror = newFeedServer(t, reviews(1, 1, b.base)...)
	b.e = newEnv(t, l, b.main, b.horror)
	mainAccts, horrorAccts := route(b.e.nets.pubs[0].ID(), b.e.nets.pubs[1].ID(), b.e.nets.pubs[2].ID())
	b.routes = map[string]relay.Route{b.main.URL(): {Accounts: mainAccts}, b.horror.URL(): {Accounts: horrorAccts}}
	b.r = b.e.relay(func(o *relay.Options) { o.Routes = b.routes })
	return b
}

// xAndMastodon routes the main feed to X, the horror feed to Mastodon.
func xAndMastodon(x, m, _ string) ([]string, []string) { return []string{x}, []string{m} }

// reviewThroughMain takes both feeds' first sight (review 1 is history),
// then has the main feed list review 2 as not a review yet, then as a
// review: it is posted to the main feed's accounts (X alone). It returns
// review 2 as it was before it became one.
func (b routedBlog) reviewThroughMain(t *testing.T) item {
	t.Helper()
	e := b.e
	e.once(b.r)
	rv := reviews(2, 1, b.base)[0]
	draft := rv
	draft.NotReview = true
	b.main.add(draft)
	e.clk.Add(6 * time.Minute)
	e.once(b.r) // waits to become a review
	b.main.set(append(reviews(1, 1, b.base), rv)...)
	e.clk.Add(6 * time.Minute)
	e.once(b.r)
	if got := e.nets.counts(); got != [3]int{1, 0, 0} {
		t.Fatalf("posts on x, mastodon, bluesky = %v once the main feed shows the review, want [1 0 0]", got)
	}
	return draft
}

// TestADryRunShowsAnotherFeedsReviewAsTheLedgerHoldsIt: the main feed has
// posted a review; a dry run of the category feed, which still lists the
// entry as it was before it became one, shows the post its account would
// get: rendered from the review the ledger holds, as the real delivery
// would be, not from the category feed's older copy.
func TestADryRunShowsAnotherFeedsReviewAsTheLedgerHoldsIt(t *testing.T) {
	t.Parallel()
	b := newRoutedBlog(t, sqliteLedger, xAndMastodon)
	e, horror := b.e, b.horror
	draft := b.reviewThroughMain(t)
	horror.add(draft)
	e.clk.Add(6 * time.Minute)
	type shownReview struct {
		rv       review.Review
		accounts []string
	}
	var (
		mu    sync.Mutex
		shown []shownReview
	)
	mID := e.nets.pubs[1].ID()
	dry := e.relay(func(o *relay.Options) {
		o.DryRun = true
		o.ShowDryRun = func(rv review.Review, posts []preview.Post, _ time.Time) {
			mu.Lock()
			defer mu.Unlock()
			sr := shownReview{rv: rv}
			for _, p := range posts {
				sr.accounts = append(sr.accounts, p.Target.Account)
			}
			shown = append(shown, sr)
		}
		o.Routes = b.routes
	})
	e.once(dry)
	mu.Lock()
	defer mu.Unlock()
	if len(shown) != 1 || shown[0].rv.Title != draft.Title || !shown[0].rv.IsReview || !strings.Contains(shown[0].rv.Summary, "thought-provoking") ||
		strings.Join(shown[0].accounts, ",") != mID {
		t.Errorf("dry run of the category feed shows %+v; want %q as the review the ledger holds, for %s alone", shown, draft.Title, mID)
	}
	if got := e.nets.counts(); got != [3]int{1, 0, 0} {
		t.Errorf("posts after the dry run = %v, want [1 0 0]: a dry run posts nothing", got)
	}
}
