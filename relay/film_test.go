package relay_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/internal/testutil"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

// filmWorld is a relay test world with TMDB: its fake, a client of it with
// the ledger as cache, and the relay's log kept to be read.
type filmWorld struct {
	*env
	feed *feedServer
	tmdb *tmdbfake.Server
	logs *testutil.SyncBuffer
	wait time.Duration // FilmWait
}

// newFilmWorld starts a world whose feed has been seen once (its one item
// is history), so that what a test adds is news.
func newFilmWorld(t *testing.T) *filmWorld {
	t.Helper()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	w := &filmWorld{env: newEnv(t, sqliteLedger, fs), feed: fs, tmdb: tmdbfake.New(t, tmdbfake.Options{}),
		logs: &testutil.SyncBuffer{}, wait: 15 * time.Minute}
	w.once(w.relay()) // first sight
	return w
}

// client is a TMDB client of the fake with credential, sharing the
// world's clock and ledger, as reelpost wires it.
func (w *filmWorld) client(credential string) *film.Client {
	w.t.Helper()
	c, err := film.New(film.Options{BaseURL: w.tmdb.URL, Credential: credential, Language: "en", Cache: w.st,
		Now: w.clk.Now, HTTPClient: httpclient.New(httpclient.Options{Timeout: 5 * time.Second})})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// relay builds a relay asking ids (nil: TMDB not configured), logging to
// w.logs as well as to the test.
func (w *filmWorld) relayWith(ids relay.FilmIdentifier, mods ...func(*relay.Options)) *relay.Relay {
	logger := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return w.env.relay(append([]func(*relay.Options){func(o *relay.Options) {
		o.Films, o.FilmWait, o.Logger = ids, w.wait, logger
	}}, mods...)...)
}

// addReview publishes a review titled title.
func (w *filmWorld) addReview(guid, title string) {
	w.feed.add(item{GUID: guid, Link: "http://blog.example/reviews/" + guid + "/", Title: title,
		Published: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	w.clk.Add(6 * time.Minute)
}

// logLines are the relay's log lines holding msg.
func (w *filmWorld) logLines(msg string) []string {
	var out []string
	for line := range strings.SplitSeq(w.logs.String(), "\n") {
		if strings.Contains(line, `msg="`+msg) {
			out = append(out, line)
		}
	}
	return out
}

// wantTrailer checks that every network holds n posts and whether each
// carries key.
func (w *filmWorld) wantTrailer(n int, key string, carried bool) {
	w.t.Helper()
	w.wantPosts(n)
	for i, texts := range w.nets.texts() {
		for _, s := range texts {
			if strings.Contains(s, key) != carried {
				w.t.Errorf("%s post carries trailer %s: %v, want %v:\n%s", []string{"x", "mastodon", "bluesky"}[i], key,
					!carried, carried, s)
			}
		}
	}
}

// TestFilmTrailerFromTMDB: a blog review without a trailer goes out with
// the film's TMDB trailer on every network; the three deliveries and a
// later repost by a restarted relay ask TMDB once in all (search and
// details), the ledger answering the rest.
func TestFilmTrailerFromTMDB(t *testing.T) {
	t.Parallel()
	w := newFilmWorld(t)
	w.addReview("drive", "Review: Drive (2011)")
	w.once(w.relayWith(w.client(tmdbfake.APIKey)))
	w.wantTrailer(1, "DrvTrlr0001", true)
	if n := len(w.tmdb.Requests()); n != 2 {
		t.Errorf("%d TMDB requests for one review on 3 accounts, want 2 (search, details)", n)
	}
	for _, s := range w.nets.texts()[1] {
		if !strings.Contains(s, "directed by Nicolas Winding Refn") {
			t.Errorf("the Mastodon post lacks the director TMDB gave:\n%s", s)
		}
	}

	// A restart (a new client, the same ledger) and a repost.
	ctx := context.Background()
	it, ok, err := w.st.FindItem(ctx, "drive")
	if err != nil || !ok {
		t.Fatalf("find item: %v %v", ok, err)
	}
	m := mastodonOf(t, w.env)
	d, err := w.st.AddRepost(ctx, it.ID, m.ID())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.relayWith(w.client(tmdbfake.APIKey)).DeliverIDs(ctx, []int64{d.ID}); err != nil {
		t.Fatal(err)
	}
	sts := w.nets.m.Statuses()
	if len(sts) != 2 || !strings.Contains(sts[1].Text, "DrvTrlr0001") {
		t.Fatalf("Mastodon statuses %d, want the repost with TMDB's trailer: %+v", len(sts), sts)
	}
	if n := len(w.tmdb.Requests()); n != 2 {
		t.Errorf("%d TMDB requests after a restart and a repost, want still 2", n)
	}
}

// TestFilmNotConfiguredAsksNothing: without a FilmIdentifier the review
// goes out as the feed has it, and TMDB hears nothing.
func TestFilmNotConfiguredAsksNothing(t *testing.T) {
	t.Parallel()
	w := newFilmWorld(t)
	w.addReview("drive", "Review: Drive (2011)")
	w.once(w.relayWith(nil))
	w.wantTrailer(1, "DrvTrlr0001", false)
	if n := len(w.tmdb.Requests()); n != 0 {
		t.Errorf("%d TMDB requests with TMDB not configured, want 0", n)
	}
}

// TestFilmWaitsForTMDB: TMDB rate-limiting (429 with Retry-After) holds
// the posts back without spending an attempt; they go out with the trailer
// once TMDB answers.
func TestFilmWaitsForTMDB(t *testing.T) {
	t.Parallel()
	w := newFilmWorld(t)
	w.addReview("drive", "Review: Drive (2011)")
	w.tmdb.FailNext(tmdbfake.Fault429, 1)
	// One account, so that one identification meets the one 429.
	r := w.relayWith(w.client(tmdbfake.APIKey), func(o *relay.Options) { o.Publishers = o.Publishers[1:2] })
	w.once(r)
	if got := w.nets.counts(); got != [3]int{} {
		t.Fatalf("posted %v while TMDB was rate-limiting, want to wait", got)
	}
	ds, err := w.st.Deliveries(context.Background(), store.DeliveryFilter{States: []store.State{store.Pending}})
	if err != nil || len(ds) != 1 {
		t.Fatalf("pending deliveries %d (%v), want 1", len(ds), err)
	}
	for _, d := range ds {
		if d.Attempts != 0 || !strings.Contains(d.LastError, "tmdb unavailable") {
			t.Errorf("delivery %d: %d attempts spent, last error %q; want none spent, waiting for TMDB", d.ID, d.Attempts, d.LastError)
		}
	}
	w.once(r)
	if got := w.nets.counts(); got != [3]int{} {
		t.Fatalf("posted %v before TMDB's Retry-After and the wait had passed", got)
	}
	w.clk.Add(40 * time.Second)
	w.once(r)
	sts := w.nets.m.Statuses()
	if len(sts) != 1 || !strings.Contains(sts[0].Text, "DrvTrlr0001") {
		t.Fatalf("after the wait: %d statuses, want 1 with TMDB's trailer: %+v", len(sts), sts)
	}
	if lines := w.logLines("tmdb unavailable; posting without trailer"); len(lines) != 0 {
		t.Errorf("logged %q, but the post waited and got its trailer", lines)
	}
}

// TestFilmGivesUpAfterTMDBWait: TMDB failing for longer than FilmWait
// (TMDB_WAIT) never loses the post nor holds it longer: it goes out without
// TMDB's trailer once FilmWait has passed since the delivery was created,
// not before, and the log says so.
func TestFilmGivesUpAfterTMDBWait(t *testing.T) {
	t.Parallel()
	w := newFilmWorld(t)
	w.wait = 2 * time.Minute
	w.addReview("drive", "Review: Drive (2011)")
	w.tmdb.FailNext(tmdbfake.Fault500, 1000)
	r := w.relayWith(w.client(tmdbfake.APIKey))
	w.once(r)
	w.clk.Add(time.Minute)
	w.once(r)
	if got := w.nets.counts(); got != [3]int{} {
		t.Fatalf("posted %v after 1m of TMDB failing, want to wait up to 2m", got)
	}
	w.clk.Add(time.Minute + time.Second)
	w.once(r)
	w.wantTrailer(1, "youtube.com", false)
	lines := w.logLines("tmdb unavailable; posting without trailer")
	if len(lines) != 3 {
		t.Fatalf("%d log lines say the posts went without TMDB, want one per account:\n%s", len(lines), w.logs.String())
	}
	for _, l := range lines {
		if !strings.Contains(l, "item_key=drive") || !strings.Contains(l, "reason=") || !strings.Contains(l, "500") {
			t.Errorf("log line lacks the item key or TMDB's reason: %s", l)
		}
	}
}

// TestFilmRefusedCredentials: a key TMDB refuses (401) sends posts out at
// once without TMDB, says so once, and is not tried again by this process.
func TestFilmRefusedCredentials(t *testing.T) {
	t.Parallel()
	w := newFilmWorld(t)
	w.addReview("drive", "Review: Drive (2011)")
	r := w.relayWith(w.client("ffffffffffffffffffffffffffffffff"))
	w.once(r)
	w.wantTrailer(1, "youtube.com", false)
	w.addReview("heat", "Heat (1995) review")
	w.once(r)
	w.wantPosts(2)
	if n := len(w.tmdb.Requests()); n != 1 {
		t.Errorf("%d TMDB requests with a refused key, want 1 (then none)", n)
	}
	lines := w.logLines("tmdb refused the credentials")
	if len(lines) != 1 || strings.Contains(w.logs.String(), "ffffffffffffffff") {
		t.Errorf("%d log lines about the refused key, want 1, never the key:\n%s", len(lines), w.logs.String())
	}
}

// TestFilmAmbiguousGetsNoTrailer: a title several films share, and nothing
// in the review to tell them apart: the posts go out without a trailer (never
// a wrong one), and the log says why, once for the review.
func TestFilmAmbiguousGetsNoTrailer(t *testing.T) {
	t.Parallel()
	w := newFilmWorld(t)
	w.addReview("crash", "Crash review")
	w.once(w.relayWith(w.client(tmdbfake.APIKey)))
	w.wantTrailer(1, "youtube.com", false)
	lines := w.logLines("film not identified")
	if len(lines) != 1 || !strings.Contains(lines[0], "3 films titled Crash") || !strings.Contains(lines[0], "level=INFO") ||
		!strings.Contains(lines[0], "item_key=crash") {
		t.Errorf("log lines %q, want one at info with the item key and why", lines)
	}
}

// notOnTMDB answers every identification with TMDB's 404.
type notOnTMDB struct{ asked int }

func (n *notOnTMDB) Identify(context.Context, film.Evidence) (film.Match, error) {
	n.asked++
	return film.Match{}, &film.Error{Status: 404, Code: 34, Message: "The resource you requested could not be found.", Err: film.ErrNotFound}
}

// TestFilmNotFoundPostsWithout: a film TMDB does not have (a 404) is no
// reason to wait: the posts go out without, logged once for the review.
func TestFilmNotFoundPostsWithout(t *testing.T) {
	t.Parallel()
	w := newFilmWorld(t)
	w.addReview("drive", "Review: Drive (2011)")
	ids := &notOnTMDB{}
	w.once(w.relayWith(ids, func(o *relay.Options) { o.Publishers = o.Publishers[1:2] })) // one account: no race on asked
	if got := w.nets.counts(); got != [3]int{0, 1, 0} {
		t.Fatalf("posts %v, want the Mastodon one at once", got)
	}
	if lines := w.logLines("tmdb cannot identify the film"); len(lines) != 1 || ids.asked != 1 {
		t.Errorf("asked %d times, log lines %q; want 1 and 1", ids.asked, lines)
	}
}
