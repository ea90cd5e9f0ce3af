package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNoLedger means the SQLite ledger's file does not exist and the caller
// asked for an existing one (OpenExisting).
var ErrNoLedger = errors.New("no ledger")

// OpenExisting is Open for commands that only look at the ledger (status, a
// dry-run repost): a SQLite file that does not exist is not created, and
// the error, wrapping ErrNoLedger, names where it was looked for.
// PostgreSQL is opened as Open does.
func OpenExisting(ctx context.Context, dsn string, o Options) (*Store, error) {
	if path, ok := sqliteFile(dsn); ok {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s", ErrNoLedger, path)
		}
	}
	return Open(ctx, dsn, o)
}

// Probe is what Inspect learns of a ledger.
type Probe struct {
	Dialect string
	// Where names the database without a password: "sqlite PATH",
	// "postgres host:port/db".
	Where string
	// Exists is false for a SQLite file not created yet, which Open can
	// create (its directory is there and writable).
	Exists bool
	// Version is the newest migration the ledger has, 0 for none;
	// Known is the newest this binary has.
	Version, Known int
}

// Inspect opens the ledger read-only and reads its schema version, writing
// and creating nothing: for reelpost check, beside a running daemon or
// before the first run. Its error says why the ledger cannot be used: the
// file system's reason for SQLite, ErrSchemaTooNew for a ledger a newer
// reelpost migrated.
func Inspect(ctx context.Context, dsn string) (Probe, error) {
	s := &Store{dsn: dsn, dialect: DialectPostgres}
	path, isSQLite := sqliteFile(dsn)
	if isSQLite {
		s.dialect = DialectSQLite
	}
	p := Probe{Dialect: s.dialect, Where: s.where(), Known: SchemaVersion(s.dialect)}
	var db *sql.DB
	var err error
	if isSQLite {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if reason := sqliteReason(path); reason != "" {
				return p, fmt.Errorf("%s: cannot be created: %s", p.Where, reason)
			}
			return p, nil
		}
		p.Exists = true
		// What Open would refuse (a read-only file, say), check refuses.
		if reason := sqliteReason(path); reason != "" {
			return p, fmt.Errorf("%s: %s", p.Where, reason)
		}
		// mode=ro: SQLite opens the file read-only and never creates it
		// (https://sqlite.org/uri.html#urimode). A WAL ledger's reader
		// would still create its -wal and -shm files beside it when no
		// process has the ledger open; then everything is in the file
		// itself, and immutable=1 reads it without them.
		ro := "&mode=ro"
		if _, err := os.Stat(path + "-shm"); errors.Is(err, fs.ErrNotExist) {
			ro += "&immutable=1"
		}
		db, err = sql.Open("sqlite", sqliteDSN(dsn)+ro)
	} else {
		p.Exists = true
		db, err = sql.Open("pgx", dsn)
	}
	if err != nil {
		return p, fmt.Errorf("open %s: %w", p.Where, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return p, fmt.Errorf("connect %s: %w", p.Where, s.explainOpen(err))
	}
	defer tx.Rollback()
	exists, err := hasMigrationsTable(ctx, tx, s.dialect)
	if err != nil {
		return p, fmt.Errorf("read %s: %w", p.Where, s.explainOpen(err))
	}
	if !exists {
		return p, nil
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return p, fmt.Errorf("read %s: %w", p.Where, err)
	}
	p.Version = applied[len(applied)-1]
	ms, err := migrations(s.dialect)
	if err != nil {
		return p, err
	}
	if err := checkKnown(applied, ms); err != nil {
		return p, fmt.Errorf("%s: %w", p.Where, err)
	}
	return p, nil
}

func hasMigrationsTable(ctx context.Context, tx *sql.Tx, dialect string) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if dialect == DialectPostgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	var n int
	err := tx.QueryRowContext(ctx, q).Scan(&n)
	return n > 0, err
}

// sqliteFile returns the file a SQLite DSN names (no query), and whether
// the DSN is SQLite's at all; false too for an in-memory database.
func sqliteFile(dsn string) (string, bool) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "", false
	}
	p, query, _ := strings.Cut(sqlitePath(dsn), "?")
	if p == "" || p == ":memory:" || strings.Contains(query, "mode=memory") {
		return "", false
	}
	return p, true
}

// connectWritableSQLite refuses a ledger that SQLite would open read-only
// (every write failing later), then connects.
func (s *Store) connectWritableSQLite(ctx context.Context) error {
	if path, ok := sqliteFile(s.dsn); ok {
		if _, err := os.Stat(path); err == nil {
			if reason := sqliteReason(path); reason != "" {
				return errors.New(reason)
			}
		}
	}
	return s.connectSQLite(ctx)
}

// explainOpen adds to a SQLite open or write failure the reason the file
// system shows ("unable to open database file (14)" says nothing of it).
func (s *Store) explainOpen(err error) error {
	if s.dialect != DialectSQLite || err == nil {
		return err
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_AUTH:
	default:
		return err
	}
	path, ok := sqliteFile(s.dsn)
	if !ok {
		return err
	}
	if reason := sqliteReason(path); reason != "" {
		return fmt.Errorf("%s: %w", reason, err)
	}
	return err
}

// sqliteReason says why SQLite cannot open (or create, and write) the
// ledger at path, as the file system shows it, or "" when it shows nothing
// wrong.
func sqliteReason(path string) string {
	dir := filepath.Dir(path)
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Sprintf("%s is a directory: DATABASE_URL names the ledger's file, such as %s", path, filepath.Join(path, "reelpost.db"))
	case err == nil && !canWrite(path):
		return fmt.Sprintf("%s is read-only for user id %d (%s)", path, os.Getuid(), describe(fi))
	case err == nil && !canRead(path):
		return fmt.Sprintf("permission denied: %s is not readable by user id %d (%s)", path, os.Getuid(), describe(fi))
	case err == nil:
		// SQLite keeps its journal (-wal, -shm) beside the file.
		if dfi, derr := os.Stat(dir); derr == nil && !canWrite(dir) {
			return fmt.Sprintf("permission denied: the directory %s is not writable by user id %d (%s), and SQLite keeps its journal beside the ledger",
				dir, os.Getuid(), describe(dfi))
		}
	case err != nil && !errors.Is(err, fs.ErrPermission):
		// Not there, or a file where a directory should be.
		dfi, derr := os.Stat(dir)
		switch {
		case errors.Is(derr, fs.ErrNotExist):
			return "no such directory: " + dir
		case errors.Is(derr, fs.ErrPermission):
			return fmt.Sprintf("permission denied: user id %d cannot reach %s", os.Getuid(), dir)
		case derr == nil && !dfi.IsDir():
			return dir + " is not a directory"
		case derr == nil && !canWrite(dir):
			return fmt.Sprintf("permission denied: the directory %s is not writable by user id %d (%s), so the ledger cannot be created in it",
				dir, os.Getuid(), describe(dfi))
		}
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("permission denied: user id %d cannot reach %s", os.Getuid(), path)
	}
	return ""
}
