package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestSQLiteLedgerDeletedOrReplacedWhileRunning: once the ledger's path no
// longer names the file opened, every write and claim fails with an error
// naming the file, Done is closed and Ping fails, instead of the store going
// on writing into a file that the next start will not see.
func TestSQLiteLedgerDeletedOrReplacedWhileRunning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		do   func(t *testing.T, path string)
	}{
		{"deleted", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}},
		{"replaced", func(t *testing.T, path string) {
			other := filepath.Join(filepath.Dir(path), "restored.db")
			if err := os.WriteFile(other, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "ledger.db")
			s, err := Open(ctx, path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts)
			select {
			case <-s.Done():
				t.Fatal("Done closed before anything happened to the ledger")
			default:
			}
			tc.do(t, path)

			_, err = s.RecordItems(ctx, reviewsFeed, numbered(reviewsFeed, 1), threeAccounts)
			if !errors.Is(err, ErrLedgerGone) {
				t.Fatalf("RecordItems after the ledger was %s: err = %v, want ErrLedgerGone", tc.name, err)
			}
			want := "ledger " + path + " was deleted or replaced while running; stopping so nothing is written into an unlinked file"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error = %q, want it to say %q", err, want)
			}
			select {
			case <-s.Done():
			default:
				t.Fatal("Done not closed")
			}
			if !errors.Is(s.Err(), ErrLedgerGone) {
				t.Errorf("Err = %v", s.Err())
			}
			if err := s.Ping(ctx); !errors.Is(err, ErrLedgerGone) {
				t.Errorf("Ping = %v, want ErrLedgerGone", err)
			}
			if _, err := s.Claim(ctx, ClaimOptions{Owner: "a", Lease: time.Minute}); !errors.Is(err, ErrLedgerGone) {
				t.Errorf("Claim = %v, want ErrLedgerGone", err)
			}
			if _, err := s.Release(ctx, "a"); !errors.Is(err, ErrLedgerGone) {
				t.Errorf("Release = %v, want ErrLedgerGone", err)
			}
		})
	}
}

// TestSQLiteLedgerFilesArePrivate: the ledger holds what was posted where;
// its file (and SQLite's -wal and -shm beside it), and the lease locks'
// directory and files, are the owner's only, whatever the umask.
func TestSQLiteLedgerFilesArePrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts)
	claim(t, s, ClaimOptions{Owner: "host-1/abcd", Lease: time.Minute, Limit: 1})
	for p, want := range map[string]os.FileMode{
		path:                          0o600,
		path + "-wal":                 0o600,
		path + "-shm":                 0o600,
		path + ".owners":              0o700 | os.ModeDir,
		lockFile(path, "host-1/abcd"): 0o600,
	} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("stat: %v", err)
			continue
		}
		if got := fi.Mode() & (os.ModePerm | os.ModeDir); got != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), got, want)
		}
	}
}

func lockFile(ledger, owner string) string {
	return filepath.Join(ledger+".owners", lockName(owner))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestSQLiteLeaseLocksLeaveNothingBehind: a process that stops holding no
// lease removes its lock file; a dead owner's file goes once its leases are
// taken over; and one left by a process killed while idle goes at the next
// claimer's start, so LEDGER.owners/ does not fill up over restarts.
func TestSQLiteLeaseLocksLeaveNothingBehind(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ledger.db")
	clk := newClock()
	s, err := Open(context.Background(), path, Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, mainFeed, numbered(mainFeed, 2), []string{"x:main"})

	idle := reopen(t, s, Options{Now: clk.Now})
	claim(t, idle, ClaimOptions{Owner: "idle", Lease: time.Hour, Accounts: []string{"nobody"}})
	if !exists(lockFile(path, "idle")) {
		t.Fatal("a claiming process has no lock file")
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if exists(lockFile(path, "idle")) {
		t.Error("a process that held no lease left its lock file at Close")
	}

	dead := reopen(t, s, Options{Now: clk.Now})
	claim(t, dead, ClaimOptions{Owner: "dead", Lease: time.Hour, Limit: 1})
	if err := dead.Close(); err != nil {
		t.Fatal(err)
	}
	if !exists(lockFile(path, "dead")) {
		t.Fatal("a process that died holding a lease left no lock file: nobody can tell it is dead")
	}
	// Left by a process killed while idle: unlocked, no lease.
	killed := lockFile(path, "killed")
	if err := os.WriteFile(killed, []byte("killed"), 0o600); err != nil {
		t.Fatal(err)
	}

	next := reopen(t, s, Options{Now: clk.Now})
	claim(t, next, ClaimOptions{Owner: "next", Lease: time.Hour, Limit: 1, Accounts: []string{"nobody"}})
	clk.Advance(DeadOwnerGrace)
	if got := claim(t, next, ClaimOptions{Owner: "next", Lease: time.Hour, Limit: 1}); len(got) != 1 || !got[0].Unknown {
		t.Fatalf("claimed %+v, want the dead owner's delivery, unknown", got)
	}
	for _, o := range []string{"dead", "killed"} {
		if exists(lockFile(path, o)) {
			t.Errorf("the lock file of %s is still there", o)
		}
	}
	if !exists(lockFile(path, "next")) {
		t.Error("the live owner's lock file was removed")
	}
}

// TestSQLiteWithoutLockFilesLeasesRunOut: where no lock file can be made
// beside the ledger, a process still claims (with a warning), and its
// deliveries, should it die, wait for their lease as before: nobody can
// tell it is dead, so nobody takes them early.
func TestSQLiteWithoutLockFilesLeasesRunOut(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ledger.db")
	if err := os.WriteFile(path+".owners", []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	s, err := Open(context.Background(), path, Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, mainFeed, numbered(mainFeed, 1), []string{"x:main"})
	dead := reopen(t, s, Options{Now: clk.Now})
	if got := claim(t, dead, ClaimOptions{Owner: "dead", Lease: time.Minute}); len(got) != 1 {
		t.Fatalf("claimed %v without a lock file, want the delivery", ids(got))
	}
	if err := dead.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(DeadOwnerGrace)
	if got := claim(t, s, ClaimOptions{Owner: "next", Lease: time.Minute}); len(got) != 0 {
		t.Fatalf("claimed %v from an owner nobody can tell dead or alive, before its lease expired", ids(got))
	}
	clk.Advance(time.Minute)
	if got := claim(t, s, ClaimOptions{Owner: "next", Lease: time.Minute}); len(got) != 1 || !got[0].Unknown {
		t.Fatalf("after the lease: claimed %+v, want the delivery, unknown", got)
	}
}
