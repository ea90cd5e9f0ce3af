package relay

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// refit answers a network's refusal of post for its length
// (publisher.ErrRefusedTooLong): the server counted otherwise than the
// rules said (GoToSocial announcing 25 characters per URL and counting
// links in full, a server whose limits could not be read), so a review
// that fitted on paper would fail for good. It fits the review once more by
// the strictest count (publisher.StrictRules) and sends that, once; what
// the network answers is the attempt's outcome. A refit that cannot fit,
// or that comes out the same text, leaves the refusal as the outcome.
func (r *Relay) refit(ctx context.Context, log *slog.Logger, p publisher.Publisher, rules publisher.Rules,
	rv review.Review, d store.Delivery, post publisher.Post, refusal error) (publisher.Receipt, error) {
	strict, err := r.strict(rules, rv, d, post)
	if err != nil {
		return publisher.Receipt{}, fmt.Errorf("%w; fitting it by the strictest count: %w", refusal, err)
	}
	if strict.Text == post.Text {
		return publisher.Receipt{}, refusal
	}
	log.Warn("post refused for its length: sending it again fitted by the strictest count",
		"length", post.Length, "strict_length", strict.Length, "limit", strict.Limit, "error", refusal)
	return p.Publish(ctx, strict)
}

// strict is post, d's rendering of rv, fitted by the strictest count
// instead: what refit sends. The look for an earlier post renders it too,
// because a refit whose answer was lost made a post with this text, not
// post's.
func (r *Relay) strict(rules publisher.Rules, rv review.Review, d store.Delivery, post publisher.Post) (publisher.Post, error) {
	rt := r.route(d.Feed())
	strict, err := rt.Renderer.Render(publisher.StrictRules(rules), rv, r.renderOptions(rt, d.Seq > 0))
	if err != nil {
		return publisher.Post{}, err
	}
	strict.Key, strict.CreatedAt = post.Key, post.CreatedAt
	return strict, nil
}
