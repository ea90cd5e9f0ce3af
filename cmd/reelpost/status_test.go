package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/xfake"
)

func TestStatusShowsFeedsPostsAndFailures(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.env["X_ACCESS_TOKEN_SECRET"] = "wrong" // X answers 401: failed with X's reason
	w.mustRun("once")
	w.feed.add(testReviews(2, 1)...)
	_, _, _ = w.run("once")

	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Feeds) != 1 || rep.Feeds[0].URL != w.feed.URL() || rep.Feeds[0].LastSuccess.IsZero() {
		t.Fatalf("feeds = %+v, want the feed with its last success", rep.Feeds)
	}
	byAccount := map[string]accountStatus{}
	for _, a := range rep.Accounts {
		byAccount[a.Account] = a
	}
	x := byAccount["x:987654321"]
	if len(x.Failed) != 1 || x.Failed[0].Title != "Film Number 2" || x.Failed[0].LastError == "" {
		t.Fatalf("x account status = %+v, want the failed delivery with its reason", x)
	}
	b := byAccount["bluesky:@films.test"]
	if len(b.Recent) != 1 || !strings.HasPrefix(b.Recent[0].PostURL, "https://") || b.Counts["posted"] != 1 || b.Counts["skipped"] != 1 {
		t.Fatalf("bluesky account status = %+v, want one recent post with its URL", b)
	}

	// The feed breaks: status says so.
	w.feed.fail(http.StatusNotFound)
	_, _, _ = w.run("once")
	text := w.mustRun("status")
	for _, want := range []string{w.feed.URL(), "1 consecutive error(s)", "404", `failed  "Film Number 2"`, "x:987654321: 0 posted"} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
}

// TestStatusSaysWhyNotPosted: status answers "why wasn't it posted?" for
// every item that was not: history at the feed's first sight, an item that
// is not a review, a failed post (with its key, link and feed), and marks
// a repost as one.
func TestStatusSaysWhyNotPosted(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once") // review-1: history
	news := testReviews(2, 2)
	news[1].Category, news[1].Title = "News", "Festival line-up announced"
	w.feed.add(news...)
	w.env["X_ACCESS_TOKEN_SECRET"] = "wrong"
	_, _, _ = w.run("once") // review-2 fails on X; review-3 is no review
	w.env["X_ACCESS_TOKEN_SECRET"] = "ts"
	w.mustRun("repost", "--account", "mastodon", "review-2")

	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	why := map[string]notPostedStatus{}
	for _, it := range rep.NotPosted {
		why[it.Key] = it
	}
	if it := why["review-1"]; it.Why != "skipped" || !strings.Contains(it.Reason, "first saw it") || it.FeedURL != w.feed.URL() ||
		it.Link != "https://blog.example/reviews/film-1/" {
		t.Errorf("review-1 (history) = %+v", it)
	}
	if it := why["review-3"]; it.Why != "not_a_review" || !strings.Contains(it.Reason, "not a review") || it.FeedURL != w.feed.URL() {
		t.Errorf("review-3 (news) = %+v", it)
	}
	if _, listed := why["review-2"]; listed || len(rep.NotPosted) != 2 {
		t.Errorf("not posted = %+v, want review-1 and review-3 only", rep.NotPosted)
	}
	var failed, reposts []deliveryStatus
	for _, a := range rep.Accounts {
		failed = append(failed, a.Failed...)
		for _, d := range a.Recent {
			if d.Repost > 0 {
				reposts = append(reposts, d)
			}
		}
	}
	if len(failed) != 1 || failed[0].Key != "review-2" || failed[0].FeedURL != w.feed.URL() ||
		failed[0].Link != "https://blog.example/reviews/film-2/" || !strings.Contains(failed[0].LastError, "HTTP 401") {
		t.Errorf("failed = %+v, want review-2 on X with its key, link, feed and reason", failed)
	}
	if len(reposts) != 1 || reposts[0].Key != "review-2" {
		t.Errorf("reposts = %+v, want the Mastodon repost of review-2", reposts)
	}

	text := w.mustRun("status")
	for _, want := range []string{
		`failed  "Film Number 2"  after 1 attempt(s): HTTP 401`,
		"key review-2, link https://blog.example/reviews/film-2/, feed " + w.feed.URL(),
		`"Film Number 2" (repost 1)`,
		"not posted (most recent first):",
		`"Festival line-up announced": not a review`,
		`"Film Number 1": in the feed when reelpost first saw it`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
}

// TestStatusTellsDryRunFromHistory: a review skipped because DRY_RUN was
// set is told apart from the history a first sight skips.
func TestStatusTellsDryRunFromHistory(t *testing.T) {
	t.Parallel()
	w := newCLIWorld(t, testReviews(1, 1)...)
	w.mustRun("once")
	w.env["DRY_RUN"] = "true"
	w.feed.add(testReviews(2, 1)...)
	w.mustRun("once")
	delete(w.env, "DRY_RUN")
	var rep statusReport
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	why := map[string]string{}
	for _, it := range rep.NotPosted {
		why[it.Key] = it.Reason
	}
	if !strings.HasPrefix(why["review-1"], "in the feed when reelpost first saw it: history") || strings.Contains(why["review-1"], "dry run") {
		t.Errorf("review-1's reason = %q, want history at first sight", why["review-1"])
	}
	if !strings.HasPrefix(why["review-2"], "seen in dry run") {
		t.Errorf("review-2's reason = %q, want dry run", why["review-2"])
	}
}

// TestStatusShowsARateLimit: after X answers 429, status says, under the X
// account only, until when X holds its posts (the reset X announced, and
// how long from now), and that its pending posts wait for it; --json
// carries the same. On SQLite and PostgreSQL.
func TestStatusShowsARateLimit(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			w := newCLIWorld(t, testReviews(1, 1)...)
			if db == "postgres" {
				w.env["DATABASE_URL"] = postgresLedger(t)
			}
			w.mustRun("once") // history
			w.feed.add(testReviews(2, 3)...)
			reset := time.Now().Add(42*time.Minute + 20*time.Second).Truncate(time.Second)
			w.x.SetRateLimitReset(reset)
			w.x.FailNext(xfake.Fault429, 1)
			_, _, _ = w.run("once")
			if n := len(w.x.Posts()); n != 0 {
				t.Fatalf("X has %d posts after its 429, want none", n)
			}

			var rep statusReport
			if err := json.Unmarshal([]byte(w.mustRun("status", "--json")), &rep); err != nil {
				t.Fatal(err)
			}
			var limited []string
			for _, a := range rep.Accounts {
				if a.RateLimit == nil {
					continue
				}
				limited = append(limited, a.Account)
				rl := a.RateLimit
				if rl.Until.Before(reset) || rl.Until.After(reset.Add(5*time.Second)) || rl.Phase != "waiting" || rl.Waiting != 3 || rl.Probe != nil {
					t.Errorf("%s's rate limit = %+v, want until X's reset %s (jitter aside), waiting, 3 pending", a.Account, rl, reset)
				}
			}
			if !slices.Equal(limited, []string{"x:987654321"}) {
				t.Fatalf("rate-limited accounts = %v, want the X account only", limited)
			}

			text := w.mustRun("status")
			line := regexp.MustCompile(`(?m)^  x:987654321: 0 posted, 3 pending.*\n    rate-limited until (\S+) \(in 42m\): its 3 pending post\(s\) wait for the reset, then one goes alone first, as a probe$`).
				FindStringSubmatch(text)
			if line == nil {
				t.Fatalf("status does not show the X account's rate limit under it:\n%s", text)
			}
			if until, err := time.Parse(time.RFC3339, line[1]); err != nil || until.Before(reset) || until.After(reset.Add(5*time.Second)) {
				t.Errorf("shown until %s, want X's reset %s (jitter aside)", line[1], reset.UTC().Format(time.RFC3339))
			}
			// Each waiting post is due at the reset, not at a time past.
			if n := len(regexp.MustCompile(`(?m)^    pending "Film Number \d"  attempt 0, next `+regexp.QuoteMeta(line[1])+` \(the rate limit's reset\)`).FindAllString(text, -1)); n != 3 {
				t.Errorf("status shows %d pending posts due at the reset %s, want 3:\n%s", n, line[1], text)
			}
			if n := len(regexp.MustCompile(`(?m)^    rate-limited until`).FindAllString(text, -1)); n != 1 {
				t.Errorf("status shows %d rate limits, want 1:\n%s", n, text)
			}
			if testing.Verbose() {
				t.Logf("status:\n%s", text)
			}
		})
	}
}

