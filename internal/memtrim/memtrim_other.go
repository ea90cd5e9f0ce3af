//go:build !linux

package memtrim

import "errors"

// releaseExecutable: the executable's pages are dropped on Linux only
// (through /proc/self/smaps and madvise); elsewhere Release returns heap
// memory only.
func releaseExecutable() (int64, error) {
	return 0, errors.New("memtrim: reclaiming the executable's pages is done on Linux only")
}

func rss() int64 { return 0 }
