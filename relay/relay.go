// Package relay is reelpost's daemon: it polls the feeds, records new
// reviews and their deliveries in the ledger, and posts every due delivery
// to its account exactly once, whatever happens to the process, the feeds or
// the networks. It also serves /healthz, /readyz and /metrics.
//
// What the ledger records, in short:
//   - The first sight of a feed records its existing items as skipped
//     (BACKFILL=N: the newest N reviews are pending instead). A poll that
//     lists nothing is no sight: the first that lists items is, and then
//     the reviews published since the feed was last seen empty are news.
//     Which poll is the first sight is decided in the recording transaction
//     (store.RecordFirstSight), so replicas racing it agree: one records
//     history, the others news.
//   - Later, every new review is recorded with one pending delivery per
//     configured account, in one transaction (store.Record, which alone
//     decides which items are new). Items that are not reviews are recorded
//     as skipped, waiting: when a later poll shows one changed into a
//     review (its text or category came later, a Letterboxd diary entry
//     gained a review and a new GUID), it is news then, and posted once. A
//     review edited after it was posted is not posted again, and neither is
//     history that becomes a review.
//   - Flood guard: at most MaxPostsPerPoll new reviews of one feed become due
//     at once; the rest are recorded in the same transaction with NotBefore
//     spread one poll interval apart (oldest first), so they are never lost
//     even if the feed drops them before their turn.
//   - Dry run: items are recorded exactly as above but their deliveries as
//     skipped, and the posts they would have made are printed instead. So
//     turning dry run off later posts only reviews that appear after, never a
//     flood of what dry run already showed. Dry run never claims deliveries.
//   - An account added later gets deliveries for reviews that appear after it
//     was added, not for older ones.
//   - A poll that finds nothing new (a 304, the same bytes) writes nothing
//     to the ledger but, every half hour, its poll times.
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// Defaults for the Options left zero.
const (
	DefaultLease           = 2 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
	DefaultFetchWorkers    = 8
	// DefaultFailingAfter is how many consecutive failures make a feed
	// "failing": an error log, the feeds_failing metric, /readyz detail.
	DefaultFailingAfter = 5
	// DefaultQuietAfter is how long Run must have had nothing to do before
	// it calls Options.Quiet.
	DefaultQuietAfter = 30 * time.Second
)

// Options are what a Relay is built from. Store, Fetcher, Extractor and
// Renderer are required; Publishers may be empty (then only dry run makes
// sense).
type Options struct {
	Store      *store.Store
	Fetcher    *feed.Fetcher
	Extractor  *review.Extractor
	Renderer   *publisher.Renderer
	Publishers []publisher.Publisher

	// Feeds are the feed URLs (or file paths) to poll.
	Feeds []string
	// Routes say, for the feeds that do not post alike, which accounts
	// their reviews go to and how they read; a feed without one posts to
	// every account with Renderer and Hashtags.
	Routes map[string]Route
	// Hashtags are added to every post of a feed without a route of its
	// own (POST_HASHTAGS), without '#'.
	Hashtags     []string
	PollInterval time.Duration
	// FetchTimeout bounds one feed's fetch, parse and extraction.
	FetchTimeout    time.Duration
	Backfill        int
	MaxPostsPerPoll int
	PostSpacing     time.Duration
	MaxAttempts     int
	Language        string
	// Films, when set, identifies each review's film before it is
	// rendered, so that posts carry TMDB's trailer and film facts where the
	// review has none; nil: TMDB is not configured, and never asked.
	Films FilmIdentifier
	// FilmWait is how long a delivery may wait for Films while TMDB is
	// unavailable, from its creation (TMDB_WAIT); then it goes out without.
	FilmWait time.Duration
	// DryRun prints posts instead of sending them (see the package comment
	// for what the ledger records then).
	DryRun bool
	// ShowDryRun, if set, is given each review a dry run would post, with
	// its posts and when they would be due, to show a person; calls come
	// one at a time. nil: the posts are only logged.
	ShowDryRun func(rv review.Review, posts []preview.Post, due time.Time)

	// HTTPAddr is the health and metrics listener for Run; empty: none.
	HTTPAddr string

	// Owner names this process in delivery leases.
	Owner string
	// Lease is how long a claimed delivery stays ours without an Extend.
	Lease time.Duration
	// ShutdownTimeout bounds how long Run waits for in-flight posts after its
	// context is cancelled.
	ShutdownTimeout time.Duration
	// FetchWorkers is how many feeds are fetched at once.
	FetchWorkers int
	// FailingAfter is how many consecutive fetch failures make a feed
	// reported as failing.
	FailingAfter int

	// Delivered, if set, is told the counts of a Once cycle's delivery
	// outcomes so far after each attempt (calls may come from several
	// goroutines at once): reelpost once shows a person how a backfill
	// goes.
	Delivered func(posted, failed, deferred int)

	// Quiet, if set, is called by Run whenever the daemon has had nothing
	// to do for QuietAfter (no new item recorded, no delivery attempted or
	// in flight), and again after each further QuietAfter of the same; n
	// counts the calls since the daemon last did something, 1 for the
	// first. At most once per QuietAfter, and not started while a delivery
	// is in flight (one may start while Quiet runs). Polls that find
	// nothing new do not count as work. reelpost run gives memory back
	// there.
	Quiet func(n int)
	// QuietAfter: DefaultQuietAfter if zero.
	QuietAfter time.Duration

	Logger *slog.Logger
	// Now is the clock (the store should share it); nil: time.Now.
	Now func() time.Time
}

