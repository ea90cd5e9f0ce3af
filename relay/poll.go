package relay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// feedBackoffCap bounds the wait between two polls of a failing feed (unless
// the poll interval itself is longer); retryAfterCap bounds how far a
// server's Retry-After can push the next poll.
const (
	feedBackoffCap = time.Hour
	retryAfterCap  = 24 * time.Hour
)

// pollResult is what one poll of one feed came to.
type pollResult struct {
	next time.Time
	// due is set when deliveries due now were recorded.
	due bool
	err error
}

// pollLoop polls each feed when its time comes, a few feeds at a time, until
// ctx is cancelled; then it waits for the polls in flight.
func (r *Relay) pollLoop(ctx context.Context) {
	next := make(map[string]time.Time, len(r.o.Feeds))
	now := r.now()
	for _, u := range r.o.Feeds {
		next[u] = now
	}
	// Resume where the ledger left off: a feed backing off after errors, or
	// polled less than an interval ago (a restart), waits for its time.
	if states, err := r.o.Store.Feeds(ctx); err != nil {
		r.log.Warn("read feed states", "error", err)
	} else {
		for _, st := range states {
			if _, ok := next[st.URL]; !ok {
				continue // no longer configured
			}
			at := st.NextPoll
			if st.ConsecutiveErrors == 0 {
				// Not later than this process's interval, which may be
				// shorter than the one that set the time.
				at = minTime(at, now.Add(jitter(r.o.PollInterval)))
			}
			if at.After(now) {
				next[st.URL] = at
			}
			if st.ConsecutiveErrors >= r.o.FailingAfter {
				r.setFailing(st)
			}
		}
	}

	tick := pollTick(r.o.PollInterval)
	t := time.NewTicker(tick)
	defer t.Stop()

	var (
		mu       sync.Mutex
		inflight = map[string]bool{}
		wg       sync.WaitGroup
		sem      = make(chan struct{}, r.o.FetchWorkers)
	)
	defer wg.Wait()
	type dueFeed struct {
		url string
		at  time.Time
	}
	for {
		now := r.now()
		var due []dueFeed
		mu.Lock()
		for u, at := range next {
			if !inflight[u] && !at.After(now) {
				due = append(due, dueFeed{u, at})
			}
		}
		mu.Unlock()
		sort.Slice(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
		if len(due) == 0 {
			r.markCycle(now)
		}
		for _, d := range due {
			// Wait for a free worker: the longest-waiting feeds go first.
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			u := d.url
			mu.Lock()
			inflight[u] = true
			mu.Unlock()
			wg.Go(func() {
				defer func() { <-sem }()
				res := r.pollFeed(ctx, u)
				mu.Lock()
				inflight[u] = false
				next[u] = res.next
				mu.Unlock()
				r.markCycle(r.now())
				if res.due {
					r.signal()
				}
			})
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pollTick is how often the scheduler looks for due feeds: a tenth of the
// interval, between 50ms and 1s.
func pollTick(interval time.Duration) time.Duration {
	return min(max(interval/10, 50*time.Millisecond), time.Second)
}

// pollAll polls every feed once (Once), a few at a time, skipping feeds that
// back off after errors until their retry time.
func (r *Relay) pollAll(ctx context.Context) []FeedFailure {
	states := map[string]store.FeedState{}
	if all, err := r.o.Store.Feeds(ctx); err == nil {
		for _, st := range all {
			states[st.URL] = st
		}
	} else {
		r.log.Warn("read feed states", "error", err)
	}
	var (
		mu    sync.Mutex
		fails []FeedFailure
		wg    sync.WaitGroup
		sem   = make(chan struct{}, r.o.FetchWorkers)
	)
	now := r.now()
	for _, u := range r.o.Feeds {
		if st, ok := states[u]; ok && st.ConsecutiveErrors > 0 && st.NextPoll.After(now) {
			r.log.Info("feed backing off: not polled", "feed_url", u, "next_poll", st.NextPoll,
				"consecutive_errors", st.ConsecutiveErrors)
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if res := r.pollFeed(ctx, u); res.err != nil {
				mu.Lock()
				fails = append(fails, FeedFailure{URL: u, Err: res.err})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	r.markCycle(r.now())
	sort.Slice(fails, func(i, j int) bool { return fails[i].URL < fails[j].URL })
	return fails
}

// pollFeed fetches one feed, records what is new and saves the feed's state.
// Errors are logged, counted and stored with the feed, and set the backoff.
func (r *Relay) pollFeed(ctx context.Context, url string) pollResult {
	st, _, err := r.o.Store.Feed(ctx, url)
	if err != nil {
		// The ledger is unreachable: try again at the next interval.
		r.log.Error("read feed state", "feed_url", url, "error", err)
		return pollResult{next: r.now().Add(jitter(r.o.PollInterval)), err: err}
	}
	st.URL = url

	fctx, cancel := context.WithTimeout(ctx, r.o.FetchTimeout)
	defer cancel()
	res, err := r.fetchAndRecord(fctx, &st)
	now := r.now()
	st.LastPoll = now
	if err != nil {
		if ctx.Err() != nil {
			// Shutting down: not the feed's fault, record nothing.
			return pollResult{next: now, err: ctx.Err()}
		}
		r.metrics.polls.WithLabelValues("error").Inc()
		r.metrics.fetchErrors.Inc()
		st.ConsecutiveErrors++
		st.LastError = err.Error()
		st.NextPoll = now.Add(r.feedBackoff(st.ConsecutiveErrors, err, now))
		r.reportFeedError(st, err)
	} else {
		r.metrics.polls.WithLabelValues(res).Inc()
		if st.ConsecutiveErrors > 0 {
			r.log.Info("feed recovered", "feed_url", url, "consecutive_errors", st.ConsecutiveErrors)
		}
		st.ConsecutiveErrors = 0
		st.LastError = ""
		st.LastSuccess = now
		st.NextPoll = now.Add(jitter(r.o.PollInterval))
		r.clearFailing(url)
	}
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer scancel()
	if serr := r.o.Store.SaveFeed(sctx, st); serr != nil {
		r.log.Error("save feed state", "feed_url", url, "error", serr)
		if err == nil {
			err = serr
		}
	}
	return pollResult{next: st.NextPoll, due: res == "new", err: err}
}

// fetchAndRecord does the work of one poll and updates st's validators and
// body hash only once what the body holds is recorded: a body that failed
// to parse or record is parsed again next time. The result says what
// happened, for the polls metric: not_modified, unchanged, seen (nothing
// new due now) or new.
func (r *Relay) fetchAndRecord(ctx context.Context, st *store.FeedState) (string, error) {
	resp, err := r.o.Fetcher.Fetch(ctx, st.URL, feed.Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil {
		return "", err
	}
	if resp.NotModified {
		return "not_modified", nil
	}
	sum := sha256.Sum256(resp.Body)
	hash := hex.EncodeToString(sum[:])
	if st.Initialized && hash == st.BodyHash {
		// A server without validators sent the same body again: hashing it
		// costs milliseconds, parsing a large feed a good part of a second.
		st.ETag, st.LastModified = resp.Validators.ETag, resp.Validators.LastModified
		return "unchanged", nil
	}
	parsed, err := feed.Parse(st.URL, resp.Body, resp.ContentType)
	if err != nil {
		return "", err
	}
	reviews := r.o.Extractor.Extract(ctx, st.URL, parsed)
	due, err := r.record(ctx, st, reviews)
	if err != nil {
		return "", err
	}
	st.ETag, st.LastModified = resp.Validators.ETag, resp.Validators.LastModified
	st.BodyHash = hash
	// A feed that listed nothing has not been seen yet: its first sight is
	// its first poll that lists items (see record).
	st.Initialized = st.Initialized || len(reviews) > 0
	if due {
		return "new", nil
	}
	return "seen", nil
}

// record records the reviews, and the deliveries of those not yet in the
// ledger, in one store.RecordItems call. It reports whether deliveries due now were
// recorded.
func (r *Relay) record(ctx context.Context, st *store.FeedState, reviews []review.Review) (bool, error) {
	if len(reviews) == 0 {
		return false, nil
	}
	items := make([]store.NewItem, len(reviews))
	for i, rv := range reviews {
		var err error
		if items[i], err = ledgerItem(st.URL, rv); err != nil {
			return false, err
		}
	}
	known, err := r.o.Store.Known(ctx, st.URL, items)
	if err != nil {
		return false, fmt.Errorf("look up items of %s: %w", st.URL, err)
	}
	var fresh []int // indexes of new items, oldest first (Extract's order)
	for i := range items {
		if !known[i] {
			fresh = append(fresh, i)
		}
	}

	// Which new items are posted: as news, every review; at the feed's first
	// sight only the newest Backfill reviews, what the feed holds then being
	// history. Whether this poll is the first sight is decided in the store,
	// atomically with recording: another replica may have taken its first
	// look since st was read, and then these items are news to us too.
	var news []int
	for _, i := range fresh {
		if reviews[i].IsReview {
			news = append(news, i)
		}
	}
	backfill := news[len(news)-min(max(r.o.Backfill, 0), len(news)):]
	if !st.Initialized && !st.LastSuccess.IsZero() {
		// The feed was polled before and listed nothing (a new blog, a CMS
		// serving an empty stub for a while): what it lists now is history,
		// except the reviews published since it was last seen empty, which
		// are news (a new blog's first review). An hour of margin for clocks
		// and caches; an undated review counts as history.
		since := st.LastSuccess.Add(-time.Hour)
		backfill = slices.DeleteFunc(slices.Clone(news), func(i int) bool {
			return !slices.Contains(backfill, i) && !reviews[i].Published.After(since)
		})
	}
	now := r.now()
	newsAt, backfillAt := r.floodGuard(news, now), r.floodGuard(backfill, now)

	// Every item goes to the store, the known ones too (as skipped: they get
	// no deliveries): the ledger follows a known item's changed GUID or
	// link, so that a later change of the other still names it. With nothing
	// changed the store only reads.
	for _, i := range fresh {
		items[i].State, items[i].NotBefore = r.plan(newsAt, i)
		items[i].FirstSight.State, items[i].FirstSight.NotBefore = r.plan(backfillAt, i)
	}
	first := false
	if st.Initialized {
		_, err = r.o.Store.RecordItems(ctx, st.URL, items, r.order)
	} else {
		_, first, err = r.o.Store.RecordFirstSight(ctx, st.URL, items, r.order)
	}
	if err != nil {
		return false, fmt.Errorf("record items of %s: %w", st.URL, err)
	}
	if len(fresh) == 0 {
		return false, nil
	}
	post, toPost := news, newsAt
	if first {
		post, toPost = backfill, backfillAt
		r.log.Info("first sight of feed: existing items recorded as skipped", "feed_url", st.URL,
			"items", len(fresh), "backfill", len(backfill))
	}
	due := false
	for _, at := range toPost {
		if !at.After(now) && !r.o.DryRun && len(r.order) > 0 {
			due = true
		}
	}
	r.metrics.itemsSeen.Add(float64(len(fresh)))
	r.active(0)
	for _, i := range fresh {
		_, p := toPost[i]
		level := slog.LevelDebug // history and non-reviews: not worth a line each
		if p {
			level = slog.LevelInfo
		}
		r.log.Log(ctx, level, "new item", "feed_url", st.URL, "item_key", reviews[i].Key, "title", reviews[i].Title,
			"is_review", reviews[i].IsReview, "to_post", p, "dry_run", r.o.DryRun, "due", toPost[i])
	}
	if r.o.DryRun {
		for _, i := range post {
			r.dryRun(ctx, reviews[i], toPost[i])
		}
	}
	return due, nil
}

// floodGuard spreads the posts of items (indexes, oldest first) over
// polls: MaxPostsPerPoll per poll interval from now.
func (r *Relay) floodGuard(items []int, now time.Time) map[int]time.Time {
	at := make(map[int]time.Time, len(items))
	for k, i := range items {
		at[i] = now.Add(time.Duration(k/r.o.MaxPostsPerPoll) * r.o.PollInterval)
	}
	return at
}

// plan is how item i is recorded when toPost are the items to be posted:
// pending at its time, or skipped (not to be posted, or in dry run).
func (r *Relay) plan(toPost map[int]time.Time, i int) (store.State, time.Time) {
	if at, ok := toPost[i]; ok && !r.o.DryRun {
		return store.Pending, at
	}
	return store.Skipped, time.Time{}
}

// feedBackoff is the wait before polling a feed again after n consecutive
// failures: the interval doubled per failure, with jitter, capped at an hour
// (or the interval, when longer); a server's Retry-After wins when later.
func (r *Relay) feedBackoff(n int, err error, now time.Time) time.Duration {
	limit := max(feedBackoffCap, r.o.PollInterval)
	d := r.o.PollInterval
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = jitter(min(d, limit))
	var se *feed.StatusError
	if errors.As(err, &se) && !se.RetryAfter.IsZero() {
		if ra := se.RetryAfter.Sub(now); ra > d {
			d = min(ra, retryAfterCap)
		}
	}
	return d
}

// reportFeedError logs a failed poll: a warning at first, an error once the
// feed counts as failing (and again every FailingAfter failures after).
func (r *Relay) reportFeedError(st store.FeedState, err error) {
	attrs := []any{"feed_url", st.URL, "consecutive_errors", st.ConsecutiveErrors,
		"next_poll", st.NextPoll, "error", err}
	if st.ConsecutiveErrors >= r.o.FailingAfter || (!st.LastSuccess.IsZero() && st.LastPoll.Sub(st.LastSuccess) > feedBackoffCap) {
		r.setFailing(st)
		if st.ConsecutiveErrors%r.o.FailingAfter == 0 {
			r.log.Error("feed failing", attrs...)
			return
		}
	}
	r.log.Warn("poll feed", attrs...)
}

func (r *Relay) setFailing(st store.FeedState) {
	r.mu.Lock()
	r.failing[st.URL] = st
	n := len(r.failing)
	r.mu.Unlock()
	r.metrics.feedsFailing.Set(float64(n))
}

func (r *Relay) clearFailing(url string) {
	r.mu.Lock()
	delete(r.failing, url)
	n := len(r.failing)
	r.mu.Unlock()
	r.metrics.feedsFailing.Set(float64(n))
}

func (r *Relay) markCycle(t time.Time) {
	r.mu.Lock()
	if t.After(r.lastCycle) {
		r.lastCycle = t
	}
	r.mu.Unlock()
	r.metrics.lastCycle.Set(float64(t.Unix()))
}

// jitter spreads d by ±10%, so many feeds and replicas do not poll in step.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64()))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
