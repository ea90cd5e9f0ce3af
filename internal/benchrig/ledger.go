package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
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
	type result struct {
		rows        int
		fill        time.Duration
		polls, cpu  float64
		rssMax      float64
		posts, dups int
	}
	var results []result
	for _, rows := range []int{o.ledgerSmall, o.ledgerBig} {
		fmt.Printf("\n--- a ledger of %d reviews\n", rows)
		sub := filepath.Join(dir, fmt.Sprintf("ledger-%d", rows))
		if err := os.MkdirAll(sub, 0o700); err != nil {
			return err
		}
		r := result{rows: rows}
		if err := func() error {
			fs := newSlidingFeed(slidingWindow + 60 + 2*int(o.watch.Seconds()))
			defer fs.srv.Close()
			rig := daemonRig{tb: &programTB{}}
			defer rig.stop()
			if rig.trap, err = newTrapProxy(); err != nil {
				return err
			}
			env := baseEnv(sub, rig.trap)
			env["FEED_URLS"] = fs.url
			env["POLL_INTERVAL"] = "1s"
			if o.account != "none" {
				rig.nets = startNetworks(rig.tb, o.account)
				maps.Copy(env, rig.nets.env())
			}
			printEnv(env)

			// The schema and the feed's first sight, then the fill.
			d, err := startDaemon(bin, sub, env)
			if err != nil {
				return err
			}
			if err := waitUntil(ctx, d, 60*time.Second, 100*time.Millisecond, "the first sight", pollsAtLeast(ctx, d, 1)); err != nil {
				return errors.Join(err, d.stop())
			}
			if err := d.stop(); err != nil {
				return err
			}
			start := time.Now()
			if err := fillSQLite(ctx, env["DATABASE_URL"], rows); err != nil {
				return fmt.Errorf("fill the ledger with %d reviews: %w", rows, err)
			}
			r.fill = time.Since(start)
			fmt.Printf("filled with %d reviews in %.1f s\n", rows, r.fill.Seconds())

			if rig.d, err = startDaemon(bin, sub, env); err != nil {
				return err
			}
			d = rig.d
			if err := waitUntil(ctx, d, 60*time.Second, 100*time.Millisecond, "three polls", pollsAtLeast(ctx, d, 3)); err != nil {
				return err
			}
			m0, err := d.metrics(ctx)
			if err != nil {
				return errors.Join(err, d.died())
			}
			fmt.Printf("measuring for %s (one /proc sample a second)...\n", o.watch)
			ss, err := sampleFor(ctx, d, o.watch)
			if err != nil {
				return err
			}
			m1, err := d.metrics(ctx)
			if err != nil {
				return errors.Join(err, d.died())
			}
			st := summarize(ss, hz, o.watch)
			r.polls = m1.sum(pollsMetric) - m0.sum(pollsMetric)
			r.cpu, r.rssMax = st.cpuSeconds, st.rssMax
			if rig.nets != nil {
				for _, c := range rig.nets.counts() {
					r.posts += c
				}
				for _, c := range rig.nets.duplicates() {
					r.dups += c
				}
			}
			return d.stop()
		}(); err != nil {
			return err
		}
		results = append(results, r)
	}

	fmt.Printf("\nresults, one feed with a new review at every 1 s poll, over %s each:\n", o.watch)
	tw := newTable()
	fmt.Fprintln(tw, "ledger\tpolls\tCPU per poll (whole process)\tVmRSS max, MiB\tposts (duplicates)\tfill")
	for _, r := range results {
		fmt.Fprintf(tw, "%d reviews\t%.0f\t%.2f ms\t%.1f\t%d (%d)\t%.1f s\n", r.rows, r.polls, perPoll(r.cpu, r.polls), r.rssMax, r.posts, r.dups, r.fill.Seconds())
	}
	tw.Flush()
	small, big := perPoll(results[0].cpu, results[0].polls), perPoll(results[1].cpu, results[1].polls)
	if small > 0 {
		fmt.Printf("CPU per poll at %d reviews / at %d: %.2f; target <= 2: %s\n", results[1].rows, results[0].rows, big/small, verdict(big <= 2*small))
	}
	return nil
}

func perPoll(cpuSeconds, polls float64) float64 {
	if polls == 0 {
		return 0
	}
	return cpuSeconds * 1000 / polls
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
