package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the rig fills the daemon's SQLite ledger itself

	"github.com/reelpost/reelpost/internal/benchrig/benchfeed"
	"github.com/reelpost/reelpost/internal/ledgerfill"
)

// slidingFeed serves a benchfeed window of 10 items that moves one item
// newer at every request: each poll finds one new review.
type slidingFeed struct {
	srv   *httptest.Server
	url   string
	items [][]byte // newest first
	head  []byte
	hits  atomic.Int64
}

const slidingWindow = 10

func newSlidingFeed(total int) *slidingFeed {
	f := &slidingFeed{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.url = f.srv.URL + "/feed.xml"
	body := benchfeed.New(total, f.srv.URL).Body(benchfeed.Epoch)
	first := bytes.Index(body, []byte("<item>"))
	f.head = body[:first]
	rest := body[first:]
	for {
		end := bytes.Index(rest, []byte("</item>\n"))
		if end < 0 {
			break
		}
		end += len("</item>\n")
		f.items = append(f.items, rest[:end])
		rest = rest[end:]
	}
	return f
}

func (f *slidingFeed) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/feed.xml" {
		http.NotFound(w, r)
		return
	}
	n := int(f.hits.Add(1))
	start := max(len(f.items)-slidingWindow-n, 0)
	var b bytes.Buffer
	b.Write(f.head)
	for _, it := range f.items[start : start+slidingWindow] {
		b.Write(it)
	}
	b.WriteString("</channel>\n</rss>\n")
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

// scenarioLedger: target 1 at the daemon's scale. One feed that shows a
// new review at every poll (1 s), posted to one fake account, over a
// ledger of -ledger-small reviews, then over one of -ledger-big: the
// daemon's CPU per poll on each. The ledgers are filled as the store's
// BenchmarkRecordGrowth fills its own (internal/ledgerfill), after a first
// run of the daemon has made the schema and taken the feed's first sight.
func scenarioLedger(ctx context.Context, o options, bin, dir string) error {
	hz, err := clockTicks(ctx)
	if err != nil {
		return err
	}
	var results []ledgerResult
	for _, rows := range []int{o.ledgerSmall, o.ledgerBig} {
		r, err := ledgerRun(ctx, o, bin, filepath.Join(dir, fmt.Sprintf("ledger-%d", rows)), rows, hz)
		if err != nil {
			return err
		}
		results = append(results, r)
	}

	fmt.Printf("\nresults, one feed with a new review at every 1 s poll, over %s each:\n", o.watch)
	tw := newTable()
	fmt.Fprintln(tw, "ledger\tpolls\tCPU per poll (whole process)\tVmRSS max, MiB\tposts (duplicates)\tfill")
	for _, r := range results {
		fmt.Fprintf(tw, "%d reviews\t%.0f\t%.2f ms\t%.1f\t%d (%d)\t%.1f s\n", r.rows, r.polls, r.perPoll(), r.rssMax, r.posts, r.dups, r.fill.Seconds())
	}
	tw.Flush()
	small, big := results[0].perPoll(), results[1].perPoll()
	if small > 0 {
		fmt.Printf("CPU per poll at %d reviews / at %d: %.2f; target <= 2: %s\n", results[1].rows, results[0].rows, big/small, verdict(big <= 2*small))
	}
	return nil
}

// ledgerResult is one ledger's run.
type ledgerResult struct {
	rows        int
	fill        time.Duration
	polls, cpu  float64 // CPU in seconds
	rssMax      float64
	posts, dups int
}

// perPoll is the CPU of a poll in ms.
func (r ledgerResult) perPoll() float64 {
	if r.polls == 0 {
		return 0
	}
	return r.cpu * 1000 / r.polls
}

// ledgerRun runs the daemon on its own feed and ledger in dir: a first run
// for the schema and the first sight, the fill, then the measured run.
func ledgerRun(ctx context.Context, o options, bin, dir string, rows, hz int) (ledgerResult, error) {
	r := ledgerResult{rows: rows}
	fmt.Printf("\n--- a ledger of %d reviews\n", rows)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return r, err
	}
	fs := newSlidingFeed(slidingWindow + 60 + 2*int(o.watch.Seconds()))
	defer fs.srv.Close()
	rig := daemonRig{tb: &programTB{}}
	defer rig.stop()
	var err error
	if rig.trap, err = newTrapProxy(); err != nil {
		return r, err
	}
	env := baseEnv(dir, rig.trap)
	env["FEED_URLS"] = fs.url
	env["POLL_INTERVAL"] = "1s"
	if o.account != "none" {
		rig.nets = startNetworks(rig.tb, o.account)
		maps.Copy(env, rig.nets.env())
	}
	printEnv(env)

	// The schema and the feed's first sight, then the fill.
	if rig.d, err = startDaemon(bin, dir, env); err != nil {
		return r, err
	}
	if err := waitUntil(ctx, rig.d, 60*time.Second, 100*time.Millisecond, "the first sight", pollsAtLeast(ctx, rig.d, 1)); err != nil {
		return r, err
	}
	if err := rig.d.stop(); err != nil {
		return r, err
	}
	start := time.Now()
	if err := fillSQLite(ctx, env["DATABASE_URL"], rows); err != nil {
		return r, fmt.Errorf("fill the ledger with %d reviews: %w", rows, err)
	}
	r.fill = time.Since(start)
	fmt.Printf("filled with %d reviews in %.1f s\n", rows, r.fill.Seconds())

	if rig.d, err = startDaemon(bin, dir, env); err != nil {
		return r, err
	}
	if err := waitUntil(ctx, rig.d, 60*time.Second, 100*time.Millisecond, "three polls", pollsAtLeast(ctx, rig.d, 3)); err != nil {
		return r, err
	}
	win, err := measure(ctx, rig.d, hz, o.watch)
	if err != nil {
		return r, err
	}
	r.polls, r.cpu, r.rssMax = win.polls(), win.st.cpuSeconds, win.st.rssMax
	if rig.nets != nil {
		for _, c := range rig.nets.counts() {
			r.posts += c
		}
		for _, c := range rig.nets.duplicates() {
			r.dups += c
		}
	}
	return r, rig.d.stop()
}

// fillSQLite adds rows reviews to the SQLite ledger at path, which the
// daemon has created and is not running on.
func fillSQLite(ctx context.Context, path string, rows int) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, q := range ledgerfill.Statements(false, rows, time.Now().Add(-24*time.Hour)) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}
