package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

const statusSummary = `Show what the ledger (DATABASE_URL) knows: per feed, the last poll, last
success and errors; per account, the recent posts with their URLs (reposts
marked), and the pending and failed deliveries with their reasons, keys,
links and feeds, and a rate limit a network set on the account (until
when, and the probe at its reset); then the items reelpost recorded and decided not to post
(not reviews, excluded by FEED_EXCLUDE or FEED_INCLUDE, in the feed before
reelpost first saw it, dry run), with the reason. Accounts are shown by the
ID the ledger keys their posts on: x:<user id> (from X_ACCESS_TOKEN),
mastodon:<host> (mastodon:<host>#2 for MASTODON_2_...), bluesky:@<handle>.
Safe while the daemon runs; where there is no ledger yet, it says so and
creates none.`

// statusReport is status's output; --json prints it as is.
type statusReport struct {
	Feeds    []feedStatus    `json:"feeds"`
	Accounts []accountStatus `json:"accounts"`
	// NotPosted are the items recorded and never meant for any account:
	// not reviews, excluded, history at a feed's first sight, dry run.
	NotPosted []notPostedStatus `json:"not_posted"`
}

// notPostedStatus is an item reelpost decided not to post, and why.
type notPostedStatus struct {
	Key       string    `json:"key"`
	Title     string    `json:"title"`
	Link      string    `json:"link,omitempty"`
	FeedURL   string    `json:"feed_url"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	// Why is "not_a_review", "excluded" or "skipped".
	Why    string `json:"why"`
	Reason string `json:"reason"`
}

type feedStatus struct {
	URL               string    `json:"url"`
	Configured        bool      `json:"configured"`
	LastPoll          time.Time `json:"last_poll,omitzero"`
	LastSuccess       time.Time `json:"last_success,omitzero"`
	ConsecutiveErrors int       `json:"consecutive_errors"`
	LastError         string    `json:"last_error,omitempty"`
	NextPoll          time.Time `json:"next_poll,omitzero"`
}

type accountStatus struct {
	Account    string              `json:"account"`
	Configured bool                `json:"configured"`
	Counts     map[store.State]int `json:"counts"`
	Recent     []deliveryStatus    `json:"recent"`
	Pending    []deliveryStatus    `json:"pending"`
	Failed     []deliveryStatus    `json:"failed"`
	// RateLimit is set while a network's rate limit (a 429 and its reset)
	// holds the account's posts back.
	RateLimit *rateLimitStatus `json:"rate_limit,omitempty"`
}

// rateLimitStatus is a rate limit that holds an account's posts: none goes
// before Until; then one goes alone, the probe, and the rest follow once
// it is posted (a probe refused again sets a new Until).
type rateLimitStatus struct {
	Until time.Time `json:"until"`
	// Phase is "waiting" (before the reset), "probe_due" (the reset is
	// past: the next post due goes first, alone) or "probe_in_flight".
	Phase string `json:"phase"`
	// Waiting is how many of the account's posts are pending behind it
	// (the probe in flight aside).
	Waiting int `json:"waiting"`
	// Probe is the post in flight after the reset.
	Probe *deliveryStatus `json:"probe,omitempty"`
}

type deliveryStatus struct {
	ID      int64       `json:"id"`
	State   store.State `json:"state"`
	Title   string      `json:"title"`
	Key     string      `json:"key"`
	Link    string      `json:"link,omitempty"`
	FeedURL string      `json:"feed_url"` // whose route posts it to the account: its template, its hashtags
	// Repost is n for the n-th manual repost (reelpost repost), 0 for the
	// automatic post.
	Repost      int       `json:"repost,omitempty"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	PostedAt    time.Time `json:"posted_at,omitzero"`
	PostURL     string    `json:"post_url,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
}

func cmdStatus(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "status", "[--json] [--limit N]", statusSummary)
	asJSON := fs.Bool("json", false, "print one JSON object")
	limit := fs.Int("limit", 10, "the most recent posts, pending and failed deliveries shown per account")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("status takes no arguments, got %q", fs.Args())}
	}
	if *limit < 1 {
		return &exitError{code: exitUsage, err: fmt.Errorf("--limit: expected 1 or more")}
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, e.Logger, ledgerExisting)
	if err != nil {
		return err
	}
	defer st.Close()
	var configured []string
	if cfg.Accounts() > 0 {
		pubs, err := buildPublishers(cfg, e.Logger, newGuard(cfg, cfg.AllFeedURLs(), e.Logger))
		if err != nil {
			return err // an exitError naming each account
		}
		for _, p := range pubs {
			configured = append(configured, p.ID())
		}
	}
	now := time.Now()
	rep, err := buildStatus(ctx, st, cfg.AllFeedURLs(), configured, *limit, now)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeStatusText(e.Stdout, rep, now)
	return nil
}

func buildStatus(ctx context.Context, st *store.Store, feeds, accounts []string, limit int, now time.Time) (*statusReport, error) {
	rep := &statusReport{Feeds: []feedStatus{}, Accounts: []accountStatus{}}
	states, err := st.Feeds(ctx)
	if err != nil {
		return nil, fmt.Errorf("read feeds: %w", err)
	}
	seen := map[string]bool{}
	for _, f := range states {
		seen[f.URL] = true
		rep.Feeds = append(rep.Feeds, feedStatus{URL: f.URL, Configured: slices.Contains(feeds, f.URL),
			LastPoll: f.LastPoll, LastSuccess: f.LastSuccess, ConsecutiveErrors: f.ConsecutiveErrors,
			LastError: f.LastError, NextPoll: f.NextPoll})
	}
	for _, u := range feeds {
		if !seen[u] {
			rep.Feeds = append(rep.Feeds, feedStatus{URL: u, Configured: true})
		}
	}
	for i := range rep.Feeds {
		// Shown, not fetched: the credentials a URL may carry stay hidden,
		// in errors recorded before reelpost redacted them too.
		f := &rep.Feeds[i]
		f.URL, f.LastError = redact.URL(f.URL), redact.Within(f.LastError, f.URL)
	}
	sort.Slice(rep.Feeds, func(i, j int) bool { return rep.Feeds[i].URL < rep.Feeds[j].URL })

	counts, err := st.Counts(ctx)
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	limits, err := st.RateLimits(ctx)
	if err != nil {
		return nil, err
	}
	limitOf := map[string]store.RateLimit{}
	for _, l := range limits {
		limitOf[l.Account] = l
	}
	// Every account with deliveries is in counts: the configured ones first,
	// then the others, sorted.
	all := append([]string(nil), accounts...)
	for _, a := range slices.Sorted(maps.Keys(counts)) {
		if !slices.Contains(all, a) {
			all = append(all, a)
		}
	}
	for _, a := range all {
		as := accountStatus{Account: a, Configured: slices.Contains(accounts, a), Counts: map[store.State]int{}}
		for _, s := range store.States {
			as.Counts[s] = counts[a][s]
		}
		for _, q := range []struct {
			states []store.State
			into   *[]deliveryStatus
		}{
			{[]store.State{store.Posted}, &as.Recent},
			{[]store.State{store.Pending, store.Posting}, &as.Pending},
			{[]store.State{store.Failed}, &as.Failed},
		} {
			ds, err := st.Deliveries(ctx, store.DeliveryFilter{Account: a, States: q.states, Limit: limit})
			if err != nil {
				return nil, fmt.Errorf("read deliveries of %s: %w", a, err)
			}
			*q.into = make([]deliveryStatus, 0, len(ds))
			for _, d := range ds {
				*q.into = append(*q.into, toDeliveryStatus(d))
			}
		}
		if l, ok := limitOf[a]; ok {
			as.RateLimit = toRateLimitStatus(l, counts[a][store.Pending], now)
		}
		rep.Accounts = append(rep.Accounts, as)
	}

	skipped, err := st.NotPosted(ctx, limit)
	if err != nil {
		return nil, err
	}
	rep.NotPosted = make([]notPostedStatus, 0, len(skipped))
	for _, it := range skipped {
		ns := notPostedStatus{Key: it.Key, Title: it.Title, Link: itemLink(it.Item), FeedURL: redact.URL(it.FeedURL), FirstSeen: it.FirstSeen}
		ns.Why, ns.Reason = whyNotPosted(it)
		rep.NotPosted = append(rep.NotPosted, ns)
	}
	return rep, nil
}

func toDeliveryStatus(d store.Delivery) deliveryStatus {
	return deliveryStatus{ID: d.ID, State: d.State, Title: d.Item.Title,
		Key: d.Item.Key, Link: itemLink(d.Item), FeedURL: redact.URL(d.Feed()), Repost: d.Seq, Attempts: d.Attempts, NextAttempt: d.NextAttempt,
		PostedAt: d.PostedAt, PostURL: d.RemoteURL, LastError: d.LastError}
}

// toRateLimitStatus is l as status shows it at now, with the number of the
// account's pending posts.
func toRateLimitStatus(l store.RateLimit, pending int, now time.Time) *rateLimitStatus {
	rl := &rateLimitStatus{Until: l.Until, Phase: "waiting", Waiting: pending}
	switch {
	case l.Probe != nil:
		rl.Phase = "probe_in_flight"
		p := toDeliveryStatus(*l.Probe)
		rl.Probe = &p
	case !l.Until.After(now):
		rl.Phase = "probe_due"
	}
	return rl
}

// whyNotPosted says why an item recorded as not to be posted was not: its
// review's own verdict first (not a review, excluded by a filter), then
// what its skipped deliveries record, then what can be told from the
// ledger alone.
func whyNotPosted(it store.NotPostedItem) (why, reason string) {
	if rv, err := review.Decode(it.Payload); err == nil && !rv.IsReview {
		switch {
		case rv.Excluded:
			return "excluded", rv.ReviewReason
		case it.Waiting:
			return "not_a_review", "not a review yet: " + rv.ReviewReason + " (posted once a poll finds it one)"
		}
		return "not_a_review", "not a review: " + rv.ReviewReason
	}
	switch {
	case it.Reason != "":
		return "skipped", it.Reason
	case it.Deliveries == 0:
		return "skipped", "no account was configured when it was seen (dry run)"
	}
	// Recorded before the ledger kept the reason.
	return "skipped", "in the feed when reelpost first saw it (BACKFILL=N posts the newest N then), or seen in dry run"
}

// itemLink is the review's link from the recorded payload, else its
// normalised link.
func itemLink(it store.Item) string {
	if rv, err := review.Decode(it.Payload); err == nil && rv.Link != "" {
		return rv.Link
	}
	return it.NormLink
}

func writeStatusText(w io.Writer, rep *statusReport, now time.Time) {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339)
	}
	fmt.Fprintln(w, "feeds:")
	if len(rep.Feeds) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, f := range rep.Feeds {
		note := ""
		if !f.Configured {
			note = " (no longer configured)"
		}
		fmt.Fprintf(w, "  %s%s\n    last poll %s, last success %s", f.URL, note, ts(f.LastPoll), ts(f.LastSuccess))
		if f.ConsecutiveErrors > 0 {
			fmt.Fprintf(w, ", %d consecutive error(s), next poll %s\n    last error: %s", f.ConsecutiveErrors, ts(f.NextPoll), f.LastError)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\naccounts:")
	if len(rep.Accounts) == 0 {
		fmt.Fprintln(w, "  none (dry run)")
	}
	for _, a := range rep.Accounts {
		note := ""
		if !a.Configured {
			note = " (not configured)"
		}
		fmt.Fprintf(w, "  %s%s: %d posted, %d pending, %d posting, %d failed, %d skipped\n", a.Account, note,
			a.Counts[store.Posted], a.Counts[store.Pending], a.Counts[store.Posting], a.Counts[store.Failed], a.Counts[store.Skipped])
		// The account heads its lines: a reason naming it again says it
		// twice.
		reason := func(d deliveryStatus) string { return strings.TrimPrefix(d.LastError, a.Account+": ") }
		if rl := a.RateLimit; rl != nil {
			fmt.Fprintf(w, "    %s\n", rateLimitLine(rl, now))
		}
		for _, d := range a.Recent {
			fmt.Fprintf(w, "    posted  %s  %q%s  %s\n", ts(d.PostedAt), d.Title, repostNote(d), d.PostURL)
		}
		for _, d := range a.Pending {
			next := ts(d.NextAttempt)
			if rl := a.RateLimit; rl != nil && rl.Phase == "waiting" && d.State == store.Pending && d.NextAttempt.Before(rl.Until) {
				// Due, but held: a time past would read as a daemon stuck.
				next = ts(rl.Until) + " (the rate limit's reset)"
			}
			fmt.Fprintf(w, "    %-7s %q%s  attempt %d, next %s", d.State, d.Title, repostNote(d), d.Attempts, next)
			if d.LastError != "" {
				fmt.Fprintf(w, "  last error: %s", reason(d))
			}
			fmt.Fprintln(w)
		}
		for _, d := range a.Failed {
			fmt.Fprintf(w, "    failed  %q%s  after %d attempt(s): %s\n", d.Title, repostNote(d), d.Attempts, reason(d))
			fmt.Fprintf(w, "            key %s, link %s, feed %s\n", d.Key, orNone(d.Link), d.FeedURL)
		}
		if len(a.Failed) > 0 {
			fmt.Fprintln(w, "            (reelpost retry ITEM, or retry --failed, sends them again once the cause is fixed)")
		}
	}

	fmt.Fprintln(w, "\nnot posted (most recent first):")
	if len(rep.NotPosted) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, it := range rep.NotPosted {
		fmt.Fprintf(w, "  %q: %s\n    key %s, link %s, feed %s, seen %s\n", it.Title, it.Reason, it.Key, orNone(it.Link), it.FeedURL, ts(it.FirstSeen))
	}
}

// rateLimitLine says what a rate limit does to an account's posts, and
// until when: "rate-limited until 2026-03-01T21:42:00Z (in 42m): its 3
// pending post(s) wait for the reset, then one goes alone first, as a probe".
func rateLimitLine(rl *rateLimitStatus, now time.Time) string {
	head := "rate-limited until " + rl.Until.UTC().Format(time.RFC3339)
	if rl.Until.After(now) {
		head += " (in " + roughly(rl.Until.Sub(now)) + ")"
	} else {
		head += " (reset " + roughly(now.Sub(rl.Until)) + " ago)"
	}
	switch rl.Phase {
	case "probe_in_flight":
		what := fmt.Sprintf("the probe %q%s is posting now", rl.Probe.Title, repostNote(*rl.Probe))
		if rl.Waiting > 0 {
			what += fmt.Sprintf("; its %d other pending post(s) follow once it is posted", rl.Waiting)
		}
		return head + ": " + what
	case "probe_due":
		if rl.Waiting == 0 {
			return head + ": nothing is pending; the next post goes alone first, as a probe"
		}
		return head + fmt.Sprintf(": the first of its %d pending post(s) goes alone first, as a probe, and the rest follow once it is posted", rl.Waiting)
	}
	if rl.Waiting == 0 {
		return head + ": nothing is pending; a new post waits for the reset"
	}
	return head + fmt.Sprintf(": its %d pending post(s) wait for the reset, then one goes alone first, as a probe", rl.Waiting)
}

// roughly is d to the minute for a person ("42m", "3h 5m", "2d 4h"), or
// in seconds under a minute.
func roughly(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	}
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%dm", m)
	case m < 48*60:
		if m%60 == 0 {
			return fmt.Sprintf("%dh", m/60)
		}
		return fmt.Sprintf("%dh %dm", m/60, m%60)
	}
	h := int(d.Round(time.Hour) / time.Hour)
	if h%24 == 0 {
		return fmt.Sprintf("%dd", h/24)
	}
	return fmt.Sprintf("%dd %dh", h/24, h%24)
}

// repostNote marks a repost (reelpost repost) among the automatic posts.
func repostNote(d deliveryStatus) string {
	if d.Repost == 0 {
		return ""
	}
	return fmt.Sprintf(" (repost %d)", d.Repost)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
