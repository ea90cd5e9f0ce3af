package store

import (
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Turns at a SQLite ledger's write lock between processes.
//
// A process waiting for the write lock (reelpost repost beside the daemon,
// a second replica) waits in SQLite's busy handler, which sleeps and looks
// again, every 100 ms once it has waited a while; a process that begins
// its next write the moment the last one ends can leave it no free moment
// for longer than its busy timeout (seen under load while the daemon
// recorded a round of first sights: TestAnotherProcessWritesWhileRecordsStream).
// So every Store writing to a SQLite file holds a shared flock on
// LEDGER.owners/writers for the length of each write, waiting included;
// and a Store that has been writing back to back for streakMax looks,
// before its next write, whether another holds it: if so it pauses for
// yieldGap, longer than the busy handler's longest sleep, so that the
// other finds the lock free. A Store writing alone never pauses.

const (
	streakMax = time.Second
	yieldGap  = 110 * time.Millisecond
)

// turns is a Store's part in that; the zero value (PostgreSQL, an
// in-memory database, no flock, a flag file that cannot be made) takes no
// turns. Its fields are used under the Store's writer slot.
type turns struct {
	path string // the flag file; "" for none

	once sync.Once
	f    *os.File // nil: none (yet, or for good)

	streak, ended time.Time // the current run of back-to-back writes
}

func newTurns(dialect, dsn string) turns {
	path, ok := sqliteFile(dsn)
	if dialect != DialectSQLite || !ok || !flockSupported {
		return turns{}
	}
	return turns{path: filepath.Join(path+".owners", "writers")}
}

// file opens the flag file, once; nil where it cannot be made (a
// read-only directory: the writes go on, without turns).
func (t *turns) file() *os.File {
	t.once.Do(func() {
		if t.path == "" {
			return
		}
		if err := os.MkdirAll(filepath.Dir(t.path), 0o700); err != nil {
			return
		}
		if f, err := os.OpenFile(t.path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
			t.f = f
		}
	})
	return t.f
}

// begin is called before a write: it pauses when this Store has written
// back to back for streakMax and another Store writes or waits to, then
// marks this one as writing. end must follow the write.
func (t *turns) begin() {
	f := t.file()
	if f == nil {
		return
	}
	now := time.Now()
	switch {
	case t.ended.IsZero() || now.Sub(t.ended) > 5*time.Millisecond:
		t.streak = now // the lock was free a while: a new run
	case now.Sub(t.streak) >= streakMax:
		if free, err := flockTry(f); err == nil && !free {
			time.Sleep(yieldGap)
		} else if free {
			_ = flockUnlock(f)
		}
		t.streak = time.Now()
	}
	_ = flockShared(f)
}

// end marks the write done.
func (t *turns) end() {
	if t.f == nil {
		return
	}
	_ = flockUnlock(t.f)
	t.ended = time.Now()
}

// close closes the flag file.
func (t *turns) close() error {
	if t.f == nil {
		return nil
	}
	return t.f.Close()
}
