package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A lease says how long its owner may take to settle a delivery; it is no
// news of the owner's death. Waiting it out after a crash holds the review
// back for the whole lease (two minutes by default), so every owner also
// holds a lock that the operating system or the database lets go of when
// its process dies: a claimer that finds a delivery leased by an owner whose
// lock is free knows that the owner is gone, and cuts its leases short, to
// expire DeadOwnerGrace later. The deliveries are then claimed as any expired
// lease is, with Unknown set, so that the next attempt looks for the post
// before making it.
//
// An owner takes its lock in Claim and ClaimIDs, before its first lease, so
// every lease of an owner with no lock is either a dead owner's or one of a
// process that holds no lock at all (SQLite: a ledger on no local file); the
// latter waits for its lease, as before.
//
//   - SQLite (one host): a file per owner beside the ledger, in
//     LEDGER.owners/, locked with flock(2), which the kernel releases when
//     the process dies, however it dies. flock's locks belong to the open
//     file, not to the process, so two Stores of one process (tests) see
//     each other as they would two processes.
//   - PostgreSQL: a session-level advisory lock per owner, keyed by the
//     schema and the owner, held on a connection of its own for the
//     Store's life; the server releases it when that session ends. Other
//     replicas read it from pg_locks, without taking it.
type liveness interface {
	// hold makes owner's life visible to other processes until close; fresh
	// is true when this call took the lock, so that any lease of owner in
	// the ledger is a dead process's of the same name. It fails when another
	// live process holds owner's lock: two processes under one name would
	// settle each other's deliveries.
	hold(ctx context.Context, owner string) (fresh bool, err error)
	// confirm makes sure, now, that this Store still holds owner's lock if
	// it took it (hold), taking it again if it was lost (PostgreSQL: its
	// session ended); an error says it does not hold it. An owner this Store
	// never held is left alone: its leases are not this process's to post.
	confirm(ctx context.Context, owner string) error
	// gone returns those of owners (none of them this Store's) that are
	// known to be dead, kept so until release is called: with expired true
	// once their leases are expired in the ledger, false if that failed.
	gone(ctx context.Context, owners []string) (dead []string, release func(expired bool), err error)
	// known lists the owners that have left a lock behind, dead or alive
	// (SQLite's lock files), for the sweep at a Store's first hold; nil on
	// PostgreSQL.
	known() []string
	// close releases this Store's locks; keep says, for each owner held,
	// whether it still holds leases (its lock file stays, for a claimer to
	// find the owner dead).
	close(keep func(owner string) bool) error
}

// errLivenessUnavailable means that no lock can be made for an owner here
// (SQLite: the directory beside the ledger cannot hold lock files).
var errLivenessUnavailable = errors.New("no lease lock possible")

// errOwnerInUse means another live process claims under the same owner name.
var errOwnerInUse = errors.New("another live process holds the lease lock of this owner name: every process needs a name of its own")

// newLiveness returns the liveness of s's dialect, or nil when none is
// possible (an in-memory SQLite database, a system without flock).
func newLiveness(s *Store) liveness {
	if s.dialect == DialectPostgres {
		return &pgLiveness{db: s.db, held: map[string]int64{}}
	}
	path, ok := sqliteFile(s.dsn)
	if !ok || !flockSupported {
		return nil
	}
	return &fileLiveness{dir: path + ".owners", held: map[string]*os.File{}}
}

// foreignLeases is the condition, with now as $1 and the claimer as $2, of
// a delivery under a lease that holds, of another owner: one to ask about.
const foreignLeases = `d.state = 'posting' AND d.lease_expires > $1 AND d.lease_owner <> $2`

