package main

import (
	"bytes"
	"log/slog"
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
	releaseMemory(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &memtrim.Trimmer{}, 1)
	out := buf.String()
	t.Log(out)
	if !strings.Contains(out, "memory released") || !strings.Contains(out, "RSS ") {
		t.Fatalf("no release logged: %q", out)
	}
	if runtime.GOOS == "linux" && strings.Contains(out, "heap only") {
		t.Fatalf("on Linux the executable's pages should be dropped too: %q", out)
	}
}
