package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/internal/fakes/xfake"
)

// cliWorld is what a CLI test runs against: a feed served on 127.0.0.1, the
// three networks' fakes, a SQLite ledger in a temporary directory, and the
// environment pointing reelpost at them.
type cliWorld struct {
	t    *testing.T
	feed *testFeed
	x    *xfake.Server
	m    *mastodonfake.Server
	b    *blueskyfake.Server
	env  map[string]string
}

const (
	cliXToken    = "987654321-accesstoken"
	cliMastoTok  = "masto-cli-token"
	cliBskyPass  = "wxyz-abcd-efgh-ijkl"
	cliBskyHandl = "films.test"
)

func newCLIWorld(t *testing.T, items ...testItem) *cliWorld {
	t.Helper()
	w := &cliWorld{t: t, feed: newTestFeed(t, items...)}
	w.x = xfake.New(t, xfake.Credentials{APIKey: "k", APISecret: "s", AccessToken: cliXToken,
		AccessTokenSecret: "ts", UserID: "987654321", Username: "films"})
	w.m = mastodonfake.New(t, mastodonfake.Options{AccessToken: cliMastoTok, Username: "films"})
	w.b = blueskyfake.New(t, blueskyfake.Account{Handle: cliBskyHandl, DID: "did:plc:films", AppPassword: cliBskyPass})
	w.env = map[string]string{
		"FEED_URLS":       w.feed.URL(),
		"DATABASE_URL":    filepath.Join(t.TempDir(), "reelpost.db"),
		"FEED_CATEGORIES": "review",
		"FETCH_PAGES":     "false",
		"HTTP_ADDR":       "",
		"LOG_FORMAT":      "text",
		"LOG_LEVEL":       "warn",
	}
	w.withAccounts()
	return w
}

// withAccounts configures one account on each fake.
func (w *cliWorld) withAccounts() {
	for k, v := range map[string]string{
		"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": cliXToken, "X_ACCESS_TOKEN_SECRET": "ts",
		"X_API_URL":       w.x.URL,
		"MASTODON_SERVER": w.m.URL, "MASTODON_ACCESS_TOKEN": cliMastoTok,
		"BLUESKY_HANDLE": cliBskyHandl, "BLUESKY_APP_PASSWORD": cliBskyPass, "BLUESKY_PDS_URL": w.b.URL(),
	} {
		w.env[k] = v
	}
}

// noAccounts removes every account: reelpost runs in dry run.
func (w *cliWorld) noAccounts() {
	for k := range w.env {
		if strings.HasPrefix(k, "X_") || strings.HasPrefix(k, "MASTODON_") || strings.HasPrefix(k, "BLUESKY_") {
			delete(w.env, k)
		}
	}
}

// run runs the reelpost command line in-process.
func (w *cliWorld) run(args ...string) (stdout, stderr string, err error) {
	w.t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = run(ctx, args, w.env, &out, &errb)
	return out.String(), errb.String(), err
}

// mustRun runs args and fails the test on an error.
func (w *cliWorld) mustRun(args ...string) string {
	w.t.Helper()
	out, errs, err := w.run(args...)
	if err != nil {
		w.t.Fatalf("reelpost %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errs)
	}
	return out
}

func (w *cliWorld) posts() [3]int {
	return [3]int{len(w.x.Posts()), len(w.m.Statuses()), len(w.b.Posts())}
}

// exitCodeOf is the exit code main would give err.
func exitCodeOf(err error) int {
	var b bytes.Buffer
	return exitCode(err, &b)
}

// testItem is one entry of a test feed.
type testItem struct {
	GUID, Link, Title string
	Published         time.Time
	// Category is "Review" when empty.
	Category string
}

func testReviews(first, n int) []testItem {
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	out := make([]testItem, n)
	for i := range n {
		k := first + i
		out[i] = testItem{GUID: fmt.Sprintf("review-%d", k), Link: fmt.Sprintf("https://blog.example/reviews/film-%d/", k),
			Title: fmt.Sprintf("Film Number %d", k), Published: base.Add(time.Duration(k) * time.Hour)}
	}
	return out
}

// testFeed serves an RSS feed of film reviews, or an HTTP error.
type testFeed struct {
	srv    *httptest.Server
	mu     sync.Mutex
	items  []testItem
	status int
	hits   int
}

func newTestFeed(t testing.TB, items ...testItem) *testFeed {
	f := &testFeed{items: items}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *testFeed) URL() string { return f.srv.URL + "/feed.xml" }

func (f *testFeed) add(items ...testItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, items...)
}

