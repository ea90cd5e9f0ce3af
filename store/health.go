package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"time"
)

// ErrLedgerGone means the SQLite ledger file was deleted or replaced while
// the Store had it open. Everything written since would go to a file no path
// names, lost at the next start, so the Store refuses every write from then
// on and closes Done.
var ErrLedgerGone = errors.New("ledger deleted or replaced while running")

// ledgerGoneError names the file; it is ErrLedgerGone.
type ledgerGoneError struct{ path string }

func (e *ledgerGoneError) Error() string {
	return fmt.Sprintf("ledger %s was deleted or replaced while running; stopping so nothing is written into an unlinked file", e.path)
}

func (e *ledgerGoneError) Is(target error) bool { return target == ErrLedgerGone }

// WriteError is the outcome of the Store's last write when it failed: a
// full disk, a read-only file, a database that refuses writes. Reads may
// still work; the daemon is not ready while it lasts.
type WriteError struct {
	At  time.Time
	Err error
}

func (e *WriteError) Error() string { return "last write failed: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// health is what the Store knows of its own state beyond one call.
type health struct {
	mu sync.Mutex
	// failing holds the last failure of each kind of write whose last
	// attempt failed; lastOK is the time of the last write that succeeded.
	failing map[uintptr]*WriteError
	lastOK  time.Time

	// SQLite: the ledger file as opened, to notice it deleted or replaced.
	path   string
	opened os.FileInfo
	gone   error
	done   chan struct{}
}

// createLedgerFile creates a SQLite ledger file that does not exist yet,
// readable by its owner only (SQLite would create it with 0644 less the
// umask; its -wal and -shm files take the database file's mode).
func createLedgerFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// watchLedger notes the identity of the SQLite ledger file just opened.
func (s *Store) watchLedger() error {
	path, ok := sqliteFile(s.dsn)
	if s.dialect != DialectSQLite || !ok {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	s.health.path, s.health.opened = path, fi
	return nil
}

// checkLedger fails with ErrLedgerGone once the SQLite ledger's path no
// longer names the file opened (deleted, or another file moved over it). A
// stat costs about a microsecond, nothing beside a write. Errors other than
// "no such file" (a permission change on the directory) decide nothing: the
// write itself will tell.
func (s *Store) checkLedger() error {
	h := &s.health
	if h.opened == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gone != nil {
		return h.gone
	}
	fi, err := os.Stat(h.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil && os.SameFile(fi, h.opened) {
		return nil
	}
	h.gone = &ledgerGoneError{path: h.path}
	close(h.done)
	s.log.Error("ledger deleted or replaced while running", "database", s.where(), "error", h.gone)
	return h.gone
}

// Done is closed when the Store can no longer be written safely: its SQLite
// ledger file was deleted or replaced while running (Err says so). The
// daemon stops then rather than go on posting what it cannot record.
func (s *Store) Done() <-chan struct{} { return s.health.done }

// Err is nil until Done is closed, then an error that is ErrLedgerGone.
func (s *Store) Err() error {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	return s.health.gone
}

// staleFailure is how long a failed kind of write that is not tried again
// keeps the Store reported as failing while other writes succeed.
const staleFailure = 15 * time.Minute

// LastWriteErr is nil when the Store's last write succeeded (or it has made
// none yet), else a *WriteError saying why the latest failed write failed.
//
// The outcome is kept per kind of write (its call site: recording items,
// saving a feed's state, settling a delivery...), and a failure is reported
// until that kind succeeds again: on a full disk an update in place may
// still succeed while every insert fails, and readiness must not turn back
// to ok on the update while no new review can be recorded. A failure not
// retried for staleFailure while other writes succeed is dropped. A write
// that failed only because it was cancelled, or lost a race to another
// writer, or found the lease gone, says nothing of the database and is not
// counted.
func (s *Store) LastWriteErr() error {
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	var last *WriteError
	for kind, we := range h.failing {
		if h.lastOK.Sub(we.At) > staleFailure {
			delete(h.failing, kind)
			continue
		}
		if last == nil || we.At.After(last.At) {
			last = we
		}
	}
	if last == nil {
		return nil
	}
	return last
}

// writeKind names the kind of a write by its call site: the function skip
// frames up (1: writeKind's caller).
func writeKind(skip int) uintptr {
	pc, _, _, ok := runtime.Caller(skip)
	if !ok {
		return 0
	}
	if f := runtime.FuncForPC(pc); f != nil {
		return f.Entry()
	}
	return pc
}

// noteWrite records the outcome of a write of kind.
func (s *Store) noteWrite(ctx context.Context, kind uintptr, err error) {
	switch {
	case err == nil:
	case ctx.Err() != nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrNotFound), errors.Is(err, ErrLeaseLost), retryable(err):
		return
	}
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	now := s.now()
	if err == nil {
		delete(h.failing, kind)
		h.lastOK = now
		return
	}
	if h.failing == nil {
		h.failing = map[uintptr]*WriteError{}
	}
	h.failing[kind] = &WriteError{At: now, Err: err}
}
