package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/mmcdole/gofeed"
)

// The scenarios of issue 13, "costs that stay flat": a poll answered 304
// beside umputun/rss2twitter's poll (poll304), a feed whose bytes change
// while its items do not (changed), the first sight of a big feed
// (bigfirst). feeds5000 is scenarioFeeds with 5,000 feeds.

// standInArg runs the rig as rss2twitter's stand-in instead (see
// runStandIn); poll304 starts it as a second subprocess.
const standInArg = "rss2twitter-standin"

// runStandIn is rss2twitter's polling loop, as in its app/rss/notify.go
// (https://github.com/umputun/rss2twitter/blob/master/app/rss/notify.go):
// one gofeed parser with its own http.Client, ParseURL on every poll (no
// validators: the whole feed each time), the newest item's GUID compared
// with the last one, then time.After(interval). rss2twitter cannot be
// fetched here; this is its poll, without the Twitter client, which an
// unchanged feed never calls.
func runStandIn(ctx context.Context, args []string) int {
	if len(args) != 2 {
		fmt.Fprintf(os.Stderr, "benchrig %s: want FEED_URL INTERVAL\n", standInArg)
		return exitUsage
	}
	interval, err := time.ParseDuration(args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchrig %s: interval %q: %v\n", standInArg, args[1], err)
		return exitUsage
	}
	fp := gofeed.NewParser()
	fp.Client = &http.Client{Timeout: 30 * time.Second}
	lastGUID := ""
	for {
		f, err := fp.ParseURL(args[0])
		if err != nil {
			fmt.Fprintf(os.Stderr, "fetch/parse %s: %v\n", args[0], err)
		} else if len(f.Items) > 0 && f.Items[0].GUID != lastGUID {
			lastGUID = f.Items[0].GUID
		}
		select {
		case <-ctx.Done():
			return exitOK
		case <-time.After(interval):
		}
	}
}

// startStandIn runs this program again as the stand-in, polling url every
// interval.
func startStandIn(url string, interval time.Duration) (*exec.Cmd, chan struct{}, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("find the rig's own binary: %w", err)
	}
	cmd := exec.Command(self, standInArg, url, interval.String())
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start the rss2twitter stand-in: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	return cmd, exited, nil
}

