package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// ClaimOptions say who claims and how much.
type ClaimOptions struct {
	// Owner names the claimer (a replica): outcomes must come from it.
	Owner string
	// Lease is how long the claim holds before another owner may take the
	// delivery over (with Unknown set).
	Lease time.Duration
	// Limit caps the deliveries claimed; 0 or less means 10.
	Limit int
	// Spacing (POST_SPACING) is the minimum gap between two claims on one
	// account, counted from the account's last claim and its last post;
	// with Spacing set, each call claims at most one delivery per account.
	Spacing time.Duration
	// Accounts, when set, limits Claim to the deliveries of these accounts:
	// a replica claims only what it can post, and leaves another replica's
	// account (or one added to the configuration of replicas not restarted
	// yet) to a process that has it, without spending its attempts.
	Accounts []string
}

// accountIn is " AND d.account IN ($n, $n+1, ...)" for accounts, with its
// arguments, or nothing when accounts is empty.
func accountIn(accounts []string, n int) (string, []any) {
	if len(accounts) == 0 {
		return "", nil
	}
	marks := make([]string, len(accounts))
	args := make([]any, len(accounts))
	for i, a := range accounts {
		marks[i] = fmt.Sprintf("$%d", n+i)
		args[i] = a
	}
	return " AND d.account IN (" + strings.Join(marks, ", ") + ")", args
}

// dueIn is the due condition (see due) limited to accounts, with now as $1
// and the accounts from $n on, and its account arguments; due itself when
// accounts is empty. Each arm repeats the account condition, so that both
// databases search the (account, time) partial indexes of pending and
// posting deliveries instead of every delivery an account ever had.
func dueIn(accounts []string, n int) (string, []any) {
	if len(accounts) == 0 {
		return due, nil
	}
	marks := make([]string, len(accounts))
	args := make([]any, len(accounts))
	for i, a := range accounts {
		marks[i] = fmt.Sprintf("$%d", n+i)
		args[i] = a
	}
	in := "d.account IN (" + strings.Join(marks, ", ") + ")"
	return `((d.state = 'pending' AND d.next_attempt <= $1 AND ` + in + `)
		OR (d.state = 'posting' AND d.lease_expires <= $1 AND ` + in + `))`, args
}

// DeliveryFilter narrows Deliveries; zero fields match everything.
type DeliveryFilter struct {
	Account string
	States  []State
	ItemID  int64
	// Limit caps the rows returned; 0 or less means no limit.
	Limit int
}

const deliveryCols = `d.id, d.item_id, d.account, d.seq, d.key, d.state, d.attempts, d.next_attempt, d.lease_owner,
	d.lease_expires, d.remote_id, d.remote_url, d.last_error, d.created_at, d.updated_at, d.posted_at, d.unknown, d.feed_url`

const deliverySelect = `SELECT ` + deliveryCols + `, ` + itemCols + ` FROM deliveries d JOIN items i ON i.id = d.item_id`

func scanDelivery(sc interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var state string
	dest := []any{&d.ID, &d.ItemID, &d.Account, &d.Seq, &d.Key, &state, &d.Attempts, tm(&d.NextAttempt), &d.LeaseOwner,
		tm(&d.LeaseExpires), &d.RemoteID, &d.RemoteURL, &d.LastError, tm(&d.CreatedAt), tm(&d.UpdatedAt), tm(&d.PostedAt), &d.Unknown, &d.FeedURL}
	err := sc.Scan(append(dest, itemDest(&d.Item)...)...)
	d.State = State(state)
	return d, err
}

