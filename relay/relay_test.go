package relay_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/internal/fakes/xfake"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

func TestNewItemPostsOncePerAccount(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			fs := newFeedServer(t, reviews(1, 4, base)...)
			e := newEnv(t, l, fs)
			r := e.relay()

			e.once(r) // first sight: history, not news
			e.wantPosts(0)
			if got := e.states()[store.Skipped]; got != 4*3 {
				t.Fatalf("skipped deliveries after first sight = %d, want 12 (4 items x 3 accounts)", got)
			}

			fs.add(reviews(5, 1, base)...)
			e.clk.Add(6 * time.Minute)
			e.once(r)
			e.wantPosts(1)
			for i, texts := range e.nets.texts() {
				if !strings.Contains(texts[0], "Film Number 5") {
					t.Errorf("post %d = %q, want the new review's title", i, texts[0])
				}
			}
			if got := e.states()[store.Posted]; got != 3 {
				t.Fatalf("posted deliveries = %d, want 3", got)
			}

			e.clk.Add(6 * time.Minute)
			e.once(r)
			e.wantPosts(1)
		})
	}
}

func TestRestartRepostsNothing(t *testing.T) {
	t.Parallel()
	for _, l := range ledgers() {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			fs := newFeedServer(t, reviews(1, 3, base)...)
			e := newEnv(t, l, fs)
			e.once(e.relay())
			fs.add(reviews(4, 2, base)...)
			e.clk.Add(6 * time.Minute)
			e.once(e.relay())
			e.wantPosts(2)

			// A new process: the ledger reopened from disk, a new relay, same feed.
			if err := e.st.Close(); err != nil {
				t.Fatal(err)
			}
			e.st = openStore(t, e.dsn, e.clk.Now)
			for range 3 {
				e.clk.Add(6 * time.Minute)
				e.once(e.relay(func(o *relay.Options) { o.Owner = "second-process" }))
			}
			e.wantPosts(2)
		})
	}
}

func TestGUIDSchemeChangeRepostsNothing(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	e.once(r)
	fs.add(reviews(3, 1, base)...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)

	// The blog moves to new software: every GUID changes; links become https
	// and gain tracking parameters. Same reviews, so nothing is posted.
	items := reviews(1, 3, base)
	for i := range items {
		items[i].GUID = "https://blog.example/?p=" + items[i].GUID[len("post-"):]
		items[i].Link = strings.Replace(items[i].Link, "http://", "https://", 1) + "?utm_source=rss"
	}
	fs.set(items...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)

	// And a review that is new under the new scheme is posted.
	fs.add(item{GUID: "https://blog.example/?p=4", Link: "https://blog.example/reviews/film-4/",
		Title: "Film Number 4", Published: base.Add(4 * time.Hour)})
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(2)
}

// TestStepwiseRenameRepostsNothing: a review's GUID changes on one poll
// (its link alone still names it), then its link on a later one (its new
// GUID alone names it): the ledger follows each change, so nothing is
// posted again.
func TestStepwiseRenameRepostsNothing(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	e.once(r)
	fs.add(reviews(3, 1, base)...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)

	items := reviews(1, 3, base)
	items[2].GUID = "https://blog.example/?p=3"
	fs.set(items...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)

	items[2].Link = "http://blog.example/reviews/film-number-3/"
	fs.set(items...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)
}

