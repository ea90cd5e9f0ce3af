package relay

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/store"
)

// Report is what one Once cycle did, for the person or the cron job that
// ran it: each feed's poll, and the cycle's posts.
type Report struct {
	// Feeds are every feed of Options.Feeds, in that order.
	Feeds []FeedReport
	// Posted, Failed and Deferred count this cycle's delivery attempts:
	// posts made, given up for good, and put back to be tried again later
	// (a passing error, a rate limit).
	Posted, Failed, Deferred int
	// Waiting counts the deliveries of the configured accounts pending
	// after the cycle: due later (the flood guard, POST_SPACING, a retry's
	// time), for later cycles.
	Waiting int
	// DryRun: nothing was posted; the posts were shown instead.
	DryRun bool
}

// FeedReport is one feed's part of a cycle.
type FeedReport struct {
	URL string
	// Result is the polls metric's result (new, seen, unchanged,
	// not_modified, error), or "backing_off" for a feed not polled because
	// it failed lately and its retry time has not come.
	Result string
	// Err is why the poll failed; for a feed backing off, its last error.
	Err error
	// ConsecutiveErrors, NextPoll and LastError say how long a feed
	// backing off has failed, when it is tried again and what its last
	// poll met.
	ConsecutiveErrors int
	NextPoll          time.Time
	LastError         string
	// FirstSight: this poll was the feed's first sight, its items recorded
	// as history (but for BACKFILL).
	FirstSight bool
	// Items is how many items the feed lists: from this poll's body, or
	// from the ledger when the body was not read again (unchanged).
	Items int
	// New is how many of them are new to the ledger; ToPost how many of
	// those are to be posted.
	New, ToPost int
}

// Failing reports whether the feed failed this cycle or was left alone
// because it keeps failing.
func (f FeedReport) Failing() bool { return f.Err != nil }

// pollStats is what one poll found, for the cycle's report.
type pollStats struct {
	items, fresh, toPost int
	first                bool
	// saved is set when the feed's state after the poll was saved with its
	// items (store.Batch.Feed).
	saved bool
}

// cycleStats count the outcomes of the delivery attempts of a cycle.
type cycleStats struct {
	posted, failed, deferred atomic.Int64
}

// delivered tells Options.Delivered the cycle's counts.
func (r *Relay) delivered() {
	if r.o.Delivered != nil {
		r.o.Delivered(int(r.cycle.posted.Load()), int(r.cycle.failed.Load()), int(r.cycle.deferred.Load()))
	}
}

// OnceReport is Once with its report. Its error is Once's: a *CycleError
// naming the feeds that failed or back off after failures and the
// deliveries that failed for good.
func (r *Relay) OnceReport(ctx context.Context) (Report, error) {
	r.cycle.posted.Store(0)
	r.cycle.failed.Store(0)
	r.cycle.deferred.Store(0)
	feeds := r.pollAll(ctx)
	var delivFails []DeliveryFailure
	if !r.o.DryRun {
		delivFails = r.deliverDue(ctx, ctx)
	}
	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	if _, err := r.o.Store.Release(rctx, r.o.Owner); err != nil {
		return Report{}, fmt.Errorf("release leases of %s: %w", r.o.Owner, err)
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	rep := Report{Feeds: feeds, DryRun: r.o.DryRun, Posted: int(r.cycle.posted.Load()),
		Failed: int(r.cycle.failed.Load()), Deferred: int(r.cycle.deferred.Load())}
	r.fillLedgerCounts(rctx, &rep)
	var feedFails []FeedFailure
	for _, f := range feeds {
		if f.Failing() {
			feedFails = append(feedFails, FeedFailure{URL: f.URL, Err: f.Err})
		}
	}
	if len(feedFails) > 0 || len(delivFails) > 0 {
		return rep, &CycleError{Feeds: feedFails, Deliveries: delivFails}
	}
	return rep, nil
}

// fillLedgerCounts completes rep from the ledger: the deliveries waiting
// for a later cycle, and how many items an unchanged feed lists. A ledger
// that does not answer leaves them out; the cycle's work is done.
func (r *Relay) fillLedgerCounts(ctx context.Context, rep *Report) {
	if counts, err := r.o.Store.Counts(ctx); err == nil {
		for _, a := range r.order {
			rep.Waiting += counts[a][store.Pending]
		}
	} else {
		r.log.Warn("count deliveries for the report", "error", err)
	}
	for i, f := range rep.Feeds {
		if f.Result != "not_modified" && f.Result != "unchanged" {
			continue
		}
		n, err := r.o.Store.FeedItemCount(ctx, f.URL)
		if err != nil {
			r.log.Warn("count items for the report", "feed_url", redact.URL(f.URL), "error", err)
			continue
		}
		rep.Feeds[i].Items = n
	}
}

// backingOff is the report of a feed not polled because it keeps failing.
func backingOff(st store.FeedState) FeedReport {
	last := redact.Within(st.LastError, st.URL) // recorded, maybe before URLs were redacted
	return FeedReport{URL: st.URL, Result: "backing_off", ConsecutiveErrors: st.ConsecutiveErrors, NextPoll: st.NextPoll,
		LastError: last,
		Err: fmt.Errorf("backing off after %d consecutive error(s), next poll %s; last error: %s",
			st.ConsecutiveErrors, st.NextPoll.UTC().Format(time.RFC3339), last)}
}

// feedLabel is url as the metrics' feed label: a configured feed's URL, or
// "other" (a pending delivery of a feed no longer configured), so that the
// label's values are bounded by the configuration.
func (r *Relay) feedLabel(url string) string {
	if label, ok := r.feeds[url]; ok {
		return label // redacted: a label is shown wherever the metrics go
	}
	return "other"
}
