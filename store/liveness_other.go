//go:build !unix

package store

import (
	"errors"
	"os"
)

// flockSupported: no flock here, so a SQLite ledger's leases are taken over
// only when they expire (liveness.go).
const flockSupported = false

func flockTry(*os.File) (bool, error) {
	return false, errors.New("flock: not supported on this system")
}

func flockShared(*os.File) error {
	return errors.New("flock: not supported on this system")
}

func flockUnlock(*os.File) error {
	return errors.New("flock: not supported on this system")
}