// Relay is the daemon. Build it with New; run it with Run or Once.
type Relay struct {
	o       Options
	log     *slog.Logger
	now     func() time.Time
	pubs    map[string]publisher.Publisher
	order   []string // account IDs, as configured
	metrics *metrics
	feeds   map[string]string // Options.Feeds, each to its metrics label (redacted once)
	cycle   cycleStats        // this Once cycle's delivery outcomes
	held    accountHolds      // rate limits met (deliver.go)

	wake chan struct{}
	// lookedAt is when the delivery loop last looked for due deliveries,
	// as time since born (monotonic), for claimStale.
	born     time.Time
	lookedAt atomic.Int64
	film     filmState

	showMu    sync.Mutex // ShowDryRun
	mu        sync.Mutex
	lastCycle time.Time // last completed poll of any feed, or a scheduler pass with nothing due
	failing   map[string]store.FeedState
	prints    *printCache
	gc        gcTightener
	started   atomic.Bool

	// Activity, for Options.Quiet, in real time (not Options.Now: tests
	// stand that clock still).
	actMu      sync.Mutex
	lastActive time.Time // last new item, or delivery attempt (its start and end)
	inFlight   int       // deliveries being attempted
}

// New checks the options and builds a Relay.
func New(o Options) (*Relay, error) {
	var missing []string
	if o.Store == nil {
		missing = append(missing, "Store")
	}
	if o.Fetcher == nil {
		missing = append(missing, "Fetcher")
	}
	if o.Extractor == nil {
		missing = append(missing, "Extractor")
	}
	if o.Renderer == nil {
		missing = append(missing, "Renderer")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("relay: missing %s", strings.Join(missing, ", "))
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Minute
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = 30 * time.Second
	}
	if o.MaxPostsPerPoll <= 0 {
		o.MaxPostsPerPoll = 3
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.FetchWorkers <= 0 {
		o.FetchWorkers = DefaultFetchWorkers
	}
	if o.FailingAfter <= 0 {
		o.FailingAfter = DefaultFailingAfter
	}
	if o.QuietAfter <= 0 {
		o.QuietAfter = DefaultQuietAfter
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Owner == "" {
		return nil, errors.New("relay: Owner is empty: every process needs a name for its leases")
	}
	r := &Relay{
		o:       o,
		log:     o.Logger,
		now:     o.Now,
		pubs:    make(map[string]publisher.Publisher, len(o.Publishers)),
		wake:    make(chan struct{}, 1),
		born:    time.Now(),
		failing: map[string]store.FeedState{},
		prints:  newPrintCache(),
	}
	for _, p := range o.Publishers {
		if _, dup := r.pubs[p.ID()]; dup {
			return nil, fmt.Errorf("relay: account %s is configured twice", p.ID())
		}
		r.pubs[p.ID()] = p
		r.order = append(r.order, p.ID())
	}
	if err := checkRoutes(o, r.pubs); err != nil {
		return nil, err
	}
	r.feeds = make(map[string]string, len(o.Feeds))
	for _, u := range o.Feeds {
		r.feeds[u] = redact.URL(u)
	}
	r.metrics = newMetrics(r)
	return r, nil
}

// Accounts returns the configured account IDs, in configuration order.
func (r *Relay) Accounts() []string { return append([]string(nil), r.order...) }

// Handler serves /healthz, /readyz and /metrics.
func (r *Relay) Handler() http.Handler { return r.handler() }

// Run is the daemon: it polls every feed every PollInterval (with jitter) and
// delivers due posts until ctx is cancelled. Then it stops polling and
// claiming, lets in-flight posts finish (at most ShutdownTimeout), releases
// its leases and returns nil. It stops the same way, but returns the store's
// error, when the store can no longer be written (store.Store.Done). The
// caller closes the store.
func (r *Relay) Run(ctx context.Context) error {
	if !r.started.CompareAndSwap(false, true) {
		return errors.New("relay: Run called twice")
	}
	var srv *http.Server
	if r.o.HTTPAddr != "" {
		ln, err := net.Listen("tcp", r.o.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on HTTP_ADDR %s: %w", r.o.HTTPAddr, err)
		}
		srv = &http.Server{Handler: r.handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				r.log.Error("health server stopped", "error", err)
			}
		}()
		r.log.Info("health server listening", "addr", ln.Addr().String())
	}

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	// In-flight posts outlive ctx by at most ShutdownTimeout: cancelling a
	// publish half-way makes its outcome unknown, which costs a lookup later.
	hard, cancelHard := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHard()
	stopAfter := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(r.o.ShutdownTimeout, cancelHard)
		context.AfterFunc(hard, func() { t.Stop() })
	})
	defer stopAfter()

	r.log.Info("relay started", "feeds", len(r.o.Feeds), "accounts", len(r.order),
		"poll_interval", r.o.PollInterval.String(), "dry_run", r.o.DryRun, "owner", r.o.Owner)

	var wg sync.WaitGroup
	wg.Go(func() { r.pollLoop(ctx) })
	if !r.o.DryRun {
		wg.Go(func() { r.deliverLoop(ctx, hard) })
	}
	if r.o.Quiet != nil {
		r.active(0) // the first call is a QuietAfter after start-up
		wg.Go(func() { r.quietLoop(ctx) })
	}
	select {
	case <-ctx.Done():
	case <-r.o.Store.Done():
		// The ledger file is gone: nothing more can be recorded.
		stop()
	}
	r.log.Info("relay stopping: waiting for in-flight posts", "timeout", r.o.ShutdownTimeout.String())
	wg.Wait()

	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	if err := r.o.Store.Err(); err != nil {
		if srv != nil {
			_ = srv.Shutdown(rctx)
		}
		return err
	}
	var errs []error
	if n, err := r.o.Store.Release(rctx, r.o.Owner); err != nil {
		errs = append(errs, fmt.Errorf("release leases of %s: %w", r.o.Owner, err))
	} else if n > 0 {
		r.log.Info("leases released", "deliveries", n)
	}
	if srv != nil {
		if err := srv.Shutdown(rctx); err != nil {
			errs = append(errs, fmt.Errorf("stop health server: %w", err))
		}
	}
	r.log.Info("relay stopped")
	return errors.Join(errs...)
}

