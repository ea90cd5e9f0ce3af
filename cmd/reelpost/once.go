package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/relay"
)

const onceSummary = `Run one cycle of the daemon, then exit: poll every feed (FEED_URLS,
FEED_2_URL, ...; a feed backing off after errors waits for its retry time),
record new reviews, and post every delivery due now. It ends with a summary:
each feed's poll (new items, or why there was nothing new), then the posts
made, failed and deferred. Exits 1 when a feed could not be polled or is
backing off after failures, or a delivery failed for good, so that a cron job
sees it. For cron, or to try a configuration.`

func cmdOnce(ctx context.Context, e *cliEnv, args []string) error {
	var mods []func(*relay.Options)
	if e.Terminal {
		// A person waits for it: page completion and a backfill's posts
		// show how far they are.
		p := newProgress(e.Stderr, "fetching the review pages of %s")
		e.progress = p
		mods = append(mods, func(o *relay.Options) {
			o.Delivered = func(posted, failed, deferred int) {
				p.line(fmt.Sprintf("posting: %d made, %d failed, %d deferred", posted, failed, deferred))
			}
		})
	}
	a, r, err := daemon(ctx, e, "once", onceSummary, args, mods...)
	if err != nil {
		return err
	}
	defer a.store.Close()
	rep, err := r.OnceReport(ctx)
	if e.progress != nil {
		e.progress.clear()
	}
	var ce *relay.CycleError
	if err != nil && !errors.As(err, &ce) {
		return err
	}
	writeOnceReport(e.Stdout, rep)
	if ce != nil {
		// The summary said what failed; the error repeats it for a caller
		// that reads errors, not output, and is not printed again.
		return &exitError{code: exitFailure, err: fmt.Errorf("%d feed(s) and %d deliver(ies) failed: %w: %w",
			len(ce.Feeds), len(ce.Deliveries), err, errSilent)}
	}
	return nil
}

// writeOnceReport prints the cycle's summary: one line per feed, then the
// posts.
func writeOnceReport(w io.Writer, rep relay.Report) {
	polled, failing := 0, 0
	for _, f := range rep.Feeds {
		if f.Result != "backing_off" {
			polled++
		}
		if f.Failing() {
			failing++
		}
	}
	fmt.Fprintf(w, "summary: %d feed(s) polled", polled)
	if failing > 0 {
		fmt.Fprintf(w, ", %d failing", failing)
	}
	fmt.Fprintln(w)
	newItems, shown := 0, 0
	for _, f := range rep.Feeds {
		newItems, shown = newItems+f.New, shown+f.ToPost
		fmt.Fprintf(w, "  %s: %s\n", redact.URL(f.URL), feedLine(f, rep.DryRun))
	}
	switch {
	case rep.DryRun && shown > 0:
		fmt.Fprintf(w, "  %d new item(s); dry run: nothing posted (the posts it would make are shown above)\n", newItems)
	case rep.DryRun:
		fmt.Fprintf(w, "  %d new item(s); dry run: nothing posted\n", newItems)
	default:
		fmt.Fprintf(w, "  %d new item(s); %d post(s) made, %d failed, %d deferred", newItems, rep.Posted, rep.Failed, rep.Deferred)
		if rep.Waiting > 0 {
			fmt.Fprintf(w, "; %d waiting for a later cycle", rep.Waiting)
		}
		fmt.Fprintln(w)
	}
	if rep.Failed > 0 {
		fmt.Fprintln(w, "  failed posts: reelpost status says why; reelpost retry sends them again once fixed")
	}
}

// feedLine says what one feed's poll came to, and why nothing was posted
// when nothing was.
func feedLine(f relay.FeedReport, dryRun bool) string {
	switch {
	case f.Result == "backing_off":
		return fmt.Sprintf("FAILING: not polled, backing off after %d consecutive error(s) until %s (last error: %s)",
			f.ConsecutiveErrors, f.NextPoll.UTC().Format(time.RFC3339), oneLine(f.LastError))
	case f.Failing():
		return "FAILED: " + oneLine(f.Err.Error())
	case f.FirstSight:
		s := fmt.Sprintf("first sight: %d item(s) recorded", f.Items)
		switch {
		case f.ToPost == 0:
			s += ", none to post: what a feed holds when reelpost first sees it is history (BACKFILL=N posts the newest N)"
		case dryRun:
			s += fmt.Sprintf(", %d of them shown as they would be posted (BACKFILL)", f.ToPost)
		default:
			s += fmt.Sprintf(", %d of them to post (BACKFILL)", f.ToPost)
		}
		return s
	case f.New == 0:
		s := fmt.Sprintf("nothing new: all %d item(s) already seen", f.Items)
		if f.Result == "not_modified" || f.Result == "unchanged" {
			s += " (the feed has not changed since the last poll)"
		}
		return s
	}
	s := fmt.Sprintf("%d new item(s) of %d", f.New, f.Items)
	switch {
	case f.ToPost == f.New:
	case f.ToPost == 0:
		s += ", none to post (not reviews, or excluded: reelpost status says why)"
	default:
		s += fmt.Sprintf(", %d to post (the others are not reviews, or excluded: reelpost status says why)", f.ToPost)
	}
	return s
}
