package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"
)

// sample is one reading of the daemon's /proc entries.
type sample struct {
	at time.Time
	// ticks is utime+stime, in clock ticks (CLK_TCK per second).
	ticks uint64
	// rss and hwm are VmRSS and VmHWM, in bytes; anon and file split VmRSS
	// into RssAnon (heap, stacks: what the program allocates) and RssFile
	// (pages of the binary and other mapped files).
	rss, hwm, anon, file uint64
}

// clockTicks is the kernel's USER_HZ, as `getconf CLK_TCK` tells it: the
// unit of utime and stime in /proc/PID/stat. (procfs assumes 100.)
func clockTicks(ctx context.Context) (int, error) {
	out, err := exec.CommandContext(ctx, "getconf", "CLK_TCK").Output()
	if err != nil {
		return 0, fmt.Errorf("getconf CLK_TCK: %w", err)
	}
	hz, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || hz <= 0 {
		return 0, fmt.Errorf("getconf CLK_TCK: %q is not a tick rate", out)
	}
	return hz, nil
}

// readSample reads /proc/PID/stat and /proc/PID/status (through
// github.com/prometheus/procfs, which parses both).
func readSample(pid int) (sample, error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return sample{}, fmt.Errorf("read /proc/%d: %w", pid, err)
	}
	st, err := p.Stat()
	if err != nil {
		return sample{}, fmt.Errorf("read /proc/%d/stat: %w", pid, err)
	}
	status, err := p.NewStatus()
	if err != nil {
		return sample{}, fmt.Errorf("read /proc/%d/status: %w", pid, err)
	}
	return sample{at: time.Now(), ticks: uint64(st.UTime) + uint64(st.STime),
		rss: status.VmRSS, hwm: status.VmHWM, anon: status.RssAnon, file: status.RssFile}, nil
}

// sampleFor reads the daemon's figures every second for d (plus one reading
// at the start). It stops early, with an error, when the daemon dies or ctx
// is cancelled.
func sampleFor(ctx context.Context, dm *daemon, d time.Duration) ([]sample, error) {
	first, err := readSample(dm.pid())
	if err != nil {
		if derr := dm.died(); derr != nil {
			return nil, derr
		}
		return nil, err
	}
	out := []sample{first}
	end := first.at.Add(d)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for time.Now().Before(end) {
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-dm.exited:
			return out, dm.died()
		case <-t.C:
		}
		s, err := readSample(dm.pid())
		if err != nil {
			if derr := dm.died(); derr != nil {
				return out, derr
			}
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

// cpuWindow is the CPU used over one window, as % of one core.
type cpuWindow struct {
	from, to time.Duration // since the first sample
	pct      float64
}

func cpuPct(a, b sample, hz int) float64 {
	el := b.at.Sub(a.at).Seconds()
	if el <= 0 {
		return 0
	}
	return float64(b.ticks-a.ticks) / float64(hz) / el * 100
}

// cpuWindows cuts the samples into consecutive windows of length win (the
// last one may be shorter, and is dropped when under half a window unless
// it is the only one).
func cpuWindows(ss []sample, hz int, win time.Duration) []cpuWindow {
	var out []cpuWindow
	if len(ss) < 2 {
		return out
	}
	start := 0
	for i := 1; i < len(ss); i++ {
		if ss[i].at.Sub(ss[start].at) >= win-win/100 || i == len(ss)-1 {
			w := cpuWindow{from: ss[start].at.Sub(ss[0].at), to: ss[i].at.Sub(ss[0].at), pct: cpuPct(ss[start], ss[i], hz)}
			if i == len(ss)-1 && len(out) > 0 && w.to-w.from < win/2 {
				break
			}
			out = append(out, w)
			start = i
		}
	}
	return out
}

// procStats summarises a run of samples.
type procStats struct {
	duration           time.Duration
	samples            int
	cpuSeconds         float64
	cpuMean, cpuPeak1s float64 // % of one core
	window             time.Duration
	windows            []cpuWindow
	// RssAnon and RssFile of the last sample, MiB.
	anonLast, fileLast float64
	// VmRSS and VmHWM in MiB.
	rssMean, rssMax, rssFirst, rssLast, hwm float64
}

func summarize(ss []sample, hz int, win time.Duration) procStats {
	var p procStats
	p.samples = len(ss)
	if len(ss) == 0 {
		return p
	}
	first, last := ss[0], ss[len(ss)-1]
	p.duration = last.at.Sub(first.at)
	p.cpuMean = cpuPct(first, last, hz)
	p.cpuSeconds = float64(last.ticks-first.ticks) / float64(hz)
	for i := 1; i < len(ss); i++ {
		p.cpuPeak1s = math.Max(p.cpuPeak1s, cpuPct(ss[i-1], ss[i], hz))
	}
	p.window = win
	p.windows = cpuWindows(ss, hz, win)
	var sum float64
	for _, s := range ss {
		v := mib(s.rss)
		sum += v
		p.rssMax = math.Max(p.rssMax, v)
	}
	p.rssMean = sum / float64(len(ss))
	p.rssFirst, p.rssLast = mib(first.rss), mib(last.rss)
	p.hwm = mib(last.hwm)
	p.anonLast, p.fileLast = mib(last.anon), mib(last.file)
	return p
}

func (p procStats) maxWindow() float64 {
	m := 0.0
	for _, w := range p.windows {
		m = math.Max(m, w.pct)
	}
	return m
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// quantile returns the q-quantile (0..1) of sorted values, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func sortDurations(d []time.Duration) []time.Duration {
	out := append([]time.Duration(nil), d...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// loadavg is /proc/loadavg's first three fields.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return strings.TrimSpace(string(b))
	}
	return strings.Join(f[:3], " ")
}

// window is what the rig reads over a measured stretch of a daemon's run:
// its metrics at the start and at the end, and its /proc samples between.
type window struct {
	m0, m1 metricSet
	st     procStats
}

// polls is how many polls the daemon completed in the window.
func (w window) polls() float64 { return w.m1.sum(pollsMetric) - w.m0.sum(pollsMetric) }

// measure reads d's metrics, samples its /proc every second for dur (no
// metrics scraped meanwhile: a scrape runs a ledger query in the daemon),
// and reads its metrics again.
func measure(ctx context.Context, d *daemon, hz int, dur time.Duration) (window, error) {
	var w window
	var err error
	if w.m0, err = d.metrics(ctx); err != nil {
		return w, errors.Join(err, d.died())
	}
	fmt.Printf("measuring for %s (one /proc sample a second; /metrics is not scraped meanwhile)...\n", dur)
	ss, err := sampleFor(ctx, d, dur)
	if err != nil {
		return w, err
	}
	if w.m1, err = d.metrics(ctx); err != nil {
		return w, errors.Join(err, d.died())
	}
	w.st = summarize(ss, hz, dur)
	return w, nil
}
