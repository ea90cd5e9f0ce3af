// Package preview renders a review for every place it would be posted,
// without posting: what a dry run and reelpost preview show.
package preview

import (
	"context"
	"fmt"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/review"
)

// Target is one place a post is rendered for: a configured account, or,
// with none configured, a network with its default rules.
type Target struct {
	Account string
	Network publisher.Network
	Rules   publisher.Rules
}

// Post is a post as it would be sent to its Target, or why it cannot be.
type Post struct {
	Target Target
	Post   publisher.Post
	Err    error
}

// Render renders rv for each publisher, or for every network's default
// rules when pubs is empty. An account whose rules cannot be had gets a
// Post with Err set, and the others are still rendered.
func Render(ctx context.Context, rd *publisher.Renderer, pubs []publisher.Publisher, rv review.Review, o publisher.RenderOptions) []Post {
	var targets []Target
	var out []Post
	if len(pubs) == 0 {
		for _, n := range publisher.Networks {
			targets = append(targets, Target{Account: string(n) + " (default rules)", Network: n, Rules: publisher.DefaultRules(n)})
		}
	}
	for _, p := range pubs {
		rules, err := p.Rules(ctx)
		if err != nil {
			out = append(out, Post{Target: Target{Account: p.ID(), Network: p.Network()}, Err: fmt.Errorf("rules of %s: %w", p.ID(), err)})
			continue
		}
		targets = append(targets, Target{Account: p.ID(), Network: p.Network(), Rules: rules})
	}
	for _, t := range targets {
		post, err := rd.Render(t.Rules, rv, o)
		out = append(out, Post{Target: t, Post: post, Err: err})
	}
	return out
}
