package feed

import (
	"bytes"

	"github.com/mmcdole/gofeed"
)

// ParseBatches reads a feed as Parse does, but hands its items to fn a
// batch at a time: each call gets a *gofeed.Feed with the channel's own
// fields and the next items of the document, in document order, about
// batchBytes of them (at least one item); first is the position in the
// document of the batch's first item. fn's error stops the reading and is
// returned as it is; a parse failure is a *ParseError, as from Parse.
//
// Parsing a whole feed at once holds gofeed's tree of every item until the
// last one is read (gofeed reads 16 MiB of feed into about 8 times as much
// memory, most of it garbage): a big feed's first sight would need several
// times its size. In batches, only one batch is held at a time, and the
// document itself is let go as it is read, so body must not be used by the
// caller afterwards. A document the item scan of ItemPrints does not follow
// (a JSON Feed, UTF-16, a feed cut short, items that are not siblings) is
// parsed whole: one batch, as Parse would.
func ParseBatches(feedURL string, body []byte, contentType string, batchBytes int, fn func(f *gofeed.Feed, first int) error) error {
	var doc []byte
	if _, err := parseGuarded(feedURL, func() (*gofeed.Feed, error) {
		var err error
		doc, err = prepare(body, contentType)
		return nil, err
	}); err != nil {
		return err
	}
	body = nil
	items, ok := siblingItems(doc)
	size := 0
	for _, sp := range items {
		size += sp.end - sp.start
	}
	if !ok || size <= batchBytes {
		f, err := parseGuarded(feedURL, func() (*gofeed.Feed, error) { return parseDoc(doc) })
		if err != nil {
			return err
		}
		return fn(f, 0)
	}
	// The channel around the items: what comes before the first and after
	// the last, kept apart so that the document can go.
	prefix := bytes.Clone(doc[:items[0].start])
	suffix := bytes.Clone(doc[items[len(items)-1].end:])
	base := 0 // doc[0] is at this offset of the document as prepared
	var mini []byte
	for first := 0; first < len(items); {
		last, n := first, 0
		for last < len(items) && (last == first || n+items[last].end-items[last].start <= batchBytes) {
			n += items[last].end - items[last].start
			last++
		}
		mini = append(mini[:0], prefix...)
		for _, sp := range items[first:last] {
			mini = append(mini, doc[sp.start-base:sp.end-base]...)
			mini = append(mini, '\n')
		}
		mini = append(mini, suffix...)
		f, err := parseGuarded(feedURL, func() (*gofeed.Feed, error) { return parseDoc(mini) })
		if err != nil {
			return err
		}
		if err := fn(f, first); err != nil {
			return err
		}
		first = last
		// Let go of what is read once it is a quarter of what is held.
		if first < len(items) && items[first].start-base > len(doc)/4 {
			cut := items[first].start - base
			doc = bytes.Clone(doc[cut:])
			base += cut
		}
	}
	return nil
}

// siblingItems returns the items of doc when the item scan follows it and
// they are siblings, one after the other with nothing but space between
// them: a batch of them with the text around all of them is then a
// document of its own.
func siblingItems(doc []byte) ([]span, bool) {
	var sc printScan
	if !sc.scan(doc) || len(sc.items) == 0 {
		return nil, false
	}
	for i := 1; i < len(sc.items); i++ {
		if len(bytes.TrimSpace(doc[sc.items[i-1].end:sc.items[i].start])) > 0 {
			return nil, false
		}
	}
	return sc.items, true
}
