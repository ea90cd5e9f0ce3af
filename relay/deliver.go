package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// Retry schedule of a delivery after a transient failure: 30s doubled per
// attempt, capped at an hour, with jitter.
const (
	retryBase = 30 * time.Second
	retryCap  = time.Hour
	// claimBatch is how many deliveries one Claim takes.
	claimBatch = 16
	// publishTimeout bounds every exchange with a network: one attempt,
	// lookups included, and a dry run's rendering (which reads the
	// network's rules), whatever the publisher's own client allows.
	publishTimeout = 2 * time.Minute
	// ledgerTimeout bounds a ledger write made on a context of its own,
	// because it must happen even when the work's context is done: an
	// attempt's outcome (the post is made), a poll's feed state, the release
	// of leases at shutdown.
	ledgerTimeout = 15 * time.Second
	// resetJitter is the most added to a rate limit's reset before the
	// account's probe.
	resetJitter = 5 * time.Second
)

// stage says where an attempt's error came from.
type stage int

const (
	// beforePublish: reading rules, looking for an earlier post; nothing
	// was sent.
	beforePublish stage = iota
	// fromPublish: the post itself, which may have reached the network.
	fromPublish
)

// sent is what is known of an earlier post when an attempt is put back.
type sent int

const (
	// notSent: no attempt reached the network.
	notSent sent = iota
	// maybeSent: an attempt may have posted (a timeout after sending, an
	// expired lease): the next attempt looks for the post first.
	maybeSent
)

