package x_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/xfake"
	"github.com/reelpost/reelpost/publisher"
)

// TestLostAnswerIsNotResentByTheTransport: X makes the post, then the
// kept-alive connection breaks before the answer. Go's transport resends a
// POST on its own only when it counts as replayable (an Idempotency-Key or
// X-Idempotency-Key header: net/http's Request.isReplayable), which X's
// must never be: the post is sent once, and the outcome is reported unknown.
func TestLostAnswerIsNotResentByTheTransport(t *testing.T) {
	t.Parallel()
	fake := xfake.New(t, creds)
	p := newPublisher(t, fake.URL, creds, 5*time.Second, nil)
	// The credentials check leaves a kept-alive connection, which the post
	// reuses: only then does the transport think of resending.
	if _, err := p.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	fake.FailNext(xfake.FaultAfterCommit, 1)
	_, err := p.Publish(context.Background(), publisher.Post{Key: "k", Text: "Paris, Texas (1984)"})
	if pe := pubError(t, err); pe.Kind != publisher.Transient || !pe.Sent {
		t.Fatalf("lost answer: %v (sent %t); want transient, sent", err, pe.Sent)
	}
	posts := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPost && r.Path == "/2/tweets" {
			posts++
		}
	}
	if n := len(fake.Posts()); posts != 1 || n != 1 {
		t.Fatalf("X got %d POST /2/tweets and holds %d posts; want 1 and 1", posts, n)
	}
}
