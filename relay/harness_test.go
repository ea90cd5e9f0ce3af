package relay_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/internal/fakes/xfake"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/internal/testutil"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/bluesky"
	"github.com/reelpost/reelpost/publisher/mastodon"
	"github.com/reelpost/reelpost/publisher/x"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"

	_ "github.com/jackc/pgx/v5/stdlib" // schema set-up for the PostgreSQL runs
)

// clock is the test's time: the store, the relay and the publishers share
// it, and a test moves it on instead of sleeping. It starts at the real
// time, so that waits the fakes announce in real time (rate-limit resets)
// are reached by moving it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// item is one entry of a test feed.
type item struct {
	GUID, Link, Title string
	Published         time.Time
	NotReview         bool
	// Desc, when set, is the item's description (HTML) instead of the
	// harness's review or news text.
	Desc string
}

// feedServer serves an RSS 2.0 feed of its items (newest first, as blogs
// do), and can be told to answer garbage or an HTTP error instead.
type feedServer struct {
	t   testing.TB
	srv *httptest.Server

	mu    sync.Mutex
	items []item // oldest first
	mode  string // "", "garbage", or an HTTP status such as "404"
	hits  int
	etag  bool
}

func newFeedServer(t testing.TB, items ...item) *feedServer {
	f := &feedServer{t: t, items: items}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *feedServer) URL() string { return f.srv.URL + "/feed.xml" }

func (f *feedServer) add(items ...item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, items...)
}

func (f *feedServer) set(items ...item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = items
}

func (f *feedServer) setMode(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode = m
}

func (f *feedServer) Hits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits
}

func (f *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits++
	switch f.mode {
	case "":
	case "garbage":
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write([]byte("\x00\x01 this is <<< not a feed at all ]]>"))
		return
	default:
		var code int
		_, _ = fmt.Sscan(f.mode, &code)
		http.Error(w, "no", code)
		return
	}
	body := rss("http://"+r.Host, f.items)
	if f.etag {
		tag := fmt.Sprintf(`"%x"`, len(body)*31+len(f.items))
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(body)
}

// rss renders items as a film-review blog's feed: reviews carry the
// "Review" category and a verdict; the others are news.
func rss(base string, items []item) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Reviews</title><link>` + base + `/</link><description>Film reviews</description>
`)
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		cat := "Review"
		desc := "A tender, funny and thought-provoking film. It is one of the best films of the year. Four stars."
		if it.NotReview {
			cat = "News"
			desc = "Our cinema club meets on Friday. Come along."
		}
		if it.Desc != "" {
			desc = it.Desc
		}
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><category>%s</category><description>%s</description></item>
`, html.EscapeString(it.Title), html.EscapeString(it.Link), html.EscapeString(it.GUID),
			it.Published.UTC().Format(time.RFC1123Z), cat, html.EscapeString(desc))
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// reviews makes n review items numbered from first, published an hour apart.
func reviews(first, n int, at time.Time) []item {
	out := make([]item, n)
	for i := range n {
		k := first + i
		out[i] = item{
			GUID:      fmt.Sprintf("post-%d", k),
			Link:      fmt.Sprintf("http://blog.example/reviews/film-%d/", k),
			Title:     fmt.Sprintf("Film Number %d", k),
			Published: at.Add(time.Duration(k) * time.Hour),
		}
	}
	return out
}

// networks are the three fakes and publishers pointed at them.
type networks struct {
	x    *xfake.Server
	m    *mastodonfake.Server
	b    *blueskyfake.Server
	pubs []publisher.Publisher
}

const (
	xToken       = "1234567890-accesstoken"
	mastoToken   = "masto-token-1"
	bskyPassword = "abcd-efgh-ijkl-mnop"
)

