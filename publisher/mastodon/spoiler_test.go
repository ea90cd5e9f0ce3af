package mastodon_test

import (
	"context"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/publisher"
)

// TestPublishSpoilerText: a post with a content warning reaches the server
// behind it; one without carries none.
func TestPublishSpoilerText(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, fakeOpts())
	p := newPublisher(t, fake.URL, pubOpts{})
	ctx := context.Background()
	if _, err := p.Publish(ctx, publisher.Post{Key: "rev-1:acct", Text: "Weapons (2025)\n\nThe aunt did it.",
		SpoilerText: "Spoilers: Weapons (2025)"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Publish(ctx, publisher.Post{Key: "rev-2:acct", Text: review}); err != nil {
		t.Fatal(err)
	}
	sts := fake.Statuses()
	if len(sts) != 2 || sts[0].SpoilerText != "Spoilers: Weapons (2025)" || sts[1].SpoilerText != "" {
		t.Fatalf("statuses %+v: want the first behind its warning, the second without", sts)
	}
}
