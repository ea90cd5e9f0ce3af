//go:build !unix

package relay_test

import "time"

var cpuStart = time.Now()

// cpuTime falls back to the wall clock where getrusage is unavailable.
func cpuTime() time.Duration { return time.Since(cpuStart) }
