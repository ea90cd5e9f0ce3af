package relay_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

// An item first seen as not a review (its text or category came later, its
// page could not be fetched) is posted once when a later poll shows it as a
// review, and never again; a review edited after it was posted is not.
func TestItemThatBecomesAReviewIsPostedOnce(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// A Letterboxd diary entry as the member feed gives it: logged without
	// a word, then the same entry with the review written.
	watched := item{GUID: "letterboxd-watch-7", Link: "https://letterboxd.com/cinephile/film/alien/",
		Title: "Alien, 1979 - ★★★★", Published: base.Add(7 * time.Hour), NotReview: true,
		Desc: `<p><img src="https://a.ltrbxd.com/resized/alien.jpg"/></p><p>Watched on Thursday January 1, 2026.</p>`}
	reviewed := watched
	reviewed.GUID, reviewed.NotReview = "letterboxd-review-7", false
	reviewed.Desc = `<p><img src="https://a.ltrbxd.com/resized/alien.jpg"/></p>` +
		`<p>A perfect machine of dread, cold and patient. The best film of its decade.</p>`
	draft := item{GUID: "post-3", Link: "http://blog.example/reviews/film-3/", Title: "Film Number 3",
		Published: base.Add(3 * time.Hour), NotReview: true}
	cases := []struct {
		name   string
		before item // as it first appears: not a review
		after  item // as a later poll shows it: a review
		want   string
	}{
		{"its category and text change", draft, reviews(3, 1, base)[0], "Film Number 3"},
		// Letterboxd gives a diary entry that gains a review a new GUID on
		// the same link: the rename is news, not a silent one.
		{"a watch becomes a review under a new GUID", watched, reviewed, "A perfect machine of dread"},
	}
	for _, c := range cases {
		for _, l := range ledgers() {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				history := reviews(1, 2, base)
				fs := newFeedServer(t, history...)
				e := newEnv(t, l, fs)
				r := e.relay()
				e.once(r)

				fs.add(c.before)
				e.clk.Add(6 * time.Minute)
				e.once(r)
				e.wantPosts(0)

				fs.set(append(history, c.after)...)
				e.clk.Add(6 * time.Minute)
				e.once(r)
				e.wantPosts(1)
				for i, texts := range e.nets.texts() {
					if !strings.Contains(texts[0], c.want) {
						t.Errorf("post %d = %q, want the review (%q)", i, texts[0], c.want)
					}
				}

				// Later polls, an edit, a new process: nothing more.
				e.clk.Add(6 * time.Minute)
				e.once(r)
				edited := c.after
				edited.Title += " (revised)"
				fs.set(append(history, edited)...)
				e.clk.Add(6 * time.Minute)
				e.once(e.relay(func(o *relay.Options) { o.Owner = "second-process" }))
				e.wantPosts(1)
				if s := e.states(); s[store.Posted] != 3 || s[store.Pending]+s[store.Posting] != 0 {
					t.Fatalf("ledger = %v, want 3 posted and nothing open", s)
				}
			})
		}
	}
}

// A review fixed after it was posted (a typo in its title, a sentence
// added) is the same review: not posted again.
func TestEditedReviewIsNotPostedAgain(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	e.once(r)
	items := reviews(1, 3, base)
	items[2].Title = "Film Numbr 3"
	fs.set(items...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)

	items[2].Title = "Film Number 3"
	fs.set(items...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)
}

