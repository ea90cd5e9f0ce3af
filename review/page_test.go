package review

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/testutil"
)

// pageServer is a fake blog: the review page with an ETag (answering 304 to
// If-None-Match, RFC 9110 §13.1.2), a page without <article>, and a broken
// page. It records every request.
type pageServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // "path if-none-match"
}

func newPageServer(t *testing.T) *pageServer {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("testdata", "reviews", "her_wix_page.html"))
	if err != nil {
		t.Fatal(err)
	}
	noArticle := strings.NewReplacer("<article>", `<div class="post-content">`, "</article>", "</div>").Replace(string(page))
	s := &pageServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.Path+" "+r.Header.Get("If-None-Match"))
		s.mu.Unlock()
		switch r.URL.Path {
		case "/post/her-review":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		case "/post/no-article":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(noArticle))
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *pageServer) log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// testutil.SyncBuffer is a log destination safe for the page workers.
// thinFeed is the Wix-like thin fixture pointing at srv, with the item's
// path and description replaced when given.
func thinFeed(t *testing.T, srv *pageServer, path, desc string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reviews", "her_wix_thin.xml"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(b), "{{BASE}}", srv.URL)
	if path != "" {
		s = strings.Replace(s, "/post/her-review", path, 1)
	}
	if desc != "" {
		s = strings.Replace(s, "Technology has changed", desc, 1)
	}
	return []byte(s)
}