func (s *Store) queryDeliveries(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// due is the condition of a claimable delivery, with now as $1: pending and
// due, or posting under a lease that expired (its owner hung, or died: a dead
// owner's leases are cut short to DeadOwnerGrace, by expireDead).
const due = `((d.state = 'pending' AND d.next_attempt <= $1) OR (d.state = 'posting' AND d.lease_expires <= $1))`

// claimable prepares a claim by owner: it refuses a SQLite ledger deleted or
// replaced while running (nothing claimed could be recorded), and takes
// owner's lease lock before its first lease (liveness.go).
func (s *Store) claimable(ctx context.Context, owner string) error {
	if err := s.checkLedger(); err != nil {
		return err
	}
	if s.live == nil {
		return nil
	}
	return s.holdOwner(ctx, owner)
}

// claimLock ends a claim's SELECT: on PostgreSQL it locks the rows chosen
// and skips those another claim holds; on SQLite the write lock of BEGIN
// IMMEDIATE serialises the claims already.
func (s *Store) claimLock() string {
	if s.dialect == DialectPostgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// Claim leases due deliveries to o.Owner until now+o.Lease and returns them,
// item filled, by next attempt then ID. A delivery taken over from an expired
// lease, or from an owner whose process is gone (its lease lock free: see
// liveness.go; DeadOwnerGrace after it is found gone), comes back with Unknown set (and keeps it until settled): the
// earlier attempt may have posted. Claimed rows are locked while choosing them
// (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock of BEGIN
// IMMEDIATE), so no delivery goes to two owners while a lease holds.
func (s *Store) Claim(ctx context.Context, o ClaimOptions) ([]Delivery, error) {
	if o.Owner == "" || o.Lease <= 0 {
		return nil, fmt.Errorf("claim deliveries: owner %q and lease %s: both are required", o.Owner, o.Lease)
	}
	if o.Limit <= 0 {
		o.Limit = 10
	}
	if err := s.claimable(ctx, o.Owner); err != nil {
		return nil, fmt.Errorf("claim deliveries for %s: %w", o.Owner, err)
	}
	lock := s.claimLock()
	// A read first: an idle tick takes no write lock, so it never makes a
	// CLI command on the same SQLite file wait. The transaction checks again.
	// It also asks whether another owner holds a lease, so that the owners'
	// lease locks are looked at only then. Both take the accounts from $3.
	var anyDue, foreign bool
	cond, _ := dueIn(o.Accounts, 3)
	in, inArgs := accountIn(o.Accounts, 3)
	first, err := s.prepared(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries d WHERE `+cond+notHeld+`),
		EXISTS (SELECT 1 FROM deliveries d WHERE `+foreignLeases+in+`)`)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries for %s: %w", o.Owner, err)
	}
	if err := first.QueryRowContext(ctx, append([]any{s.ts(s.now()), o.Owner}, inArgs...)...).Scan(&anyDue, &foreign); err != nil {
		return nil, fmt.Errorf("claim deliveries for %s: %w", o.Owner, err)
	}
	if foreign {
		if err := s.expireDead(ctx, o.Owner, o.Accounts); err != nil {
			return nil, fmt.Errorf("claim deliveries for %s: %w", o.Owner, err)
		}
	}
	if !anyDue {
		return nil, nil
	}
	var claimed []Delivery
	err = s.inTx(ctx, "claim deliveries for "+o.Owner, func(tx *sql.Tx) error {
		now := s.now()
		var ids []int64
		var accounts []string
		held, probing, err := s.rateLimits(ctx, tx, now)
		if err != nil {
			return err
		}
		if o.Spacing > 0 {
			// One delivery per account already: a probing account gets its
			// probe like any other.
			ids, accounts, err = s.spacedDue(ctx, tx, now, o, lock, held)
		} else {
			ids, err = s.dueIDs(ctx, tx, now, o, lock, held, probing)
		}
		if err != nil || len(ids) == 0 {
			claimed = nil
			return err
		}
		claimed, err = s.lease(ctx, tx, now, o, ids, accounts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// notHeld ends the due condition of Claim's first read (now as $1): no
// account whose rate-limit window is open, so that a backlog waiting out a
// long window (X's daily cap) costs an idle tick no write transaction.
const notHeld = ` AND NOT EXISTS (SELECT 1 FROM account_pace p WHERE p.account = d.account AND p.limited_until > $1)`

// rateLimits reads the accounts a rate limit holds back (MarkLimited): held
// ones, whose window is open or whose probe is in flight, get no delivery;
// probing ones, whose window has passed but whose probe is not posted yet,
// get one. Their pacing rows are locked, waiting rather than skipping (a
// claim that skipped a row would take its account for one free of limits),
// so that two replicas never both send a probe: the second sees the first's
// probe in flight.
func (s *Store) rateLimits(ctx context.Context, tx *sql.Tx, now time.Time) (held, probing []string, err error) {
	forUpdate := ""
	if s.dialect == DialectPostgres {
		forUpdate = " FOR UPDATE"
	}
	rows, err := tx.QueryContext(ctx, `SELECT account, limited_until FROM account_pace
		WHERE limited_until IS NOT NULL ORDER BY account`+forUpdate)
	if err != nil {
		return nil, nil, err
	}
	var passed []string
	for rows.Next() {
		var acct string
		var until time.Time
		if err := rows.Scan(&acct, tm(&until)); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if until.After(now) {
			held = append(held, acct)
		} else {
			passed = append(passed, acct)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for _, acct := range passed {
		var inFlight bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries d
			WHERE d.account = $1 AND d.state = 'posting' AND d.lease_expires > $2)`, acct, s.ts(now)).Scan(&inFlight); err != nil {
			return nil, nil, err
		}
		if inFlight {
			held = append(held, acct)
		} else {
			probing = append(probing, acct)
		}
	}
	return held, probing, nil
}

