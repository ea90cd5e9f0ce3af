package main

import (
	"bytes"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/memtrim"
)

// TestReleaseMemoryLogs: what the daemon does when it goes quiet is visible
// at LOG_LEVEL=debug, and on Linux it reaches the executable's pages (not
// only the heap).
func TestReleaseMemoryLogs(t *testing.T) {
	var buf bytes.Buffer
	releaseMemory(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &memtrim.Trimmer{}, releaseEveryTime, 1)
	out := buf.String()
	t.Log(out)
	if !strings.Contains(out, "memory released") || !strings.Contains(out, "RSS ") {
		t.Fatalf("no release logged: %q", out)
	}
	if runtime.GOOS == "linux" && strings.Contains(out, "heap only") {
		t.Fatalf("on Linux the executable's pages should be dropped too: %q", out)
	}
}

// TestReleaseOncePerQuietSpell: with polls close together, the daemon gives
// memory back when it goes quiet, not again at the next quiet calls while
// nothing happens although the polls brought some of it back (they would
// again at once), and again after it did something that grew its memory.
func TestReleaseOncePerQuietSpell(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the resident set is read from /proc on Linux only: elsewhere every call releases")
	}
	release, releases, logged := releaseLog()
	release(releaseOncePerSpell, 1)
	polls := touch(8 << 20) // what the polls bring back after the release
	for n := 2; n <= 4; n++ {
		release(releaseOncePerSpell, n)
	}
	if got := releases(); got != 1 {
		t.Fatalf("%d releases in a quiet spell of 4 calls, want 1:\n%s", got, logged())
	}
	work := touch(16 << 20) // a busy spell, then quiet again
	release(releaseOncePerSpell, 1)
	if got := releases(); got != 2 {
		t.Fatalf("%d releases after the work and a new spell, want 2:\n%s", got, logged())
	}
	runtime.KeepAlive(polls)
	runtime.KeepAlive(work)
}

// TestReleaseEveryQuietCall: with polls far apart, memory that grew back
// is given back at every quiet call.
func TestReleaseEveryQuietCall(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the resident set is read from /proc on Linux only")
	}
	release, releases, logged := releaseLog()
	release(releaseEveryTime, 1)
	polls := touch(8 << 20)
	release(releaseEveryTime, 2)
	if got := releases(); got != 2 {
		t.Fatalf("%d releases, want 2:\n%s", got, logged())
	}
	runtime.KeepAlive(polls)
}

// touch allocates n bytes and writes to each of their pages, so that they
// are resident.
func touch(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < len(b); i += os.Getpagesize() {
		b[i] = 1
	}
	return b
}

// releaseLog is releaseMemory with one Trimmer, as reelpost run has, and a
// log read back: release calls it, releases counts the releases logged.
func releaseLog() (release func(releasing, int), releases func() int, logged func() string) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	trim := &memtrim.Trimmer{MinGrowth: releaseMinGrowth}
	return func(when releasing, n int) { releaseMemory(log, trim, when, n) },
		func() int { return strings.Count(buf.String(), "memory released") },
		buf.String
}
