package relay_test

import (
	"context"
	"testing"
	"time"
)

// A feed that answers 304 poll after poll costs the ledger no write each
// time: its poll times are written once they are half an hour old, and
// anything a restart needs (its validators, an error) at once.
func TestQuietPollsWriteTheLedgerRarely(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	fs.mu.Lock()
	fs.etag = true
	fs.mu.Unlock()
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	e.once(r) // first sight: everything written
	first, _, err := e.st.Feed(context.Background(), fs.URL())
	if err != nil || first.ETag == "" {
		t.Fatalf("after the first poll: %+v, %v; want the feed with its ETag", first, err)
	}
	for range 4 { // 24 minutes of 304s
		e.clk.Add(6 * time.Minute)
		e.once(r)
	}
	if got, _, _ := e.st.Feed(context.Background(), fs.URL()); !got.LastPoll.Equal(first.LastPoll) {
		t.Errorf("304 polls wrote the feed: last poll %v, want still %v", got.LastPoll, first.LastPoll)
	}
	e.clk.Add(6 * time.Minute) // 30 minutes since the last write
	e.once(r)
	got, _, _ := e.st.Feed(context.Background(), fs.URL())
	if !got.LastPoll.Equal(e.clk.Now()) || got.ETag != first.ETag || got.ConsecutiveErrors != 0 {
		t.Errorf("after half an hour of 304s: %+v, want last poll %v and the same ETag", got, e.clk.Now())
	}

	// An error is written at once, and so is the recovery.
	fs.setMode("500")
	e.clk.Add(6 * time.Minute)
	_ = r.Once(context.Background())
	if got, _, _ := e.st.Feed(context.Background(), fs.URL()); got.ConsecutiveErrors != 1 {
		t.Errorf("after a failed poll: %d consecutive errors in the ledger, want 1", got.ConsecutiveErrors)
	}
	fs.setMode("")
	e.clk.Add(2 * time.Hour)
	e.once(r)
	if got, _, _ := e.st.Feed(context.Background(), fs.URL()); got.ConsecutiveErrors != 0 || !got.LastSuccess.Equal(e.clk.Now()) {
		t.Errorf("after recovering: %+v, want no errors and a success now", got)
	}
}