// TestFaultsEndPostedOnce makes every network fail in turn (500, 429,
// hanging past the client's timeout, resetting after the post was made)
// and checks that each delivery ends posted exactly once.
func TestFaultsEndPostedOnce(t *testing.T) {
	t.Parallel()
	type faults struct {
		x xfake.Fault
		m mastodonfake.Fault
		b blueskyfake.Fault
	}
	cases := []struct {
		name string
		f    faults
		n    int
	}{
		{"500", faults{xfake.Fault500, mastodonfake.Fault500, blueskyfake.Fault500}, 3},
		{"429", faults{xfake.Fault429, mastodonfake.Fault429, blueskyfake.Fault429}, 2},
		{"503", faults{xfake.Fault503, mastodonfake.Fault503, blueskyfake.Fault503}, 2},
		{"hang", faults{xfake.FaultHang, mastodonfake.FaultHang, blueskyfake.FaultHang}, 2},
		{"reset", faults{xfake.FaultReset, mastodonfake.FaultReset, blueskyfake.FaultReset}, 2},
		{"after-commit", faults{xfake.FaultAfterCommit, mastodonfake.FaultAfterCommit, blueskyfake.FaultAfterCommit}, 1},
		{"after-commit-hang", faults{xfake.FaultAfterCommit, mastodonfake.FaultAfterCommit, blueskyfake.FaultAfterCommitHang}, 1},
	}
	ls := ledgers()
	for _, c := range cases {
		for _, l := range ls {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
				fs := newFeedServer(t, reviews(1, 1, base)...)
				// Hanging requests are given up after a second.
				e := newEnvWith(t, l, mastodonfake.Options{}, time.Second, fs)
				r := e.relay()
				e.once(r)

				fs.add(reviews(2, 2, base)...)
				e.nets.x.FailNext(c.f.x, c.n)
				e.nets.m.FailNext(c.f.m, c.n)
				e.nets.b.FailNext(c.f.b, c.n)
				e.clk.Add(6 * time.Minute)
				for i := 0; i < 12 && e.states()[store.Posted] < 6; i++ {
					if err := r.Once(context.Background()); err != nil {
						var ce *relay.CycleError
						if !errors.As(err, &ce) || len(ce.Deliveries) > 0 {
							t.Fatalf("cycle %d: %v", i, err)
						}
					}
					e.clk.Add(2 * time.Hour) // past any backoff or announced reset
				}
				e.wantPosts(2)
				if s := e.states(); s[store.Posted] != 6 || s[store.Pending]+s[store.Posting]+s[store.Failed] != 0 {
					t.Fatalf("ledger = %v, want 6 posted and nothing else open", s)
				}
			})
		}
	}
}

func TestFailingFeedDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	bad := newFeedServer(t, reviews(1, 2, base)...)
	good := newFeedServer(t, reviews(101, 2, base)...)
	e := newEnv(t, sqliteLedger, bad, good)
	r := e.relay(func(o *relay.Options) { o.FailingAfter = 3 })
	e.once(r)

	next := 103
	for i, mode := range []string{"garbage", "404", "500"} {
		bad.setMode(mode)
		good.add(reviews(next, 1, base)...)
		next++
		e.clk.Add(2 * time.Hour) // past the bad feed's backoff
		err := r.Once(context.Background())
		var ce *relay.CycleError
		if !errors.As(err, &ce) || len(ce.Feeds) != 1 || ce.Feeds[0].URL != bad.URL() || len(ce.Deliveries) != 0 {
			t.Fatalf("%s: once = %v, want a cycle error naming only %s", mode, err, bad.URL())
		}
		e.wantPosts(i + 1)
		st, _, err := e.st.Feed(context.Background(), bad.URL())
		if err != nil {
			t.Fatal(err)
		}
		if st.ConsecutiveErrors != i+1 || st.LastError == "" {
			t.Fatalf("%s: bad feed state = %d errors, last %q; want %d and a reason", mode, st.ConsecutiveErrors, st.LastError, i+1)
		}
	}
	rd := r.Ready(context.Background())
	if len(rd.FailingFeeds) != 1 || rd.FailingFeeds[0].URL != bad.URL() || !rd.Ready {
		t.Fatalf("readiness = %+v, want ready with %s listed as failing", rd, bad.URL())
	}

	// A failing feed waits for its backoff: the next cycle leaves it alone,
	// and still fails, naming it, so that a cron job keeps seeing it.
	hits := bad.Hits()
	e.clk.Add(time.Minute)
	var ce *relay.CycleError
	if err := r.Once(context.Background()); !errors.As(err, &ce) || len(ce.Feeds) != 1 || ce.Feeds[0].URL != bad.URL() {
		t.Fatalf("once during backoff: %v, want a cycle error naming %s", err, bad.URL())
	}
	if bad.Hits() != hits {
		t.Fatalf("the failing feed was fetched during its backoff")
	}

	// It recovers: its new review is posted, and it is no longer failing.
	bad.setMode("")
	bad.add(reviews(3, 1, base)...)
	e.clk.Add(2 * time.Hour)
	e.once(r)
	e.wantPosts(4)
	st, _, _ := e.st.Feed(context.Background(), bad.URL())
	if st.ConsecutiveErrors != 0 {
		t.Fatalf("recovered feed still counts %d errors", st.ConsecutiveErrors)
	}
	if rd := r.Ready(context.Background()); len(rd.FailingFeeds) != 0 {
		t.Fatalf("recovered feed still reported failing: %+v", rd.FailingFeeds)
	}
}