// TestRateLimitLine: what status says of a rate limit at each of its
// phases, and how long it reads from now.
func TestRateLimitLine(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 21, 0, 0, 0, time.UTC)
	probe := &deliveryStatus{Title: "Weapons", State: "posting", Attempts: 1}
	for _, tc := range []struct {
		name string
		rl   rateLimitStatus
		want string
	}{
		{"window open", rateLimitStatus{Until: now.Add(41*time.Minute + 40*time.Second), Phase: "waiting", Waiting: 3},
			"rate-limited until 2026-03-01T21:41:40Z (in 42m): its 3 pending post(s) wait for the reset, then one goes alone first, as a probe"},
		{"X's daily cap", rateLimitStatus{Until: now.Add(19*time.Hour + 5*time.Minute), Phase: "waiting", Waiting: 12},
			"rate-limited until 2026-03-02T16:05:00Z (in 19h 5m): its 12 pending post(s) wait for the reset, then one goes alone first, as a probe"},
		{"days", rateLimitStatus{Until: now.Add(50 * time.Hour), Phase: "waiting", Waiting: 1},
			"rate-limited until 2026-03-03T23:00:00Z (in 2d 2h): its 1 pending post(s) wait for the reset, then one goes alone first, as a probe"},
		{"seconds", rateLimitStatus{Until: now.Add(20 * time.Second), Phase: "waiting", Waiting: 1},
			"rate-limited until 2026-03-01T21:00:20Z (in 20s): its 1 pending post(s) wait for the reset, then one goes alone first, as a probe"},
		{"reset passed, no probe yet", rateLimitStatus{Until: now.Add(-3 * time.Minute), Phase: "probe_due", Waiting: 3},
			"rate-limited until 2026-03-01T20:57:00Z (reset 3m ago): the first of its 3 pending post(s) goes alone first, as a probe, and the rest follow once it is posted"},
		{"probe in flight", rateLimitStatus{Until: now.Add(-3 * time.Minute), Phase: "probe_in_flight", Waiting: 2, Probe: probe},
			`rate-limited until 2026-03-01T20:57:00Z (reset 3m ago): the probe "Weapons" is posting now; its 2 other pending post(s) follow once it is posted`},
		{"probe in flight, nothing behind", rateLimitStatus{Until: now.Add(-time.Minute), Phase: "probe_in_flight", Probe: probe},
			`rate-limited until 2026-03-01T20:59:00Z (reset 1m ago): the probe "Weapons" is posting now`},
		{"nothing pending", rateLimitStatus{Until: now.Add(time.Hour), Phase: "waiting"},
			"rate-limited until 2026-03-01T22:00:00Z (in 1h): nothing is pending; a new post waits for the reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := rateLimitLine(&tc.rl, now); got != tc.want {
				t.Errorf("rateLimitLine =\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
}
