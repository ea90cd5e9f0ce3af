package store

import (
	"errors"
	"testing"
	"time"
)

// TestRetryGivesAFailedDeliveryAFreshStart: reelpost retry puts a failed
// delivery back as new (pending, due now, no attempt spent, no error shown),
// keeping its idempotency key so that a post an earlier attempt made is
// still recognised by the network.
func (su *suite) TestRetryGivesAFailedDeliveryAFreshStart(t *testing.T) {
	ctx := t.Context()
	clk := newClock()
	s := su.open(t, Options{Now: clk.Now})
	record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
	var failed Delivery
	for attempt := 1; attempt <= 3; attempt++ {
		ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute})
		if len(ds) != 1 {
			t.Fatalf("attempt %d: claimed %d, want 1", attempt, len(ds))
		}
		failed = ds[0]
		var err error
		if attempt < 3 {
			err = s.MarkRetry(ctx, failed.ID, "a", clk.Now(), "503 unavailable")
		} else {
			err = s.MarkFailed(ctx, failed.ID, "a", "401: the token is wrong or revoked", NotSent)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Hour)

	d, err := s.Retry(ctx, failed.ID)
	if err != nil {
		t.Fatalf("Retry: %v", err)
	}
	if d.State != Pending || d.Attempts != 0 || d.LastError != "" || d.LeaseOwner != "" ||
		!d.NextAttempt.Equal(clk.Now()) || !d.UpdatedAt.Equal(clk.Now()) || d.Key != failed.Key {
		t.Errorf("retried delivery = %+v, want pending now, 0 attempts, no error, the same key %s", d, failed.Key)
	}
	got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute})
	if len(got) != 1 || got[0].ID != failed.ID || got[0].Attempts != 1 {
		t.Fatalf("claim after retry = %+v, want delivery %d on its first attempt", got, failed.ID)
	}

	// Retrying what has not failed would post it twice: refused, untouched.
	if _, err := s.Retry(ctx, failed.ID); !errors.Is(err, ErrNotFailed) {
		t.Errorf("Retry of a delivery being posted: err = %v, want ErrNotFailed", err)
	}
	if err := s.MarkPosted(ctx, failed.ID, "b", "1", "https://x.example/1"); err != nil {
		t.Fatalf("the retry's own owner lost its lease: %v", err)
	}
	if d, err := s.Retry(ctx, failed.ID); !errors.Is(err, ErrNotFailed) || d.State != Posted {
		t.Errorf("Retry of a posted delivery = %s, %v; want it left posted, ErrNotFailed", d.State, err)
	}
	if _, err := s.Retry(ctx, failed.ID+1000); !errors.Is(err, ErrNotFound) {
		t.Errorf("Retry of no delivery: err = %v, want ErrNotFound", err)
	}
}

// TestRetryAfterAFailureThatMayHavePostedLooksFirst: the last attempt's
// answer was lost (the post may exist) and the delivery failed on
// MAX_ATTEMPTS. After reelpost retry, the next attempt must look for that
// post before making it again, so the delivery comes back Unknown; a
// failure that made no post comes back without it.
func (su *suite) TestRetryAfterAFailureThatMayHavePostedLooksFirst(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		name    string
		was     Sent
		unknown bool
	}{
		{name: "answer lost", was: MaybeSent, unknown: true},
		{name: "refused", was: NotSent, unknown: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			s := su.open(t, Options{Now: clk.Now})
			record(t, s, mainFeed, numbered(mainFeed, 1), threeAccounts[:1])
			ds := claim(t, s, ClaimOptions{Owner: "a", Lease: time.Minute})
			if len(ds) != 1 || ds[0].Unknown {
				t.Fatalf("first claim = %+v, want one delivery, not unknown", ds)
			}
			if err := s.MarkFailed(ctx, ds[0].ID, "a", "1 attempts (MAX_ATTEMPTS), last: timeout", tc.was); err != nil {
				t.Fatal(err)
			}
			failed, err := s.Delivery(ctx, ds[0].ID)
			if err != nil || failed.State != Failed || failed.Unknown != tc.unknown {
				t.Fatalf("failed delivery = %+v, %v; want failed, unknown %t", failed, err, tc.unknown)
			}
			clk.Advance(time.Hour)
			if _, err := s.Retry(ctx, failed.ID); err != nil {
				t.Fatalf("Retry: %v", err)
			}
			got := claim(t, s, ClaimOptions{Owner: "b", Lease: time.Minute})
			if len(got) != 1 || got[0].Attempts != 1 || got[0].Unknown != tc.unknown {
				t.Fatalf("claim after retry = %+v, want the delivery on its first attempt, unknown %t", got, tc.unknown)
			}
		})
	}
}