// deliverLoop delivers due deliveries whenever woken and, when nothing
// wakes it, every deliverTick and a quarter, until ctx is cancelled. Posts in
// flight finish under hard.
//
// What wakes it: a poll that recorded something due, and any poll that ends
// a deliverTick or more after the last look (claimStale). So the periodic
// look for deliveries it was not told of (retries, spaced posts, other
// replicas' items, a dead process's deliveries) rides on the poll's own
// wake-up while polls come often, and the timer, reset at every look, fires
// only when they do not: at 1 s polls, the idle daemon wakes once a second
// instead of twice. Each wake-up of a sleeping process costs CPU in itself
// (the runtime's threads woken, sysmon's spin; BENCHMARKS.md, issue 13).
func (r *Relay) deliverLoop(ctx, hard context.Context) {
	tick := deliverTick(r.o.PollInterval)
	t := time.NewTimer(tick + tick/4)
	defer t.Stop()
	for {
		r.lookedAt.Store(int64(time.Since(r.born)))
		r.deliverDue(ctx, hard)
		// Reset after the look: a poll ending before this fires takes its
		// place, unless polls come further apart than this.
		t.Reset(tick + tick/4)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

// claimStale reports whether the delivery loop last looked for due
// deliveries a deliverTick ago or more (less a quarter: polls a tick apart
// come a little early or late by their jitter), so that a poll ending now
// should wake it.
func (r *Relay) claimStale() bool {
	tick := deliverTick(r.o.PollInterval)
	return time.Since(r.born)-time.Duration(r.lookedAt.Load()) >= tick-tick/4
}

// deliverTick is how often the delivery loop looks for due deliveries it
// was not woken for (retries, spaced posts, other replicas' items): a
// quarter of the interval, between 1 and 5 seconds. A poll that records
// something due wakes the loop at once, so a finer tick only costs a ledger
// query a tick, which at a 1 s interval was a third of an idle daemon's CPU.
func deliverTick(interval time.Duration) time.Duration {
	return min(max(interval/4, time.Second), 5*time.Second)
}

// deliverDue claims and delivers due deliveries until none is due, ctx is
// cancelled (no new claims) or a claim fails. Each batch is posted one
// goroutine per account, in order within an account. It returns the
// deliveries that failed for good.
func (r *Relay) deliverDue(ctx, hard context.Context) []DeliveryFailure {
	var (
		fails []DeliveryFailure
		seen  = map[int64]int{}
	)
	for ctx.Err() == nil {
		ds, err := r.o.Store.Claim(ctx, store.ClaimOptions{
			Owner: r.o.Owner, Lease: r.o.Lease, Limit: claimBatch, Spacing: r.o.PostSpacing, Accounts: r.order,
		})
		if err != nil {
			if ctx.Err() == nil {
				r.log.Error("claim deliveries", "error", err)
			}
			break
		}
		if len(ds) == 0 {
			break
		}
		again := 0
		for _, d := range ds {
			if seen[d.ID]++; seen[d.ID] > 1 {
				again++
			}
		}
		fails = append(fails, r.deliverClaimed(hard, ds)...)
		if again == len(ds) {
			// Everything claimed was handled in this pass already and is due
			// again at once (a clock that stands still in a test, a retry time
			// in the past): stop rather than spin.
			break
		}
	}
	return fails
}

// deliverClaimed posts claimed deliveries, one goroutine per account, in
// order within an account, and returns those that failed for good.
func (r *Relay) deliverClaimed(ctx context.Context, ds []store.Delivery) []DeliveryFailure {
	byAccount := map[string][]store.Delivery{}
	var accounts []string
	for _, d := range ds {
		if _, ok := byAccount[d.Account]; !ok {
			accounts = append(accounts, d.Account)
		}
		byAccount[d.Account] = append(byAccount[d.Account], d)
	}
	var (
		mu    sync.Mutex
		fails []DeliveryFailure
		wg    sync.WaitGroup
	)
	for _, a := range accounts {
		wg.Go(func() {
			for _, d := range byAccount[a] {
				if f := r.deliver(ctx, d); f != nil {
					mu.Lock()
					fails = append(fails, *f)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return fails
}

// deliver makes one attempt at d and records the outcome. It returns a
// DeliveryFailure when d failed for good.
func (r *Relay) deliver(ctx context.Context, d store.Delivery) (failure *DeliveryFailure) {
	r.active(1)
	defer r.active(-1)
	log := r.log.With("delivery_id", d.ID, "delivery_key", d.Key, "account", d.Account, "item_key", d.Item.Key,
		"attempt", d.Attempts)
	defer func() {
		if v := recover(); v != nil {
			// A bug met by one review (in rendering, in a client) costs that
			// delivery, not the daemon: otherwise every replica would crash
			// on it in turn, and no account would post again. It may have
			// struck inside Publish, after the post left.
			log.Error("delivery failed on an internal error", "panic", v, "stack", string(debug.Stack()))
			failure = r.fail(ctx, log, d, networkOf(d.Account), fmt.Sprintf("internal error: %v", v), maybeSent)
		}
	}()
	p, ok := r.pubs[d.Account]
	if !ok {
		// Another replica's account, or one removed from the configuration:
		// leave it for a process that has it, and look again in a while.
		log.Warn("delivery for an account not configured here: left pending")
		r.postpone(ctx, log, d, r.now().Add(jitter(retryCap)), "account not configured in "+r.o.Owner, sentOf(d))
		return nil
	}
	network := string(p.Network())
	if until := r.held.until(d.Account); r.now().Before(until) {
		r.holdBack(ctx, log, d, until)
		return nil
	}

	rv, err := review.Decode(d.Item.Payload)
	if err != nil {
		return r.fail(ctx, log, d, network, fmt.Sprintf("decode item %s: %v", d.Item.Key, err), sentOf(d))
	}
	if until, why := r.filmWait(ctx, log, d, &rv); !until.IsZero() {
		// TMDB is down or rate-limiting: the post waits for its trailer a
		// while, spending no attempt.
		r.postpone(ctx, log, d, until, why, sentOf(d))
		return nil
	}
	actx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	rules, err := p.Rules(actx)
	if err != nil {
		return r.outcome(ctx, log, d, network, publisher.Receipt{}, fmt.Errorf("rules of %s: %w", d.Account, err), beforePublish)
	}
	// A review reads as the route that gave the account this delivery says
	// (its template, its hashtags): a review in two routed feeds is one
	// item, recorded by whichever feed was polled first, but each account
	// reads it as its own feed's.
	rt := r.route(d.Feed())
	post, err := rt.Renderer.Render(rules, rv, r.renderOptions(rt, d.Seq > 0))
	if err != nil {
		// A template that fails on this review fails on every attempt.
		return r.fail(ctx, log, d, network, fmt.Sprintf("render %s for %s: %v", d.Item.Key, d.Account, err), sentOf(d))
	}
	post.Key = d.Key
	post.CreatedAt = d.CreatedAt

	// The lease dates from the claim of the batch: a delivery that waited
	// behind slower ones may have lost it to another replica, and then what
	// d says (attempts, unknown) is stale. Renew it before looking or
	// posting, and keep it renewed until the network answers; if it is
	// lost, another process owns the delivery now, so stop.
	if err := r.o.Store.Extend(actx, d.ID, r.o.Owner, r.o.Lease); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			log.Warn("lease lost before posting: left to its new owner")
		} else {
			log.Warn("renew lease before posting: left for a later attempt", "error", err)
		}
		return nil
	}
	pctx, pcancel := context.WithCancelCause(actx)
	defer pcancel(nil)
	stopExtend := r.keepLease(pctx, pcancel, d)
	defer stopExtend()

	// An earlier attempt may have reached the network (a lease that expired
	// mid-post, a timeout after sending): look for the post first where the
	// network lets us read our own posts. That attempt may have sent the
	// refit (refit.go) rather than post: either text is the post.
	if f, ok := p.(publisher.Finder); ok && (d.Unknown || d.Attempts > 1) {
		var variants []publisher.Post
		if strict, err := r.strict(rules, rv, d, post); err == nil && strict.Text != post.Text {
			// A strict rendering that fails was never sent either.
			variants = append(variants, strict)
		}
		rc, found, err := f.Find(pctx, post, variants...)
		if err != nil {
			// Nothing was sent; the delivery stays unknown until a lookup or
			// a post settles it.
			return r.outcome(ctx, log, d, network, publisher.Receipt{}, fmt.Errorf("look for earlier post: %w", err), beforePublish)
		}
		if found {
			log.Info("earlier post found", "post_id", rc.ID, "post_url", rc.URL)
			return r.outcome(ctx, log, d, network, rc, nil, beforePublish)
		}
	}

	start := time.Now()
	rc, err := p.Publish(pctx, post)
	if errors.Is(err, publisher.ErrRefusedTooLong) {
		rc, err = r.refit(pctx, log, p, rules, rv, d, post, err)
	}
	stopExtend()
	r.metrics.publishLatency.WithLabelValues(network).Observe(time.Since(start).Seconds())
	if cause := context.Cause(pctx); errors.Is(cause, store.ErrLeaseLost) {
		log.Warn("lease lost while posting: left to its new owner", "error", err)
		return nil
	}
	return r.outcome(ctx, log, d, network, rc, err, fromPublish)
}

// keepLease extends d's lease every third of the lease until stopped (stop
// may be called more than once).
func (r *Relay) keepLease(ctx context.Context, cancel context.CancelCauseFunc, d store.Delivery) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(r.o.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.o.Store.Extend(ctx, d.ID, r.o.Owner, r.o.Lease); err != nil {
					if errors.Is(err, store.ErrLeaseLost) {
						cancel(err)
						return
					}
					r.log.Warn("extend lease", "delivery_id", d.ID, "error", err)
				}
			}
		}
	})
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}

// stored is was as the ledger keeps it.
func (was sent) stored() store.Sent {
	if was == maybeSent {
		return store.MaybeSent
	}
	return store.NotSent
}

// sentOf is what d itself says of an earlier post.
func sentOf(d store.Delivery) sent {
	if d.Unknown {
		return maybeSent
	}
	return notSent
}

// outcome records the result of an attempt. A failure from Publish that
// may have reached the network (a timeout after sending) is recorded as
// unknown, so that the next attempt looks for the post first.
func (r *Relay) outcome(ctx context.Context, log *slog.Logger, d store.Delivery, network string, rc publisher.Receipt, err error, from stage) *DeliveryFailure {
	if err == nil {
		r.posted(ctx, log, d, network, rc)
		return nil
	}
	var pe *publisher.Error
	errors.As(err, &pe)
	// An error that is not a classified *publisher.Error (our own deadline,
	// say) may have come after the request left.
	was := sentOf(d)
	if from == fromPublish && (pe == nil || pe.Sent) {
		was = maybeSent
	}
	switch publisher.KindOf(err) {
	case publisher.Duplicate:
		if d.Seq > 0 && !d.Unknown && d.Attempts <= 1 {
			// A repost's first attempt: no earlier attempt of it can have
			// landed, so the network refused it for the text of an earlier
			// post (a second repost with the same template). Nothing new
			// appeared; say so rather than record a post that is not there.
			return r.fail(ctx, log, d, network, "refused as a duplicate of an earlier post with the same text: "+
				"this account already shows this repost text (REPOST_TEMPLATE); "+err.Error(), notSent)
		}
		// The network holds this exact post already: a previous attempt
		// landed although its answer did not reach us.
		log.Info("network reports the post exists already: recorded as posted", "error", err)
		r.posted(ctx, log, d, network, rc)
		return nil
	case publisher.Permanent:
		return r.fail(ctx, log, d, network, err.Error(), was)
	case publisher.RateLimited:
		// The network asks to wait: not a failure, and not an attempt
		// spent; the account's deliveries wait for the reset however long
		// the limit lasts (X's daily cap with a backlog, say), then one
		// probes it (store.MarkLimited). The jitter keeps accounts (and
		// reelposts sharing an app's limit) from all probing one second.
		next := time.Time{}
		if pe != nil {
			next = pe.RetryAfter
		}
		if now := r.now(); !next.After(now) {
			next = now.Add(retryDelay(d.Attempts))
		}
		next = next.Add(rand.N(resetJitter))
		r.held.set(d.Account, next)
		r.limited(ctx, log, d, next, err.Error(), was)
		r.metrics.deliveries.WithLabelValues(network, "rate_limited", r.feedLabel(d.Feed())).Inc()
		return nil
	default: // Transient
		if d.Attempts >= r.o.MaxAttempts {
			// The last attempt may have posted (its answer lost): the
			// failure keeps that, so that after reelpost retry the next
			// attempt looks for the post first.
			return r.fail(ctx, log, d, network, fmt.Sprintf("%d attempts (MAX_ATTEMPTS), last: %v", d.Attempts, err), was)
		}
		r.retry(ctx, log, d, r.now().Add(retryDelay(d.Attempts)), err.Error(), was)
		r.metrics.deliveries.WithLabelValues(network, "retry", r.feedLabel(d.Feed())).Inc()
		return nil
	}
}

// ledgerCtx is a context for a ledger write that must happen even when ctx
// is done (an outcome: the post is made), bounded by ledgerTimeout.
func ledgerCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), ledgerTimeout)
}

