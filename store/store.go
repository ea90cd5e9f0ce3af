package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names, as returned by Store.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

var (
	// ErrSchemaTooNew means the database was migrated by a newer reelpost:
	// this binary refuses to touch it.
	ErrSchemaTooNew = errors.New("database schema is newer than this reelpost")
	// ErrLeaseLost means the caller no longer holds the delivery's lease
	// (it expired and another replica claimed it, or it was already settled).
	ErrLeaseLost = errors.New("delivery lease lost")
	// ErrLivenessLost means this process no longer holds the lock that shows
	// it alive to other replicas and could not take it again (liveness.go):
	// they may take its leases over at any moment, so it must not post.
	ErrLivenessLost = errors.New("lease lock lost")
	// ErrNotFound means no row matched an ID.
	ErrNotFound = errors.New("not found")
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Logger receives migration and retry logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock for every timestamp the store writes or compares;
	// nil means time.Now. Tests inject a fake.
	Now func() time.Time

	// wrap, when set, wraps the database driver: tests watch every
	// statement the store runs through it.
	wrap func(driver.Driver) driver.Driver
	// upTo, when set, stops the migrations after that version: tests make
	// the ledger an earlier reelpost left, to upgrade it.
	upTo int
}

// Store is the delivery ledger. It is safe for concurrent use, and several
// Stores (processes, replicas) may share one database.
type Store struct {
	db      *sql.DB
	dialect string
	dsn     string
	log     *slog.Logger
	clock   func() time.Time
	// writer serialises this Store's SQLite writes: goroutines of one process
	// queue here and are woken at once, instead of polling SQLite's lock
	// through the busy handler's sleeps. Nil on PostgreSQL.
	writer chan struct{}
	turns  turns // other processes' turns at a SQLite file's write lock (turns.go)
	// live tells dead lease owners from live ones (liveness.go); nil where
	// no lock is possible, and leases then run out.
	upTo       int // Options.upTo
	live       liveness
	liveWarned atomic.Bool // warned that this process holds no lease lock
	swept      atomic.Bool // dead owners' leftovers swept, at the first hold
	health     health

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared.go
}

// Open connects to the ledger named by dsn and applies pending migrations.
// "postgres://..." and "postgresql://..." select PostgreSQL; anything else is
// a SQLite database file: "sqlite://PATH", "file:PATH" or a plain path.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	s := &Store{dsn: dsn, log: o.Logger, clock: o.Now, upTo: o.upTo, health: health{done: make(chan struct{})}}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.dialect = DialectPostgres
		s.db, err = openDB("pgx", dsn, o.wrap)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.db.SetMaxOpenConns(10)
		s.db.SetConnMaxIdleTime(5 * time.Minute)
	default:
		s.dialect = DialectSQLite
		if path, ok := sqliteFile(dsn); ok {
			// Where the file cannot be made, SQLite cannot make it either:
			// its open fails next, and explainOpen says why.
			_ = createLedgerFile(path)
		}
		s.db, err = openDB("sqlite", sqliteDSN(dsn), o.wrap)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", sqlitePath(dsn), err)
		}
		// A handful of connections: WAL lets readers run beside the one writer.
		s.db.SetMaxOpenConns(4)
		s.writer = make(chan struct{}, 1)
		s.turns = newTurns(s.dialect, dsn)
	}
	connect := s.db.PingContext
	if s.dialect == DialectSQLite {
		connect = s.connectWritableSQLite
	}
	if err := connect(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect %s: %w", s.where(), s.explainOpen(err))
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, s.explainOpen(err)
	}
	if err := s.watchLedger(); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect %s: %w", s.where(), err)
	}
	s.live = newLiveness(s)
	return s, nil
}

// openDB opens the database through the named driver, wrapped by wrap when
// set.
func openDB(driverName, source string, wrap func(driver.Driver) driver.Driver) (*sql.DB, error) {
	db, err := sql.Open(driverName, source)
	if err != nil || wrap == nil {
		return db, err
	}
	drv := db.Driver()
	db.Close()
	return sql.OpenDB(connector{drv: wrap(drv), source: source}), nil
}

// connector opens source through drv.
type connector struct {
	drv    driver.Driver
	source string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.source) }
