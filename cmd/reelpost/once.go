package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/reelpost/reelpost/relay"
)

const onceSummary = `Run one cycle of the daemon, then exit: poll every feed in FEED_URLS (a
feed backing off after errors waits for its retry time), record new reviews,
and post every delivery due now. Exits non-zero when a feed could not be
polled or a delivery failed for good. For cron, or to try a configuration.`

func cmdOnce(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "once", "", onceSummary)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("once takes no arguments, got %q", fs.Args())}
	}
	a, err := buildApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.store.Close()
	if len(a.cfg.FeedURLs) == 0 {
		return &exitError{code: exitConfig, err: errors.New("configuration: FEED_URLS: empty: nothing to poll")}
	}
	r, err := a.newRelay(e, e.Stdout)
	if err != nil {
		return err
	}
	err = r.Once(ctx)
	var ce *relay.CycleError
	if errors.As(err, &ce) {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d feed(s) and %d deliver(ies) failed: %w",
			len(ce.Feeds), len(ce.Deliveries), err)}
	}
	return err
}