func (r *Relay) posted(ctx context.Context, log *slog.Logger, d store.Delivery, network string, rc publisher.Receipt) {
	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	if err := r.o.Store.MarkPosted(rctx, d.ID, r.o.Owner, rc.ID, rc.URL); err != nil {
		// The post exists; the lease will expire and the next claim finds it
		// (Finder) or the network refuses it as a duplicate.
		log.Error("record post", "post_id", rc.ID, "error", err)
		return
	}
	r.metrics.deliveries.WithLabelValues(network, "posted", r.feedLabel(d.Feed())).Inc()
	r.cycle.posted.Add(1)
	r.delivered()
	since := d.Item.Published
	if since.IsZero() || since.Before(d.Item.FirstSeen) && d.Item.FirstSeen.Sub(since) > time.Hour {
		// No date, or an old item (a backfill, a repost): the delay worth
		// watching is from when reelpost first saw it.
		since = d.Item.FirstSeen
	}
	if !since.IsZero() {
		r.metrics.postDelay.WithLabelValues(network).Observe(r.now().Sub(since).Seconds())
	}
	log.Info("posted", "post_id", rc.ID, "post_url", rc.URL)
}

// retry returns d to pending, due at next, after an attempt that failed:
// the attempt counts toward MaxAttempts. was says whether a post may exist.
func (r *Relay) retry(ctx context.Context, log *slog.Logger, d store.Delivery, next time.Time, reason string, was sent) {
	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	var err error
	if was == maybeSent {
		err = r.o.Store.MarkUnknown(rctx, d.ID, r.o.Owner, next, reason)
	} else {
		err = r.o.Store.MarkRetry(rctx, d.ID, r.o.Owner, next, reason)
	}
	if err != nil {
		log.Error("record retry", "error", err)
		return
	}
	r.cycle.deferred.Add(1)
	r.delivered()
	log.Warn("post attempt put back: will retry", "next_attempt", next, "outcome_unknown", was == maybeSent,
		"attempt_spent", true, "error", reason)
}

