package relay

import (
	"context"
	"log/slog"
	"time"

	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/review"
)

// dryRun shows the posts a new review would make instead of sending them.
func (r *Relay) dryRun(ctx context.Context, rv review.Review, at time.Time) {
	// As a delivery would be, but a dry run cannot wait for TMDB.
	log := r.log.With("item_key", rv.Key)
	if _, err := r.fillFilm(ctx, log, &rv); err != nil {
		log.Warn("tmdb unavailable; posting without trailer", "reason", err.Error())
	}
	rt := r.route(rv.FeedURL)
	posts := preview.Render(ctx, rt.Renderer, r.publishersOf(rt), rv, r.renderOptions(rt, false))
	// The text goes to the log at info level unless it is shown to a person
	// as well.
	level := slog.LevelInfo
	if r.o.ShowDryRun != nil {
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
	if r.o.ShowDryRun != nil {
		r.showMu.Lock()
		r.o.ShowDryRun(rv, posts, at)
		r.showMu.Unlock()
	}
}