func stopStandIn(cmd *exec.Cmd, exited chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// oneBigFeed is what poll304, changed and bigfirst run: one benchfeed
// feed, the trap proxy, the fake account (-account) and the daemon.
type oneBigFeed struct {
	daemonRig
	fs *bigFeedServer
}

func startBigFeed(o options, bin, dir string, items int, changing, gated bool, extra map[string]string) (w *oneBigFeed, err error) {
	w = &oneBigFeed{daemonRig: daemonRig{tb: &programTB{}}}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	if w.fs, err = newBigFeedServer(items, changing, gated); err != nil {
		return nil, err
	}
	if w.trap, err = newTrapProxy(); err != nil {
		return nil, err
	}
	env := baseEnv(dir, w.trap)
	env["FEED_URLS"] = w.fs.url
	maps.Copy(env, extra)
	if o.account != "none" {
		w.nets = startNetworks(w.tb, o.account)
		maps.Copy(env, w.nets.env())
	}
	printEnv(env)
	kind := "static, ETag honoured (304)"
	if changing {
		kind = "a new lastBuildDate in every answer, no validators: new bytes, the same items"
	}
	fmt.Printf("feed server: one feed of %d items (%.1f MiB) at %s, %s\n", items, mib(uint64(w.fs.bodySize)), w.fs.url, kind)
	if w.d, err = startDaemon(bin, dir, env); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *oneBigFeed) close() {
	w.stop()
	if w.fs != nil {
		w.fs.close()
	}
}

// reportRequests prints what the feed server saw.
func (w *oneBigFeed) reportRequests() {
	full, notMod, pages, images := w.fs.requests()
	fmt.Printf("feed requests: reelpost %d full, %d answered 304; stand-in (gofeed) %d full; review pages %d, pictures %d\n",
		full["reelpost"], notMod["reelpost"], full["gofeed"], pages, images)
}

// scenarioPoll304: a 4-item feed polled every second (-poll) and answered
// 304, beside rss2twitter's stand-in polling the same feed at the same
// interval in its own process; both processes' CPU over the same window.
func scenarioPoll304(ctx context.Context, o options, bin, dir string) error {
	hz, err := clockTicks(ctx)
	if err != nil {
		return err
	}
	w, err := startBigFeed(o, bin, dir, 4, false, false, map[string]string{"POLL_INTERVAL": o.poll.String()})
	if err != nil {
		return err
	}
	defer w.close()
	d := w.d
	if err := waitUntil(ctx, d, 60*time.Second, 100*time.Millisecond, "the first two polls", pollsAtLeast(ctx, d, 2)); err != nil {
		return err
	}
	cmd, exited, err := startStandIn(w.fs.url, o.poll)
	if err != nil {
		return err
	}
	defer stopStandIn(cmd, exited)
	// Both settle (start-up, the stand-in's first poll) before measuring.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(min(o.watch/4, 10*time.Second)):
	}
	m0, err := d.metrics(ctx)
	if err != nil {
		return errors.Join(err, d.died())
	}
	full0, _, _, _ := w.fs.requests()
	theirs0, err := readSample(cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("the stand-in: %w", err)
	}
	fmt.Printf("measuring both for %s (one /proc sample a second; /metrics is not scraped meanwhile)...\n", o.watch)
	ss, err := sampleFor(ctx, d, o.watch)
	if err != nil {
		return err
	}
	theirs1, err := readSample(cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("the stand-in: %w", err)
	}
	full1, _, _, _ := w.fs.requests()
	m1, err := d.metrics(ctx)
	if err != nil {
		return errors.Join(err, d.died())
	}
	st := summarize(ss, hz, o.watch)
	ours := m1.byLabel(pollsMetric, "result")["not_modified"] - m0.byLabel(pollsMetric, "result")["not_modified"]
	allOurs := m1.sum(pollsMetric) - m0.sum(pollsMetric)
	theirPolls := float64(full1["gofeed"] - full0["gofeed"])
	theirCPU := float64(theirs1.ticks-theirs0.ticks) / float64(hz)
	theirPct := cpuPct(theirs0, theirs1, hz)

	fmt.Printf("\nresults, one 4-item feed (%.1f KiB) polled every %s, over %.0f s:\n", float64(w.fs.bodySize)/1024, o.poll, st.duration.Seconds())
	tw := newTable()
	fmt.Fprintln(tw, "figure\treelpost (poll answered 304)\trss2twitter stand-in (GET + gofeed parse)\ttarget")
	fmt.Fprintf(tw, "CPU, %% of one core\t%.3f\t%.3f\treelpost <= rss2twitter: %s\n", st.cpuMean, theirPct, verdict(st.cpuMean <= theirPct))
	fmt.Fprintf(tw, "CPU seconds\t%.2f\t%.2f\t\n", st.cpuSeconds, theirCPU)
	fmt.Fprintf(tw, "polls completed\t%.0f (304: %.0f)\t%.0f\t\n", allOurs, ours, theirPolls)
	if allOurs > 0 && theirPolls > 0 {
		fmt.Fprintf(tw, "CPU per poll, whole process\t%.2f ms\t%.2f ms\t\n", st.cpuSeconds*1000/allOurs, theirCPU*1000/theirPolls)
	}
	fmt.Fprintf(tw, "VmRSS mean / max, MiB\t%.1f / %.1f\t%.1f (end)\t\n", st.rssMean, st.rssMax, mib(theirs1.rss))
	tw.Flush()
	fmt.Println("(CPU from /proc/PID/stat, utime+stime, CLK_TCK ticks: at 1 s polls a figure of a few seconds has a resolution of about 1%;")
	fmt.Println(" reelpost's process also runs its scheduler, the delivery claim every few seconds and its release of memory when quiet)")
	w.reportRequests()
	fmt.Println(w.trap.report())
	d.summarizeLog().print(os.Stdout)
	return d.stop()
}

