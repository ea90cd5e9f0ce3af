package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/reelpost/reelpost/relay"
)

const onceSummary = `Run one cycle of the daemon, then exit: poll every feed (FEED_URLS, FEED_2_URL, ...; a
feed backing off after errors waits for its retry time), record new reviews,
and post every delivery due now. Exits non-zero when a feed could not be
polled or a delivery failed for good. For cron, or to try a configuration.`

func cmdOnce(ctx context.Context, e *cliEnv, args []string) error {
	a, r, err := daemon(ctx, e, "once", onceSummary, args)
	if err != nil {
		return err
	}
	defer a.store.Close()
	err = r.Once(ctx)
	var ce *relay.CycleError
	if errors.As(err, &ce) {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d feed(s) and %d deliver(ies) failed: %w",
			len(ce.Feeds), len(ce.Deliveries), err)}
	}
	return err
}
