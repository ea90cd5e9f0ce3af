package store

import (
	"context"
	"database/sql"
	"errors"
)

// prepared returns query prepared for this Store, once: database/sql keeps
// it per connection and prepares it again on a connection that lacks it.
// modernc's SQLite driver parses and plans a statement on every call
// otherwise: for the reads an idle daemon makes on every poll and every
// claim tick (Feed, Claim's first read) those parses were about a third of
// its CPU, and for a feed's first sight a third of the ledger's (Record's
// statements, stmts.go; BENCHMARKS.md, issue 13). The statements are
// closed by Close.
//
// The preparing takes a connection of the pool, so it runs without the
// lock: a transaction holding a connection and waiting for the lock
// (stmtRunner) must never wait for a preparation that waits for a
// connection. Two callers preparing the same query at once keep the first.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	st, ok := s.stmts[query]
	s.stmtMu.Unlock()
	if ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if first, ok := s.stmts[query]; ok {
		st.Close()
		return first, nil
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