func TestExtractCompletesThinItemFromPage(t *testing.T) {
	t.Parallel()
	srv := newPageServer(t)
	e := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: true})
	feedURL := srv.URL + "/blog-feed.xml"
	extract := func(body []byte) Review {
		t.Helper()
		f, err := feed.Parse(feedURL, body, "application/rss+xml")
		if err != nil {
			t.Fatal(err)
		}
		got := e.Extract(t.Context(), feedURL, f)
		if len(got) != 1 {
			t.Fatalf("got %d reviews, want 1", len(got))
		}
		return got[0]
	}

	// The feed alone has no trailer and a truncated description.
	f, err := feed.Parse(feedURL, thinFeed(t, srv, "", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	if fi := FromItem(feedURL, f, f.Items[0]); fi.TrailerID != "" || fi.PageFetched || fi.IsReview {
		t.Fatalf("the thin item alone already has trailer %q, page %v, review %v", fi.TrailerID, fi.PageFetched, fi.IsReview)
	}

	r := extract(thinFeed(t, srv, "", ""))
	if !r.PageFetched {
		t.Fatal("PageFetched = false, want the page read")
	}
	if r.TrailerID != herTrailerID || r.TrailerURL != herTrailerURL {
		t.Errorf("trailer = %q %q from the page", r.TrailerID, r.TrailerURL)
	}
	if r.Director != "Spike Jonze" || r.RuntimeMinutes != 126 || len(r.Cast) != 4 || len(r.Genres) != 3 {
		t.Errorf("metadata from the page: director %q runtime %d cast %q genres %q", r.Director, r.RuntimeMinutes, r.Cast, r.Genres)
	}
	if !strings.Contains(r.Summary, herVerdict) || strings.HasSuffix(r.Summary, "...") {
		t.Errorf("Summary = %q, want the verdict, not the truncated description or og:description", r.Summary)
	}
	if want := "https://static.wixstatic.com/media/her-poster.jpg/v1/fill/w_1000,h_600/her.jpg"; r.Image != want {
		t.Errorf("Image = %q, want the feed's own %q", r.Image, want)
	}
	if len(r.Categories) != 2 || r.Categories[0] != "Film Reviews" {
		t.Errorf("Categories = %q, want the page's article:tag", r.Categories)
	}
	if !r.IsReview {
		t.Errorf("IsReview = false (%s) after completion", r.ReviewReason)
	}
	for _, bad := range []string{"Recent Posts", "See All", "See this film", "Blog About"} {
		if strings.Contains(r.Text, bad) {
			t.Errorf("page furniture %q in Text", bad)
		}
	}
	if got := srv.log(); len(got) != 1 || got[0] != "/post/her-review " {
		t.Fatalf("requests %q, want one unconditional page fetch", got)
	}

	// The same feed again: the item is unchanged, the page is not asked for.
	if again := extract(thinFeed(t, srv, "", "")); again.TrailerID != herTrailerID || !again.PageFetched {
		t.Errorf("second poll lost the page's data: %+v", again)
	}
	if got := srv.log(); len(got) != 1 {
		t.Fatalf("requests %q after a second poll of an unchanged feed, want still 1", got)
	}

	// The item changed: the page is revalidated with its ETag and the 304
	// keeps what was read.
	changed := extract(thinFeed(t, srv, "", "Technology, it has changed"))
	if changed.TrailerID != herTrailerID || !strings.Contains(changed.Summary, herVerdict) {
		t.Errorf("after 304: trailer %q summary %q", changed.TrailerID, changed.Summary)
	}
	if got := srv.log(); len(got) != 2 || got[1] != `/post/her-review "v1"` {
		t.Fatalf("requests %q, want a second, conditional one", got)
	}
}

func TestExtractPageWithoutArticle(t *testing.T) {
	t.Parallel()
	srv := newPageServer(t)
	e := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: true})
	f, err := feed.Parse(srv.URL, thinFeed(t, srv, "/post/no-article", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	got := e.Extract(t.Context(), srv.URL, f)
	if len(got) != 1 || !got[0].PageFetched {
		t.Fatalf("got %+v", got)
	}
	r := got[0]
	if r.TrailerID != herTrailerID || !strings.Contains(r.Summary, herVerdict) || r.Director != "Spike Jonze" {
		t.Errorf("readability fallback: trailer %q, director %q, summary %q", r.TrailerID, r.Director, r.Summary)
	}
}

func TestExtractKeepsFeedDataWhenPageFails(t *testing.T) {
	t.Parallel()
	srv := newPageServer(t)
	var logs testutil.SyncBuffer
	e := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	f, err := feed.Parse(srv.URL, thinFeed(t, srv, "/post/broken", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	got := e.Extract(t.Context(), srv.URL, f)
	if len(got) != 1 {
		t.Fatalf("got %d reviews, want the item kept", len(got))
	}
	r := got[0]
	if r.PageFetched || r.Title != "Her" || r.Image == "" || r.Key != "6093eda01d8eeb00169dbbe3" {
		t.Errorf("feed data not kept: %+v", r)
	}
	if l := logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "page_url=") || !strings.Contains(l, "500") {
		t.Errorf("no warning naming the page and the status: %q", l)
	}
}

func TestExtractWithoutPageFetching(t *testing.T) {
	t.Parallel()
	pages := feed.NewFetcher(feed.FetchOptions{})
	tests := []struct {
		name     string
		opts     ExtractOptions
		category string // given to the feed's item
	}{
		{"FETCH_PAGES off", ExtractOptions{Pages: pages, FetchPages: false}, ""},
		{"no page fetcher", ExtractOptions{Pages: nil, FetchPages: true}, ""},
		{"category outside FEED_CATEGORIES", ExtractOptions{Pages: pages, FetchPages: true, Categories: []string{"Reviews"}}, "Recipes"},
		{"news category", ExtractOptions{Pages: pages, FetchPages: true}, "Cinema News"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newPageServer(t)
			body := thinFeed(t, srv, "", "")
			if tt.category != "" {
				body = bytes.Replace(body, []byte("<pubDate>"), []byte("<category>"+tt.category+"</category><pubDate>"), 1)
			}
			f, err := feed.Parse(srv.URL, body, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := NewExtractor(tt.opts).Extract(t.Context(), srv.URL, f); len(got) != 1 || got[0].PageFetched || got[0].IsReview {
				t.Errorf("got %+v, want the feed's item, unfetched, not a review", got)
			}
			if got := srv.log(); len(got) != 0 {
				t.Errorf("requests %q, want none", got)
			}
		})
	}
}

func TestExtractCategoriesFromPage(t *testing.T) {
	t.Parallel()
	// A thin item without categories is fetched: its page's article:tag
	// may match FEED_CATEGORIES.
	srv := newPageServer(t)
	f, err := feed.Parse(srv.URL, thinFeed(t, srv, "", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	got := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: true, Categories: []string{"film reviews"}}).Extract(t.Context(), srv.URL, f)
	if len(got) != 1 || !got[0].PageFetched || !got[0].IsReview {
		t.Fatalf("got %+v, want a review by the page's tag", got)
	}
	if strings.HasPrefix(got[0].Text, "Her\n") {
		t.Errorf("the page's headline is in Text: %.40q", got[0].Text)
	}
}

// A caller skips extracting a feed whose items did not change only when no
// item is left waiting for its page: PagesPending says so, for the feed's
// last extraction.
func TestPagesPending(t *testing.T) {
	t.Parallel()
	srv := newPageServer(t)
	full, err := os.ReadFile(filepath.Join("testdata", "reviews", "her_rss2_iframe.xml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		bodies     [][]byte // extracted in turn; PagesPending is asked after the last
		fetchPages bool
		want       bool
	}{
		{"a complete item", [][]byte{full}, true, false},
		{"a thin item, its page read", [][]byte{thinFeed(t, srv, "", "")}, true, false},
		{"a thin item, its page failing", [][]byte{thinFeed(t, srv, "/post/broken", "")}, true, true},
		{"a thin item, page completion off", [][]byte{thinFeed(t, srv, "/post/broken", "")}, false, false},
		{"a failed page, then the item gone", [][]byte{thinFeed(t, srv, "/post/broken", ""), full}, true, false},
		{"the item edited, its new page failing", [][]byte{thinFeed(t, srv, "/post/her-review", ""),
			bytes.ReplaceAll(thinFeed(t, srv, "", "Technology has moved on"), []byte("/post/her-review"), []byte("/post/broken"))}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := NewExtractor(ExtractOptions{Pages: feed.NewFetcher(feed.FetchOptions{}), FetchPages: tc.fetchPages})
			feedURL := srv.URL + "/blog-feed.xml"
			for _, body := range tc.bodies {
				f, err := feed.Parse(feedURL, body, "application/rss+xml")
				if err != nil {
					t.Fatal(err)
				}
				e.Extract(t.Context(), feedURL, f)
			}
			if got := e.PagesPending(feedURL); got != tc.want {
				t.Errorf("PagesPending = %v, want %v", got, tc.want)
			}
			if e.PagesPending(srv.URL + "/other-feed.xml") {
				t.Error("PagesPending is true for a feed never extracted")
			}
		})
	}
}
