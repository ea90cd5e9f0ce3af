package feed

import (
	"net/url"

	"github.com/mmcdole/gofeed"
)

// Item is one item of a parsed feed, as gofeed read it, with what the feed
// around it says: which feed it came from, where in it, and the base its
// relative links resolve against. It is what the review package reads.
type Item struct {
	*gofeed.Item
	// FeedURL is the feed the item came from.
	FeedURL string
	// Index is the item's position in the feed's document, from 0.
	Index int
	// Base resolves the item's relative links: the feed's own link, else
	// FeedURL (see Base); nil when neither is an absolute http(s) URL.
	Base *url.URL
}

// Items returns f's items in document order, the nil ones left out, each
// with its feed's base, which is worked out once for all of them.
func Items(feedURL string, f *gofeed.Feed) []Item {
	if f == nil {
		return nil
	}
	base := Base(feedURL, f)
	items := make([]Item, 0, len(f.Items))
	for i, it := range f.Items {
		if it != nil {
			items = append(items, Item{Item: it, FeedURL: feedURL, Index: i, Base: base})
		}
	}
	return items
}

// Base returns the base for a feed's own links: its link, else the feed
// URL: items' relative links are relative to the site, which the feed names
// in its link (the feed itself may be served from elsewhere, a feed proxy say).
//
// The feed URL's credentials (user information, query) are not part of the
// base: a relative link resolved against it would carry them into a post.
func Base(feedURL string, f *gofeed.Feed) *url.URL {
	feedBase := ParseBase(feedURL)
	if feedBase != nil {
		feedBase.User, feedBase.RawQuery, feedBase.ForceQuery = nil, "", false
	}
	if f != nil && f.Link != "" {
		if u := ParseBase(ResolveURL(feedBase, f.Link)); u != nil {
			return u
		}
	}
	return feedBase
}
