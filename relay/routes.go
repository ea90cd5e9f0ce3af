package relay

import (
	"fmt"
	"slices"

	"github.com/reelpost/reelpost/publisher"
)

// Route is where one feed's reviews go and how they read (FEED_<n>_TO,
// FEED_<n>_TEMPLATE, POST_HASHTAGS and FEED_<n>_HASHTAGS): several blogs,
// or a Letterboxd account and a blog, each posting to accounts of its own
// from one daemon.
type Route struct {
	// Accounts are the IDs of the accounts the feed's new reviews get
	// deliveries for, among Options.Publishers'; nil: every one.
	Accounts []string
	// Renderer renders the feed's posts (its own template); nil:
	// Options.Renderer.
	Renderer *publisher.Renderer
	// Hashtags are added to each of the feed's posts, without '#'; nil:
	// Options.Hashtags.
	Hashtags []string
}

// checkRoutes refuses a route to an account no publisher has: its
// deliveries would wait for ever.
func checkRoutes(o Options, pubs map[string]publisher.Publisher) error {
	for url, rt := range o.Routes {
		if !slices.Contains(o.Feeds, url) {
			return fmt.Errorf("relay: a route for %s, which is not among the feeds", url)
		}
		for _, a := range rt.Accounts {
			if _, ok := pubs[a]; !ok {
				return fmt.Errorf("relay: the route of %s names account %s, which is not configured", url, a)
			}
		}
	}
	return nil
}

// route is feedURL's route with the defaults filled in. A feed no longer
// configured (the item of a pending delivery) takes the defaults.
func (r *Relay) route(feedURL string) Route {
	rt := r.o.Routes[feedURL]
	if rt.Accounts == nil {
		rt.Accounts = r.order
	}
	if rt.Renderer == nil {
		rt.Renderer = r.o.Renderer
	}
	if rt.Hashtags == nil {
		rt.Hashtags = r.o.Hashtags
	}
	return rt
}

// publishersOf lists the publishers of rt's accounts, in configuration
// order.
func (r *Relay) publishersOf(rt Route) []publisher.Publisher {
	var out []publisher.Publisher
	for _, p := range r.o.Publishers {
		if slices.Contains(rt.Accounts, p.ID()) {
			out = append(out, p)
		}
	}
	return out
}

// renderOptions are the options of a post of a review of rt.
func (r *Relay) renderOptions(rt Route, repost bool) publisher.RenderOptions {
	return publisher.RenderOptions{Repost: repost, Lang: r.o.Language, Hashtags: rt.Hashtags}
}