// FeedFailure is a feed that could not be polled.
type FeedFailure struct {
	URL string
	Err error
}

// DeliveryFailure is a delivery that failed for good.
type DeliveryFailure struct {
	ID      int64
	Account string
	ItemKey string
	Reason  string
}

// CycleError is what Once returns when a feed failed or a delivery failed
// permanently during the cycle.
type CycleError struct {
	Feeds      []FeedFailure
	Deliveries []DeliveryFailure
}

func (e *CycleError) Error() string {
	var parts []string
	for _, f := range e.Feeds {
		parts = append(parts, fmt.Sprintf("feed %s: %v", redact.URL(f.URL), f.Err))
	}
	for _, d := range e.Deliveries {
		parts = append(parts, fmt.Sprintf("delivery %d of %s to %s failed: %s", d.ID, d.ItemKey, d.Account, d.Reason))
	}
	return strings.Join(parts, "; ")
}

// Once runs one cycle: it polls every feed (except those backing off after
// errors, until their retry time), then delivers until nothing is due now,
// and releases its leases. It returns a *CycleError naming the feeds that
// failed or back off after failures, and the deliveries that failed for
// good in this cycle. OnceReport says what the cycle did besides.
func (r *Relay) Once(ctx context.Context) error {
	_, err := r.OnceReport(ctx)
	return err
}