// scenarioChanged: a 1,000-item feed (-changed-items) whose bytes change on
// every fetch while its items stay the same, polled every second (-poll):
// the daemon's CPU per poll, then, in the rig once the daemon has stopped,
// gofeed's parse of the same bytes.
func scenarioChanged(ctx context.Context, o options, bin, dir string) error {
	hz, err := clockTicks(ctx)
	if err != nil {
		return err
	}
	w, err := startBigFeed(o, bin, dir, o.changedItems, true, false, map[string]string{"POLL_INTERVAL": o.poll.String(),
		"MAX_FEED_BYTES": strconv.Itoa(64 << 20)})
	if err != nil {
		return err
	}
	defer w.close()
	d := w.d
	if err := waitUntil(ctx, d, 120*time.Second, 100*time.Millisecond, "the first sight and one poll of changed bytes", pollsAtLeast(ctx, d, 2)); err != nil {
		return err
	}
	win, err := measure(ctx, d, hz, o.watch)
	if err != nil {
		return err
	}
	st := win.st
	polls1, polls0 := win.m1.byLabel(pollsMetric, "result"), win.m0.byLabel(pollsMetric, "result")
	polls := win.polls()
	if err := d.stop(); err != nil {
		return err
	}

	// gofeed's parse of the same bytes, in the rig, now quiet: the least
	// and the median of a few parses, each from a collected heap.
	body := w.fs.lastBody()
	var parses []time.Duration
	for range 7 {
		c := cpuOf(func() {
			if _, err := gofeed.NewParser().Parse(bytes.NewReader(body)); err != nil {
				fmt.Printf("gofeed could not parse the served feed: %v\n", err)
			}
		})
		parses = append(parses, c)
	}
	slices.Sort(parses)
	parse := parses[len(parses)/2]

	fmt.Printf("\nresults, one feed of %d items (%.1f MiB), new bytes on every fetch, POLL_INTERVAL=%s, over %.0f s:\n",
		o.changedItems, mib(uint64(len(body))), o.poll, st.duration.Seconds())
	tw := newTable()
	fmt.Fprintln(tw, "figure\tvalue\ttarget")
	fmt.Fprintf(tw, "polls completed\t%.0f (same_items %.0f, seen %.0f, unchanged %.0f, new %.0f, error %.0f)\t\n", polls,
		polls1["same_items"]-polls0["same_items"], polls1["seen"]-polls0["seen"], polls1["unchanged"]-polls0["unchanged"],
		polls1["new"]-polls0["new"], polls1["error"]-polls0["error"])
	fmt.Fprintf(tw, "CPU, %% of one core\t%.1f\t\n", st.cpuMean)
	var per time.Duration
	if polls > 0 {
		per = time.Duration(st.cpuSeconds / polls * float64(time.Second))
		fmt.Fprintf(tw, "reelpost CPU per poll (whole process)\t%s\t\n", ms(per))
	}
	fmt.Fprintf(tw, "gofeed's parse of the same bytes, CPU (rig, median of 7; least %s)\t%s\t\n", ms(parses[0]), ms(parse))
	if per > 0 && parse > 0 {
		r := float64(per) / float64(parse)
		fmt.Fprintf(tw, "reelpost poll / gofeed parse\t%.2f\t<= 0.5: %s\n", r, verdict(r <= 0.5))
	}
	fmt.Fprintf(tw, "VmRSS mean / max, MiB; VmHWM\t%.1f / %.1f; %.1f\t\n", st.rssMean, st.rssMax, st.hwm)
	tw.Flush()
	w.reportRequests()
	fmt.Println(w.trap.report())
	d.summarizeLog().print(os.Stdout)
	return nil
}

