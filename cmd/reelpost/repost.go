package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

const repostSummary = `Post one review again, now, to the chosen accounts (default: all). ITEM is the
review's link or GUID, known to the ledger or present in one of FEED_URLS. A
repost is a new post: new idempotency keys, and the REPOST_TEMPLATE text (by
default saying it is a repost, which X needs to accept it). The new posts are
recorded in the ledger, and only these are made: other deliveries due at that
moment are left to the daemon. A repost that fails for a passing reason is
left pending, and the daemon retries it. With --dry-run (or DRY_RUN, or no
account), the posts are printed and nothing is recorded (nor is a ledger
created where there is none). --account takes an account's ID as status
shows it (x:<user id>, mastodon:<host>, mastodon:<host>#2, bluesky:@<handle>),
its label (X, MASTODON_2, BLUESKY, ...) or a network (x, mastodon, bluesky).`

// accountFlags collects repeated --account values.
type accountFlags []string

func (a *accountFlags) String() string { return strings.Join(*a, ",") }
func (a *accountFlags) Set(v string) error {
	if v == "" {
		return errors.New("empty account")
	}
	*a = append(*a, v)
	return nil
}

func cmdRepost(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "repost", "ITEM [--account ID ...] [--dry-run] [--wait D]", repostSummary)
	var accounts accountFlags
	fs.Var(&accounts, "account", "an account: its ID as `reelpost status` shows it (x:<user id>, mastodon:<host>, mastodon:<host>#2, bluesky:@<handle>), its label (X, MASTODON_2, ...), or a network (x, mastodon, bluesky); repeatable; default all")
	dryRun := fs.Bool("dry-run", false, "print the posts instead of sending them; record nothing")
	wait := fs.Duration("wait", 60*time.Second, "how long to wait for the posts' outcome when another process (the daemon) is making them")
	ref, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}

	a, err := buildApp(e)
	if err != nil {
		return err
	}
	pubs, err := choosePublishers(a.pubs, a.labels, accounts)
	if err != nil {
		return err
	}
	// A dry run records nothing: it reads the ledger if there is one, and
	// creates none.
	mode := ledgerCreate
	if *dryRun || a.cfg.EffectiveDryRun() {
		mode = ledgerExisting
	}
	if err := a.openLedger(ctx, e, mode); err != nil {
		return err
	}
	defer a.store.Close()
	rv, item, err := findReview(ctx, e, a, ref)
	if err != nil {
		return err
	}

	if *dryRun || a.cfg.EffectiveDryRun() {
		feedOf, err := repostFeeds(ctx, a.store, item, rv)
		if err != nil {
			return err
		}
		// Each account's repost reads as its route says, as the daemon
		// would send it (its hashtags; reposts keep REPOST_TEMPLATE).
		var posts []preview.Post
		render := func(pubs []publisher.Publisher, feedURL string) {
			rt := a.routes.route(feedURL)
			posts = append(posts, preview.Render(ctx, rt.renderer, pubs, rv,
				publisher.RenderOptions{Repost: true, Lang: a.cfg.Language, Hashtags: rt.hashtags})...)
		}
		if len(pubs) == 0 {
			render(nil, feedOf("")) // no account: every network's default rules
		}
		for _, p := range pubs {
			render([]publisher.Publisher{p}, feedOf(p.ID()))
		}
		printPosts(e.Stdout, rv, posts, time.Time{})
		fmt.Fprintln(e.Stdout, "dry run: nothing posted, nothing recorded")
		for _, p := range posts {
			if p.Err != nil {
				return &exitError{code: exitFailure, err: fmt.Errorf("repost %s: %w", ref, p.Err)}
			}
		}
		return nil
	}

	r, err := a.newRelay(e, e.Stdout)
	if err != nil {
		return err
	}
	if item.ID == 0 {
		// Found in a feed, not yet in the ledger: record it (its automatic
		// deliveries skipped, this repost standing for them) so that the
		// repost has an item to belong to.
		if item, err = r.RecordFound(ctx, rv); err != nil {
			return err
		}
	}
	var ids []int64
	for _, p := range pubs {
		d, err := a.store.AddRepost(ctx, item.ID, p.ID())
		if err != nil {
			return fmt.Errorf("repost %s to %s: %w", ref, p.ID(), err)
		}
		ids = append(ids, d.ID)
	}
	var ce *relay.CycleError
	if err := r.DeliverIDs(ctx, ids); err != nil && !errors.As(err, &ce) {
		return err
	}
	return reportDeliveries(ctx, e, a.store, ids, *wait, "reposted")
}

// repostFeeds returns, per account, the feed whose route a repost of item
// is rendered by, as AddRepost records it: the feed of the account's
// automatic delivery of it, else the item's own (rv's, for an item found
// only in a feed, which the repost records from there).
func repostFeeds(ctx context.Context, st *store.Store, item store.Item, rv review.Review) (func(account string) string, error) {
	own := item.FeedURL
	if item.ID == 0 {
		own = rv.FeedURL
	}
	byAccount := map[string]string{}
	if item.ID != 0 {
		ds, err := st.Deliveries(ctx, store.DeliveryFilter{ItemID: item.ID})
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Seq == 0 {
				byAccount[d.Account] = d.Feed()
			}
		}
	}
	return func(account string) string {
		if f, ok := byAccount[account]; ok {
			return f
		}
		return own
	}, nil
}