func (c connector) Driver() driver.Driver                        { return c.drv }

// sqlitePath strips the scheme prefixes Open accepts for SQLite.
func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(dsn, "sqlite://")
	p = strings.TrimPrefix(p, "file:")
	return p
}

// sqliteDSN puts the per-connection pragmas in the DSN so that every pooled
// connection gets them, not just the first: a busy timeout so that writers
// queue instead of failing with "database is locked"; _txlock=immediate so
// that every write transaction takes the write lock at BEGIN, where the busy
// timeout applies, rather than upgrading a read lock midway, where SQLite
// fails at once with SQLITE_BUSY. WAL (readers such as status and check
// never wait for the daemon's writes) is a property of the file, set once by
// connectSQLite: asked of every new connection, it could fail the way
// connectSQLite explains. temp_store(MEMORY) keeps SQLite's temporary
// storage in memory rather than in files: the statement journals of a
// transaction's multi-row inserts, and the sorts and indexes a query builds
// for itself (those of status on a big ledger: megabytes, for a moment); journal_size_limit lets the WAL shrink back to 16 MiB once a big
// first sight is checkpointed, instead of keeping the file at its largest.
// SQLite's own checkpoints after commits stay on: a process that took them
// over delayed another process's writes on the same file by seconds.
func sqliteDSN(dsn string) string {
	p := sqlitePath(dsn)
	sep := "?"
	if strings.Contains(p, "?") {
		sep = "&"
	}
	return "file:" + p + sep +
		"_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=synchronous(NORMAL)" +
		"&_pragma=temp_store(MEMORY)&_pragma=journal_size_limit(16777216)&_txlock=immediate"
}

// openBusyWait bounds how long connectSQLite waits for another process.
const openBusyWait = time.Minute

// connectSQLite reads the database once and makes it WAL if it is not yet,
// waiting (at most openBusyWait) while another process holds it in the two
// ways SQLite does not wait for with its busy timeout, which would otherwise
// fail the start with "database is locked":
//   - after a process died with the database open (reelpost killed, the
//     container stopped hard), the next connection to read it recovers the
//     WAL holding an exclusive lock, and any other connection reading at
//     that moment gets SQLITE_BUSY at once (https://sqlite.org/wal.html,
//     "Sometimes Queries Return SQLITE_BUSY In WAL Mode");
//   - the conversion to WAL needs exclusive access and runs no busy handler,
//     so two processes creating the ledger together can collide.
func (s *Store) connectSQLite(ctx context.Context) error {
	wait := 50 * time.Millisecond
	deadline := time.Now().Add(openBusyWait)
	for warned := false; ; warned = true {
		err := s.initSQLite(ctx)
		if err == nil || !busy(err) || time.Now().After(deadline) {
			return err
		}
		if !warned {
			s.log.Warn("the ledger is busy: another process is opening or recovering it; waiting", "error", err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fmt.Errorf("%w (waiting for the ledger: %w)", ctx.Err(), err)
		}
		wait = min(2*wait, time.Second)
	}
}

func (s *Store) initSQLite(ctx context.Context) error {
	var n int
	// A read of the schema: it runs the WAL recovery if one is due.
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		return err
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return err
	}
	if strings.EqualFold(mode, "wal") {
		return nil
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") && !strings.EqualFold(mode, "memory") {
		// A file system without shared memory (some network ones): it works,
		// but CLI commands wait for the daemon's writes.
		s.log.Warn("the ledger could not be switched to WAL: put DATABASE_URL on a local disk",
			"database", s.where(), "journal_mode", mode)
	}
	return nil
}