// dueIDs picks up to o.Limit due deliveries by next attempt then ID, none of
// a held account and at most one (its first due: the probe) of a probing one.
func (s *Store) dueIDs(ctx context.Context, tx *sql.Tx, now time.Time, o ClaimOptions, lock string, held, probing []string) ([]int64, error) {
	var ids []int64
	for _, acct := range probing {
		if len(ids) == o.Limit {
			return ids, nil
		}
		if len(o.Accounts) > 0 && !slices.Contains(o.Accounts, acct) {
			continue
		}
		p, err := s.firstDue(ctx, tx, now, acct, lock)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, p.id)
	}
	if len(ids) == o.Limit {
		return ids, nil
	}
	cond, condArgs := dueIn(o.Accounts, 3)
	args := append([]any{s.ts(now), o.Limit - len(ids)}, condArgs...)
	out, outArgs := accountNotIn(append(held, probing...), len(args)+1)
	more, err := queryIDs(ctx, tx, `SELECT d.id FROM deliveries d WHERE `+cond+out+`
		ORDER BY d.next_attempt, d.id LIMIT $2`+lock, append(args, outArgs...)...)
	return append(ids, more...), err
}

// accountNotIn is " AND d.account NOT IN ($n, $n+1, ...)" for accounts, with
// its arguments, or nothing when accounts is empty.
func accountNotIn(accounts []string, n int) (string, []any) {
	in, args := accountIn(accounts, n)
	return strings.Replace(in, " IN (", " NOT IN (", 1), args
}

// dueOne is a due delivery, for a pick of one per account.
type dueOne struct {
	id int64
	at time.Time
}

// firstDue is account's first due delivery (sql.ErrNoRows if none).
func (s *Store) firstDue(ctx context.Context, tx *sql.Tx, now time.Time, account, lock string) (dueOne, error) {
	var p dueOne
	cond, condArgs := dueIn([]string{account}, 2)
	err := tx.QueryRowContext(ctx, `SELECT d.id, d.next_attempt FROM deliveries d WHERE `+cond+`
		ORDER BY d.next_attempt, d.id LIMIT 1`+lock, append([]any{s.ts(now)}, condArgs...)...).Scan(&p.id, tm(&p.at))
	return p, err
}

