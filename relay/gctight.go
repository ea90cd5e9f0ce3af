package relay

import (
	"runtime/debug"
	"sync"
)

// bigDocumentGCPercent is the garbage collector's target while a big
// document is read and recorded: the heap may grow a quarter over what is
// live, instead of doubling (GOGC=100).
const bigDocumentGCPercent = 10

// gcTightener holds the garbage collector tight while big documents are
// read and recorded. What such a document needs at once is about its own
// size, twice (the document, then the reviews it holds), but with Go's
// default target the heap doubles what is live between collections, and a
// 16 MiB feed's first sight peaked at 9 times the feed's size. A tighter
// target costs some CPU, only then, and only for the documents that need
// it. Polls overlap: the target is lowered by the first and restored by the
// last, to what it was (GOGC included; a lower GOGC, or GOGC=off, is left
// alone).
type gcTightener struct {
	mu   sync.Mutex
	n    int
	prev int
}

func (g *gcTightener) tighten() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == 0 {
		g.prev = debug.SetGCPercent(bigDocumentGCPercent)
		if g.prev < bigDocumentGCPercent {
			// Already tighter, or off (GOGC=off, with a memory limit
			// presumably): the operator's choice stands.
			debug.SetGCPercent(g.prev)
		}
	}
	g.n++
}

func (g *gcTightener) relax() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.n == 0 {
		debug.SetGCPercent(g.prev)
	}
}
