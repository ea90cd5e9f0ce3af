package main

import (
	"context"
	"fmt"
	"time"

	"github.com/reelpost/reelpost/publisher"
)

const checkSummary = `Validate the configuration, then verify every configured account's
credentials with its network (X: GET /2/users/me; Mastodon:
verify_credentials; Bluesky: createSession). One line per account; secrets are
never shown. Exits non-zero when the configuration is invalid or any account
fails.`

func cmdCheck(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "check", "", checkSummary)
	timeout := fs.Duration("timeout", 20*time.Second, "time allowed for each account's check")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "configuration: ok (%d feed(s), %d account(s))\n", len(cfg.FeedURLs), cfg.Accounts())
	if len(cfg.FeedURLs) == 0 {
		fmt.Fprintln(e.Stdout, "warning: FEED_URLS is empty: `reelpost run` would have nothing to poll")
	}
	if cfg.Accounts() == 0 {
		fmt.Fprintln(e.Stdout, "no account configured: reelpost runs in dry run, printing posts instead of sending them")
		return nil
	}
	pubs, err := buildPublishers(cfg, e.Logger)
	if err != nil {
		return &exitError{code: exitConfig, err: err}
	}
	failed := 0
	for _, p := range pubs {
		v, ok := p.(publisher.Verifier)
		if !ok {
			fmt.Fprintf(e.Stdout, "%s: cannot be verified\n", p.ID())
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, *timeout)
		who, err := v.Verify(cctx)
		cancel()
		if err != nil {
			failed++
			fmt.Fprintf(e.Stdout, "%s: FAILED: %s\n", p.ID(), oneLine(err.Error()))
			continue
		}
		fmt.Fprintf(e.Stdout, "%s: ok (%s)\n", p.ID(), who)
	}
	if failed > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d of %d account(s) failed the check", failed, len(pubs))}
	}
	return nil
}
