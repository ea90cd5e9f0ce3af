package mastodon_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/publisher"
)

// TestLostAnswerIsNotResentByTheTransport: the server makes the status,
// then the kept-alive connection breaks before the answer. Go's transport
// would resend a POST carrying Idempotency-Key on its own, and GoToSocial,
// which ignores the key, would make the status twice. The publisher must
// send it once and report the outcome as unknown (Sent), for the relay to
// look for it.
func TestLostAnswerIsNotResentByTheTransport(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		flavour mastodonfake.Flavour
	}{
		{name: "gotosocial", flavour: mastodonfake.FlavourGoToSocial},
		{name: "mastodon", flavour: mastodonfake.FlavourMastodon},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := fakeOpts()
			o.Flavour = tc.flavour
			fake := mastodonfake.New(t, o)
			p := newPublisher(t, fake.URL, pubOpts{})
			// The instance read leaves a kept-alive connection, which the
			// post reuses: only then does the transport think of resending.
			if _, err := p.Rules(context.Background()); err != nil {
				t.Fatal(err)
			}
			fake.FailNext(mastodonfake.FaultAfterCommit, 1)
			_, err := p.Publish(context.Background(), publisher.Post{Key: "rev-heat:acct", Text: review})
			if err == nil {
				t.Fatal("Publish succeeded: the transport sent the status again after the lost answer")
			}
			if pe := pubError(t, err); pe.Kind != publisher.Transient || !pe.Sent {
				t.Fatalf("lost answer: %v (sent %t); want transient, sent", err, pe.Sent)
			}
			posts := 0
			for _, r := range fake.Requests() {
				if r.Method == http.MethodPost && r.Path == "/api/v1/statuses" {
					posts++
				}
			}
			if sts := fake.Statuses(); posts != 1 || len(sts) != 1 {
				t.Fatalf("the server got %d status POSTs and holds %d statuses; want 1 and 1", posts, len(sts))
			}
		})
	}
}

// TestFindKnowsTheRefit: the status on the server is the refit of a review
// (fitted by the strictest count, its title cut), while the post rendered
// for the next attempt is the full text. Find matches the status only when
// it is given the refit among the variants.
func TestFindKnowsTheRefit(t *testing.T) {
	t.Parallel()
	o := fakeOpts()
	o.Flavour = mastodonfake.FlavourGoToSocial
	fake := mastodonfake.New(t, o)
	p := newPublisher(t, fake.URL, pubOpts{})
	const link = "https://example.com/reviews/her-the-lonely-letter-writer-directors-cut"
	links := []publisher.Link{{Display: link, URL: link}}
	full := publisher.Post{Key: "rev-her:acct", Text: "Her: The Lonely Letter Writer (Director's Cut)\n\nA tender film.\n\n" + link,
		Links: links, CreatedAt: time.Now()}
	refit := full
	refit.Text = "Her: The Lonely Letter…\n\n" + link
	if _, err := p.Publish(context.Background(), refit); err != nil {
		t.Fatal(err)
	}
	if _, found, err := p.Find(context.Background(), full); err != nil || found {
		t.Fatalf("Find of the full text alone = %t, %v; want not found (the premise of this test)", found, err)
	}
	rc, found, err := p.Find(context.Background(), full, refit)
	if err != nil || !found || rc.ID != fake.Statuses()[0].ID {
		t.Fatalf("Find with the refit as a variant = %+v, %t, %v; want status %s", rc, found, err, fake.Statuses()[0].ID)
	}
}
