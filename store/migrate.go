package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Migrations are numbered SQL files, one folder per dialect, applied in order,
// each in its own transaction, and recorded in schema_migrations.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the dialect's migrations in order.
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations %s: %w", dir, err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and an underscore", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest migration this binary knows for the dialect.
func SchemaVersion(dialect string) int {
	ms, err := migrations(dialect)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// querier is what migrations run on: a pinned connection on PostgreSQL (the
// advisory lock belongs to the session), the pool on SQLite.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// migrate applies pending migrations under a lock, so that replicas starting
// together apply each migration once: on PostgreSQL a session advisory lock
// keyed by the schema, on SQLite the write lock each BEGIN IMMEDIATE takes.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	if s.upTo > 0 {
		ms = slices.DeleteFunc(ms, func(m migration) bool { return m.version > s.upTo })
	}
	var q querier = s.db
	if s.dialect == DialectPostgres {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", s.where(), err)
		}
		defer conn.Close()
		// Two int4 keys: a constant for reelpost and the schema, so ledgers in
		// different schemas of one database do not wait for each other.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(1919247468, hashtext(current_schema()))`); err != nil {
			return fmt.Errorf("migrate %s: lock: %w", s.where(), err)
		}
		defer func() {
			// A fresh context: the lock must go even when ctx was cancelled.
			_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(1919247468, hashtext(current_schema()))`)
		}()
		q = conn
	}
	if err := s.migrateWith(ctx, q, ms); err != nil {
		return fmt.Errorf("migrate %s: %w", s.where(), err)
	}
	return nil
}

func (s *Store) migrateWith(ctx context.Context, q querier, ms []migration) error {
	// A read first: a process opening an up-to-date ledger (every CLI
	// command) takes no write lock at all.
	applied, err := appliedVersions(ctx, q)
	if err == nil {
		if err := checkKnown(applied, ms); err != nil {
			return err
		}
		if containsInt(applied, ms[len(ms)-1].version) {
			return nil
		}
	}
	create := `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`
	if err := s.write(ctx, func() error { _, err := q.ExecContext(ctx, create); return err }); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		var done bool
		err := s.write(ctx, func() error {
			var err error
			done, err = s.applyMigration(ctx, q, ms, m)
			return err
		})
		if err != nil {
			return err
		}
		if done {
			s.log.Info("store migration applied", "version", m.version, "migration", m.name, "dialect", s.dialect)
		}
	}
	return nil
}

// applyMigration applies m in a transaction of its own unless the database
// has it already; the check runs under the lock, inside the transaction.
func (s *Store) applyMigration(ctx context.Context, q querier, ms []migration, m migration) (bool, error) {
	tx, err := q.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return false, err
	}
	if err := checkKnown(applied, ms); err != nil {
		return false, err
	}
	if containsInt(applied, m.version) {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("apply %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		m.version, s.now().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		return false, fmt.Errorf("record %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit %s: %w", m.name, err)
	}
	return true, nil
}

// appliedVersions lists recorded migrations in ascending order, with a 0
// sentinel first so that the slice is never empty.
func appliedVersions(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	vs := []int{0}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// checkKnown refuses a database carrying a migration this binary lacks: a
// newer reelpost changed the schema in ways this one cannot know about.
func checkKnown(applied []int, ms []migration) error {
	for _, v := range applied[1:] {
		found := false
		for _, m := range ms {
			found = found || m.version == v
		}
		if !found {
			return fmt.Errorf("%w: the database has migration %d, this binary knows up to %d",
				ErrSchemaTooNew, v, ms[len(ms)-1].version)
		}
	}
	return nil
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
