package relay_test

import (
	"context"
	"testing"
	"time"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// TestRecordFound records a review found in its feed before the daemon saw
// it (what reelpost repost does): the daemon's first sight then does not
// post it again, though BACKFILL would have, and recording it twice gives
// the same item.
func TestRecordFound(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay(func(o *relay.Options) { o.Backfill = 1 })
	ti := reviews(1, 1, base)[0]
	rv := review.Review{Key: ti.GUID, GUID: ti.GUID, Link: ti.Link, NormLink: feed.NormalizeLink(ti.Link),
		FeedURL: fs.URL(), Title: ti.Title, Published: ti.Published, IsReview: true}

	it, err := r.RecordFound(context.Background(), rv)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := review.Decode(it.Payload); err != nil || got.Title != rv.Title || got.Link != rv.Link {
		t.Fatalf("recorded review = %+v, %v; want %q at %s", got, err, rv.Title, rv.Link)
	}
	if s := e.states(); s[store.Skipped] != 3 || s[store.Pending] != 0 {
		t.Fatalf("deliveries = %v, want one skipped per account", s)
	}
	again, err := r.RecordFound(context.Background(), rv)
	if err != nil || again.ID != it.ID {
		t.Fatalf("recorded again = item %d, %v; want item %d", again.ID, err, it.ID)
	}
	e.once(r)
	e.wantPosts(0)
}
