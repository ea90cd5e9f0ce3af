package relay

import (
	"sync"

	"github.com/reelpost/reelpost/feed"
)

// printCache keeps, per feed, the prints of the last document whose items
// were all recorded (see feed.ItemPrints): a later document they cover says
// nothing new, and is neither parsed nor recorded. It lives in memory only:
// after a restart a feed's first poll is parsed in full, and another
// replica's polls are its own business, since whatever a covered document
// holds is in the ledger already.
type printCache struct {
	mu    sync.Mutex
	feeds map[string]feed.Prints
}

func newPrintCache() *printCache { return &printCache{feeds: map[string]feed.Prints{}} }

// covers reports whether the last recorded document of feedURL covers cur.
func (c *printCache) covers(feedURL string, cur *feed.Prints) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	last, ok := c.feeds[feedURL]
	return ok && last.Covers(cur)
}

// set remembers ps as feedURL's last recorded document; ok false forgets
// the feed (its document could not be printed).
func (c *printCache) set(feedURL string, ps feed.Prints, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok {
		c.feeds[feedURL] = ps
	} else {
		delete(c.feeds, feedURL)
	}
}
