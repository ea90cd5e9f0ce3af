package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// pollsMetric counts the daemon's completed feed polls, by result.
const pollsMetric = "reelpost_feed_polls_total"

// baseEnv is the configuration every scenario shares: a SQLite ledger in
// dir, JSON logs, and the trap proxy for any request off loopback.
func baseEnv(dir string, trap *trapProxy) map[string]string {
	return map[string]string{
		"DATABASE_URL": filepath.Join(dir, "reelpost.db"),
		"LOG_FORMAT":   "json",
		"LOG_LEVEL":    "info",
		"HTTP_PROXY":   trap.url,
		"HTTPS_PROXY":  trap.url,
	}
}

// printEnv shows the daemon's configuration: long URL lists shortened, the
// fakes' credentials hidden (they are fake, but reelpost's rule is that
// secrets are not printed).
func printEnv(env map[string]string) {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println("daemon: reelpost run, with HTTP_ADDR=127.0.0.1:<free port> and")
	for _, k := range keys {
		v := env[k]
		switch {
		case k == "FEED_URLS":
			if urls := strings.Split(v, ","); len(urls) > 2 {
				v = fmt.Sprintf("%s,...,%s (%d feeds)", urls[0], urls[len(urls)-1], len(urls))
			}
		case strings.Contains(k, "SECRET") || strings.Contains(k, "TOKEN") || strings.Contains(k, "PASSWORD") || strings.HasSuffix(k, "_KEY"):
			v = "(the fake's)"
		}
		fmt.Printf("  %s=%s\n", k, v)
	}
}

// waitUntil checks cond every `every` until it holds; it gives up when the
// daemon dies, ctx ends or timeout passes.
func waitUntil(ctx context.Context, d *daemon, timeout, every time.Duration, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	t := time.NewTicker(every)
	defer t.Stop()
	var last error
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if time.Now().After(deadline) {
			if last != nil {
				return fmt.Errorf("timed out after %s waiting for %s (last error: %w); last log lines:\n%s", timeout, what, last, d.tail(15))
			}
			return fmt.Errorf("timed out after %s waiting for %s; last log lines:\n%s", timeout, what, d.tail(15))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.exited:
			return d.died()
		case <-t.C:
		}
	}
}

// pollsAtLeast is a waitUntil condition: the daemon has completed n polls.
func pollsAtLeast(ctx context.Context, d *daemon, n float64) func() (bool, error) {
	return func() (bool, error) {
		m, err := d.metrics(ctx)
		if err != nil {
			return false, err
		}
		return m.sum(pollsMetric) >= n, nil
	}
}

