package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnceSaysWhyNothingWasPosted: the README's first command, run a
// second time, says why it posted nothing.
func TestOnceSaysWhyNothingWasPosted(t *testing.T) {
	t.Parallel()
	env := map[string]string{"FEED_URLS": exampleFeed, "BACKFILL": "5", "LOG_FORMAT": "text",
		"DATABASE_URL": filepath.Join(t.TempDir(), "reelpost.db"), "HTTP_ADDR": ""}
	out, errOut, code := runCLI(t, env, "once")
	if code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "summary: 1 feed(s) polled\n") || !strings.Contains(out, exampleFeed+": first sight: 2 item(s) recorded, 1 of them shown as they would be posted") ||
		!strings.Contains(out, "2 new item(s); dry run: nothing posted") {
		t.Errorf("first run's summary:\n%s", out)
	}
	out, errOut, code = runCLI(t, env, "once")
	if code != exitOK {
		t.Fatalf("second run: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, exampleFeed+": nothing new: all 2 item(s) already seen (the feed has not changed since the last poll)") {
		t.Errorf("second run does not say why nothing was posted:\n%s", out)
	}
}

// TestOnceSummaryAndAFeedBackingOff: the summary counts the posts, and a
// feed that failed fails the next cycle too while it backs off, without
// being polled, so that a cron job keeps seeing it; the error is said once.
func TestOnceSummaryAndAFeedBackingOff(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	w.feed.add(testReviews(2, 2)...)
	out := w.mustRun("once")
	if !strings.Contains(out, w.feed.URL()+": 2 new item(s) of 3\n") || !strings.Contains(out, "2 new item(s); 6 post(s) made, 0 failed, 0 deferred\n") {
		t.Errorf("summary after two new reviews:\n%s", out)
	}

	w.feed.fail(http.StatusInternalServerError)
	out, errOut, err := w.run("once")
	if exitCodeOf(err) != exitFailure || !strings.Contains(out, "1 failing") || !strings.Contains(out, "FAILED: fetch "+w.feed.URL()) {
		t.Fatalf("once on a failing feed = %v:\n%s", err, out)
	}
	hits := feedHits(w.feed)
	out, errOut, err = w.run("once")
	if exitCodeOf(err) != exitFailure || !strings.Contains(out, "FAILING: not polled, backing off after 1 consecutive error(s)") ||
		!strings.Contains(out, "HTTP 500") {
		t.Fatalf("once while the feed backs off = %v (exit %d):\n%s", err, exitCodeOf(err), out)
	}
	if feedHits(w.feed) != hits {
		t.Errorf("the feed backing off was polled")
	}
	if strings.Contains(errOut, "reelpost: ") {
		t.Errorf("the failure is said again on stderr:\n%s", errOut)
	}
}

// TestOnceShowsProgressToAPerson: on a terminal, once shows how its posts
// go, on a line that log records clear before they are written, and that
// is cleared before the summary.
func TestOnceShowsProgressToAPerson(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 2)...)
	w.env["BACKFILL"] = "2"
	w.env["LOG_LEVEL"] = "info"
	var out, errb bytes.Buffer
	e := &cliEnv{Stdout: &out, Stderr: &errb, Environ: w.env, Terminal: true}
	if err := cmdOnce(t.Context(), e, nil); err != nil {
		t.Fatal(err)
	}
	stderr := errb.String()
	if !strings.Contains(stderr, "\r\x1b[Kposting: 6 made, 0 failed, 0 deferred") || !strings.HasSuffix(stderr, "\r\x1b[K") {
		t.Errorf("stderr = %q, want the posts' progress, cleared at the end", stderr)
	}
	if n := strings.Count(stderr, "time="); n == 0 || strings.Count(stderr, "\r\x1b[Ktime=") != n {
		t.Errorf("stderr = %q: every log record should clear the progress line first", stderr)
	}
	if got := w.posts(); got != [3]int{2, 2, 2} {
		t.Errorf("posts = %v", got)
	}
}