// expireDead cuts short the leases held by dead owners other than me,
// before a claim: those deliveries are then due DeadOwnerGrace later, as
// any expired lease is. accounts, when set, limits the look to those
// accounts' deliveries.
func (s *Store) expireDead(ctx context.Context, me string, accounts []string) error {
	if s.live == nil {
		return nil
	}
	in, inArgs := accountIn(accounts, 3)
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT d.lease_owner FROM deliveries d WHERE `+foreignLeases+in,
		append([]any{s.ts(s.now()), me}, inArgs...)...)
	if err != nil {
		return fmt.Errorf("list lease owners: %w", err)
	}
	var owners []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return fmt.Errorf("list lease owners: %w", err)
		}
		owners = append(owners, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list lease owners: %w", err)
	}
	if len(owners) == 0 {
		return nil
	}
	return s.expireOwners(ctx, owners)
}

// holdOwner takes owner's lock before its first lease and, the first time,
// sweeps what dead owners left behind. Where no lock file can be made (a
// read-only directory) it warns once and goes on without: this process's
// leases then run out after a crash, as they did before locks.
func (s *Store) holdOwner(ctx context.Context, owner string) error {
	fresh, err := s.live.hold(ctx, owner)
	switch {
	case errors.Is(err, errLivenessUnavailable):
		if s.liveWarned.CompareAndSwap(false, true) {
			s.log.Warn("no lease lock for this process: should it die, its deliveries wait for their lease to expire",
				"owner", owner, "error", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("hold the lease lock of %s: %w", owner, err)
	}
	if fresh {
		// A process restarted under a fixed name: its predecessor's leases
		// are a dead owner's, not this process's posts in flight.
		if _, err := s.expireLeases(ctx, []string{owner}, anyway); err != nil {
			return err
		}
	}
	if s.swept.CompareAndSwap(false, true) {
		if err := s.sweepOwners(ctx); err != nil {
			s.log.Warn("sweep the locks of dead processes", "error", err)
		}
	}
	return nil
}

// expireOwners cuts short the leases of those of owners that are dead.
func (s *Store) expireOwners(ctx context.Context, owners []string) error {
	dead, release, err := s.live.gone(ctx, owners)
	if err != nil {
		return fmt.Errorf("check lease owners: %w", err)
	}
	if len(dead) == 0 {
		release(false)
		return nil
	}
	_, err = s.expireLeases(ctx, dead, whileUnlocked)
	release(err == nil)
	return err
}

// expiry says when expireLeases cuts an owner's leases short.
type expiry int

const (
	// anyway: the owner is a dead predecessor of this process's own name,
	// whose lock this process holds now.
	anyway expiry = iota
	// whileUnlocked: the owner was found dead, and its leases are cut only
	// if its lock is still free when they are (PostgreSQL, where a live
	// process whose session was cut takes its lock again: between the look
	// at pg_locks and the update, it may have done so and renewed a lease
	// to post).
	whileUnlocked
)

// DeadOwnerGrace is how long after a lease owner is found dead its leases
// still hold. A request the dead process sent just before it died may still
// be on its way through the network's servers: the post it makes must exist
// by the time the next attempt looks for it, or be refused as a duplicate.
const DeadOwnerGrace = 3 * time.Second

// expireLeases makes the leases held by dead owners expire DeadOwnerGrace
// from now (none later), as when says, and says how many it shortened.
func (s *Store) expireLeases(ctx context.Context, dead []string, when expiry) (int64, error) {
	until := s.ts(s.now().Add(DeadOwnerGrace))
	var n int64
	if pg, ok := s.live.(*pgLiveness); ok && when == whileUnlocked {
		// One owner at a time, each on the condition that its lock is free
		// as the update runs (pg_locks shows the lock manager's present).
		for _, o := range dead {
			res, err := s.exec(ctx, `UPDATE deliveries SET lease_expires = $1
				WHERE state = 'posting' AND lease_expires > $1 AND lease_owner = $2 AND NOT EXISTS (`+pgLockHeld+`)`,
				until, o, pg.key(o))
			if err != nil {
				return 0, fmt.Errorf("expire the leases of dead owner %s: %w", o, err)
			}
			m, _ := res.RowsAffected()
			n += m
		}
	} else {
		args := []any{until}
		for _, o := range dead {
			args = append(args, o)
		}
		res, err := s.exec(ctx, `UPDATE deliveries SET lease_expires = $1
			WHERE state = 'posting' AND lease_expires > $1 AND lease_owner IN (`+placeholders(2, len(dead))+`)`, args...)
		if err != nil {
			return 0, fmt.Errorf("expire the leases of dead owners %v: %w", dead, err)
		}
		n, _ = res.RowsAffected()
	}
	if n > 0 {
		s.log.Warn("a process died holding leases: its deliveries are taken over shortly, and their posts looked for before being made again",
			"owners", strings.Join(dead, ","), "deliveries", n, "in", DeadOwnerGrace.String())
	}
	return n, nil
}

// sweepOwners removes what dead owners left behind (SQLite's lock files of
// processes killed while idle), expiring any lease they still held.
func (s *Store) sweepOwners(ctx context.Context) error {
	if s.live == nil {
		return nil
	}
	owners := s.live.known()
	if len(owners) == 0 {
		return nil
	}
	return s.expireOwners(ctx, owners)
}

// holdsLeases reports whether owner still holds a delivery's lease; true
// when the ledger cannot tell.
func (s *Store) holdsLeases(owner string) bool {
	var held bool
	err := s.db.QueryRow(`SELECT EXISTS (SELECT 1 FROM deliveries WHERE state = 'posting' AND lease_owner = $1)`,
		owner).Scan(&held)
	return err != nil || held
}

// fileLiveness is SQLite's liveness: a file per owner in dir, locked while
// the owner lives.
type fileLiveness struct {
	dir  string
	mu   sync.Mutex
	held map[string]*os.File
	// without are the owners for which no file could be made: they go on
	// without a lock (and may hold leases), never retried, so that a later
	// lock could not take their own leases for a dead predecessor's.
	without map[string]error
	closed  bool
}

// errClosed: the Store was closed; its process is as good as dead.
var errClosed = errors.New("store closed")

// lockName is the file of owner: its name escaped (an owner names a host
// and a process, "host-42/1a2b3c4d"), hashed when too long for a file name.
func lockName(owner string) string {
	name := url.PathEscape(owner)
	if len(name) > 200 || strings.HasPrefix(name, ".") {
		h := fnv.New64a()
		h.Write([]byte(owner))
		name = fmt.Sprintf("h%016x", h.Sum64())
	}
	return name + ".lock"
}

func (l *fileLiveness) hold(_ context.Context, owner string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false, errClosed
	}
	if _, ok := l.held[owner]; ok {
		return false, nil
	}
	if err, ok := l.without[owner]; ok {
		return false, err
	}
	err := l.lock(owner)
	if err != nil && !errors.Is(err, errOwnerInUse) {
		err = fmt.Errorf("%w: %w", errLivenessUnavailable, err)
		if l.without == nil {
			l.without = map[string]error{}
		}
		l.without[owner] = err
		return false, err
	}
	return err == nil, err
}

// lock makes and locks owner's file; l.mu is held.
func (l *fileLiveness) lock(owner string) error {
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return err
	}
	final := filepath.Join(l.dir, lockName(owner))
	// The file is made and locked under a temporary name, then linked into
	// place: nobody ever sees the owner's file unlocked while it lives.
	// A sweep may remove the temporary file before it is locked; then the
	// link fails and the next round starts over.
	for range 3 {
		tmp, err := os.CreateTemp(l.dir, ".new-*")
		if err != nil {
			return err
		}
		locked, err := flockTry(tmp)
		if err == nil && locked {
			_, err = tmp.WriteString(owner)
		}
		if err != nil || !locked {
			tmp.Close()
			_ = os.Remove(tmp.Name())
			if err != nil {
				return err
			}
			continue
		}
		err = os.Link(tmp.Name(), final)
		_ = os.Remove(tmp.Name())
		if errors.Is(err, fs.ErrExist) {
			// A file of this name: a Store of this name closed earlier (a
			// test reopening), or another live process under this name.
			tmp.Close()
			f, err := os.OpenFile(final, os.O_RDWR, 0)
			if errors.Is(err, fs.ErrNotExist) {
				continue // swept meanwhile
			}
			if err != nil {
				return err
			}
			locked, err := flockTry(f)
			if err != nil || !locked {
				f.Close()
				if err == nil {
					err = fmt.Errorf("%s: %w", final, errOwnerInUse)
				}
				return err
			}
			if !sameFile(f, final) {
				f.Close()
				continue // swept between the open and the lock
			}
			l.held[owner] = f
			return nil
		}
		if err != nil {
			tmp.Close()
			if errors.Is(err, fs.ErrNotExist) {
				continue // the temporary file was swept before it was locked
			}
			return err
		}
		if !sameFile(tmp, final) {
			tmp.Close()
			continue
		}
		l.held[owner] = tmp
		return nil
	}
	return fmt.Errorf("lock file %s: it kept disappearing", final)
}

// sameFile reports whether path still names f's file.
func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// confirm: a flock lasts as long as its open file, which this Store keeps
// until it closes: a lock held is held.
func (l *fileLiveness) confirm(context.Context, string) error { return nil }

func (l *fileLiveness) gone(_ context.Context, owners []string) ([]string, func(bool), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	type deadOwner struct {
		owner string
		f     *os.File
		path  string
	}
	var dead []deadOwner
	for _, o := range owners {
		if _, mine := l.held[o]; mine {
			continue
		}
		path := filepath.Join(l.dir, lockName(o))
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			// No file: an owner that holds no lock, or one already reaped
			// (its leases expired then). Either way its leases run out.
			continue
		}
		locked, err := flockTry(f)
		if err != nil || !locked || !sameFile(f, path) {
			f.Close()
			continue
		}
		dead = append(dead, deadOwner{owner: o, f: f, path: path})
	}
	names := make([]string, len(dead))
	for i, d := range dead {
		names[i] = d.owner
	}
	release := func(expired bool) {
		for _, d := range dead {
			if expired {
				// Its leases are expired in the ledger: nobody needs to ask
				// about this owner again. Removed while still locked, so a
				// claimer that opened it meanwhile finds it dead, as it is.
				_ = os.Remove(d.path)
			}
			d.f.Close()
		}
	}
	return names, release, nil
}

func (l *fileLiveness) known() []string {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var owners []string
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(l.dir, name)
		if strings.HasPrefix(name, ".new-") {
			// A process died making its lock file: remove it if unlocked.
			if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
				if locked, err := flockTry(f); err == nil && locked {
					_ = os.Remove(path)
				}
				f.Close()
			}
			continue
		}
		if !strings.HasSuffix(name, ".lock") {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil || len(b) == 0 {
			continue
		}
		if _, mine := l.held[string(b)]; !mine {
			owners = append(owners, string(b))
		}
	}
	return owners
}

func (l *fileLiveness) close(keep func(string) bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	var errs []error
	for owner, f := range l.held {
		if !keep(owner) {
			if err := os.Remove(filepath.Join(l.dir, lockName(owner))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		if err := f.Close(); err != nil {
			errs = append(errs, err)
		}
		delete(l.held, owner)
	}
	if len(l.held) == 0 {
		_ = os.Remove(l.dir) // only if empty: other processes' files stay
	}
	return errors.Join(errs...)
}

// pgLiveness is PostgreSQL's liveness: an advisory lock per owner, held by a
// session of this Store's own.
type pgLiveness struct {
	db     *sql.DB
	mu     sync.Mutex
	conn   *sql.Conn // holds the locks; nil until the first hold
	schema string
	held   map[string]int64
	closed bool
	// checked is when the session was last known alive (real time).
	checked time.Time
}

// pgSessionCheck is how often hold makes sure the locks' session is still
// there: a second at most between a session's loss and the locks taken again.
const pgSessionCheck = time.Second

// pgOwnerKey is owner's advisory lock key: a 64-bit hash of the schema and
// the owner, so that ledgers in two schemas of one database (tests, two
// deployments) do not mistake each other's owners. It uses the one-bigint
// form of the key; the migrations' lock uses the two-int4 form, which
// PostgreSQL keeps apart (pg_locks.objsubid 1 and 2).
func pgOwnerKey(schema, owner string) int64 {
	h := fnv.New64a()
	h.Write([]byte("reelpost lease owner\x00" + schema + "\x00" + owner))
	return int64(h.Sum64())
}

// pgLockHeld is a query that has a row while the advisory lock keyed $3
// (pgOwnerKey) is held in this database. A bigint key shows in pg_locks as
// its high half in classid and its low half in objid, with objsubid 1
// (https://www.postgresql.org/docs/current/view-pg-locks.html).
const pgLockHeld = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND ((classid::bigint << 32) | objid::bigint) = $3`

// key is owner's lock key in this Store's schema.
func (l *pgLiveness) key(owner string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return pgOwnerKey(l.schema, owner)
}

func (l *pgLiveness) hold(ctx context.Context, owner string) (bool, error) {
	return l.take(ctx, owner, pgSessionCheck)
}

// confirm is hold with the session checked now: a renewal before a post
// must know that the locks are still held, not that they were a second ago.
func (l *pgLiveness) confirm(ctx context.Context, owner string) error {
	l.mu.Lock()
	_, had := l.held[owner] // kept through a lost session, until taken again
	l.mu.Unlock()
	if !had {
		return nil
	}
	_, err := l.take(ctx, owner, 0)
	return err
}

// take is hold, with the session checked when last known alive longer
// than check ago.
func (l *pgLiveness) take(ctx context.Context, owner string, check time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false, errClosed
	}
	if l.conn != nil && time.Since(l.checked) >= check {
		if err := l.conn.PingContext(ctx); err != nil {
			// The session is gone, and with it our locks: other replicas
			// may take our leases over from now on. Lock again before any
			// further claim.
			_ = l.conn.Close()
			l.conn = nil
		} else {
			l.checked = time.Now()
		}
	}
	if l.conn == nil {
		conn, err := l.db.Conn(ctx)
		if err != nil {
			return false, err
		}
		if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&l.schema); err != nil {
			conn.Close()
			return false, err
		}
		l.conn, l.checked = conn, time.Now()
		for o := range l.held {
			if err := l.lock(ctx, o); err != nil {
				_ = l.conn.Close()
				l.conn = nil
				return false, err
			}
		}
	}
	if _, ok := l.held[owner]; ok {
		return false, nil
	}
	if err := l.lock(ctx, owner); err != nil {
		return false, err
	}
	return true, nil
}

