package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// threeThinReviews serves a feed of three thin reviews, each with its own
// page (the second's missing), and records the pages asked for.
type threeThinReviews struct {
	*httptest.Server
	mu    sync.Mutex
	pages []string
}

func newThreeThinReviews(t *testing.T) *threeThinReviews {
	t.Helper()
	s := &threeThinReviews{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed.xml" {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://`+r.Host+`/</link><description>d</description>`)
			for k := 3; k >= 1; k-- {
				fmt.Fprintf(w, `<item><title>Film %d review</title><link>http://%s/film-%d</link><guid>film-%d</guid><category>Review</category><pubDate>%s</pubDate><description>A fine film. Four stars.</description></item>`,
					k, r.Host, k, k, time.Date(2026, 3, k, 0, 0, 0, 0, time.UTC).Format(time.RFC1123Z))
			}
			fmt.Fprint(w, `</channel></rss>`)
			return
		}
		s.mu.Lock()
		s.pages = append(s.pages, r.URL.Path)
		s.mu.Unlock()
		if r.URL.Path == "/film-2" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><article><p>A fine film, sly and warm. Four stars.</p></article></body></html>`)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *threeThinReviews) asked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.pages...)
}

// TestPreviewLimitFetchesOnlyShownPages: --limit N completes the N items
// shown, not the whole feed.
func TestPreviewLimitFetchesOnlyShownPages(t *testing.T) {
	t.Parallel()
	srv := newThreeThinReviews(t)
	out, errOut, code := runCLI(t, map[string]string{"FEED_URLS": srv.URL + "/feed.xml"}, "preview", "--limit", "1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := srv.asked(); len(got) != 1 || got[0] != "/film-3" {
		t.Errorf("pages fetched = %q, want only the newest item's, /film-3", got)
	}
	if !strings.Contains(out, "Film 3 review") || strings.Contains(out, "Film 2 review") {
		t.Errorf("preview --limit 1 shows:\n%s", out)
	}
}

// TestPreviewSpeaksToAPerson: on a terminal, preview's warnings are
// sentences (not LOG_FORMAT's JSON, which stays the daemon's), and page
// completion shows its progress.
func TestPreviewSpeaksToAPerson(t *testing.T) {
	t.Parallel()
	srv := newThreeThinReviews(t)
	for _, terminal := range []bool{true, false} {
		var out, errb bytes.Buffer
		e := &cliEnv{Stdout: &out, Stderr: &errb, Terminal: terminal,
			Environ: map[string]string{"FEED_URLS": srv.URL + "/feed.xml", "LOG_FORMAT": "json"}}
		if err := cmdPreview(t.Context(), e, nil); err != nil {
			t.Fatal(err)
		}
		stderr := errb.String()
		if !terminal {
			if !strings.Contains(stderr, `{"time":`) || strings.Contains(stderr, "\r") {
				t.Errorf("not on a terminal, the warnings should be LOG_FORMAT's JSON, with no progress:\n%q", stderr)
			}
			continue
		}
		want := "warning: review page not fetched, keeping the feed's data (feed url " + srv.URL + "/feed.xml, item key film-2, page url " + srv.URL + "/film-2, error "
		if !strings.Contains(stderr, want) || strings.Contains(stderr, `{"`) {
			t.Errorf("on a terminal, stderr = %q, want a sentence like %q", stderr, want)
		}
		if !strings.Contains(stderr, "fetching the review pages of "+srv.URL+"/feed.xml: 0/3") ||
			!strings.HasSuffix(stderr, "\r\x1b[K") {
			t.Errorf("on a terminal, stderr = %q, want progress of the 3 pages, cleared at the end", stderr)
		}
	}
}

// TestProgressHidesFeedCredentials: the progress line names the feed as
// every other display point does, without its user:password or token.
func TestProgressHidesFeedCredentials(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgress(&out, "review pages of %s")
	p.report("https://reader:hunter2@films.example/feed?token=s3cret", 1, 3)
	got := out.String()
	if strings.Contains(got, "hunter2") || strings.Contains(got, "s3cret") {
		t.Fatalf("progress line shows the feed's credentials: %q", got)
	}
	if !strings.Contains(got, "films.example") || !strings.Contains(got, "1/3") {
		t.Fatalf("progress line lost the feed or the count: %q", got)
	}
}
