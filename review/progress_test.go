package review

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/reelpost/reelpost/feed"
)

// TestExtractReportsPageProgress: a person waiting on page completion is
// told how far it is, counting the requests made; pages the cache answers
// for unchanged items cost nothing and are not counted.
func TestExtractReportsPageProgress(t *testing.T) {
	t.Parallel()
	srv := newPageServer(t)
	var mu sync.Mutex
	var calls []string
	e := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: true,
		Progress: func(feedURL string, done, total int) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, fmt.Sprintf("%s %d/%d", feedURL, done, total))
		}})
	feedURL := srv.URL + "/blog-feed.xml"
	f, err := feed.Parse(feedURL, thinFeed(t, srv, "", ""), "application/rss+xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Extract(t.Context(), feedURL, f); len(got) != 1 || !got[0].PageFetched {
		t.Fatalf("the thin item was not completed: %+v", got)
	}
	want := []string{feedURL + " 0/1", feedURL + " 1/1"}
	if !slices.Equal(calls, want) {
		t.Errorf("progress = %q, want %q", calls, want)
	}
	calls = nil
	e.Extract(t.Context(), feedURL, f)
	if len(calls) != 0 {
		t.Errorf("progress for an unchanged item the cache answers = %q, want none", calls)
	}
}