// parseInterspersed parses flags before and after the one positional
// argument (the flag package stops at the first non-flag).
func parseInterspersed(fs *flag.FlagSet, args []string) (string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return "", &exitError{code: exitUsage, err: fmt.Errorf("repost takes one ITEM (a link or GUID), got %d: %q", len(pos), pos)}
	}
	return pos[0], nil
}

// choosePublishers picks the publishers named by --account (an ID, a label
// or a network), all of them when none is named. labels[i] is all[i]'s.
func choosePublishers(all []publisher.Publisher, labels, names []string) ([]publisher.Publisher, error) {
	if len(names) == 0 {
		return all, nil
	}
	var ids []string
	for i, p := range all {
		ids = append(ids, labels[i]+" "+p.ID())
	}
	var out []publisher.Publisher
	for _, n := range names {
		found := false
		for i, p := range all {
			if p.ID() != n && string(p.Network()) != n && !strings.EqualFold(labels[i], n) {
				continue
			}
			found = true
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		if !found {
			configured := "none"
			if len(ids) > 0 {
				configured = strings.Join(ids, ", ")
			}
			if len(all) == 0 {
				configured += ": no account is configured, so the repost is a dry run"
			}
			return nil, &exitError{code: exitUsage, err: fmt.Errorf("--account %s: no such account configured (configured: %s)", n, configured)}
		}
	}
	return out, nil
}

// findReview finds ref in the ledger (by GUID, link, key), else in the
// configured feeds. An item found only in a feed comes back with ID 0.
func findReview(ctx context.Context, e *cliEnv, a *app, ref string) (review.Review, store.Item, error) {
	if it, ok, err := findItem(ctx, a.store, ref); err != nil {
		return review.Review{}, store.Item{}, err
	} else if ok {
		rv, err := review.Decode(it.Payload)
		if err != nil {
			return review.Review{}, store.Item{}, fmt.Errorf("item %s: recorded review unreadable: %w", ref, err)
		}
		return rv, it, nil
	}
	norm := feed.NormalizeLink(ref)
	var unreadable []string
	for _, u := range a.cfg.AllFeedURLs() {
		reviews, err := loadReviews(ctx, a.fetcher, a.extractor, u, 0)
		if err != nil {
			e.Logger.Warn("feed unreadable while looking for the item", "feed_url", redact.URL(u), "error", err)
			unreadable = append(unreadable, u)
			continue
		}
		for _, rv := range reviews {
			if rv.GUID == ref || rv.Key == ref || rv.Link == ref || norm != "" && rv.NormLink == norm {
				if rv.FeedURL == "" {
					rv.FeedURL = u
				}
				return rv, store.Item{}, nil
			}
		}
	}
	msg := fmt.Sprintf("item %q is neither in the ledger nor in any configured feed: give the review's link or GUID", ref)
	if len(unreadable) > 0 {
		msg += fmt.Sprintf(" (unreadable now: %s)", strings.Join(unreadable, ", "))
	}
	return review.Review{}, store.Item{}, &exitError{code: exitFailure, err: errors.New(msg)}
}

func uniq(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// reportDeliveries waits (at most wait) until each delivery is settled,
// prints one line per account ("ACCOUNT: <done> URL"), and fails unless all
// were posted.
func reportDeliveries(ctx context.Context, e *cliEnv, st *store.Store, ids []int64, wait time.Duration, done string) error {
	deadline := time.Now().Add(wait)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	var ds []store.Delivery
	for {
		ds = ds[:0]
		open := 0
		for _, id := range ids {
			d, err := st.Delivery(ctx, id)
			if err != nil {
				return err
			}
			ds = append(ds, d)
			if d.State == store.Posting || d.State == store.Pending && d.Attempts == 0 {
				open++ // in another process's hands, or not yet tried
			}
		}
		if open == 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	bad := 0
	for _, d := range ds {
		// The account heads the line: its reason need not name it again.
		reason := oneLine(strings.TrimPrefix(d.LastError, d.Account+": "))
		switch d.State {
		case store.Posted:
			fmt.Fprintf(e.Stdout, "%s: %s %s\n", d.Account, done, d.RemoteURL)
		case store.Failed:
			bad++
			fmt.Fprintf(e.Stdout, "%s: FAILED: %s\n", d.Account, reason)
		default:
			bad++
			fmt.Fprintf(e.Stdout, "%s: not posted yet (%s, attempt %d, next %s): %s; the daemon retries it, see reelpost status\n",
				d.Account, d.State, d.Attempts, d.NextAttempt.UTC().Format(time.RFC3339), reason)
		}
	}
	if bad > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d of %d post(s) not made: %w", bad, len(ds), errSilent)}
	}
	return nil
}
