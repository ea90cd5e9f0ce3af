package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
)

// fileFeed serves a fixture feed file, which a test can swap for another
// (the same feed, later).
type fileFeed struct {
	srv  *httptest.Server
	mu   sync.Mutex
	path string
	hits int
}

func newFileFeed(t *testing.T, path string) *fileFeed {
	f := &fileFeed{path: path}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		p := f.path
		f.hits++
		f.mu.Unlock()
		b, err := os.ReadFile(p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write(b)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fileFeed) URL() string { return f.srv.URL + "/rss/" }

func (f *fileFeed) swap(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.path = path
}

var (
	letterboxdTestdata = filepath.Join("..", "..", "review", "letterboxd", "testdata")
	memberFeed         = filepath.Join(letterboxdTestdata, "member-feed.xml")
	memberFeedLater    = filepath.Join(letterboxdTestdata, "member-feed-later.xml")
	// ghostBlog is a blog of the corpus: Dune (ambiguous, its own
	// trailer), Arrival (by title and year), Blade Runner 2049 (its own
	// trailer), The Substance (spoilers), Nope (an IMDb link).
	ghostBlog = filepath.Join("..", "..", "review", "testdata", "corpus", "ghost-frameline.xml")
)

// tmdbWorld is a CLI world with a Letterboxd member's feed and a blog, both
// backfilled in full on first sight, and TMDB configured on its fake.
type tmdbWorld struct {
	*cliWorld
	letterboxd, blog *fileFeed
	tmdb             *tmdbfake.Server
	// laterFeed is member-feed-later.xml, dated as the first reading is
	// (see replayMemberFeeds).
	laterFeed string
}

// replayMemberFeeds writes member-feed.xml and member-feed-later.xml for t
// with every pubDate moved by the same amount, so that the later feed's
// newest entry was logged now. The fixtures are the member's feed as of
// October 2025, and whether a diary entry of the first reading is recent
// enough to wait for its review is judged against the clock; moved so, The
// Zone of Interest was logged three and a half days before the first
// reading, and the older diary entries weeks before it.
func replayMemberFeeds(t *testing.T) (first, later string) {
	t.Helper()
	const layout = "Mon, 2 Jan 2006 15:04:05 -0700" // RFC 1123 with numeric zone, one-digit days as Letterboxd writes them
	pubDate := regexp.MustCompile(`<pubDate>([^<]+)</pubDate>`)
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	firstFeed, laterFeed := read(memberFeed), read(memberFeedLater)
	var newest time.Time
	for _, m := range pubDate.FindAllStringSubmatch(laterFeed, -1) {
		d, err := time.Parse(layout, m[1])
		if err != nil {
			t.Fatalf("%s: %v", memberFeedLater, err)
		}
		if d.After(newest) {
			newest = d
		}
	}
	if newest.IsZero() {
		t.Fatalf("%s: no pubDate", memberFeedLater)
	}
	shift := time.Now().Truncate(time.Second).Sub(newest)
	write := func(name, feed string) string {
		moved := pubDate.ReplaceAllStringFunc(feed, func(s string) string {
			d, err := time.Parse(layout, pubDate.FindStringSubmatch(s)[1])
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return "<pubDate>" + d.Add(shift).Format(layout) + "</pubDate>"
		})
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(moved), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	return write("member-feed.xml", firstFeed), write("member-feed-later.xml", laterFeed)
}

func newTMDBWorld(t *testing.T) *tmdbWorld {
	t.Helper()
	first, later := replayMemberFeeds(t)
	w := &tmdbWorld{cliWorld: newCLIWorld(t), letterboxd: newFileFeed(t, first), blog: newFileFeed(t, ghostBlog),
		tmdb: tmdbfake.New(t, tmdbfake.Options{}), laterFeed: later}
	delete(w.env, "FEED_CATEGORIES") // the blog files its reviews under "Reviews"
	w.env["FEED_URLS"] = w.letterboxd.URL() + "," + w.blog.URL()
	w.env["BACKFILL"] = "50"
	w.env["MAX_POSTS_PER_POLL"] = "50"
	w.env["TMDB_API_KEY"] = tmdbfake.AccessToken
	w.env["TMDB_API_URL"] = w.tmdb.URL
	return w
}

// firstPosts are the reviews of both feeds: 9 written Letterboxd reviews
// (not its 4 diary entries or 2 lists) and the blog's 5.
const firstPosts = 14

// mastodonTexts returns the Mastodon statuses' texts and content warnings.
func (w *tmdbWorld) mastodon() (texts []string, warnings map[string]string) {
	warnings = map[string]string{}
	for _, s := range w.m.Statuses() {
		texts = append(texts, s.Text)
		first, _, _ := strings.Cut(s.Text, "\n")
		warnings[first] = s.SpoilerText
	}
	return texts, warnings
}

func containsAll(t *testing.T, network string, texts []string, wants ...string) {
	t.Helper()
	all := strings.Join(texts, "\n---\n")
	for _, want := range wants {
		if !strings.Contains(all, want) {
			t.Errorf("no %s post carries %q", network, want)
		}
	}
}

// checkFirstPosts checks what the first sight of both feeds posted: the
// reviews with TMDB's trailers where they have none of their own, no
// trailer of either Dune, spoilers behind a warning on Mastodon and without
// their text elsewhere, and nothing of the diary entries or lists.
func (w *tmdbWorld) checkFirstPosts(t *testing.T) {
	t.Helper()
	if got := w.posts(); got != [3]int{firstPosts, firstPosts, firstPosts} {
		t.Fatalf("posts on x, mastodon, bluesky = %v, want %d each", got, firstPosts)
	}
	texts, warnings := w.mastodon()
	var xTexts, bskyTexts []string
	for _, p := range w.x.Posts() {
		xTexts = append(xTexts, p.Text)
	}
	for _, p := range w.b.Posts() {
		bskyTexts = append(bskyTexts, p.Text)
	}
	tmdbTrailers := []string{tmdbfake.WeaponsTrailerKey, tmdbfake.SeveranceTrailerKey, tmdbfake.AftersunTrailerKey,
		"AmelieFrTr1", "CatsTrlr001", "ArrvlTrl001", "NopeTrlr001", "SbstncTrl01"}
	for network, ts := range map[string][]string{"x": xTexts, "mastodon": texts, "bluesky": bskyTexts} {
		containsAll(t, network, ts, tmdbTrailers...)
		all := strings.Join(ts, "\n")
		for _, never := range []string{"Dune21Trl01", "Dune84Trl01", "Past Lives", "Mad Max", "Singin", "Quiet films", "Best of 2023",
			"The Zone of Interest"} {
			if strings.Contains(all, never) {
				t.Errorf("a %s post carries %q (a wrong trailer, a diary entry or a list)", network, never)
			}
		}
		if network != "mastodon" && strings.Contains(all, "The flood is the film") {
			t.Errorf("a %s post shows the text of Parasite's review, which has spoilers", network)
		}
	}
	for film, want := range map[string]string{"Parasite (2019)": "Spoilers: Parasite (2019)",
		// The blog states no year: TMDB's fills it.
		"The Substance": "Spoilers: The Substance (2024)", "Weapons (2025)": ""} {
		got, found := "", false
		for first, cw := range warnings {
			if strings.HasPrefix(first, film) {
				got, found = cw, true
			}
		}
		if !found || got != want {
			t.Errorf("%s's Mastodon content warning %q (found %v), want %q", film, got, found, want)
		}
	}
	if !strings.Contains(strings.Join(texts, "\n"), "The flood is the film") {
		t.Error("Parasite's review text is missing behind its Mastodon content warning")
	}
}

// TestOnceTMDB: a Letterboxd feed and a blog through `once` with TMDB: the
// reviews are posted with TMDB's trailers, not the diary entry the member
// logged days before (The Zone of Interest); the later feed shows that entry
// turned into a review, beside a new review: exactly those two are posted,
// with one TMDB request each; a repost by another process and a restart ask
// TMDB nothing.
func TestOnceTMDB(t *testing.T) {
	t.Parallel()
	w := newTMDBWorld(t)
	w.mustRun("once")
	w.checkFirstPosts(t)
	asked := len(w.tmdb.Requests())
	if asked == 0 || asked > 3*firstPosts {
		t.Fatalf("%d TMDB requests for %d reviews, want 1 to 3 each", asked, firstPosts)
	}

	w.letterboxd.swap(w.laterFeed)
	w.mustRun("once")
	if got := w.posts(); got != [3]int{firstPosts + 2, firstPosts + 2, firstPosts + 2} {
		t.Fatalf("posts after the later feed = %v, want the 2 new reviews once each", got)
	}
	texts, _ := w.mastodon()
	containsAll(t, "mastodon", texts[firstPosts:], tmdbfake.AnatomyEnTrailerKey, tmdbfake.ZoneTrailerKey)
	if n := len(w.tmdb.Requests()) - asked; n != 2 {
		t.Errorf("%d TMDB requests for the 2 new Letterboxd reviews (TMDB ids in the feed), want 2", n)
	}
	asked = len(w.tmdb.Requests())

	// Another process, the same ledger: a repost asks TMDB nothing.
	w.mustRun("repost", "https://letterboxd.com/reelpost_fixture/film/weapons-2025/", "--account", "mastodon")
	texts, _ = w.mastodon()
	if len(texts) != firstPosts+3 || !strings.Contains(texts[len(texts)-1], tmdbfake.WeaponsTrailerKey) {
		t.Fatalf("the repost of Weapons is not the last Mastodon status with TMDB's trailer: %d statuses, last %q",
			len(texts), texts[len(texts)-1])
	}
	w.mustRun("once")
	if n := len(w.tmdb.Requests()) - asked; n != 0 {
		t.Errorf("%d TMDB requests after a restart and a repost, want 0", n)
	}
}

// TestDaemonTMDB: the same through the daemon, stopped and started again:
// the restarted daemon asks TMDB nothing for what it knows, and only one
// request per new review of the later feed.
func TestDaemonTMDB(t *testing.T) {
	t.Parallel()
	w := newTMDBWorld(t)
	w.env["POLL_INTERVAL"] = "1s"

	stop := w.startDaemon(t)
	eventually(t, 30*time.Second, "the first posts", func() bool { return w.posts()[2] >= firstPosts })
	stop()
	w.checkFirstPosts(t)
	asked := len(w.tmdb.Requests())

	w.mustRun("repost", "--account", "bluesky", "https://letterboxd.com/reelpost_fixture/film/weapons-2025/")
	stop = w.startDaemon(t)
	hits := w.feedHits()
	eventually(t, 30*time.Second, "two polls of the restarted daemon", func() bool { return w.feedHits() >= hits+4 })
	if n := len(w.tmdb.Requests()) - asked; n != 0 {
		t.Errorf("%d TMDB requests after a restart and a repost, want 0", n)
	}
	if got := w.posts(); got != [3]int{firstPosts, firstPosts, firstPosts + 1} {
		t.Errorf("posts after a restart = %v, want no new one (and the repost on Bluesky)", got)
	}
	w.letterboxd.swap(w.laterFeed)
	eventually(t, 30*time.Second, "the later feed's two reviews", func() bool {
		p := w.posts()
		return p[0] >= firstPosts+2 && p[1] >= firstPosts+2 && p[2] >= firstPosts+3
	})
	stop()
	if got := w.posts(); got != [3]int{firstPosts + 2, firstPosts + 2, firstPosts + 3} {
		t.Fatalf("posts = %v, want the 2 new reviews once each (and the repost on Bluesky)", got)
	}
	if n := len(w.tmdb.Requests()) - asked; n != 2 {
		t.Errorf("%d TMDB requests for the later feed's 2 new reviews, want 2", n)
	}
}

// startDaemon runs `reelpost run` in-process until the returned stop is
// called; stop waits for it to exit and fails the test on an error.
func (w *tmdbWorld) startDaemon(t *testing.T) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var out, errb strings.Builder
		err := run(ctx, []string{"run"}, w.env, &out, &errb)
		if err != nil {
			err = &daemonError{err: err, stderr: errb.String()}
		}
		done <- err
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("daemon: %v", err)
				}
			case <-time.After(45 * time.Second):
				t.Fatal("the daemon did not stop within 45s")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

type daemonError struct {
	err    error
	stderr string
}

func (e *daemonError) Error() string { return e.err.Error() + "\n" + e.stderr }

// feedHits is how many times the feeds were fetched.
func (w *tmdbWorld) feedHits() int {
	n := 0
	for _, f := range []*fileFeed{w.letterboxd, w.blog} {
		f.mu.Lock()
		n += f.hits
		f.mu.Unlock()
	}
	return n
}

// TestOnceWithoutTMDBAsksNothing: TMDB_API_KEY unset, `once` posts the
// reviews as their feeds have them and sends TMDB no request, whatever
// TMDB_API_URL says.
func TestOnceWithoutTMDBAsksNothing(t *testing.T) {
	t.Parallel()
	w := newTMDBWorld(t)
	delete(w.env, "TMDB_API_KEY")
	w.mustRun("once")
	if got := w.posts(); got != [3]int{firstPosts, firstPosts, firstPosts} {
		t.Fatalf("posts = %v, want %d each", got, firstPosts)
	}
	texts, _ := w.mastodon()
	if all := strings.Join(texts, "\n"); strings.Contains(all, tmdbfake.WeaponsTrailerKey) || strings.Contains(all, "ArrvlTrl001") {
		t.Error("a post carries a TMDB trailer with TMDB not configured")
	}
	if n := len(w.tmdb.Requests()); n != 0 {
		t.Errorf("%d TMDB requests without TMDB_API_KEY, want 0", n)
	}
}
