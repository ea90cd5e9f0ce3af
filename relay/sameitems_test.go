package relay_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
)

// stampedFeed serves its items as rss does, with a new lastBuildDate in
// every answer and no validators, as WordPress behind a cache-less server
// does: every poll gets new bytes, whether or not an item changed.
type stampedFeed struct {
	srv   *httptest.Server
	mu    sync.Mutex
	items []item
	hits  int
}

func newStampedFeed(t *testing.T, items ...item) *stampedFeed {
	f := &stampedFeed{items: items}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.hits++
		built := time.Date(2026, 12, 6, 12, 0, f.hits, 0, time.UTC).Format(time.RFC1123Z)
		body := bytes.Replace(rss("http://"+r.Host, f.items), []byte("<channel>"),
			[]byte("<channel><lastBuildDate>"+built+"</lastBuildDate>"), 1)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write(body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *stampedFeed) URL() string { return f.srv.URL + "/feed.xml" }

func (f *stampedFeed) set(items ...item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = items
}

// A feed whose bytes change on every poll while its items do not is not
// parsed again; an item added or edited among the new bytes still is, and
// is posted once.
func TestNewBytesSameItemsNotParsedAgain(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			items := reviews(1, 3, base)
			fs := newStampedFeed(t, items...)
			e := newEnv(t, l)
			r := e.relay(func(o *relay.Options) { o.Feeds = []string{fs.URL()} })
			poll := func() {
				t.Helper()
				e.clk.Add(6 * time.Minute)
				e.once(r)
			}

			poll() // first sight: parsed, history
			poll() // new bytes, the same items
			fs.set(append(items, reviews(4, 1, base)...)...)
			poll() // a new item among new bytes: parsed, posted
			e.wantPosts(1)
			for i, texts := range e.nets.texts() {
				if !strings.Contains(texts[0], "Film Number 4") {
					t.Fatalf("network %d posted %q, want review 4 (the new item)", i, texts[0])
				}
			}
			poll() // the same items again
			edited := append(reviews(1, 3, base), reviews(4, 1, base)...)
			edited[1].Title = "Film Number 2, revised"
			fs.set(edited...)
			poll() // an edited item: parsed, nothing to post
			fs.set(edited[2:]...)
			poll() // items gone: nothing new
			e.wantPosts(1)

			// A restart knows nothing of the last document: its first poll
			// parses, and posts nothing again.
			r2 := e.relay(func(o *relay.Options) { o.Feeds = []string{fs.URL()} })
			e.clk.Add(6 * time.Minute)
			e.once(r2)
			e.wantPosts(1)

			body := metrics(t, r)
			for _, want := range []string{
				`reelpost_feed_polls_total{result="seen"} 2`,
				`reelpost_feed_polls_total{result="new"} 1`,
				`reelpost_feed_polls_total{result="same_items"} 3`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("metrics lack %s:\n%s", want, grep(body, "reelpost_feed_polls"))
				}
			}
			if got := grep(metrics(t, r2), `reelpost_feed_polls_total{result="seen"}`); !strings.Contains(got, " 1") {
				t.Errorf("after a restart, the first poll was not parsed: %s", got)
			}
		})
	}
}

// An item whose page could not be fetched is completed at a later poll,
// even when the feed's items stay the same: the shortcut waits until no
// item waits for its page.
func TestSameItemsWaitForFailedPages(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	feedHits, pageRequests := 0, 0
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/feed.xml":
			feedHits++
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			// A thin item: an excerpt, no trailer; the page has the rest.
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>%[1]s/</link>
<lastBuildDate>Sun, 06 Dec 2026 12:00:%02[2]d +0000</lastBuildDate>
<item><title>Her review</title><link>%[1]s/post/her</link><guid>her</guid><pubDate>Mon, 05 Jan 2026 10:00:00 +0000</pubDate>
<category>Review</category><description>A tender film about loneliness [...]</description></item></channel></rss>`, srv.URL, feedHits%60)
		case "/post/her":
			pageRequests++
			if pageRequests == 1 {
				http.Error(w, "try later", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(`<!doctype html><html><head><title>Her review</title></head><body><article><p>A tender film about loneliness, and the best of the year.</p>` +
				`<iframe src="https://www.youtube.com/embed/dJTU48_yghs"></iframe></article></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, sqliteLedger)
	r := e.relay(func(o *relay.Options) {
		o.Feeds = []string{srv.URL + "/feed.xml"}
		pages := feed.NewFetcher(feed.FetchOptions{Timeout: 5 * time.Second})
		o.Extractor = review.NewExtractor(review.ExtractOptions{Pages: pages, FetchPages: true, Logger: testLogger(t)})
	})
	for range 3 {
		e.clk.Add(6 * time.Minute)
		e.once(r)
	}
	mu.Lock()
	defer mu.Unlock()
	if pageRequests != 2 {
		t.Errorf("the review page was requested %d times in 3 polls, want 2 (failed at the first sight, fetched at the second poll, then kept)", pageRequests)
	}
	if got := grep(metrics(t, r), `reelpost_feed_polls_total{result="same_items"}`); !strings.HasSuffix(got, " 1") {
		t.Errorf("want the third poll, after the page was read, to take the shortcut: %q", got)
	}
}
