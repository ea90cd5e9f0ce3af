package relay_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/relay"
)

// TestOnceReportsEachFeedAndTheCycle: a cycle's report says, per feed, what
// was polled and found (first sight, items, new, to post), which feed
// failed, and which is left alone backing off after failures, which still
// fails the cycle; and the posts made.
func TestOnceReportsEachFeedAndTheCycle(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	good := newFeedServer(t, reviews(1, 3, base)...)
	bad := newFeedServer(t)
	bad.setMode("500")
	e := newEnv(t, sqliteLedger, good, bad)
	r := e.relay(func(o *relay.Options) { o.Backfill = 1 })

	rep, err := r.OnceReport(context.Background())
	var ce *relay.CycleError
	if !errors.As(err, &ce) || len(ce.Feeds) != 1 || ce.Feeds[0].URL != bad.URL() {
		t.Fatalf("first cycle: %v, want a CycleError naming the failing feed", err)
	}
	g, b := rep.Feeds[0], rep.Feeds[1]
	if g.URL != good.URL() || !g.FirstSight || g.Items != 3 || g.New != 3 || g.ToPost != 1 || g.Failing() {
		t.Errorf("good feed = %+v, want first sight of 3 items, 1 backfilled", g)
	}
	if b.URL != bad.URL() || b.Result != "error" || !b.Failing() || !strings.Contains(b.Err.Error(), "500") {
		t.Errorf("bad feed = %+v, want its poll failed with the 500", b)
	}
	if rep.Posted != 3 || rep.Failed != 0 || rep.Deferred != 0 || rep.Waiting != 0 {
		t.Errorf("cycle = %d posted, %d failed, %d deferred, %d waiting; want the backfilled review on 3 accounts",
			rep.Posted, rep.Failed, rep.Deferred, rep.Waiting)
	}

	// A minute later: nothing new, the unchanged feed's items counted from
	// the ledger; the bad feed is not polled (backing off) but still fails
	// the cycle, so that a cron job sees it.
	e.clk.Add(time.Minute)
	hits := bad.Hits()
	rep, err = r.OnceReport(context.Background())
	if !errors.As(err, &ce) || len(ce.Feeds) != 1 || !strings.Contains(ce.Error(), "backing off after 1 consecutive error") {
		t.Fatalf("second cycle: %v, want the feed backing off to fail it", err)
	}
	if bad.Hits() != hits || rep.Feeds[1].Result != "backing_off" || rep.Feeds[1].NextPoll.IsZero() {
		t.Errorf("bad feed = %+v after %d new requests, want left alone, backing off", rep.Feeds[1], bad.Hits()-hits)
	}
	if g := rep.Feeds[0]; g.New != 0 || g.Items != 3 || g.FirstSight || rep.Posted != 0 {
		t.Errorf("good feed = %+v, %d posted; want nothing new among its 3 items", g, rep.Posted)
	}

	// Errors and posts are counted per feed, with the configured feed's
	// URL as the label.
	body := metrics(t, r)
	for _, want := range []string{
		`reelpost_feed_fetch_errors_total{feed="` + bad.URL() + `"} 1`,
		`reelpost_feed_fetch_errors_total{feed="` + good.URL() + `"} 0`,
		`reelpost_delivery_attempts_total{feed="` + good.URL() + `",network="x",outcome="posted"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, grep(body, "feed="))
		}
	}
}
