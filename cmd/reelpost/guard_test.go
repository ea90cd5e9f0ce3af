package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// thinFeed is an RSS feed of one thin review (a short excerpt, no trailer)
// whose page is at link: what makes reelpost fetch the page.
func thinFeed(link string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Reviews</title><link>https://films.example/</link><description>x</description>
<item><title>Parasite review</title><link>` + link + `</link><guid>parasite</guid><category>Review</category>
<pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate><description>A sly, funny film. Four stars. Thanks @bongjoonho for it.</description></item>
</channel></rss>`
}

// pageServer serves a review page on 127.0.0.1 and counts the requests.
func pageServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed.xml" {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, thinFeed("http://"+r.Host+"/parasite"))
			return
		}
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Parasite review</title></head><body><article><h1>Parasite review</h1>
<p>A sly, funny and furious film about two families. Four stars.</p>
<iframe src="https://www.youtube.com/embed/5xH0HfJHsaY"></iframe></article></body></html>`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestItemLinksCannotReachIntoThePrivateNetwork: a feed item's link to a
// loopback address is not fetched (the page server sees no request), unless
// FETCH_PRIVATE=true or the page is on the feed's own host.
func TestItemLinksCannotReachIntoThePrivateNetwork(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		private    bool
		feedOnHost bool
		fetched    bool
	}{
		{name: "another host's feed links to loopback", fetched: false},
		{name: "FETCH_PRIVATE allows it", private: true, fetched: true},
		{name: "the page is on the feed's own host", feedOnHost: true, fetched: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := pageServer(t)
			feedURL := srv.URL + "/feed.xml"
			if !tt.feedOnHost {
				// A local file: no host of its own, as a feed elsewhere.
				feedURL = filepath.Join(t.TempDir(), "feed.xml")
				if err := os.WriteFile(feedURL, []byte(thinFeed(srv.URL+"/parasite")), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{"FEED_URLS": feedURL, "LOG_FORMAT": "text", "LOG_LEVEL": "info"}
			if tt.private {
				env["FETCH_PRIVATE"] = "true"
			}
			out, errOut, code := runCLI(t, env, "preview")
			if code != exitOK {
				t.Fatalf("preview: exit %d\n%s", code, errOut)
			}
			if got := hits.Load() > 0; got != tt.fetched {
				t.Fatalf("page fetched: %v, want %v\nstdout:\n%s\nstderr:\n%s", got, tt.fetched, out, errOut)
			}
			if tt.fetched != strings.Contains(out, "completed from the review's own page") {
				t.Errorf("preview does not say whether the page completed the item:\n%s", out)
			}
			if !tt.fetched && (!strings.Contains(errOut, "FETCH_PRIVATE=true allows it") || strings.Count(errOut, "refused") != 1) {
				t.Errorf("the refusal should be said once, with the way to allow it:\n%s", errOut)
			}
		})
	}
}

// TestPostMentions: by default a feed's @mention is defused (a word joiner
// after the @), POST_MENTIONS=true keeps it live.
func TestPostMentions(t *testing.T) {
	t.Parallel()
	feed := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(feed, []byte(thinFeed("https://films.example/parasite")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		value string
		live  bool
	}{{"", false}, {"false", false}, {"true", true}} {
		env := map[string]string{"FEED_URLS": feed, "FETCH_PAGES": "false"}
		if tt.value != "" {
			env["POST_MENTIONS"] = tt.value
		}
		out, errOut, code := runCLI(t, env, "preview")
		if code != exitOK {
			t.Fatalf("preview: exit %d\n%s", code, errOut)
		}
		var posts []string // the posts' lines, not the summary preview shows as read
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "   | ") {
				posts = append(posts, l)
			}
		}
		text := strings.Join(posts, "\n")
		if live := strings.Contains(text, "@bongjoonho"); live != tt.live || strings.Count(text, "bongjoonho") != 3 {
			t.Errorf("POST_MENTIONS=%q: mention live %v, want %v, in each of the 3 posts:\n%s", tt.value, live, tt.live, out)
		}
	}
}