// shownPosts records what a dry run shows a person: a line per post,
// "title -> account [network]: text".
type shownPosts struct {
	mu    sync.Mutex
	lines []string
}

func (s *shownPosts) show(rv review.Review, posts []preview.Post, _ time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range posts {
		line := fmt.Sprintf("%s -> %s [%s]: %s", rv.Title, p.Target.Account, p.Target.Network, p.Post.Text)
		if p.Err != nil {
			line = fmt.Sprintf("%s -> %s: cannot render: %v", rv.Title, p.Target.Account, p.Err)
		}
		s.lines = append(s.lines, line)
	}
}

func (s *shownPosts) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

func TestDryRunPostsNothing(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, fs)
	var out shownPosts
	dry := e.relay(func(o *relay.Options) { o.DryRun = true; o.ShowDryRun = out.show })
	e.once(dry)
	fs.add(reviews(3, 1, base)...)
	e.clk.Add(6 * time.Minute)
	e.once(dry)
	e.wantPosts(0)
	for _, acct := range dry.Accounts() {
		if !strings.Contains(out.String(), "-> "+acct+" [") {
			t.Errorf("dry-run output shows no post for %s:\n%s", acct, out.String())
		}
	}
	if !strings.Contains(out.String(), "Film Number 3") || strings.Contains(out.String(), "Film Number 2") {
		t.Errorf("dry-run output should show the new review only:\n%s", out.String())
	}

	// Turning dry run off later does not post what dry run showed.
	e.clk.Add(6 * time.Minute)
	e.once(e.relay())
	e.wantPosts(0)
	if s := e.states(); s[store.Pending] != 0 || s[store.Skipped] != 9 {
		t.Fatalf("ledger after dry run = %v, want 9 skipped deliveries and none pending", s)
	}
}

func TestDryRunWithoutAccountsShowsEveryNetwork(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, fs)
	var out shownPosts
	r := e.relay(func(o *relay.Options) { o.DryRun = true; o.ShowDryRun = out.show; o.Publishers = nil; o.Backfill = 1 })
	e.once(r)
	for _, n := range []string{"[x]", "[mastodon]", "[bluesky]"} {
		if strings.Count(out.String(), n) != 1 {
			t.Errorf("dry run without accounts: want one %s post for the backfilled review:\n%s", n, out.String())
		}
	}
	e.wantPosts(0)
}

