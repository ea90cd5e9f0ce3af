//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// flockSupported: SQLite ledgers get lease locks (liveness.go).
const flockSupported = true

// flockTry takes an exclusive flock(2) on f without waiting: false if
// another open file holds it. The lock goes with f's last descriptor, or
// with the process, however it ends.
func flockTry(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		default:
			return false, &os.PathError{Op: "flock", Path: f.Name(), Err: err}
		}
	}
}

// flockShared takes a shared flock(2) on f, waiting while an exclusive one
// is held (turns.go: a probe, held for an instant).
func flockShared(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// flockUnlock releases f's flock.
func flockUnlock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