func (f *testFeed) fail(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = status
}

func (f *testFeed) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits++
	if f.status != 0 {
		http.Error(w, "unavailable", f.status)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(feedXML("http://"+r.Host, f.items))
}

func feedXML(base string, items []testItem) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Reviews</title><link>` + base + `/</link><description>Film reviews</description>
`)
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		if it.Category == "" {
			it.Category = "Review"
		}
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><category>%s</category><description>A tender, funny and thought-provoking film. One of the best of the year. Four stars.</description></item>
`, html.EscapeString(it.Title), html.EscapeString(it.Link), html.EscapeString(it.GUID), it.Published.UTC().Format(time.RFC1123Z), html.EscapeString(it.Category))
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

func TestOncePostsNewReviewOncePerAccount(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 3)...)
	w.mustRun("once")
	if got := w.posts(); got != [3]int{} {
		t.Fatalf("first cycle posted %v: the feed's existing reviews must be skipped", got)
	}
	w.feed.add(testReviews(4, 1)...)
	w.mustRun("once")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts after a new review = %v, want one per account", got)
	}
	w.mustRun("once")
	if got := w.posts(); got != [3]int{1, 1, 1} {
		t.Fatalf("posts after a cycle with nothing new = %v, want still one per account", got)
	}
}

func TestOnceFailsOnAFailingFeed(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.feed.fail(http.StatusInternalServerError)
	_, _, err := w.run("once")
	if code := exitCodeOf(err); code != exitFailure || !strings.Contains(err.Error(), w.feed.URL()) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("once on a failing feed = %v (exit %d), want exit 1 naming the feed and its status", err, code)
	}
}

func TestOnceFailsOnAPermanentDeliveryFailure(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.env["X_ACCESS_TOKEN_SECRET"] = "wrong" // X answers 401: permanent
	w.mustRun("once")
	w.feed.add(testReviews(2, 1)...)
	_, _, err := w.run("once")
	if code := exitCodeOf(err); code != exitFailure || !strings.Contains(err.Error(), "x:987654321") {
		t.Fatalf("once with a failing account = %v (exit %d), want exit 1 naming the account", err, code)
	}
	if got := w.posts(); got != [3]int{0, 1, 1} {
		t.Fatalf("posts = %v, want the other accounts posted", got)
	}
}

func TestOnceDryRunWithoutAccounts(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 2)...)
	w.noAccounts()
	w.env["BACKFILL"] = "1"
	out := w.mustRun("once")
	for _, want := range []string{"Film Number 2", "[x]", "[mastodon]", "[bluesky]"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Film Number 1") {
		t.Errorf("dry run showed the older review, beyond BACKFILL=1:\n%s", out)
	}
}

func TestLedgerCommandsHelp(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t)
	for _, cmd := range []string{"run", "once", "repost", "retry", "status", "healthcheck"} {
		t.Run(cmd, func(t *testing.T) {
			out, _, err := w.run(cmd, "--help")
			if !errors.Is(err, flag.ErrHelp) || exitCodeOf(err) != 0 || !strings.Contains(out, "usage: reelpost "+cmd) {
				t.Fatalf("reelpost %s --help = %v, stdout %q; want the usage and exit 0", cmd, err, out)
			}
		})
	}
	for _, args := range [][]string{{"once", "extra"}, {"run", "extra"}, {"status", "--bogus"}, {"repost"}, {"repost", "a", "b"}} {
		_, _, err := w.run(args...)
		if exitCodeOf(err) != exitUsage {
			t.Errorf("reelpost %s = %v, want a usage error (exit %d)", strings.Join(args, " "), err, exitUsage)
		}
	}
}