// newNetworks starts the three fakes and builds a publisher for each, with
// clients that give up after timeout (the fakes' FaultHang holds a request
// until then).
func newNetworks(t testing.TB, clk *clock, timeout time.Duration, mo mastodonfake.Options) *networks {
	t.Helper()
	mo.AccessToken, mo.Username = mastoToken, "films"
	// Mastodon dates statuses by the test's clock, as Find compares those
	// dates with the delivery's creation.
	mo.Now = clk.Now
	n := &networks{
		x: xfake.New(t, xfake.Credentials{APIKey: "app-key", APISecret: "app-secret", AccessToken: xToken,
			AccessTokenSecret: "token-secret", UserID: "1234567890", Username: "films"}),
		m: mastodonfake.New(t, mo),
		b: blueskyfake.New(t, blueskyfake.Account{Handle: "films.test", DID: "did:plc:films", AppPassword: bskyPassword}),
	}
	log := testLogger(t)
	client := func() *http.Client { return httpclient.New(httpclient.Options{Timeout: timeout}) }
	xp, err := x.New(config.XAccount{Prefix: "X_", APIKey: "app-key", APISecret: "app-secret",
		AccessToken: xToken, AccessTokenSecret: "token-secret", APIURL: n.x.URL}, x.Options{Client: client(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	mp, err := mastodon.New(config.MastodonAccount{Prefix: "MASTODON_", Server: n.m.URL, AccessToken: mastoToken,
		Visibility: "public"}, mastodon.Options{Client: client(), Logger: log, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	bp, err := bluesky.New(config.BlueskyAccount{Prefix: "BLUESKY_", Handle: "films.test", AppPassword: bskyPassword,
		PDSURL: n.b.URL()}, bluesky.Options{Client: client(), Logger: log, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	n.pubs = []publisher.Publisher{xp, mp, bp}
	return n
}

// counts is how many posts each network holds.
func (n *networks) counts() [3]int {
	return [3]int{len(n.x.Posts()), len(n.m.Statuses()), len(n.b.Posts())}
}

// texts returns the posts' texts per network: x, mastodon, bluesky.
func (n *networks) texts() [3][]string {
	var out [3][]string
	for _, p := range n.x.Posts() {
		out[0] = append(out[0], p.Text)
	}
	for _, s := range n.m.Statuses() {
		out[1] = append(out[1], s.Text)
	}
	for _, r := range n.b.Posts() {
		out[2] = append(out[2], r.Text)
	}
	return out
}

// ledger opens stores on one database: SQLite in a temporary directory, or
// a fresh schema of the test PostgreSQL.
type ledger struct {
	name string
	dsn  string
}

// ledgers returns the databases a test runs on: SQLite, and PostgreSQL
// (skipped when REELPOST_TEST_POSTGRES_URL is unset, except in CI).
func ledgers() []ledger {
	return []ledger{{name: "sqlite"}, {name: "postgres", dsn: "postgres"}}
}

// sqliteLedger is for tests whose subject does not depend on the database.
var sqliteLedger = ledger{name: "sqlite"}

// fresh returns a DSN of an empty ledger for t.
func (l ledger) fresh(t testing.TB) string {
	t.Helper()
	if l.dsn == "" {
		return filepath.Join(t.TempDir(), "ledger.db")
	}
	base := testutil.PostgresURL(t)
	// A schema of its own per test, so tests run in parallel on one database.
	schema := fmt.Sprintf("relay_%d_%d", time.Now().UnixNano(), rand.IntN(1_000_000))
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openStore(t testing.TB, dsn string, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, store.Options{Logger: testLogger(t), Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// testLogger logs to the test's output, shown only when it fails.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// env is one test's world: a clock, a ledger, feeds and networks.
type env struct {
	t     *testing.T
	clk   *clock
	dsn   string
	st    *store.Store
	feeds []*feedServer
	nets  *networks
}

func newEnv(t *testing.T, l ledger, feeds ...*feedServer) *env {
	return newEnvWith(t, l, mastodonfake.Options{}, 5*time.Second, feeds...)
}

// newEnvWith is newEnv with the Mastodon fake set up as mo says (GoToSocial
// ignoring Idempotency-Key, say), and publishers whose requests give up
// after timeout.
func newEnvWith(t *testing.T, l ledger, mo mastodonfake.Options, timeout time.Duration, feeds ...*feedServer) *env {
	clk := newClock()
	e := &env{t: t, clk: clk, dsn: l.fresh(t), feeds: feeds}
	e.st = openStore(t, e.dsn, clk.Now)
	e.nets = newNetworks(t, clk, timeout, mo)
	return e
}

// options are the relay options the tests start from.
func (e *env) options() relay.Options {
	fetcher := feed.NewFetcher(feed.FetchOptions{Timeout: 5 * time.Second, MaxBytes: 1 << 20})
	var urls []string
	for _, f := range e.feeds {
		urls = append(urls, f.URL())
	}
	renderer, err := publisher.NewRenderer(publisher.Templates{})
	if err != nil {
		e.t.Fatal(err)
	}
	return relay.Options{
		Store:   e.st,
		Fetcher: fetcher,
		Extractor: review.NewExtractor(review.ExtractOptions{Pages: fetcher, FetchPages: false,
			Categories: []string{"review"}, Logger: testLogger(e.t)}),
		Renderer:        renderer,
		Publishers:      e.nets.pubs,
		Feeds:           urls,
		PollInterval:    5 * time.Minute,
		FetchTimeout:    5 * time.Second,
		MaxPostsPerPoll: 3,
		MaxAttempts:     8,
		Language:        "en",
		Owner:           "test-" + e.t.Name(),
		Logger:          testLogger(e.t),
		Now:             e.clk.Now,
	}
}

func (e *env) relay(mod ...func(*relay.Options)) *relay.Relay {
	o := e.options()
	for _, m := range mod {
		m(&o)
	}
	r, err := relay.New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// once runs one cycle and fails the test on an error.
func (e *env) once(r *relay.Relay) {
	e.t.Helper()
	if err := r.Once(context.Background()); err != nil {
		e.t.Fatalf("once: %v", err)
	}
}

// states returns the ledger's delivery counts per state over all accounts.
func (e *env) states() map[store.State]int {
	e.t.Helper()
	c, err := e.st.Counts(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[store.State]int{}
	for _, byState := range c {
		for s, n := range byState {
			out[s] += n
		}
	}
	return out
}

// wantPosts checks that every network holds exactly n posts, with no text
// twice.
func (e *env) wantPosts(n int) {
	e.t.Helper()
	if got := e.nets.counts(); got != [3]int{n, n, n} {
		e.t.Fatalf("posts on x, mastodon, bluesky = %v, want %d each", got, n)
	}
	for i, texts := range e.nets.texts() {
		seen := map[string]bool{}
		for _, s := range texts {
			if seen[s] {
				e.t.Fatalf("the same post made twice on %s: %q", []string{"x", "mastodon", "bluesky"}[i], s)
			}
			seen[s] = true
		}
	}
}

// heldPublisher holds its first Publish until release is closed (or the
// attempt's context ends), so a test can act while a post is in flight;
// inside says whether a Publish is running. It keeps the wrapped
// publisher's Find.
type heldPublisher struct {
	publisher.Publisher
	once    sync.Once
	inside  atomic.Bool
	started chan struct{} // closed when the first Publish begins
	release chan struct{}
}

func holdFirst(p publisher.Publisher) *heldPublisher {
	return &heldPublisher{Publisher: p, started: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldPublisher) Publish(ctx context.Context, p publisher.Post) (publisher.Receipt, error) {
	h.inside.Store(true)
	defer h.inside.Store(false)
	first := false
	h.once.Do(func() { first = true })
	if first {
		close(h.started)
		select {
		case <-h.release:
		case <-ctx.Done():
			return publisher.Receipt{}, ctx.Err()
		}
	}
	return h.Publisher.Publish(context.WithoutCancel(ctx), p)
}

func (h *heldPublisher) Find(ctx context.Context, p publisher.Post, variants ...publisher.Post) (publisher.Receipt, bool, error) {
	return h.Publisher.(publisher.Finder).Find(ctx, p, variants...)
}

// mastodonOf is the env's Mastodon publisher.
func mastodonOf(t *testing.T, e *env) publisher.Publisher {
	t.Helper()
	for _, p := range e.nets.pubs {
		if p.Network() == publisher.Mastodon {
			return p
		}
	}
	t.Fatal("no Mastodon publisher")
	return nil
}