func newTable() *tabwriter.Writer { return tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// feedsTargets are what scenarioFeeds judges: feeds is the default number
// of feeds (-feeds overrides it); firstRound, when set, bounds the time from
// the daemon's start to the first poll of every feed completed.
type feedsTargets struct {
	feeds      int
	rssMiB     float64
	rssLabel   string
	firstRound time.Duration
}

// scenarioFeeds: many feeds, mostly answering 304, POLL_INTERVAL=1m; CPU per
// minute and memory after the first full poll cycle.
func scenarioFeeds(ctx context.Context, o options, tg feedsTargets, bin, dir string) error {
	if o.feeds == 0 {
		o.feeds = tg.feeds
	}
	hz, err := clockTicks(ctx)
	if err != nil {
		return err
	}
	fs, err := newFeedServer(o.feeds)
	if err != nil {
		return err
	}
	defer fs.close()
	trap, err := newTrapProxy()
	if err != nil {
		return err
	}
	defer trap.close()
	tb := &programTB{}
	defer tb.cleanup()

	env := baseEnv(dir, trap)
	// Linux caps one environment variable at 128 KiB (MAX_ARG_STRLEN), less
	// than 5,000 URLs: reelpost reads FEED_URLS_FILE as FEED_URLS.
	if urls := strings.Join(fs.urls(), ","); len(urls) < 64<<10 {
		env["FEED_URLS"] = urls
	} else {
		path := filepath.Join(dir, "feed-urls.txt")
		if err := os.WriteFile(path, []byte(urls), 0o600); err != nil {
			return fmt.Errorf("write the feed list: %w", err)
		}
		env["FEED_URLS_FILE"] = path
	}
	env["POLL_INTERVAL"] = "1m"
	var nets *networks
	if o.account != "none" {
		nets = startNetworks(tb, o.account)
		maps.Copy(env, nets.env())
	}
	printEnv(env)
	fmt.Printf("feed server: %d feeds of %d items at %s/feed/N.xml, ETag and Last-Modified honoured; %.1f%% of the feeds get a new item each minute\n",
		o.feeds, itemsPerFeed, fs.base, o.changePct)

	cctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { fs.churn(cctx, o.changePct) })

	d, err := startDaemon(bin, dir, env)
	if err != nil {
		return err
	}
	defer d.stop() //nolint:errcheck // the success path stops it and reports
	started := time.Now()
	s0, err := readSample(d.pid())
	if err != nil {
		return errors.Join(err, d.died())
	}

	// Warm-up: every feed fetched and its first sight recorded. Looked at
	// every 100 ms (the metrics are read only once the server has served
	// every feed): a first round is judged against 10 s.
	rig0 := selfCPU()
	var allFetched time.Duration
	err = waitUntil(ctx, d, o.warmup, 100*time.Millisecond, fmt.Sprintf("the first poll of all %d feeds", o.feeds), func() (bool, error) {
		if allFetched == 0 && fs.polled() == o.feeds {
			allFetched = time.Since(started)
		}
		if allFetched == 0 {
			return false, nil
		}
		return pollsAtLeast(ctx, d, float64(o.feeds))()
	})
	if err != nil {
		return err
	}
	warm := time.Since(started)
	sw, err := readSample(d.pid())
	if err != nil {
		return errors.Join(err, d.died())
	}
	fmt.Printf("warm-up: all %d feeds requested after %.1f s, %d polls completed after %.1f s; warm-up CPU %.1f s; VmHWM %.1f MiB\n",
		o.feeds, allFetched.Seconds(), o.feeds, warm.Seconds(), float64(sw.ticks-s0.ticks)/float64(hz), mib(sw.hwm))
	fmt.Printf("the rig's own CPU meanwhile (feed server, proxy, fakes, on the same cores): %.1f s\n", (selfCPU() - rig0).Seconds())
	if tg.firstRound > 0 {
		fmt.Printf("first full round (every feed polled once, from the daemon's start, by its polls metric, read every 100 ms): %.1f s; target < %s: %s\n",
			warm.Seconds(), tg.firstRound, verdict(warm < tg.firstRound))
	}

	m0, err := d.metrics(ctx)
	if err != nil {
		return errors.Join(err, d.died())
	}
	c0 := fs.snapshot()
	var posts0 map[string]int
	if nets != nil {
		posts0 = nets.counts()
	}
	fmt.Printf("measuring for %s (one /proc sample a second; /metrics is not scraped meanwhile)...\n", o.measure)
	t0 := time.Now()
	ss, err := sampleFor(ctx, d, o.measure)
	if err != nil {
		return err
	}
	t1 := time.Now()
	c := fs.snapshot().minus(c0)
	m1, err := d.metrics(ctx)
	if err != nil {
		return errors.Join(err, d.died())
	}
	st := summarize(ss, hz, min(time.Minute, o.measure))

	fmt.Printf("\nCPU of reelpost (pid %d), utime+stime from /proc/PID/stat, CLK_TCK=%d:\n", d.pid(), hz)
	tw := newTable()
	fmt.Fprintln(tw, "window\tCPU, % of one core")
	for _, w := range st.windows {
		fmt.Fprintf(tw, "%s-%s\t%.2f\n", clock(w.from), clock(w.to), w.pct)
	}
	tw.Flush()

	minutes := t1.Sub(t0).Minutes()
	polls0, polls1 := m0.byLabel(pollsMetric, "result"), m1.byLabel(pollsMetric, "result")
	var pollParts []string
	totalPolls := 0.0
	for _, r := range []string{"not_modified", "unchanged", "same_items", "seen", "new", "error"} {
		n := polls1[r] - polls0[r]
		totalPolls += n
		pollParts = append(pollParts, fmt.Sprintf("%s %.0f", r, n))
	}
	gaps := fs.gaps(t0, t1)
	fmt.Printf("\nresults, %d feeds, POLL_INTERVAL=1m, measured %.1f min after warm-up:\n", o.feeds, minutes)
	tw = newTable()
	fmt.Fprintln(tw, "figure\tvalue\ttarget")
	fmt.Fprintf(tw, "CPU mean, %% of one core\t%.2f\t< 5: %s\n", st.cpuMean, verdict(st.cpuMean < 5))
	fmt.Fprintf(tw, "CPU worst %s window, %% of one core\t%.2f\t\n", clock(st.window), st.maxWindow())
	fmt.Fprintf(tw, "CPU peak 1 s, %% of one core\t%.1f\t\n", st.cpuPeak1s)
	fmt.Fprintf(tw, "VmRSS mean / max, MiB\t%.1f / %.1f\t< %s: %s\n", st.rssMean, st.rssMax, tg.rssLabel, verdict(st.rssMax < tg.rssMiB))
	fmt.Fprintf(tw, "VmRSS first / last sample, MiB\t%.1f / %.1f\t\n", st.rssFirst, st.rssLast)
	fmt.Fprintf(tw, "VmHWM at the end (warm-up included), MiB\t%.1f\t\n", st.hwm)
	fmt.Fprintf(tw, "RssAnon / RssFile, last sample, MiB\t%.1f / %.1f\t\n", st.anonLast, st.fileLast)
	fmt.Fprintf(tw, "feed polls completed (daemon metric)\t%.0f (%.0f/min)\t%d/min at POLL_INTERVAL=1m\n", totalPolls, totalPolls/minutes, o.feeds)
	fmt.Fprintf(tw, "  by result\t%s\t\n", strings.Join(pollParts, ", "))
	fmt.Fprintf(tw, "feed requests served\t%d (200: %d, 304: %d)\t\n", c.feedRequests, c.full, c.notModified)
	fmt.Fprintf(tw, "feeds requested at least once\t%d of %d\t\n", fs.feedsPolledWithin(t0, t1), o.feeds)
	if len(gaps) > 0 {
		fmt.Fprintf(tw, "time between two polls of one feed\tmedian %.1f s, p90 %.1f s, max %.1f s\t54-66 s (1m ± 10%% jitter)\n",
			quantile(gaps, 0.5).Seconds(), quantile(gaps, 0.9).Seconds(), gaps[len(gaps)-1].Seconds())
	}
	if totalPolls > 0 {
		fmt.Fprintf(tw, "CPU per completed poll\t%.2f ms\t\n", st.cpuSeconds*1000/totalPolls)
		fmt.Fprintf(tw, "CPU at %d polls/min (extrapolated)\t%.2f %% of one core\t< 5\n", o.feeds, st.cpuSeconds/totalPolls*float64(o.feeds)/60*100)
	}
	fmt.Fprintf(tw, "new items published / fetched as 200\t%d / %d\t\n", fs.changesWithin(t0, t1), c.full)
	if nets != nil {
		after := nets.counts()
		for _, n := range nets.names() {
			fmt.Fprintf(tw, "posts at the %s fake (all / duplicates)\t%d / %d\t\n", n, after[n]-posts0[n], nets.duplicates()[n])
		}
	}
	fmt.Fprintf(tw, "review pages / pictures requested\t%d / %d\t\n", c.pages, c.images)
	fmt.Fprintf(tw, "go_goroutines / heap in use / sys, end\t%.0f / %.1f MiB / %.1f MiB\t\n", m1.sum("go_goroutines"),
		m1.sum("go_memstats_heap_inuse_bytes")/(1<<20), m1.sum("go_memstats_sys_bytes")/(1<<20))
	tw.Flush()
	fmt.Println(trap.report())
	d.summarizeLog().print(os.Stdout)
	return d.stop()
}

