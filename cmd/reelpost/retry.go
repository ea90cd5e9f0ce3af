package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

const retrySummary = `Send failed deliveries again, as if for the first time: once the cause is
fixed (a revoked token replaced, an account's permissions changed), each
failed post of ITEM (a review's link or GUID, as status shows it), or with
--failed every failed post, goes out now with the account's normal template,
and gets MAX_ATTEMPTS attempts again. Only failed deliveries are touched:
what was posted is never posted twice (reelpost repost is the deliberate
re-share). --account narrows it to some accounts: an ID as status shows it
(x:<user id>, mastodon:<host>, mastodon:<host>#2, bluesky:@<handle>), a label
(X, MASTODON_2, ...) or a network (x, mastodon, bluesky). A retry that fails
for a passing reason is left pending for the daemon. With --dry-run the posts
are printed and nothing is changed.`

func cmdRetry(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "retry", "ITEM|--failed [--account ID ...] [--dry-run] [--wait D]", retrySummary)
	var accounts accountFlags
	fs.Var(&accounts, "account", "only this account: its ID as `reelpost status` shows it (x:<user id>, mastodon:<host>, mastodon:<host>#2, bluesky:@<handle>), its label (X, MASTODON_2, ...), or a network (x, mastodon, bluesky); repeatable; default all")
	all := fs.Bool("failed", false, "retry every failed delivery, instead of one ITEM's")
	dryRun := fs.Bool("dry-run", false, "print the posts instead of sending them; change nothing")
	wait := fs.Duration("wait", 60*time.Second, "how long to wait for the posts' outcome when another process (the daemon) is making them")
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case *all && len(pos) > 0:
		return &exitError{code: exitUsage, err: fmt.Errorf("retry: give ITEM or --failed, not both (got %q)", pos)}
	case !*all && len(pos) != 1:
		return &exitError{code: exitUsage, err: fmt.Errorf("retry takes one ITEM (a link or GUID) or --failed, got %d argument(s): %q", len(pos), pos)}
	}

	a, err := buildApp(e)
	if err != nil {
		return err
	}
	if len(a.pubs) == 0 {
		return &exitError{code: exitConfig, err: errors.New("retry: no account is configured: there is nothing to send to (see reelpost check)")}
	}
	pubs, err := choosePublishers(a.pubs, a.labels, accounts)
	if err != nil {
		return err
	}
	// Nothing failed without a ledger: retry never creates one.
	if err := a.openLedger(ctx, e, ledgerExisting); err != nil {
		return err
	}
	defer a.store.Close()

	filter := store.DeliveryFilter{States: []store.State{store.Failed}}
	what := "no delivery has failed"
	if !*all {
		ref := pos[0]
		item, ok, err := findItem(ctx, a.store, ref)
		if err != nil {
			return err
		}
		if !ok {
			return &exitError{code: exitFailure, err: fmt.Errorf("retry: item %q is not in the ledger: give the review's link or GUID as reelpost status shows it", ref)}
		}
		filter.ItemID = item.ID
		what = fmt.Sprintf("no delivery of %q has failed", item.Title)
	}
	failed, err := a.store.Deliveries(ctx, filter)
	if err != nil {
		return err
	}
	byID := map[string]publisher.Publisher{}
	for _, p := range pubs {
		byID[p.ID()] = p
	}
	failed = slices.DeleteFunc(failed, func(d store.Delivery) bool { return byID[d.Account] == nil })
	if len(failed) == 0 {
		if len(accounts) > 0 {
			what += " on " + accounts.String()
		}
		fmt.Fprintf(e.Stdout, "nothing to retry: %s\n", what)
		return nil
	}
	slices.SortFunc(failed, func(x, y store.Delivery) int { return int(x.ID - y.ID) })

	if *dryRun || a.cfg.DryRun {
		for _, d := range failed {
			fmt.Fprintf(e.Stdout, "would retry %s on %s (failed after %d attempt(s): %s)\n", d.Item.Title, d.Account, d.Attempts, oneLine(d.LastError))
		}
		fmt.Fprintln(e.Stdout, "dry run: nothing posted, nothing changed")
		return nil
	}

	r, err := a.newRelay(e, e.Stdout)
	if err != nil {
		return err
	}
	var ids []int64
	for _, d := range failed {
		// Another retry (or repost) may have settled it meanwhile: only
		// what is still failed is sent again.
		if _, err := a.store.Retry(ctx, d.ID); errors.Is(err, store.ErrNotFailed) {
			continue
		} else if err != nil {
			return err
		}
		ids = append(ids, d.ID)
	}
	var ce *relay.CycleError
	if err := r.DeliverIDs(ctx, ids); err != nil && !errors.As(err, &ce) {
		return err
	}
	return reportDeliveries(ctx, e, a.store, ids, *wait, "posted")
}

// findItem finds a recorded item by link, normalised link, GUID or key.
func findItem(ctx context.Context, st *store.Store, ref string) (store.Item, bool, error) {
	for _, q := range uniq(ref, feed.NormalizeLink(ref)) {
		it, ok, err := st.FindItem(ctx, q)
		if err != nil || ok {
			return it, ok, err
		}
	}
	return store.Item{}, false, nil
}
