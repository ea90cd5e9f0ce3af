package relay

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/review"
)

// Target is one place a dry-run post is rendered for: a configured account,
// or, with none configured, a network with its default rules.
type Target struct {
	Account string
	Network publisher.Network
	Rules   publisher.Rules
}

// DryRunPost is a post as it would be sent.
type DryRunPost struct {
	Target Target
	Post   publisher.Post
	Err    error
}

// Render renders rv for every configured account, or for every network with
// its default rules when no account is configured: what a dry run shows.
func (r *Relay) Render(ctx context.Context, rv review.Review, repost bool) []DryRunPost {
	return RenderAll(ctx, r.o.Renderer, r.o.Publishers, rv, publisher.RenderOptions{Repost: repost, Lang: r.o.Language})
}

// RenderAll renders rv for each publisher, or for every network's default
// rules when pubs is empty.
func RenderAll(ctx context.Context, rd *publisher.Renderer, pubs []publisher.Publisher, rv review.Review, o publisher.RenderOptions) []DryRunPost {
	var targets []Target
	var out []DryRunPost
	if len(pubs) == 0 {
		for _, n := range publisher.Networks {
			targets = append(targets, Target{Account: string(n) + " (default rules)", Network: n, Rules: publisher.DefaultRules(n)})
		}
	}
	for _, p := range pubs {
		rules, err := p.Rules(ctx)
		if err != nil {
			out = append(out, DryRunPost{Target: Target{Account: p.ID(), Network: p.Network()}, Err: fmt.Errorf("rules of %s: %w", p.ID(), err)})
			continue
		}
		targets = append(targets, Target{Account: p.ID(), Network: p.Network(), Rules: rules})
	}
	for _, t := range targets {
		post, err := rd.Render(t.Rules, rv, o)
		out = append(out, DryRunPost{Target: t, Post: post, Err: err})
	}
	return out
}

// PrintPosts writes dry-run posts for a person.
func PrintPosts(w io.Writer, rv review.Review, posts []DryRunPost, at time.Time) {
	fmt.Fprintf(w, "=== dry run: %q (%s)", rv.Title, rv.Link)
	if !at.IsZero() {
		fmt.Fprintf(w, ", due %s", at.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	for _, dp := range posts {
		if dp.Err != nil {
			fmt.Fprintf(w, "--- %s: cannot render: %v\n", dp.Target.Account, dp.Err)
			continue
		}
		fmt.Fprintf(w, "--- %s [%s] %d/%d\n%s\n", dp.Target.Account, dp.Target.Network, dp.Post.Length, dp.Post.Limit, dp.Post.Text)
	}
}

// dryRun shows the posts a new review would make instead of sending them.
func (r *Relay) dryRun(ctx context.Context, rv review.Review, at time.Time) {
	posts := r.Render(ctx, rv, false)
	// The text goes to the log at info level unless it is printed for a
	// person as well.
	level := slog.LevelInfo
	if r.o.DryRunOut != nil {
		level = slog.LevelDebug
	}
	for _, dp := range posts {
		if dp.Err != nil {
			r.log.Error("dry run: render", "account", dp.Target.Account, "item_key", rv.Key, "error", dp.Err)
			continue
		}
		r.log.Log(ctx, level, "dry run: would post", "account", dp.Target.Account, "network", string(dp.Target.Network),
			"item_key", rv.Key, "due", at, "length", dp.Post.Length, "limit", dp.Post.Limit, "text", dp.Post.Text)
	}
	if r.o.DryRunOut != nil {
		r.outMu.Lock()
		PrintPosts(r.o.DryRunOut, rv, posts, at)
		r.outMu.Unlock()
	}
}