// ClaimIDs is Claim for exactly the deliveries named by ids, for a caller
// that must post those and nothing else (reelpost repost): of ids, it leases
// to o.Owner those that Claim could take now (pending and due, or posting
// under an expired lease, then with Unknown set), and returns them, item
// filled, by next attempt then ID. An ID naming a delivery under a lease
// that holds (any owner's), a settled one, one not yet due, or none at all is
// left out: a valid lease is never stolen. On PostgreSQL a row another
// transaction is claiming at this moment is skipped (FOR UPDATE SKIP LOCKED);
// on SQLite BEGIN IMMEDIATE serialises the claims.
// o.Limit is ignored. o.Spacing does not hold the named deliveries back (the
// caller asked for them now), but with Spacing set the claims count as the
// accounts' last claims, so that the daemon spaces its next posts after them.
// Nor does an account's rate limit (MarkLimited): a post the network refuses
// again goes back to wait with the others.
func (s *Store) ClaimIDs(ctx context.Context, o ClaimOptions, ids []int64) ([]Delivery, error) {
	if o.Owner == "" || o.Lease <= 0 {
		return nil, fmt.Errorf("claim deliveries %v: owner %q and lease %s: both are required", ids, o.Owner, o.Lease)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if err := s.claimable(ctx, o.Owner); err != nil {
		return nil, fmt.Errorf("claim deliveries %v for %s: %w", ids, o.Owner, err)
	}
	if err := s.expireDead(ctx, o.Owner, nil); err != nil {
		return nil, fmt.Errorf("claim deliveries %v for %s: %w", ids, o.Owner, err)
	}
	lock := s.claimLock()
	var claimed []Delivery
	err := s.inTx(ctx, fmt.Sprintf("claim deliveries %v for %s", ids, o.Owner), func(tx *sql.Tx) error {
		now := s.now()
		args := []any{s.ts(now)}
		for _, id := range ids {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.account FROM deliveries d WHERE `+due+`
			AND d.id IN (`+placeholders(2, len(ids))+`) ORDER BY d.next_attempt, d.id`+lock, args...)
		if err != nil {
			return err
		}
		var got []int64
		var accounts []string
		for rows.Next() {
			var id int64
			var acct string
			if err := rows.Scan(&id, &acct); err != nil {
				rows.Close()
				return err
			}
			got = append(got, id)
			if !slices.Contains(accounts, acct) {
				accounts = append(accounts, acct)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(got) == 0 {
			claimed = nil
			return nil
		}
		if o.Spacing <= 0 {
			accounts = nil
		}
		claimed, err = s.lease(ctx, tx, now, o, got, accounts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// lease gives the deliveries ids, chosen and locked by the caller in tx, to
// o.Owner until now+o.Lease, records the claim as the last of accounts (for
// spacing), and returns them, item filled, by next attempt then ID. Taking
// over a posting delivery (its lease expired) sets Unknown.
func (s *Store) lease(ctx context.Context, tx *sql.Tx, now time.Time, o ClaimOptions, ids []int64, accounts []string) ([]Delivery, error) {
	args := []any{o.Owner, s.ts(now.Add(o.Lease)), s.ts(now)}
	for _, id := range ids {
		args = append(args, id)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET unknown = (unknown OR state = 'posting'),
		state = 'posting', lease_owner = $1, lease_expires = $2, attempts = attempts + 1,
		updated_at = $3, claimed_at = $3 WHERE id IN (`+placeholders(4, len(ids))+`)`, args...); err != nil {
		return nil, err
	}
	if len(accounts) > 0 {
		args := []any{s.ts(now)}
		for _, a := range accounts {
			args = append(args, a)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE account_pace SET last_claim = $1
			WHERE account IN (`+placeholders(2, len(accounts))+`)`, args...); err != nil {
			return nil, err
		}
	}
	return s.queryDeliveries(ctx, tx, deliverySelect+` WHERE d.id IN (`+placeholders(1, len(ids))+`)
		ORDER BY d.next_attempt, d.id`, args[3:]...)
}

// spacedDue picks, for each account whose last claim and last post are at
// least o.Spacing old and that a rate limit does not hold, its first due
// delivery. The account's pacing row is locked, so two replicas never both
// claim for one account within Spacing.
func (s *Store) spacedDue(ctx context.Context, tx *sql.Tx, now time.Time, o ClaimOptions, lock string, held []string) ([]int64, []string, error) {
	// The last post: one probe of (account, posted_at), not a read of
	// every post the account made.
	rows, err := tx.QueryContext(ctx, `SELECT p.account, p.last_claim,
			(SELECT d.posted_at FROM deliveries d WHERE d.account = p.account AND d.posted_at IS NOT NULL
				ORDER BY d.posted_at DESC LIMIT 1)
		FROM account_pace p
		WHERE p.account IN (SELECT d.account FROM deliveries d WHERE `+due+`)
		ORDER BY p.account`+lock, s.ts(now))
	if err != nil {
		return nil, nil, err
	}
	var eligible []string
	for rows.Next() {
		var acct string
		var lastClaim, lastPost time.Time
		if err := rows.Scan(&acct, tm(&lastClaim), tm(&lastPost)); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if len(o.Accounts) > 0 && !slices.Contains(o.Accounts, acct) || slices.Contains(held, acct) {
			continue
		}
		if !lastClaim.After(now.Add(-o.Spacing)) && !lastPost.After(now.Add(-o.Spacing)) {
			eligible = append(eligible, acct)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	type pick struct {
		dueOne
		account string
	}
	var picks []pick
	for _, acct := range eligible {
		p, err := s.firstDue(ctx, tx, now, acct, lock)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		picks = append(picks, pick{p, acct})
	}
	sort.Slice(picks, func(i, j int) bool {
		if !picks[i].at.Equal(picks[j].at) {
			return picks[i].at.Before(picks[j].at)
		}
		return picks[i].id < picks[j].id
	})
	if len(picks) > o.Limit {
		picks = picks[:o.Limit]
	}
	ids := make([]int64, len(picks))
	accounts := make([]string, len(picks))
	for i, p := range picks {
		ids[i], accounts[i] = p.id, p.account
	}
	return ids, accounts, nil
}

func queryIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// settle applies an outcome to a delivery that owner still holds.
func (s *Store) settle(ctx context.Context, what string, id int64, owner string, set string, args ...any) error {
	args = append([]any{id, owner, s.ts(s.now())}, args...)
	res, err := s.exec(ctx, `UPDATE deliveries SET `+set+`, updated_at = $3
		WHERE id = $1 AND state = 'posting' AND lease_owner = $2`, args...)
	if err != nil {
		return fmt.Errorf("%s delivery %d: %w", what, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s delivery %d: %w", what, id, err)
	} else if n == 0 {
		return fmt.Errorf("%s delivery %d for %s: %w", what, id, owner, ErrLeaseLost)
	}
	return nil
}

// Extend pushes owner's lease on delivery id to now+lease: before a post,
// and while it takes long. ErrLeaseLost if owner no longer holds it.
//
// It first makes sure that this process still shows itself alive to other
// replicas (its lease lock, liveness.go), taking the lock again if it was
// lost (PostgreSQL: the session holding it ended while the process lived).
// A replica that found the lock free meanwhile took this owner for dead and
// may have cut its leases short: renewed after the lock is held again, the
// lease holds, or, already taken over, is lost (ErrLeaseLost). Where the
// lock cannot be taken again it fails with ErrLivenessLost, extending
// nothing: another replica may take the delivery over at any moment, so its
// post must not be made here.
func (s *Store) Extend(ctx context.Context, id int64, owner string, lease time.Duration) error {
	if s.live != nil {
		if err := s.live.confirm(ctx, owner); err != nil && !errors.Is(err, errLivenessUnavailable) {
			return fmt.Errorf("extend delivery %d for %s: %w: %w", id, owner, ErrLivenessLost, err)
		}
	}
	return s.settle(ctx, "extend", id, owner, `lease_expires = $4`, s.ts(s.now().Add(lease)))
}

// MarkPosted records the post the network made, and ends a rate limit of
// its account (MarkLimited): the probe went through, so the rest may follow.
// ErrLeaseLost if owner no longer holds the delivery.
func (s *Store) MarkPosted(ctx context.Context, id int64, owner, remoteID, remoteURL string) error {
	return s.inTx(ctx, fmt.Sprintf("mark posted delivery %d for %s", id, owner), func(tx *sql.Tx) error {
		account, err := settleTx(ctx, tx, id, owner, s.ts(s.now()), `state = 'posted', remote_id = $4, remote_url = $5,
			posted_at = $3, lease_expires = NULL, last_error = '', unknown = FALSE`, remoteID, remoteURL)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE account_pace SET limited_until = NULL
			WHERE account = $1 AND limited_until IS NOT NULL`, account)
		return err
	})
}

// settleTx is settle in tx, now as $3; it returns the delivery's account.
func settleTx(ctx context.Context, tx *sql.Tx, id int64, owner string, now any, set string, args ...any) (string, error) {
	var account string
	err := tx.QueryRowContext(ctx, `UPDATE deliveries SET `+set+`, updated_at = $3
		WHERE id = $1 AND state = 'posting' AND lease_owner = $2 RETURNING account`,
		append([]any{id, owner, now}, args...)...).Scan(&account)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrLeaseLost
	}
	return account, err
}

// MarkRetry puts the delivery back to pending, due at next, after an error
// that left no post. ErrLeaseLost if owner no longer holds it.
func (s *Store) MarkRetry(ctx context.Context, id int64, owner string, next time.Time, lastErr string) error {
	return s.settle(ctx, "mark retry", id, owner, `state = 'pending', next_attempt = $4, last_error = $5,
		lease_owner = '', lease_expires = NULL`, s.tsNonNull(next), lastErr)
}

// MarkWait puts the delivery back to pending, due at next, and gives back
// the attempt its claim counted: the network asked to wait (a rate limit),
// which is no failure, so waiting never uses up MAX_ATTEMPTS. was MaybeSent
// sets the outcome-unknown flag; NotSent keeps it as it was. ErrLeaseLost if owner no longer holds
// it.
func (s *Store) MarkWait(ctx context.Context, id int64, owner string, next time.Time, lastErr string, was Sent) error {
	return s.settle(ctx, "mark wait", id, owner, `state = 'pending', next_attempt = $4, last_error = $5,
		lease_owner = '', lease_expires = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
		unknown = (unknown OR $6)`, s.tsNonNull(next), lastErr, was == MaybeSent)
}

// MarkLimited is MarkWait for a delivery the network refused because its
// account is rate-limited until until (a 429 and its reset, jitter added by
// the caller). The delivery keeps its place (its next attempt is unchanged)
// and the account waits instead: Claim takes none of its deliveries until
// until, then one at a time (the first claimed is the probe) until one is
// posted (MarkPosted). So a backlog does not meet the reset all in the same
// second, from one replica or several, and a probe refused again costs one
// request, not one per waiting delivery. A later until than the account's
// current one wins. ErrLeaseLost if owner no longer holds the delivery.
func (s *Store) MarkLimited(ctx context.Context, id int64, owner string, until time.Time, lastErr string, was Sent) error {
	return s.inTx(ctx, fmt.Sprintf("mark limited delivery %d for %s", id, owner), func(tx *sql.Tx) error {
		account, err := settleTx(ctx, tx, id, owner, s.ts(s.now()), `state = 'pending', last_error = $4,
			lease_owner = '', lease_expires = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
			unknown = (unknown OR $5)`, lastErr, was == MaybeSent)
		if err != nil {
			return err
		}
		if err := ensurePace(ctx, tx, account); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE account_pace SET limited_until = $1
			WHERE account = $2 AND (limited_until IS NULL OR limited_until < $1)`, s.tsNonNull(until), account)
		return err
	})
}

// MarkUnknown is MarkRetry after an attempt whose outcome is unknown (a
// timeout after sending): the delivery comes back from Claim with Unknown
// set, so that the relay looks for the post before posting again.
func (s *Store) MarkUnknown(ctx context.Context, id int64, owner string, next time.Time, lastErr string) error {
	return s.settle(ctx, "mark unknown", id, owner, `state = 'pending', next_attempt = $4, last_error = $5,
		lease_owner = '', lease_expires = NULL, unknown = TRUE`, s.tsNonNull(next), lastErr)
}

// Sent is what is known of the post a failed attempt was making.
type Sent int

const (
	// NotSent: the attempt made no post (the network refused it, or it
	// failed before sending).
	NotSent Sent = iota
	// MaybeSent: the attempt may have made its post (its answer was lost).
	MaybeSent
)

// MarkFailed gives the delivery up with the reason. An attempt that may
// have made its post (was MaybeSent) leaves the delivery Unknown, as does an
// earlier one, and Retry keeps that: the post may be on the network, so the
// attempt after a retry looks for it before posting. ErrLeaseLost if owner
// no longer holds it.
func (s *Store) MarkFailed(ctx context.Context, id int64, owner string, lastErr string, was Sent) error {
	return s.settle(ctx, "mark failed", id, owner, `state = 'failed', last_error = $4, lease_expires = NULL,
		unknown = (unknown OR $5)`, lastErr, was == MaybeSent)
}

// Release returns owner's claimed deliveries to pending, due as they were,
// and gives back the attempt their claim counted: for a graceful shutdown,
// after the in-flight posts finished, so that another replica (or the next
// start) takes them at once instead of waiting for the lease to expire.
// They are marked unknown: one may have been posted and its outcome not
// recorded (the database failed at that moment), so the next attempt looks
// for the post before making it.
func (s *Store) Release(ctx context.Context, owner string) (int, error) {
	res, err := s.exec(ctx, `UPDATE deliveries SET state = 'pending', lease_owner = '', lease_expires = NULL,
		attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, unknown = TRUE, updated_at = $2
		WHERE state = 'posting' AND lease_owner = $1`, owner, s.ts(s.now()))
	if err != nil {
		return 0, fmt.Errorf("release deliveries of %s: %w", owner, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("release deliveries of %s: %w", owner, err)
	}
	return int(n), nil
}

// AddRepost creates a new delivery of item itemID to account, due now: the
// next seq for that item and account, hence a new idempotency key. It is of
// the feed of the account's automatic delivery of the item, whose route
// gave it the account (Delivery.FeedURL), so that the repost carries that
// route's hashtags; of the item's own feed when it has none.
func (s *Store) AddRepost(ctx context.Context, itemID int64, account string) (Delivery, error) {
	var id int64
	err := s.inTx(ctx, fmt.Sprintf("add repost of item %d to %s", itemID, account), func(tx *sql.Tx) error {
		now := s.now()
		var identity string
		err := tx.QueryRowContext(ctx, `SELECT identity FROM items WHERE id = $1`, itemID).Scan(&identity)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("item %d: %w", itemID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM deliveries WHERE item_id = $1 AND account = $2`,
			itemID, account).Scan(&seq); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO deliveries
			(item_id, account, seq, key, state, attempts, next_attempt, created_at, updated_at, feed_url)
			VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5,
				COALESCE((SELECT feed_url FROM deliveries WHERE item_id = $1 AND account = $2 AND seq = 0), ''))
			ON CONFLICT DO NOTHING RETURNING id`,
			itemID, account, seq, DeliveryKey(identity, account, seq), s.ts(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errRetry // a concurrent repost took this seq
		}
		if err != nil {
			return err
		}
		return ensurePace(ctx, tx, account)
	})
	if err != nil {
		return Delivery{}, err
	}
	return s.Delivery(ctx, id)
}

// Delivery returns one delivery, item filled; ErrNotFound if there is none.
func (s *Store) Delivery(ctx context.Context, id int64) (Delivery, error) {
	d, err := scanDelivery(s.db.QueryRowContext(ctx, deliverySelect+` WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, fmt.Errorf("delivery %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("read delivery %d: %w", id, err)
	}
	return d, nil
}

// Deliveries lists deliveries matching f, most recently changed first, item
// filled.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Account != "" {
		where = append(where, "d.account = "+arg(f.Account))
	}
	if f.ItemID != 0 {
		where = append(where, "d.item_id = "+arg(f.ItemID))
	}
	if len(f.States) > 0 {
		var ps []string
		for _, st := range f.States {
			ps = append(ps, arg(string(st)))
		}
		where = append(where, "d.state IN ("+strings.Join(ps, ", ")+")")
	}
	q := deliverySelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY d.updated_at DESC, d.id DESC"
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	ds, err := s.queryDeliveries(ctx, s.db, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return ds, nil
}

// Counts returns the number of deliveries per account and state; every state
// is present for each account, zero included.
func (s *Store) Counts(ctx context.Context) (map[string]map[State]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account, state, COUNT(*) FROM deliveries GROUP BY account, state`)
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	defer rows.Close()
	counts := map[string]map[State]int{}
	for rows.Next() {
		var acct, state string
		var n int
		if err := rows.Scan(&acct, &state, &n); err != nil {
			return nil, fmt.Errorf("count deliveries: %w", err)
		}
		if counts[acct] == nil {
			counts[acct] = map[State]int{}
			for _, st := range States {
				counts[acct][st] = 0
			}
		}
		counts[acct][State(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	return counts, nil
}

// Accounts lists every account that has deliveries, sorted.
func (s *Store) Accounts(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT account FROM deliveries ORDER BY account`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var accts []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		accts = append(accts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return accts, nil
}