// selfCPU is the rig's own CPU time so far (getrusage).
func selfCPU() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// cpuOf is the rig's own CPU time (getrusage) running fn from a collected
// heap.
func cpuOf(fn func()) time.Duration {
	runtime.GC()
	start := selfCPU()
	fn()
	return selfCPU() - start
}

// scenarioBigFirst: the first sight of a 5,000-item feed (-big-items). The
// feed server holds the daemon's first request until the rig has read the
// daemon's memory at rest; then the daemon's VmRSS is read every 20 ms
// until the poll is done. The judged figure is VmHWM, the kernel's own peak.
func scenarioBigFirst(ctx context.Context, o options, bin, dir string) error {
	hz, err := clockTicks(ctx)
	if err != nil {
		return err
	}
	w, err := startBigFeed(o, bin, dir, o.bigItems, false, true, map[string]string{"POLL_INTERVAL": "1m",
		"MAX_FEED_BYTES": strconv.Itoa(64 << 20)})
	if err != nil {
		return err
	}
	defer w.close()
	d := w.d
	// At rest: started, its first request held at the server.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-d.exited:
		return d.died()
	case <-time.After(3 * time.Second):
	}
	rest, err := readSample(d.pid())
	if err != nil {
		return errors.Join(err, d.died())
	}
	started := time.Now()
	w.fs.openGate()
	var peak sample
	done := false
	for !done {
		s, err := readSample(d.pid())
		if err != nil {
			return errors.Join(err, d.died())
		}
		if s.rss > peak.rss {
			peak = s
		}
		// The log says when the first sight is recorded; the polls metric
		// when the poll is done (a scrape is small beside the poll).
		if len(d.grepLog("first sight of feed")) > 0 {
			ok, _ := pollsAtLeast(ctx, d, 1)()
			done = ok
		}
		if time.Since(started) > 10*time.Minute {
			return fmt.Errorf("first sight not done after 10 minutes; last log lines:\n%s", d.tail(15))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.exited:
			return d.died()
		case <-time.After(20 * time.Millisecond):
		}
	}
	took := time.Since(started)
	end, err := readSample(d.pid())
	if err != nil {
		return errors.Join(err, d.died())
	}
	size := uint64(w.fs.bodySize)
	fmt.Printf("\nresults, first sight of one feed of %d items (%.1f MiB = %.1f MB):\n", o.bigItems, mib(size), float64(size)/1e6)
	tw := newTable()
	fmt.Fprintln(tw, "figure\tvalue\ttarget")
	fmt.Fprintf(tw, "VmHWM after the first sight, MiB\t%.1f (%.1fx the feed)\t< 4x the feed (%.0f MiB) and < 64 MiB: %s\n",
		mib(end.hwm), float64(end.hwm)/float64(size), mib(4*size), verdict(end.hwm < 4*size && end.hwm < 64<<20))
	fmt.Fprintf(tw, "VmRSS at rest before the feed, MiB (anon / file)\t%.1f (%.1f / %.1f)\t\n", mib(rest.rss), mib(rest.anon), mib(rest.file))
	fmt.Fprintf(tw, "highest VmRSS read (every 20 ms), MiB (anon / file)\t%.1f (%.1f / %.1f)\t\n", mib(peak.rss), mib(peak.anon), mib(peak.file))
	fmt.Fprintf(tw, "growth over rest, VmHWM - VmRSS at rest\t%.1f MiB (%.1fx the feed)\t\n", mib(end.hwm-rest.rss), float64(end.hwm-rest.rss)/float64(size))
	fmt.Fprintf(tw, "first sight: wall time / CPU\t%.1f s / %.1f s\t\n", took.Seconds(), float64(end.ticks-rest.ticks)/float64(hz))
	tw.Flush()
	w.reportRequests()
	fmt.Println(w.trap.report())
	d.summarizeLog().print(os.Stdout)
	return d.stop()
}