// active notes activity for Options.Quiet: delta +1 when a delivery
// attempt starts, -1 when it ends, 0 for a moment's work (new items).
func (r *Relay) active(delta int) {
	r.actMu.Lock()
	defer r.actMu.Unlock()
	r.inFlight += delta
	r.lastActive = time.Now()
}

// quietLoop calls Options.Quiet as that option says until ctx is cancelled.
// It sleeps until quiet could next be true, not on a ticker: an idle
// process's every wake-up costs CPU (BENCHMARKS.md, issue 13).
func (r *Relay) quietLoop(ctx context.Context) {
	after := r.o.QuietAfter
	var (
		called time.Time // the last Quiet call since the last activity; zero: none
		n      int       // calls since the last activity
	)
	t := time.NewTimer(after)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.actMu.Lock()
		last, busy := r.lastActive, r.inFlight > 0
		r.actMu.Unlock()
		if called.Before(last) {
			// Something happened since the last call: a new quiet spell.
			called, n = time.Time{}, 0
		}
		next := last.Add(after)
		if n > 0 {
			next = called.Add(after)
		}
		now := time.Now()
		switch {
		case busy:
			// A delivery in flight: it marks its end, so look again a
			// QuietAfter from now.
			t.Reset(after)
			continue
		case now.Before(next):
			t.Reset(next.Sub(now))
			continue
		}
		if ctx.Err() != nil {
			return
		}
		called, n = now, n+1
		r.o.Quiet(n)
		t.Reset(after)
	}
}

// signal wakes the delivery loop (new due deliveries were recorded).
func (r *Relay) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func networkOf(account string) string {
	n, _, _ := strings.Cut(account, ":")
	return n
}

// DeliverIDs makes one attempt at each of the deliveries named by ids that
// it can claim now (store.ClaimIDs: due, and under no lease that holds), and
// at nothing else: reelpost repost posts its new deliveries this way, without
// making the other due deliveries as a side effect. Each attempt takes the
// daemon's path (rendering, lookups of an earlier post, outcome handling): a
// transient failure leaves the delivery pending for the daemon to retry. It
// releases its leases, and returns a *CycleError listing the deliveries that
// failed for good. In dry run it does nothing.
func (r *Relay) DeliverIDs(ctx context.Context, ids []int64) error {
	if r.o.DryRun || len(ids) == 0 {
		return nil
	}
	ds, err := r.o.Store.ClaimIDs(ctx, store.ClaimOptions{Owner: r.o.Owner, Lease: r.o.Lease, Spacing: r.o.PostSpacing}, ids)
	if err != nil {
		return fmt.Errorf("claim deliveries %v: %w", ids, err)
	}
	fails := r.deliverClaimed(ctx, ds)
	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	if _, err := r.o.Store.Release(rctx, r.o.Owner); err != nil {
		return fmt.Errorf("release leases of %s: %w", r.o.Owner, err)
	}
	if len(fails) > 0 {
		return &CycleError{Deliveries: fails}
	}
	return ctx.Err()
}