// clock formats d as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// oneFeed is what the delay and idle scenarios run: one feed, the trap
// proxy, the three fake networks, and a daemon polling every poll.
type oneFeed struct {
	daemonRig
	fs *feedServer
}

// daemonRig is what a one-feed scenario starts around its feed server:
// the trap proxy, the fake networks and the daemon.
type daemonRig struct {
	trap *trapProxy
	tb   *programTB
	nets *networks
	d    *daemon
}

// stop stops the daemon, then the fakes and the proxy.
func (w *daemonRig) stop() {
	if w.d != nil {
		_ = w.d.stop()
	}
	w.tb.cleanup()
	if w.trap != nil {
		w.trap.close()
	}
}

func startOneFeed(bin, dir, poll string) (w *oneFeed, err error) {
	w = &oneFeed{daemonRig: daemonRig{tb: &programTB{}}}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	if w.fs, err = newFeedServer(1); err != nil {
		return nil, err
	}
	if w.trap, err = newTrapProxy(); err != nil {
		return nil, err
	}
	w.nets = startNetworks(w.tb, "x", "mastodon", "bluesky")
	env := baseEnv(dir, w.trap)
	env["FEED_URLS"] = w.fs.urls()[0]
	env["POLL_INTERVAL"] = poll
	maps.Copy(env, w.nets.env())
	printEnv(env)
	if w.d, err = startDaemon(bin, dir, env); err != nil {
		return nil, err
	}
	return w, nil
}