// postpone returns d to pending, due at next, and gives its attempt back:
// the network asked to wait (a rate limit), or the account is not here, and
// neither is a failure (store.MarkWait).
func (r *Relay) postpone(ctx context.Context, log *slog.Logger, d store.Delivery, next time.Time, reason string, was sent) {
	r.putBack(ctx, log, d, next, reason, was, r.o.Store.MarkWait, "record wait", "post attempt put back: will retry")
}

// limited returns d to pending after the network refused it for its
// account's rate limit, which holds the account's deliveries until next
// (store.MarkLimited).
func (r *Relay) limited(ctx context.Context, log *slog.Logger, d store.Delivery, next time.Time, reason string, was sent) {
	r.putBack(ctx, log, d, next, reason, was, r.o.Store.MarkLimited, "record rate limit",
		"post attempt put back: account rate-limited, one delivery probes at the reset")
}

// markWait is the shape of the ledger's two ways to give an attempt back.
type markWait func(ctx context.Context, id int64, owner string, next time.Time, lastErr string, was store.Sent) error

// putBack records d as waiting until next without spending its attempt.
func (r *Relay) putBack(ctx context.Context, log *slog.Logger, d store.Delivery, next time.Time, reason string, was sent, mark markWait, failMsg, msg string) {
	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	if err := mark(rctx, d.ID, r.o.Owner, next, reason, was.stored()); err != nil {
		log.Error(failMsg, "error", err)
		return
	}
	r.cycle.deferred.Add(1)
	r.delivered()
	log.Warn(msg, "next_attempt", next, "outcome_unknown", was == maybeSent, "attempt_spent", false, "error", reason)
}