// lock takes owner's lock on l.conn.
func (l *pgLiveness) lock(ctx context.Context, owner string) error {
	key := pgOwnerKey(l.schema, owner)
	var got bool
	if err := l.conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		return err
	}
	if !got {
		return errOwnerInUse
	}
	l.held[owner] = key
	return nil
}

func (l *pgLiveness) gone(ctx context.Context, owners []string) ([]string, func(bool), error) {
	l.mu.Lock()
	schema := l.schema
	mine := make(map[string]bool, len(l.held))
	for o := range l.held {
		mine[o] = true
	}
	l.mu.Unlock()
	nothing := func(bool) {}
	// A bigint key shows in pg_locks as its high half in classid and its
	// low half in objid, with objsubid 1
	// (https://www.postgresql.org/docs/current/view-pg-locks.html).
	rows, err := l.db.QueryContext(ctx, `SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks
		WHERE locktype = 'advisory' AND objsubid = 1 AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
	if err != nil {
		return nil, nothing, err
	}
	defer rows.Close()
	live := map[int64]bool{}
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, nothing, err
		}
		live[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, nothing, err
	}
	var dead []string
	for _, o := range owners {
		if !mine[o] && !live[pgOwnerKey(schema, o)] {
			dead = append(dead, o)
		}
	}
	return dead, nothing, nil
}

func (l *pgLiveness) known() []string { return nil }

func (l *pgLiveness) close(func(string) bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.conn == nil {
		return nil
	}
	// Unlocked here rather than when the pool closes the session, which
	// the server notices a moment later: a Store closed is a process gone.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock_all()`)
	clear(l.held)
	if cerr := l.conn.Close(); err == nil {
		err = cerr
	}
	l.conn = nil
	return err
}
