package relay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// parseBatchBytes is about how much of a feed's items is parsed and
// extracted at once (see feed.ParseBatches): a WordPress feed of 10 or 20
// items is one batch; a 16 MiB archive feed, about 16.
const parseBatchBytes = 256 << 10

// bigDocument is the size from which a feed is read and recorded with the
// garbage collector held tight (see gcTightener).
const bigDocument = 4 << 20

// feedBackoffCap bounds the wait between two polls of a failing feed (unless
// the poll interval itself is longer); retryAfterCap bounds how far a
// server's Retry-After can push the next poll.
const (
	feedBackoffCap = time.Hour
	retryAfterCap  = 24 * time.Hour
)

// recentHistory is how far back an item at a feed's first sight counts as
// recent: one that is not a review yet waits to become one, as news does,
// instead of being history for good. A Letterboxd member logs a film and
// often writes the review that night or within a few days, and may well
// start reelpost (or add the feed) in between; a week covers that habit and
// is still news to followers. Older items stay history: an archive post
// whose page finally loads, or a blog re-filing its old posts under
// "Review", is no news.
const recentHistory = 7 * 24 * time.Hour

// pollResult is what the scheduler needs of one poll of one feed.
type pollResult struct {
	next time.Time
	// due is set when deliveries due now were recorded.
	due bool
	err error
	// result is the polls metric's result; stats what the poll found.
	result string
	stats  pollStats
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
				if !at.After(now) && now.Sub(st.LastPoll) < quietSave {
					// The ledger keeps a quiet feed's poll times only now and
					// then (see quietSave): it may have been polled a moment
					// ago. A time somewhere in the next interval keeps a
					// restart (a crash loop) from polling every feed at once.
					at = now.Add(rand.N(r.o.PollInterval))
				}
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
	t := time.NewTimer(tick)
	defer t.Stop()

	var (
		mu       sync.Mutex
		inflight = map[string]bool{}
		wg       sync.WaitGroup
		sem      = make(chan struct{}, r.o.FetchWorkers)
		// wakeAt is when the loop looks next (under mu); a poll ending with
		// its feed due before then sends on sooner.
		wakeAt time.Time
		sooner = make(chan struct{}, 1)
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
		// The longest-waiting feeds first; feeds due at the same moment (at
		// start, every feed) by URL, so that a round of first sights writes
		// the ledger's indexes in an order close to theirs rather than at
		// random (a 5,000-feed first round took 18 s at random, 13 s in
		// order: BENCHMARKS.md, issue 13).
		sort.Slice(due, func(i, j int) bool {
			if !due[i].at.Equal(due[j].at) {
				return due[i].at.Before(due[j].at)
			}
			return due[i].url < due[j].url
		})
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
				early := res.next.Before(wakeAt)
				mu.Unlock()
				r.markCycle(r.now())
				if res.due || r.claimStale() {
					r.signal()
				}
				if early {
					select {
					case sooner <- struct{}{}:
					default:
					}
				}
			})
		}
		// Sleep until the next feed not in flight is due, a tick at least
		// (feeds due close together are polled in one pass); a poll that
		// ends sooner than that wakes the loop to set its feed's time. So
		// one feed polled every second wakes the scheduler once a second,
		// and an idle process is woken as rarely as its feeds allow: every
		// wake-up of a sleeping process costs CPU of its own (BENCHMARKS.md).
		// Never later than two intervals: a pass with nothing due keeps
		// /readyz ready while every feed backs off.
		wait, now := 2*r.o.PollInterval, r.now()
		mu.Lock()
		for u, at := range next {
			if !inflight[u] {
				wait = min(wait, at.Sub(now))
			}
		}
		wait = max(wait, tick)
		wakeAt = now.Add(wait)
		mu.Unlock()
		t.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-sooner:
		}
	}
}

// pollTick is how often the scheduler looks for due feeds: a tenth of the
// interval, between 50ms and 1s.
func pollTick(interval time.Duration) time.Duration {
	return min(max(interval/10, 50*time.Millisecond), time.Second)
}

