// Package memtrim gives back the memory an idle daemon holds only because of
// what it did earlier: the garbage of start-up or of a busy spell, and the
// pages of its own executable that package initialisation and that spell
// touched.
//
// Why the executable's pages: reelpost is one static Go binary of about
// 22 MB. Package initialisation (x/text tables, protobuf descriptors for
// client_golang, pgx's type map, SQLite) and the runtime's stack walks touch
// code and function tables all over it, and the kernel maps file pages
// around each fault (64 KiB on Linux by default), so by the first poll some
// 17 MiB of the binary is resident, though an idle poll loop runs about
// 2 MiB of it. Those pages count in the process's RSS and in the container's
// working set (memory use minus inactive file pages, as docker stats and
// the kubelet report it). Release marks them cold and drops them from the
// page tables (madvise), so they leave the RSS and the working set and are
// the first the kernel reclaims; whatever runs later maps its pages again
// from the file (the page cache), as it did the first time.
//
// No library does this (Go's runtime returns heap memory, never the
// executable's pages), hence this small package.
package memtrim

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Result says what a Release did.
type Result struct {
	// Before and After are the process's resident set (VmRSS), in bytes, as
	// the kernel reported it around the release; zero where not known.
	Before, After int64
	// Advised is how many bytes of the executable's read-only mappings were
	// given back (their size; only the resident part was in memory).
	Advised int64
	// Took is how long the release took, the garbage collection included.
	Took time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("RSS %.1f MiB -> %.1f MiB in %s (the executable's %.1f MiB of read-only mappings dropped)",
		mib(r.Before), mib(r.After), r.Took.Round(10*time.Microsecond), mib(r.Advised))
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// Release collects garbage and returns free heap pages to the operating
// system (debug.FreeOSMemory), then, where the platform allows it, asks the
// kernel to drop the executable's read-only mappings from the process's
// resident set. It is safe at any time (the pages come back on demand) but costs
// a full GC and later page faults: call it when the program has become idle,
// not in a tight loop (Trimmer spaces calls out). The error says why the
// executable's pages could not be given back (a sandbox without /proc, an
// executable with text relocations); the heap part has been done either way.
func Release() (Result, error) {
	start := time.Now()
	var res Result
	res.Before = rss()
	debug.FreeOSMemory()
	n, err := releaseExecutable()
	res.Advised = n
	res.After = rss()
	res.Took = time.Since(start)
	return res, err
}

// Trimmer spaces out releases so that each gives back memory worth its
// full GC and the page faults that follow: Release releases only when the
// resident set has grown by MinGrowth bytes or more since the last release
// (or where the size is not known).
//
// A program whose idle work soon faults back in what a release dropped (a
// daemon whose polls come every few seconds: the pages of the code they
// run, its heap at work) calls Idle instead while it stays idle: growth is
// then counted from where the resident set settled after the last release,
// which the first Idle call after it notes, not from the low point right
// after it, which the idle work itself undoes within seconds.
type Trimmer struct {
	MinGrowth int64

	mu sync.Mutex
	// after: VmRSS after the last release, 0 before the first; settled:
	// VmRSS at the first Idle call after it, 0 until then.
	after, settled int64
}

// Release releases memory as the package's Release does, or does nothing
// and reports done false when the resident set has grown by less than
// MinGrowth since the last release (since where it settled after it, if
// an Idle call noted that).
func (t *Trimmer) Release() (res Result, done bool, err error) {
	return t.release(false)
}

// Idle is Release for a call while the program has stayed idle since the
// previous call: the first after a release notes where the resident set
// settled, and releases nothing.
func (t *Trimmer) Idle() (res Result, done bool, err error) {
	return t.release(true)
}

func (t *Trimmer) release(idle bool) (res Result, done bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := rss()
	if t.after > 0 && now > 0 {
		if t.settled == 0 && idle {
			t.settled = now
		}
		base := t.after
		if t.settled > 0 {
			base = t.settled
		}
		if now-base < t.MinGrowth {
			return Result{Before: now, After: now}, false, nil
		}
	}
	res, err = Release()
	t.after, t.settled = res.After, 0
	return res, true, err
}