// At a feed's first sight, an item that is not a review yet and was
// published within the last week (a Letterboxd diary entry logged just
// before the member started reelpost) waits: when a later poll shows it as
// a review, it is posted once, however many replicas see it. An older one
// stays history (an old post whose page finally loads is no news), and so
// does a review already in the feed, unless BACKFILL posts it then.
func TestFirstSightItemThatBecomesAReview(t *testing.T) {
	t.Parallel()
	// A diary entry logged ago before the first sight, as Letterboxd's
	// member feed gives it, and the same entry with its review written.
	diary := func(ago time.Duration) func(now time.Time) (item, item) {
		return func(now time.Time) (watched, reviewed item) {
			watched = item{GUID: "letterboxd-watch-9", Link: "https://letterboxd.com/cinephile/film/alien/",
				Title: "Alien, 1979 - ★★★★", Published: now.Add(-ago), NotReview: true,
				Desc: `<p><img src="https://a.ltrbxd.com/resized/alien.jpg"/></p><p>Watched on Thursday January 1, 2026.</p>`}
			reviewed = watched
			reviewed.GUID, reviewed.NotReview = "letterboxd-review-9", false
			reviewed.Desc = `<p><img src="https://a.ltrbxd.com/resized/alien.jpg"/></p>` +
				`<p>A perfect machine of dread, cold and patient. The best film of its decade.</p>`
			return watched, reviewed
		}
	}
	// A blog post a year old, its page unreadable at first sight.
	oldPost := func(now time.Time) (draft, loaded item) {
		loaded = reviews(3, 1, now.AddDate(-1, 0, 0))[0]
		draft = loaded
		draft.NotReview = true
		return draft, loaded
	}
	// A review written the day before the first sight, edited later.
	review := func(now time.Time) (written, edited item) {
		written = reviews(3, 1, now.Add(-24*time.Hour))[0]
		edited = written
		edited.Title += " (revised)"
		return written, edited
	}
	cases := []struct {
		name     string
		items    func(now time.Time) (before, after item) // at the first sight, and at a later poll
		backfill int
		want     int // posts on each network, from the first sight on
	}{
		{"a diary entry of six days ago becomes a review", diary(6 * 24 * time.Hour), 0, 1},
		{"a diary entry of eight days ago becomes a review", diary(8 * 24 * time.Hour), 0, 0},
		{"a post of a year ago becomes a review", oldPost, 0, 0},
		{"a review of yesterday is edited", review, 0, 0},
		{"a review of yesterday, backfilled, is edited", review, 1, 1},
	}
	for _, c := range cases {
		for _, l := range ledgers() {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				fs := newFeedServer(t)
				e := newEnv(t, l, fs)
				now := e.clk.Now()
				history := reviews(1, 2, now.AddDate(0, -2, 0))
				before, after := c.items(now)
				fs.set(append(history, before)...)
				backfill := func(o *relay.Options) { o.Backfill = c.backfill }
				e.once(e.relay(backfill))
				e.wantPosts(c.backfill)

				// Two replicas see the change at once.
				fs.set(append(history, after)...)
				e.clk.Add(6 * time.Minute)
				other := openStore(t, e.dsn, e.clk.Now)
				replicas := []*relay.Relay{e.relay(backfill, func(o *relay.Options) { o.Owner = "replica-a" }),
					e.relay(backfill, func(o *relay.Options) { o.Owner = "replica-b"; o.Store = other })}
				var wg sync.WaitGroup
				for _, r := range replicas {
					wg.Go(func() {
						if err := r.Once(context.Background()); err != nil {
							t.Errorf("once: %v", err)
						}
					})
				}
				wg.Wait()
				e.wantPosts(c.want)
				if c.want > 0 && c.backfill == 0 {
					for i, texts := range e.nets.texts() {
						if !strings.Contains(texts[0], "A perfect machine of dread") {
							t.Errorf("post %d = %q, want the review", i, texts[0])
						}
					}
				}

				// Later polls, a new process: nothing more.
				for range 2 {
					e.clk.Add(6 * time.Minute)
					e.once(e.relay(backfill, func(o *relay.Options) { o.Owner = "second-process" }))
				}
				e.wantPosts(c.want)
			})
		}
	}
}

// Two replicas that see the same item become a review at the same moment
// post it once between them.
func TestReplicasSeeingAnItemBecomeAReviewPostItOnce(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			fs := newFeedServer(t, reviews(1, 2, base)...)
			e := newEnv(t, l, fs)
			e.once(e.relay())
			draft := reviews(3, 1, base)[0]
			draft.NotReview = true
			fs.add(draft)
			e.clk.Add(6 * time.Minute)
			e.once(e.relay())

			fs.set(reviews(1, 3, base)...)
			e.clk.Add(6 * time.Minute)
			replicas := []*relay.Relay{e.relay(func(o *relay.Options) { o.Owner = "replica-a" })}
			other := openStore(t, e.dsn, e.clk.Now)
			replicas = append(replicas, e.relay(func(o *relay.Options) { o.Owner = "replica-b"; o.Store = other }))
			var wg sync.WaitGroup
			for _, r := range replicas {
				wg.Go(func() {
					if err := r.Once(context.Background()); err != nil {
						t.Errorf("once: %v", err)
					}
				})
			}
			wg.Wait()
			e.wantPosts(1)
		})
	}
}

// In dry run, an item that becomes a review is shown once, and turning dry
// run off later does not post it.
func TestDryRunShowsAnItemThatBecomesAReviewOnce(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, fs)
	var out shownPosts
	dry := e.relay(func(o *relay.Options) { o.DryRun = true; o.ShowDryRun = out.show })
	e.once(dry)
	draft := reviews(3, 1, base)[0]
	draft.NotReview = true
	fs.add(draft)
	e.clk.Add(6 * time.Minute)
	e.once(dry)
	if strings.Contains(out.String(), "Film Number 3") {
		t.Fatalf("dry run showed an item that is not a review:\n%s", out.String())
	}
	fs.set(reviews(1, 3, base)...)
	for range 2 {
		e.clk.Add(6 * time.Minute)
		e.once(dry)
	}
	if n := strings.Count(out.String(), "-> "+dry.Accounts()[0]+" ["); n != 1 {
		t.Errorf("dry run showed %d posts for %s, want 1 (the review, once):\n%s", n, dry.Accounts()[0], out.String())
	}

	e.clk.Add(6 * time.Minute)
	e.once(e.relay())
	e.wantPosts(0)
}
