package relay

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target.
func gcPercent() int {
	v := debug.SetGCPercent(100)
	debug.SetGCPercent(v)
	return v
}

// The collector is held tight while any big document is read, and given
// back as the operator set it (GOGC) once the last one is done; a tighter
// or disabled collector is left alone. Not parallel: the target is the
// process's.
func TestGCTightener(t *testing.T) {
	orig := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(orig) })
	for _, start := range []int{100, 200, 5, -1} {
		debug.SetGCPercent(start)
		want := bigDocumentGCPercent
		if start < bigDocumentGCPercent {
			want = start
		}
		var g gcTightener
		g.tighten()
		g.tighten() // a second big document, overlapping
		if got := gcPercent(); got != want {
			t.Errorf("GOGC=%d: while two big documents are read the target is %d, want %d", start, got, want)
		}
		g.relax()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC=%d: while one is still read the target is %d, want %d", start, got, want)
		}
		g.relax()
		if got := gcPercent(); got != start {
			t.Errorf("GOGC=%d: after the last the target is %d, want it back", start, got)
		}
	}
}
