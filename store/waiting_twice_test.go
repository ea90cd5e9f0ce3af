package store

import (
	"context"
	"testing"
)

// TestAWaitingReviewListedTwiceByAnotherFeed: a feed lists a waiting review
// of another feed twice, under two names that each lead to it (its link,
// its global GUID), and the poll shows it as a review: the first listing
// opens it (settleWaiting clears the flag), the second gives the feed's
// accounts the item again (addAccounts), which must not take the cleared
// flag for another replica's doing and run the record again for ever.
func (su *suite) TestAWaitingReviewListedTwiceByAnotherFeed(t *testing.T) {
	s := su.open(t, Options{})
	const link = "https://blog.example/reviews/the-thing"
	const guid = "https://blog.example/?p=1"
	first := recordAs(t, s, mainFeed, mainRoute, Again, []NewItem{review(mainFeed, "main-1", guid, link)}, Decision{Wait: true})
	items := []NewItem{
		review(reviewsFeed, "cat-1", "", link),
		review(reviewsFeed, "cat-2", guid, "https://blog.example/other/the-thing"),
	}
	rec, err := s.Record(context.Background(), Batch{FeedURL: reviewsFeed, Items: items, Accounts: reviewsRoute, Sight: Again,
		Plan: func(_ Sight, found []Found) []Decision {
			ds := make([]Decision, len(found))
			for i := range ds {
				ds[i] = Decision{Plan: Plan{State: Pending}}
			}
			return ds
		}})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	if !rec.Found[0].Lacking || !rec.Found[1].Lacking {
		t.Fatalf("found %+v, want both listings aliases lacking an account", rec.Found)
	}
	for acct, d := range byAccount(t, s, first.Created[0].ID) {
		if d.State != Pending {
			t.Errorf("%s: %s, want pending: the review became one", acct, d.State)
		}
	}
}