// pollAll polls every feed once (Once), a few at a time, skipping feeds that
// back off after errors until their retry time, and reports on each feed
// in Options.Feeds' order.
func (r *Relay) pollAll(ctx context.Context) []FeedReport {
	states := map[string]store.FeedState{}
	if all, err := r.o.Store.Feeds(ctx); err == nil {
		for _, st := range all {
			states[st.URL] = st
		}
	} else {
		r.log.Warn("read feed states", "error", err)
	}
	var (
		wg  sync.WaitGroup
		sem = make(chan struct{}, r.o.FetchWorkers)
	)
	reports := make([]FeedReport, len(r.o.Feeds))
	now := r.now()
	for i, u := range r.o.Feeds {
		if st, ok := states[u]; ok && st.ConsecutiveErrors > 0 && st.NextPoll.After(now) {
			r.log.Info("feed backing off: not polled", "feed_url", redact.URL(u), "next_poll", st.NextPoll,
				"consecutive_errors", st.ConsecutiveErrors)
			reports[i] = backingOff(st)
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			res := r.pollFeed(ctx, u)
			reports[i] = FeedReport{URL: u, Result: res.result, Err: res.err, FirstSight: res.stats.first,
				Items: res.stats.items, New: res.stats.fresh, ToPost: res.stats.toPost}
			if res.err != nil {
				reports[i].NextPoll = res.next
			}
		})
	}
	wg.Wait()
	r.markCycle(r.now())
	return reports
}

// pollOutcome is what one poll of one feed came to; its String is the
// result label of the polls metric.
type pollOutcome int

const (
	pollFailed pollOutcome = iota
	// notModified: the server answered 304 to the conditional GET.
	notModified
	// sameBody: the server sent the bytes parsed last time.
	sameBody
	// sameItems: new bytes, but every item in them was recorded before
	// (feed.ItemPrints): not parsed.
	sameItems
	// nothingDue: parsed and recorded; nothing due to post now.
	nothingDue
	// newDue: deliveries due now were recorded.
	newDue
)

func (o pollOutcome) String() string {
	switch o {
	case notModified:
		return "not_modified"
	case sameBody:
		return "unchanged"
	case sameItems:
		return "same_items"
	case nothingDue:
		return "seen"
	case newDue:
		return "new"
	}
	return "error"
}

// quietSave is how stale the ledger's record of a quiet feed's polls may
// get: a poll that changes nothing but the poll times (a 304, the same
// bytes) writes them only once they are this old. What a restart needs
// (validators, body hash, errors and backoff, first sight) is written
// whenever it changes; the poll times serve status, which is at most this
// late, and the restart schedule (see pollLoop). Below feedBackoffCap, so
// that a first error after quiet polls is judged against a recent success.
const quietSave = 30 * time.Minute

// pollFeed fetches one feed, records what is new and saves the feed's state.
// Errors are logged, counted and stored with the feed, and set the backoff.
func (r *Relay) pollFeed(ctx context.Context, url string) pollResult {
	saved, found, err := r.o.Store.Feed(ctx, url)
	if err != nil {
		// The ledger is unreachable: try again at the next interval.
		r.log.Error("read feed state", "feed_url", redact.URL(url), "error", err)
		return pollResult{next: r.now().Add(jitter(r.o.PollInterval)), err: err}
	}
	st := saved
	st.URL = url

	fctx, cancel := context.WithTimeout(ctx, r.o.FetchTimeout)
	defer cancel()
	var stats pollStats
	errorsBefore := st.ConsecutiveErrors
	res, err := r.fetchAndRecord(fctx, &st, &stats)
	now := r.now()
	if err != nil {
		if ctx.Err() != nil {
			// Shutting down: not the feed's fault, record nothing.
			return pollResult{next: now, err: ctx.Err()}
		}
		r.metrics.polls.WithLabelValues(pollFailed.String()).Inc()
		r.metrics.fetchErrors.WithLabelValues(r.feedLabel(url)).Inc()
		res = pollFailed
		st.LastPoll = now
		st.ConsecutiveErrors++
		st.LastError = err.Error()
		st.NextPoll = now.Add(r.feedBackoff(st.ConsecutiveErrors, err, now))
		r.reportFeedError(st, err)
	} else {
		r.metrics.polls.WithLabelValues(res.String()).Inc()
		if errorsBefore > 0 {
			r.log.Info("feed recovered", "feed_url", redact.URL(url), "consecutive_errors", errorsBefore)
		}
		if !stats.saved {
			r.succeeded(&st, now)
		}
		r.clearFailing(url)
	}
	// A poll that failed after its record saved the feed's state (a dry
	// run's rendering) saves the failure over it, with the validators and
	// body hash of before: the body is fetched and parsed again next time.
	if (err != nil || !stats.saved) && (!found || mustSave(saved, st, now)) {
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), ledgerTimeout)
		defer scancel()
		if serr := r.o.Store.SaveFeed(sctx, st); serr != nil {
			r.log.Error("save feed state", "feed_url", redact.URL(url), "error", serr)
			if err == nil {
				err = serr
			}
		}
	}
	return pollResult{next: st.NextPoll, due: res == newDue, err: err, result: res.String(), stats: stats}
}

