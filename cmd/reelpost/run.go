package main

import (
	"context"
	"errors"
	"fmt"
)

const runSummary = `Run the daemon: poll every feed in FEED_URLS every POLL_INTERVAL, record new
reviews in the ledger (DATABASE_URL) and post each to every configured account
exactly once. Serves /healthz, /readyz and /metrics on HTTP_ADDR. With no
account configured, or DRY_RUN=true, posts are printed instead of sent.
SIGTERM or SIGINT stops it cleanly: in-flight posts finish (at most 30s),
leases are released, and it exits 0.`

func cmdRun(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "run", "", runSummary)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("run takes no arguments, got %q", fs.Args())}
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
	if err := r.Run(ctx); err != nil {
		return err
	}
	return nil
}
