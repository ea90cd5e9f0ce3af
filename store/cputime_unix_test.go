//go:build unix

package store

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time: unlike the wall clock, it
// does not count the time other processes on a shared machine took (on
// SQLite it is the whole cost; on PostgreSQL the client's share).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
