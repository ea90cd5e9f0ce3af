package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/reelpost/reelpost/internal/memtrim"
	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
)

const runSummary = `Run the daemon: poll every feed (FEED_URLS, FEED_2_URL, ...) every
POLL_INTERVAL, record new reviews in the ledger (DATABASE_URL) and post each
exactly once to every account its feed posts to (every configured account,
unless FEED_<n>_TO names some). Serves /healthz, /readyz and /metrics on HTTP_ADDR. With no
account configured, or DRY_RUN=true, posts are printed instead of sent.
SIGTERM, SIGINT or SIGHUP stops it cleanly: in-flight posts finish (at most
30s), leases are released, and it exits 0; a second signal meanwhile ends it
at once (exit 130).`

func cmdRun(ctx context.Context, e *cliEnv, args []string) error {
	trim := &memtrim.Trimmer{MinGrowth: releaseMinGrowth}
	a, r, err := daemon(ctx, e, "run", runSummary, args, func(o *relay.Options) {
		release := releaseEveryTime
		if pollSpacing(o) < relay.DefaultQuietAfter {
			release = releaseOncePerSpell
		}
		o.Quiet = func(n int) { releaseMemory(e.Logger, trim, release, n) }
	})
	if err != nil {
		return err
	}
	defer a.store.Close()
	announce(ctx, e.Logger, a)
	return r.Run(ctx)
}

// releaseMinGrowth is how much the resident set must have grown since the
// last release for the next one to be worth its GC and page faults.
const releaseMinGrowth = 2 << 20

// releasing says when the daemon gives memory back while it stays quiet.
type releasing int

const (
	// releaseEveryTime: at every quiet call (every 30 s) where memory grew.
	releaseEveryTime releasing = iota
	// releaseOncePerSpell: at the first quiet call after the daemon did
	// something, then only where memory grew past where it settled.
	releaseOncePerSpell
)

// pollSpacing is how far apart the daemon's polls come on average, any
// feed's.
func pollSpacing(o *relay.Options) time.Duration {
	return o.PollInterval / time.Duration(max(len(o.Feeds), 1))
}

// releaseMemory is what the daemon does while it is quiet (relay.Options.Quiet:
// after 30 s with nothing to do, and every 30 s while that lasts; n counts
// those calls): collect the garbage and give back the memory only busier
// moments needed, the free heap and the executable's pages touched by
// package initialisation, posts and polls (internal/memtrim). An idle
// daemon then stays between 8 and 19 MiB instead of 23 (BENCHMARKS.md). The
// pages come back from the file when used again: the next poll brings back
// those it runs (about 10 MiB). With polls further apart than the quiet
// calls, what a release gives back stays away most of the time, and
// releasing again while quiet keeps an idle daemon under 20 MB (issue 4).
// With polls closer together it comes back within seconds, and releasing
// it every 30 s cost a GC and the page faults for nothing (a fifth more
// CPU at 1 s polls, issue 13): the daemon releases once when it goes quiet,
// and again only when memory grows past where it settled.
func releaseMemory(log *slog.Logger, trim *memtrim.Trimmer, when releasing, n int) {
	release := trim.Release
	if n > 1 && when == releaseOncePerSpell {
		release = trim.Idle
	}
	res, done, err := release()
	switch {
	case !done:
		return
	case err != nil:
		// A sandbox without /proc, say: the heap was still returned.
		log.Debug("memory released, the heap only", "result", res.String(), "reason", err)
	default:
		log.Debug("memory released", "result", res.String())
	}
}

// daemon parses a daemon command's (flag-less) command line and builds the
// relay over the ledger; the caller closes a.store.
func daemon(ctx context.Context, e *cliEnv, name, summary string, args []string, mods ...func(*relay.Options)) (*app, *relay.Relay, error) {
	fs := newFlags(e, name, "", summary)
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, &exitError{code: exitUsage, err: fmt.Errorf("%s takes no arguments, got %q", name, fs.Args())}
	}
	a, err := buildApp(e)
	if err != nil {
		return nil, nil, err
	}
	if len(a.cfg.Routes()) == 0 {
		return nil, nil, &exitError{code: exitConfig, err: fmt.Errorf("configuration: %s", noFeeds)}
	}
	// Only now, the configuration holding, may the ledger be created.
	if err := a.openLedger(ctx, e, ledgerCreate); err != nil {
		return nil, nil, err
	}
	r, err := a.newRelay(e, e.Stdout, mods...)
	if err != nil {
		a.store.Close()
		return nil, nil, err
	}
	return a, r, nil
}

// noFeeds is what run, once and check say when no feed is configured.
const noFeeds = "FEED_URLS: empty: nothing to poll: set FEED_URLS, or FEED_2_URL for a feed of its own"

// verifyTimeout bounds the start-up credential check of one account.
const verifyTimeout = 20 * time.Second

// announce logs one line per feed and per enabled account (never a secret),
// and checks each account's credentials with its network, so an operator
// reading the start-up log sees at once which account will not post. A
// rejected account is reported as an error and the others carry on: the
// daemon starts either way, and the rejected account's deliveries fail with
// the network's reason (reelpost status shows them; reelpost repost sends
// them again once the credentials are fixed).
func announce(ctx context.Context, log *slog.Logger, a *app) {
	for _, rt := range a.cfg.Routes() {
		log.Info("feed", "feed_url", redact.URL(rt.URL), "from", rt.Feed, "to", rt.To, "own_template", rt.Template != "", "hashtags", rt.Hashtags)
	}
	if len(a.pubs) == 0 {
		log.Info("no account configured: dry run, posts are printed instead of sent")
		return
	}
	if a.cfg.DryRun {
		log.Info("DRY_RUN is set: posts are printed instead of sent")
	}
	var wg sync.WaitGroup
	for _, p := range a.pubs {
		wg.Go(func() {
			v, ok := p.(publisher.Verifier)
			if !ok {
				log.Info("account", "account", p.ID(), "network", string(p.Network()))
				return
			}
			vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
			defer cancel()
			who, err := v.Verify(vctx)
			switch {
			case err == nil:
				log.Info("account", "account", p.ID(), "network", string(p.Network()), "as", who)
			case publisher.KindOf(err) == publisher.Permanent:
				log.Error("account credentials rejected: its posts will fail until they are fixed; other accounts carry on",
					"account", p.ID(), "network", string(p.Network()), "error", err)
			default:
				log.Warn("account not verified at start-up (the network did not answer); posting will be tried as usual",
					"account", p.ID(), "network", string(p.Network()), "error", err)
			}
		})
	}
	wg.Wait()
}