// where names the database in errors without leaking a password.
func (s *Store) where() string {
	if s.dialect == DialectSQLite {
		return "sqlite " + sqlitePath(s.dsn)
	}
	if cfg, err := pgconn.ParseConfig(s.dsn); err == nil {
		return fmt.Sprintf("postgres %s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	}
	return "postgres"
}

// Close releases this Store's lease locks (liveness.go) and closes the
// database.
func (s *Store) Close() error {
	var err error
	if s.live != nil {
		err = s.live.close(s.holdsLeases)
	}
	return errors.Join(err, s.closeStatements(), s.turns.close(), s.db.Close())
}

// Ping checks that the database answers and, on SQLite, that the ledger
// file is still the one opened (ErrLedgerGone otherwise).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.checkLedger(); err != nil {
		return err
	}
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.where(), err)
	}
	return nil
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// now is the store's clock in UTC, to the microsecond both dialects keep.
func (s *Store) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// ts converts a time to the column representation: NULL for the zero time;
// on SQLite integer microseconds since the epoch (exact, and compared as
// numbers), on PostgreSQL a timestamptz.
func (s *Store) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	if s.dialect == DialectSQLite {
		return t.UnixMicro()
	}
	return t
}

// tsNonNull is ts for NOT NULL columns compared against "now": the zero time
// becomes the epoch, i.e. "due at once".
func (s *Store) tsNonNull(t time.Time) any {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return s.ts(t)
}

// nullTime scans what ts wrote back into a time.Time.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n.t = time.Time{}
	case int64:
		if v == 0 {
			*n.t = time.Time{}
			return nil
		}
		*n.t = time.UnixMicro(v).UTC()
	case time.Time:
		if v.Unix() == 0 {
			*n.t = time.Time{}
			return nil
		}
		*n.t = v.UTC()
	default:
		return fmt.Errorf("scan time: unsupported type %T", src)
	}
	return nil
}

// tm wraps a *time.Time for Scan.
func tm(t *time.Time) nullTime { return nullTime{t} }

// errRetry asks inTx to run the transaction again: a concurrent writer
// inserted a row this one conflicted with, and a fresh snapshot will see it.
var errRetry = errors.New("conflict with a concurrent writer")

// retryable reports whether a transaction failed only because of a concurrent
// one and should simply run again.
func retryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505", // unique_violation
			"40001", // serialization_failure
			"40P01": // deadlock_detected
			return true
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}

// busy reports a SQLite write lock still held by another process when the
// busy timeout ran out.
func busy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// busyRounds bounds how many busy timeouts (10 s each) a write waits for
// another process's writes before giving up with SQLITE_BUSY.
const busyRounds = 12

// write runs fn, which writes, holding this Store's SQLite writer slot, and
// runs it again while another process held the database's write lock for a
// whole busy timeout. SQLite's busy handler polls, so a waiter can miss every
// gap between the transactions of a process writing without pause; a CLI
// command then waits for a quiet moment rather than failing with
// "database is locked". It refuses to write into a SQLite ledger file
// deleted or replaced while running (ErrLedgerGone), and records the
// outcome for LastWriteErr.
func (s *Store) write(ctx context.Context, fn func() error) error {
	return s.writeAs(ctx, writeKind(2), fn)
}

// writeAs is write for a write of the given kind (writeKind).
func (s *Store) writeAs(ctx context.Context, kind uintptr, fn func() error) (err error) {
	defer func() { s.noteWrite(ctx, kind, err) }()
	if err := s.checkLedger(); err != nil {
		return err
	}
	if s.writer != nil {
		select {
		case s.writer <- struct{}{}:
			defer func() { <-s.writer }()
		case <-ctx.Done():
			return ctx.Err()
		}
		s.turns.begin()
		defer s.turns.end()
	}
	for i := 0; i < busyRounds; i++ {
		if err = fn(); err == nil || !busy(err) || ctx.Err() != nil {
			return err
		}
		s.log.Warn("store write waits for another process", "round", i+1, "error", err)
	}
	return err
}

// exec runs one autocommit write statement.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.writeAs(ctx, writeKind(2), func() error {
		var err error
		res, err = s.db.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE on SQLite through the
// DSN's _txlock), committing on success, and runs it again when it lost a
// race to a concurrent writer.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	const attempts = 8
	kind := writeKind(2)
	var err error
	for i := 0; i < attempts; i++ {
		err = s.writeAs(ctx, kind, func() error { return s.tryTx(ctx, fn) })
		if err == nil || !retryable(err) || ctx.Err() != nil {
			break
		}
		s.log.Debug("store transaction retried", "op", what, "attempt", i+1, "error", err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// placeholders renders "$a,$b,..." placeholders for n values starting at $start.
func placeholders(start, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}