// close stops what startOneFeed started, the daemon first (the scenario's
// own stop, which reports, normally came before).
func (w *oneFeed) close() {
	w.stop()
	if w.fs != nil {
		w.fs.close()
	}
}

// scenarioDelay: one feed, three accounts, POLL_INTERVAL=1s; the time from
// an item's appearance in the feed to its post at each fake.
func scenarioDelay(ctx context.Context, o options, bin, dir string) error {
	w, err := startOneFeed(bin, dir, "1s")
	if err != nil {
		return err
	}
	defer w.close()
	fs, trap, nets, d := w.fs, w.trap, w.nets, w.d
	// Two polls: the first sight is recorded (its items skipped) and saved.
	if err := waitUntil(ctx, d, 30*time.Second, 100*time.Millisecond, "the feed's first sight", pollsAtLeast(ctx, d, 2)); err != nil {
		return err
	}
	if c := nets.counts(); c["x"]+c["mastodon"]+c["bluesky"] != 0 {
		return fmt.Errorf("the feed's existing items were posted at first sight (%v): the scenario needs them skipped", c)
	}

	names := nets.names()
	delays := map[string][]time.Duration{}
	var lastOf []time.Duration
	missing := map[string]int{}
	rng := rand.New(rand.NewPCG(7, 7))
	const postTimeout = 30 * time.Second
	fmt.Printf("publishing %d items, one at a time, %s (+ up to 1 s) after the previous one's last post; delays seen by polling the fakes every 5 ms:\n", o.items, o.spacing)
	row := func(cells ...string) {
		for _, c := range cells {
			fmt.Printf("%-14s", c)
		}
		fmt.Println()
	}
	row(append([]string{"item"}, names...)...)
	for i := 1; i <= o.items; i++ {
		wait := o.spacing + time.Duration(rng.Int64N(int64(time.Second)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.exited:
			return d.died()
		case <-time.After(wait):
		}
		token := fmt.Sprintf("probe-%02d", i)
		at := fs.publish(0, token, fmt.Sprintf("Delay Probe %d", i))
		seen := map[string]time.Duration{}
		tick := time.NewTicker(5 * time.Millisecond)
		for len(seen) < len(names) && time.Since(at) < postTimeout {
			select {
			case <-ctx.Done():
				tick.Stop()
				return ctx.Err()
			case <-d.exited:
				tick.Stop()
				return d.died()
			case <-tick.C:
			}
			for n, ok := range nets.has(token) {
				if _, done := seen[n]; ok && !done {
					seen[n] = time.Since(at)
				}
			}
		}
		tick.Stop()
		cells := []string{token}
		var last time.Duration
		for _, n := range names {
			v, ok := seen[n]
			if !ok {
				missing[n]++
				cells = append(cells, "none in 30 s")
				continue
			}
			delays[n] = append(delays[n], v)
			last = max(last, v)
			cells = append(cells, ms(v))
		}
		row(cells...)
		if len(seen) == len(names) {
			lastOf = append(lastOf, last)
		} else {
			fmt.Printf("item %s not posted everywhere; daemon log lines about it:\n", token)
			for _, l := range d.grepLog(token) {
				fmt.Println("  " + l)
			}
		}
	}

	fmt.Printf("\nresults, delay from the item's appearance in the feed to its post at the fake, POLL_INTERVAL=1s:\n")
	tw := newTable()
	fmt.Fprintln(tw, "network\tposts\tmedian\tp90\tmax\tmissing\ttarget: median < 1.5 s")
	for _, n := range names {
		s := sortDurations(delays[n])
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%s\n", n, len(s), ms(quantile(s, 0.5)), ms(quantile(s, 0.9)), ms(quantile(s, 1)),
			missing[n], verdict(len(s) > 0 && quantile(s, 0.5) < 1500*time.Millisecond))
	}
	s := sortDurations(lastOf)
	fmt.Fprintf(tw, "all three\t%d\t%s\t%s\t%s\t\t\n", len(s), ms(quantile(s, 0.5)), ms(quantile(s, 0.9)), ms(quantile(s, 1)))
	tw.Flush()
	c := nets.counts()
	dup := nets.duplicates()
	fmt.Printf("posts held by the fakes: x %d, mastodon %d, bluesky %d (want %d each: exactly one per item); duplicates: x %d, mastodon %d, bluesky %d\n",
		c["x"], c["mastodon"], c["bluesky"], o.items, dup["x"], dup["mastodon"], dup["bluesky"])
	if g := fs.gaps(time.Time{}, time.Now()); len(g) > 0 {
		fmt.Printf("time between two polls of the feed: median %s, p90 %s\n", ms(quantile(g, 0.5)), ms(quantile(g, 0.9)))
	}
	fmt.Println(trap.report())
	d.summarizeLog().print(os.Stdout)
	return d.stop()
}

