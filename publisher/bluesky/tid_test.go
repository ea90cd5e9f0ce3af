package bluesky_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/publisher/bluesky"
)

// The reference regex of https://atproto.com/specs/tid#tid-syntax.
var tidSyntax = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)

// tidTime decodes a TID's timestamp.
func tidTime(tid string) time.Time {
	var v uint64
	for _, c := range tid {
		v = v<<5 | uint64(strings.IndexRune("234567abcdefghijklmnopqrstuvwxyz", c))
	}
	return time.UnixMicro(int64(v >> 10)).UTC()
}

func TestTIDFromKey(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for i := range 5000 {
		key := fmt.Sprintf("bluesky:@films.test|https://films.example/reviews/%d|0", i)
		tid := bluesky.TIDFromKey(key)
		if again := bluesky.TIDFromKey(key); again != tid {
			t.Fatalf("TIDFromKey(%q) = %s, then %s", key, tid, again)
		}
		if !tidSyntax.MatchString(tid) {
			t.Fatalf("TIDFromKey(%q) = %q, not TID syntax", key, tid)
		}
		if ts := tidTime(tid); ts.Before(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || ts.After(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("TIDFromKey(%q) = %s, time %s outside 2024-01-01..2025-03-01", key, tid, ts)
		}
		if other, dup := seen[tid]; dup {
			t.Fatalf("keys %q and %q both give %s", other, key, tid)
		}
		seen[tid] = key
	}
	// Pinned: a change to the derivation would re-key every post whose
	// outcome a restarted daemon still has to find.
	if got, want := bluesky.TIDFromKey("review-1"), "3kl4pyhgmlkg5"; got != want {
		t.Errorf("TIDFromKey(review-1) = %q, want %q", got, want)
	}
}

func BenchmarkTIDFromKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = bluesky.TIDFromKey("bluesky:@films.test|https://films.example/reviews/l-ete-dernier|0")
	}
}
