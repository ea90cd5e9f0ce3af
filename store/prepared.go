package store

import (
	"context"
	"database/sql"
	"errors"
)

// prepared returns query prepared for this Store, once: database/sql keeps
// it per connection and prepares it again on a connection that lacks it.
// For the reads an idle daemon makes on every poll and every claim tick
// (Feed, Claim's first read): modernc's SQLite driver parses and plans a
// statement on every call otherwise, and those two parses were about a
// third of the CPU of a daemon polling a feed every second (BENCHMARKS.md,
// issue 13). The statements are closed by Close.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

// closeStatements closes what prepared made.
func (s *Store) closeStatements() error {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	var errs []error
	for _, st := range s.stmts {
		errs = append(errs, st.Close())
	}
	s.stmts = nil
	return errors.Join(errs...)
}