// scenarioIdle: one feed, three accounts, a poll a minute that finds nothing
// new; the daemon's memory over minutes of that. The judged figure is the
// highest VmRSS once settled (after -settle): reelpost gives memory back
// when it goes quiet, so a single reading could land just after a release.
func scenarioIdle(ctx context.Context, o options, bin, dir string) error {
	hz, err := clockTicks(ctx)
	if err != nil {
		return err
	}
	w, err := startOneFeed(bin, dir, o.idlePoll.String())
	if err != nil {
		return err
	}
	defer w.close()
	trap, nets, d := w.trap, w.nets, w.d
	started := time.Now()
	if err := waitUntil(ctx, d, 60*time.Second, 100*time.Millisecond, "the feed's first poll", pollsAtLeast(ctx, d, 1)); err != nil {
		return err
	}
	fmt.Printf("first poll done after %.1f s; now idle for %s, judged after %s (no /metrics scrape meanwhile)...\n",
		time.Since(started).Seconds(), o.idle, o.settle)
	ss, err := sampleFor(ctx, d, o.idle)
	if err != nil {
		return err
	}
	st := summarize(ss, hz, o.idle)
	var settled []sample
	for _, s := range ss {
		if s.at.Sub(ss[0].at) >= o.settle {
			settled = append(settled, s)
		}
	}
	sst := summarize(settled, hz, o.idle)
	var top sample // the highest settled reading
	for _, s := range settled {
		if s.rss > top.rss {
			top = s
		}
	}
	m, err := d.metrics(ctx)
	if err != nil {
		return errors.Join(err, d.died())
	}
	fmt.Printf("\nresults, idle daemon, 1 feed, 3 accounts (x, mastodon, bluesky), POLL_INTERVAL=%s:\n", o.idlePoll)
	tw := newTable()
	fmt.Fprintln(tw, "figure\tvalue\ttarget")
	// The target is 20 MB: 20,000,000 bytes, 19.07 MiB.
	fmt.Fprintf(tw, "VmRSS max from %s to %s, MiB (MB)\t%.1f (%.1f)\t< 20 MB: %s\n", o.settle, o.idle, sst.rssMax,
		float64(top.rss)/1e6, verdict(top.rss < 20e6))
	fmt.Fprintf(tw, "  RssAnon / RssFile then, MiB\t%.1f / %.1f\t\n", mib(top.anon), mib(top.file))
	fmt.Fprintf(tw, "VmRSS mean from %s to %s, MiB\t%.1f\t\n", o.settle, o.idle, sst.rssMean)
	fmt.Fprintf(tw, "VmRSS at the first poll / at the end, MiB\t%.1f / %.1f\t\n", st.rssFirst, st.rssLast)
	fmt.Fprintf(tw, "VmHWM (start-up included), MiB\t%.1f\t\n", st.hwm)
	fmt.Fprintf(tw, "RssAnon / RssFile at the end, MiB\t%.1f / %.1f\t\n", st.anonLast, st.fileLast)
	fmt.Fprintf(tw, "CPU while idle, %% of one core\t%.2f (%.2f s in %.0f s)\t\n", st.cpuMean, st.cpuSeconds, st.duration.Seconds())
	fmt.Fprintf(tw, "go_goroutines / heap in use / sys, end\t%.0f / %.1f MiB / %.1f MiB\t\n", m.sum("go_goroutines"),
		m.sum("go_memstats_heap_inuse_bytes")/(1<<20), m.sum("go_memstats_sys_bytes")/(1<<20))
	fmt.Fprintf(tw, "feed polls / posts at the fakes / requests at the fakes\t%.0f / %v / %v\t\n", m.sum(pollsMetric), nets.counts(), nets.requests())
	tw.Flush()
	fmt.Println(trap.report())
	d.summarizeLog().print(os.Stdout)
	return d.stop()
}