func TestFloodGuard(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	e.once(r)

	fs.add(reviews(2, 7, base)...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(3)
	// Oldest first.
	for _, p := range e.nets.m.Statuses() {
		if strings.Contains(p.Text, "Film Number 8") || strings.Contains(p.Text, "Film Number 5") {
			t.Fatalf("flood guard posted a newer review before older ones: %q", p.Text)
		}
	}
	// The blog drops the rest from its feed: they are still posted, three
	// per poll interval.
	fs.set(reviews(1, 1, base)...)
	e.clk.Add(5 * time.Minute)
	e.once(r)
	e.wantPosts(6)
	e.clk.Add(5 * time.Minute)
	e.once(r)
	e.wantPosts(7)
}

func TestBackfill(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := reviews(1, 5, base)
	items = append(items, item{GUID: "news-1", Link: "http://blog.example/news/club/", Title: "Cinema club",
		Published: base.Add(10 * time.Hour), NotReview: true})
	fs := newFeedServer(t, items...)
	e := newEnv(t, sqliteLedger, fs)
	e.once(e.relay(func(o *relay.Options) { o.Backfill = 2 }))
	e.wantPosts(2)
	for _, s := range e.nets.m.Statuses() {
		if !strings.Contains(s.Text, "Film Number 4") && !strings.Contains(s.Text, "Film Number 5") {
			t.Fatalf("backfill posted %q, want the newest two reviews (4 and 5)", s.Text)
		}
	}
	if s := e.states(); s[store.Skipped] != 4*3 {
		t.Fatalf("skipped = %d, want 12 (3 older reviews and the news item, 3 accounts)", s[store.Skipped])
	}
}

func TestNonReviewsAreNotPosted(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	e.once(r)
	fs.add(item{GUID: "news-1", Link: "http://blog.example/news/club/", Title: "Cinema club", Published: base.Add(5 * time.Hour), NotReview: true})
	fs.add(reviews(6, 1, base)...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	e.wantPosts(1)
}

func TestUnchangedBodyNotParsedAgain(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 2, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	e.once(r) // parsed
	e.clk.Add(6 * time.Minute)
	e.once(r) // the same body, no validators: not parsed again
	fs.mu.Lock()
	fs.etag = true
	fs.mu.Unlock()
	e.clk.Add(6 * time.Minute)
	e.once(r) // 200 with an ETag, the same body again
	e.clk.Add(6 * time.Minute)
	e.once(r) // 304

	body := metrics(t, r)
	for _, want := range []string{
		`reelpost_feed_polls_total{result="seen"} 1`,
		`reelpost_feed_polls_total{result="unchanged"} 2`,
		`reelpost_feed_polls_total{result="not_modified"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, grep(body, "reelpost_feed_polls"))
		}
	}
}

func TestHealthEndpoints(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	r := e.relay()
	srv := httptest.NewServer(r.Handler())
	t.Cleanup(srv.Close)

	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("/healthz = %d, want 200", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "no poll") {
		t.Fatalf("/readyz before any poll = %d %s, want 503 saying no poll yet", code, body)
	}
	e.once(r)
	fs.add(reviews(2, 1, base)...)
	e.clk.Add(6 * time.Minute)
	e.once(r)
	code, body := get("/readyz")
	var rd relay.Readiness
	if err := json.Unmarshal([]byte(body), &rd); err != nil || code != 200 || !rd.Ready || rd.Store != "ok" {
		t.Fatalf("/readyz after a poll = %d %s, want 200 and ready", code, body)
	}
	e.clk.Add(time.Hour)
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "no poll completed in") {
		t.Fatalf("/readyz an hour after the last poll = %d %s, want 503", code, body)
	}
	_, m := get("/metrics")
	for _, want := range []string{
		`reelpost_deliveries{account="x:1234567890",network="x",state="posted"} 1`,
		`reelpost_items_seen_total 2`,
		`reelpost_publish_duration_seconds_count{network="bluesky"} 1`,
		`reelpost_post_delay_seconds_count{network="mastodon"} 1`,
		`reelpost_delivery_attempts_total{feed="` + fs.URL() + `",network="x",outcome="posted"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, grep(m, "reelpost_"))
		}
	}
}

// TestRunDeliversAndStopsCleanly runs the daemon on real time: a review that
// appears is posted once per account within a few poll intervals, and
// cancelling the context stops it with no lease left behind.
func TestRunDeliversAndStopsCleanly(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	e.st = openStore(t, e.dsn, time.Now) // real time for the ledger
	r := e.relay(func(o *relay.Options) { o.PollInterval = time.Second; o.Now = time.Now })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	waitFor(t, 10*time.Second, "first poll", func() bool { return r.Ready(ctx).Ready })
	fs.add(reviews(2, 1, base)...)
	waitFor(t, 10*time.Second, "a post on every network", func() bool { return e.nets.counts() == [3]int{1, 1, 1} })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
	e.wantPosts(1)
	if s := e.states(); s[store.Posting] != 0 || s[store.Posted] != 3 {
		t.Fatalf("ledger after shutdown = %v, want 3 posted and no lease held", s)
	}
}

// waitFor polls cond (a condition on the outside world, not a sleep standing
// in for synchronisation) until it holds or the deadline passes.
// runInBackground runs r until the test ends, then stops it and fails the
// test if Run returned an error; it returns Run's context.
func runInBackground(t *testing.T, r *relay.Relay) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return ctx
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func metrics(t *testing.T, r *relay.Relay) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