// holdBack returns d, claimed in one batch with a delivery the network
// refused for the account's rate limit, to pending unsent: it keeps its
// place and its attempt, and waits behind the probe.
func (r *Relay) holdBack(ctx context.Context, log *slog.Logger, d store.Delivery, until time.Time) {
	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	if err := r.o.Store.MarkWait(rctx, d.ID, r.o.Owner, d.NextAttempt, "account rate-limited until "+
		until.UTC().Format(time.RFC3339), sentOf(d).stored()); err != nil {
		log.Error("record wait", "error", err)
		return
	}
	r.cycle.deferred.Add(1)
	r.delivered()
	log.Info("post held back: account rate-limited", "until", until)
}

// accountHolds are the rate limits this process met, per account: the rest
// of a claimed batch is held back without a request (the ledger holds the
// account's later claims: store.MarkLimited).
type accountHolds struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (h *accountHolds) set(account string, until time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]time.Time{}
	}
	h.m[account] = until
}

func (h *accountHolds) until(account string) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m[account]
}

// fail gives d up for reason; was says whether the failing attempt may have
// made the post, which the ledger keeps for a later reelpost retry.
func (r *Relay) fail(ctx context.Context, log *slog.Logger, d store.Delivery, network, reason string, was sent) *DeliveryFailure {
	rctx, cancel := ledgerCtx(ctx)
	defer cancel()
	if err := r.o.Store.MarkFailed(rctx, d.ID, r.o.Owner, reason, was.stored()); err != nil {
		log.Error("record failure", "reason", reason, "error", err)
		return nil
	}
	r.metrics.deliveries.WithLabelValues(network, "failed", r.feedLabel(d.Feed())).Inc()
	r.cycle.failed.Add(1)
	r.delivered()
	log.Error("delivery failed", "error", reason)
	return &DeliveryFailure{ID: d.ID, Account: d.Account, ItemKey: d.Item.Key, Reason: reason}
}

// retryDelay is the wait after the attempt-th attempt failed.
func retryDelay(attempt int) time.Duration {
	d := retryBase
	for i := 1; i < attempt && d < retryCap; i++ {
		d *= 2
	}
	d = min(d, retryCap)
	// ±20%: replicas that failed together do not retry together.
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