// succeeded sets st as a successful poll at now leaves it.
func (r *Relay) succeeded(st *store.FeedState, now time.Time) {
	st.LastPoll = now
	st.ConsecutiveErrors = 0
	st.LastError = ""
	st.LastSuccess = now
	st.NextPoll = now.Add(jitter(r.o.PollInterval))
}

// mustSave reports whether a poll's state st must be written over saved,
// what the ledger holds: unless the poll was a quiet success (nothing but
// the poll times changed, of an initialized feed without errors), and the
// ledger's poll times are younger than quietSave.
func mustSave(saved, st store.FeedState, now time.Time) bool {
	a, b := saved, st
	a.URL, a.LastPoll, a.LastSuccess, a.NextPoll = "", time.Time{}, time.Time{}, time.Time{}
	b.URL, b.LastPoll, b.LastSuccess, b.NextPoll = "", time.Time{}, time.Time{}, time.Time{}
	// A feed not initialized yet keeps its last success exact: its first
	// sight counts what was published since (see record).
	if a != b || !st.Initialized || st.ConsecutiveErrors > 0 {
		return true
	}
	return saved.LastSuccess.IsZero() || now.Sub(saved.LastSuccess) >= quietSave
}

// fetchAndRecord does the work of one poll and updates st's validators and
// body hash only once what the body holds is recorded: a body that failed
// to parse or record is parsed again next time. stats gets what the poll
// found, for Once's report.
func (r *Relay) fetchAndRecord(ctx context.Context, st *store.FeedState, stats *pollStats) (pollOutcome, error) {
	resp, err := r.o.Fetcher.Fetch(ctx, st.URL, feed.Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil {
		return pollFailed, err
	}
	if resp.NotModified {
		return notModified, nil
	}
	sum := sha256.Sum256(resp.Body)
	hash := hex.EncodeToString(sum[:])
	if st.Initialized && hash == st.BodyHash {
		// A server without validators sent the same body again: hashing it
		// costs milliseconds, parsing a large feed a good part of a second.
		st.ETag, st.LastModified = resp.Validators.ETag, resp.Validators.LastModified
		return sameBody, nil
	}
	// New bytes with the same items (WordPress writes a new lastBuildDate
	// into every answer): nothing to parse, extract or record. Not for a
	// feed with an item still waiting for its page: extracting it again
	// tries again.
	prints, printed := feed.ItemPrints(resp.Body, resp.ContentType)
	if printed && st.Initialized && r.prints.covers(st.URL, &prints) && !r.o.Extractor.PagesPending(st.URL) {
		// The body hash stays the last parsed body's: bytes that never
		// come twice (a date in each answer) are not worth a ledger write
		// a poll (see mustSave).
		st.ETag, st.LastModified = resp.Validators.ETag, resp.Validators.LastModified
		r.prints.set(st.URL, prints, true) // items gone since are forgotten
		return sameItems, nil
	}
	// Read a batch of items at a time, letting go of the document and of
	// gofeed's tree of each batch as it goes: a big feed's first sight
	// would otherwise hold several times its size.
	validators := resp.Validators
	body, contentType := resp.Body, resp.ContentType
	resp = nil
	if len(body) > bigDocument {
		r.gc.tighten()
		defer r.gc.relax()
	}
	xs := r.o.Extractor.Stream(ctx, st.URL)
	batch := parseBatchBytes
	if !review.Batchable(body) {
		batch = math.MaxInt
	}
	if err := feed.ParseBatches(st.URL, body, contentType, batch, func(f *gofeed.Feed, first int) error {
		xs.Add(f, first)
		return nil
	}); err != nil {
		return pollFailed, err
	}
	reviews := xs.Reviews()
	stats.items = len(reviews)
	// The state this poll leaves the feed in, saved with its items when the
	// record writes (one transaction, not two).
	after := *st
	after.ETag, after.LastModified = validators.ETag, validators.LastModified
	after.BodyHash = hash
	// A feed that listed nothing has not been seen yet: its first sight is
	// its first poll that lists items (see record).
	after.Initialized = st.Initialized || len(reviews) > 0
	r.succeeded(&after, r.now())
	due, err := r.record(ctx, st, &after, reviews, stats)
	if err != nil {
		return pollFailed, err
	}
	// Every item of this document is in the ledger now.
	r.prints.set(st.URL, prints, printed)
	*st = after
	if due {
		return newDue, nil
	}
	return nothingDue, nil
}

// record records every review of a poll in one store.Record call, the
// known ones too (the ledger follows a known item's changed names and
// content, and decides what each item is), planning the open ones as
// pollPlan says. It reports whether deliveries due now were recorded, and
// what it found in stats.
//
// after is the feed's state once the poll succeeds: it is saved in the
// recording transaction, and stats.saved set, when that writes.
func (r *Relay) record(ctx context.Context, st, after *store.FeedState, reviews []review.Review, stats *pollStats) (bool, error) {
	if len(reviews) == 0 {
		return false, nil
	}
	items := make([]store.NewItem, len(reviews))
	for i, rv := range reviews {
		var err error
		if items[i], err = ledgerItem(st.URL, rv); err != nil {
			return false, err
		}
		// The text is in the payload now, which is what a post is rendered
		// from: a big feed's first sight does not hold every text twice.
		reviews[i].Text = ""
	}
	p := &pollPlan{r: r, reviews: reviews, now: r.now()}
	sight := store.Again
	if !st.Initialized {
		// Whether this poll is the first sight is decided in the store,
		// atomically with recording: another replica may have taken its
		// first look since st was read, and then these items are news to us
		// too.
		sight = store.First
		if !st.LastSuccess.IsZero() {
			// The feed was polled before and listed nothing (a new blog, a
			// CMS serving an empty stub for a while): what it lists now is
			// history, except what was published since it was last seen
			// empty, which is news (a new blog's first review). An hour of
			// margin for clocks and caches; an undated item counts as history.
			p.since = st.LastSuccess.Add(-time.Hour)
		}
	}
	// The feed's new reviews go to the accounts its route names.
	accounts := r.route(st.URL).Accounts
	rec, err := r.o.Store.Record(ctx, store.Batch{FeedURL: st.URL, Items: items, Accounts: accounts, Sight: sight, Plan: p.decide, Feed: after})
	if err != nil {
		return false, fmt.Errorf("record items of %s: %w", redact.URL(st.URL), err)
	}
	stats.saved = rec.FeedSaved

	fresh := 0
	for _, f := range rec.Found {
		if f.Match == store.New {
			fresh++
		}
	}
	stats.first = rec.Sight == store.First
	stats.fresh, stats.toPost = fresh, len(p.post)
	if rec.Sight == store.First {
		waiting := 0 // recent items that are not reviews yet
		for _, d := range rec.Decisions {
			if d.Wait {
				waiting++
			}
		}
		r.log.Info("first sight of feed: existing items recorded as skipped", "feed_url", redact.URL(st.URL),
			"items", fresh, "backfill", len(p.post), "waiting", waiting)
	}
	if fresh > 0 || len(p.post) > 0 {
		r.metrics.itemsSeen.Add(float64(fresh))
		r.active(0)
	}
	due := false
	for i, f := range rec.Found {
		if !f.Open() {
			continue
		}
		at, post := p.post[i]
		if f.Lacking && !r.o.DryRun && rec.Decisions[i].State != store.Pending {
			post = false // the ledger holds it as not to be posted (history in its other feed)
		}
		due = due || post && !at.After(p.now) && !r.o.DryRun && len(accounts) > 0
		level := slog.LevelDebug // history and non-reviews: not worth a line each
		if post {
			level = slog.LevelInfo
		}
		msg := "new item"
		if f.Lacking && !f.Waiting {
			msg = "item of another feed, new to this feed's accounts"
		} else if f.Match != store.New {
			msg = "waiting item seen again" // not a review yet, or no longer waiting
			if post {
				msg = "item became a review"
			}
		}
		r.log.Log(ctx, level, msg, "feed_url", redact.URL(st.URL), "item_key", reviews[i].Key, "title", reviews[i].Title,
			"is_review", reviews[i].IsReview, "match", f.Match.String(), "to_post", post, "dry_run", r.o.DryRun,
			"due", at, "waiting", rec.Decisions[i].Wait)
	}
	if r.o.DryRun {
		for _, i := range p.order {
			// The review as stored: its text is in the payload only now.
			payload := items[i].Payload
			if rec.Found[i].Live {
				// Another feed's review, which this feed's copy may not
				// show as one yet: its posts render the ledger's item, as
				// the deliveries would.
				payload = r.ledgerPayload(ctx, items[i], payload)
			}
			rv, err := review.Decode(payload)
			if err != nil {
				return due, fmt.Errorf("item %s of %s: %w", reviews[i].Key, st.URL, err)
			}
			rv.FeedURL = st.URL // this feed's route: its accounts, its template
			dctx, cancel := context.WithTimeout(ctx, publishTimeout)
			r.dryRun(dctx, rv, p.post[i])
			cancel()
		}
	}
	return due, nil
}

// ledgerPayload is the payload of the ledger's item that it names (by its
// link first: a link names one review whichever feed carries it), or else.
func (r *Relay) ledgerPayload(ctx context.Context, it store.NewItem, orElse []byte) []byte {
	found, ok, err := r.findByNames(ctx, it.NormLink, it.GUID, it.Key)
	if err != nil {
		r.log.Warn("dry run: read the item from the ledger", "item_key", it.Key, "error", err)
	}
	if !ok {
		return orElse
	}
	return found.Payload
}

// pollPlan decides, for store.Record, what becomes of the open items of one
// poll (new ones, and waiting ones seen again): which are posted and when,
// which wait to become a review, and which are history.
type pollPlan struct {
	r       *Relay
	reviews []review.Review
	now     time.Time
	// since is set when the feed was polled before and listed nothing:
	// at its first sight, what was published after since is news.
	since time.Time

	// What the last decide decided (the one whose transaction committed):
	// the items to post, oldest first, and when each is due.
	order []int
	post  map[int]time.Time
}

// decide is a store.Planner. As news, every review is posted, and a new
// item that is not a review waits to become one; a waiting item that has
// become a review is news too. At the feed's first sight only the newest
// Backfill reviews (and what was published since the feed was last seen
// empty) are posted: what the feed holds then is history, never posted
// even if it becomes a review later, except a recent item (see
// recentHistory) that is not a review yet: it waits, as news does. The
// reviews stay history (Backfill decides those), so a first sight posts
// nothing more than before. An item of another feed that the ledger posts
// (store.Found.Live) is a review, whatever this feed's copy shows: this
// copy may be older than the one that made it one (a cache behind, or a
// replica that polled the other feed a moment before). The flood guard
// spreads the posts: MaxPostsPerPoll per poll interval from now, oldest
// first. In dry run nothing is pending: what would be posted is shown
// instead.
func (p *pollPlan) decide(sight store.Sight, found []store.Found) []store.Decision {
	ds := make([]store.Decision, len(found))
	var candidates []int // first sight: new reviews, history unless backfilled
	p.order = nil
	for i, f := range found {
		if !f.Open() {
			continue
		}
		rv := p.reviews[i]
		// A waiting item was news when recorded; an item of another feed
		// that this feed's accounts lack (store.Found.Lacking) is news or
		// history as this look at the feed is.
		news := f.Waiting || sight == store.Again
		switch {
		case !rv.IsReview && !f.Live:
			ds[i].Wait = news || p.newSince(rv) || p.recent(rv)
		case news:
			p.order = append(p.order, i)
		default:
			candidates = append(candidates, i)
		}
	}
	backfill := len(candidates) - min(max(p.r.o.Backfill, 0), len(candidates))
	for k, i := range candidates {
		if k >= backfill || p.newSince(p.reviews[i]) {
			p.order = append(p.order, i)
			continue
		}
		ds[i].Reason = reasonHistory
	}
	sort.Ints(p.order) // Extract's order: oldest first
	p.post = make(map[int]time.Time, len(p.order))
	for k, i := range p.order {
		at := p.now.Add(time.Duration(k/p.r.o.MaxPostsPerPoll) * p.r.o.PollInterval)
		p.post[i] = at
		ds[i].State, ds[i].Reason = store.Skipped, reasonDryRun
		if !p.r.o.DryRun {
			ds[i].State, ds[i].NotBefore, ds[i].Reason = store.Pending, at, ""
		}
	}
	return ds
}

// Why a review's deliveries are recorded skipped, as reelpost status says
// it (store.Plan.Reason).
const (
	reasonHistory = "in the feed when reelpost first saw it: history, not news (BACKFILL=N posts the newest N at a first sight)"
	reasonDryRun  = "seen in dry run (DRY_RUN, or no account configured): shown, not posted"
)

// newSince reports whether rv was published since the feed was last seen
// empty.
func (p *pollPlan) newSince(rv review.Review) bool {
	return !p.since.IsZero() && rv.Published.After(p.since)
}

// recent reports whether rv was published within recentHistory before
// now (or dated later): at a first sight, a recent item that is not a
// review yet waits to become one. An undated item is not recent.
func (p *pollPlan) recent(rv review.Review) bool {
	return !rv.Published.IsZero() && rv.Published.After(p.now.Add(-recentHistory))
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
	attrs := []any{"feed_url", redact.URL(st.URL), "consecutive_errors", st.ConsecutiveErrors,
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
