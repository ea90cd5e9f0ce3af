package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/relay"
)

// feedRoute is where one feed's reviews go and how they read: the
// configuration's Route (FEED_URLS, FEED_<n>_*) with its accounts' publishers
// and its template's renderer.
type feedRoute struct {
	url string
	// renderer is the feed's own (FEED_<n>_TEMPLATE) or the shared one.
	renderer *publisher.Renderer
	// hashtags are POST_HASHTAGS' and the feed's own, without '#'.
	hashtags []string
	// pubs are the accounts the feed posts to, in configuration order;
	// empty when no account is configured (a dry run).
	pubs []publisher.Publisher
}

// routes maps each configured feed to its route; a feed not configured
// (preview's arguments) takes other.
type routes struct {
	byURL map[string]feedRoute
	other feedRoute
}

// route is url's route.
func (rs routes) route(url string) feedRoute {
	if r, ok := rs.byURL[url]; ok {
		return r
	}
	r := rs.other
	r.url = url
	return r
}

// buildRoutes resolves cfg's routes against the built publishers (labels[i]
// is pubs[i]'s); shared renders every feed without a template of its own.
func buildRoutes(cfg *config.Config, shared *publisher.Renderer, pubs []publisher.Publisher, labels []string) (routes, error) {
	rs := routes{byURL: map[string]feedRoute{},
		other: feedRoute{renderer: shared, hashtags: cfg.Hashtags(), pubs: pubs}}
	for _, r := range cfg.Routes() {
		fr := feedRoute{url: r.URL, renderer: shared, hashtags: r.Hashtags}
		if r.Template != "" {
			// The feed's template stands for POST_TEMPLATE and the
			// network ones; reposts keep REPOST_TEMPLATE.
			rd, err := publisher.NewRenderer(publisher.Templates{Default: r.Template, Repost: cfg.RepostTemplate})
			if err != nil {
				var te *publisher.TemplateError
				if errors.As(err, &te) && te.Var == "POST_TEMPLATE" {
					err = te.Err // the feed's template, which stands where POST_TEMPLATE would
				}
				return routes{}, &exitError{code: exitConfig, err: fmt.Errorf("configuration: %s_TEMPLATE: %w", r.Feed, err)}
			}
			rd.PostMentions = cfg.PostMentions
			fr.renderer = rd
		}
		for i, p := range pubs {
			if r.PostsTo(labels[i]) {
				fr.pubs = append(fr.pubs, p)
			}
		}
		rs.byURL[r.URL] = fr
	}
	return rs, nil
}

// relayRoutes are a's routes as the relay takes them.
func (a *app) relayRoutes() map[string]relay.Route {
	out := make(map[string]relay.Route, len(a.routes.byURL))
	for url, fr := range a.routes.byURL {
		out[url] = relay.Route{Accounts: fr.accounts(), Renderer: fr.renderer, Hashtags: slices.Clip(fr.hashtags)}
	}
	return out
}

// accounts lists the IDs of the accounts r posts to.
func (r feedRoute) accounts() []string {
	ids := make([]string, 0, len(r.pubs))
	for _, p := range r.pubs {
		ids = append(ids, p.ID())
	}
	return slices.Clip(ids)
}
