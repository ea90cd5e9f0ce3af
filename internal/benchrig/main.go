// Command benchrig measures the real reelpost binary, run as a subprocess,
// against feeds and network fakes on 127.0.0.1: CPU and memory with 1,000
// and 5,000 feeds, the delay from a new feed item to its posts, an idle
// daemon's memory, a poll answered 304 beside rss2twitter's poll, a feed
// whose bytes change while its items do not, and the first sight of a big
// feed. README.md says what each scenario does and how to read it.
//
//	go run ./internal/benchrig -scenario NAME[,NAME...]|all [-quick]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the rig's flags.
type options struct {
	scenario  string
	quick     bool
	feeds     int
	changePct float64
	measure   time.Duration
	warmup    time.Duration
	account   string
	items     int
	spacing   time.Duration
	idle      time.Duration
	idlePoll  time.Duration
	settle    time.Duration
	keep      bool
	// poll304, changed, bigfirst (issue 13)
	poll         time.Duration
	watch        time.Duration
	changedItems int
	bigItems     int
	// ledger (issue 13, target 1)
	ledgerSmall, ledgerBig int
}

// scenarioNames are the scenarios, in the order -scenario all runs them.
var scenarioNames = []string{"feeds1000", "feeds5000", "delay", "idle", "poll304", "changed", "bigfirst", "ledger"}

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // a scenario could not complete: the daemon died, a wait timed out
	exitUsage   = 2
	exitStopped = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == standInArg {
		return runStandIn(ctx, args[1:])
	}
	o, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(os.Stderr, "benchrig:", err)
		return exitUsage
	}
	scenarios := strings.Split(o.scenario, ",")
	if o.scenario == "all" {
		scenarios = scenarioNames
	}

	dir, err := os.MkdirTemp("", "benchrig-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrig:", err)
		return exitFailed
	}
	if o.keep {
		fmt.Printf("work dir (kept): %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	fmt.Printf("command: go run ./internal/benchrig %s\n", strings.Join(args, " "))
	fmt.Printf("machine: %d CPUs, %s/%s, %s, load average %s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH,
		runtime.Version(), loadavg(), time.Now().UTC().Format(time.RFC3339))
	start := time.Now()
	bin, err := buildDaemon(ctx, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrig:", err)
		return exitFailed
	}
	size := int64(0)
	if fi, err := os.Stat(bin); err == nil {
		size = fi.Size()
	}
	fmt.Printf("built reelpost in %s (%.1f MiB binary): CGO_ENABLED=0 go %s -o BIN ./cmd/reelpost\n", time.Since(start).Round(100*time.Millisecond),
		float64(size)/(1<<20), strings.Join(buildArgs, " "))

	code := exitOK
	for _, name := range scenarios {
		sdir, err := os.MkdirTemp(dir, name+"-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchrig:", err)
			return exitFailed
		}
		fmt.Printf("\n=== scenario %s (load average %s)\n", name, loadavg())
		if err := runScenario(ctx, name, o, bin, sdir); err != nil {
			fmt.Printf("\nscenario %s FAILED: %v\n", name, err)
			if ctx.Err() != nil {
				return exitStopped
			}
			code = exitFailed
			continue
		}
		fmt.Printf("=== end of %s (load average %s)\n", name, loadavg())
	}
	return code
}

// runScenario runs one scenario; a fake's Fatalf becomes its error.
func runScenario(ctx context.Context, name string, o options, bin, dir string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			f, ok := p.(fatal)
			if !ok {
				panic(p)
			}
			err = f
		}
	}()
	switch name {
	case "feeds1000":
		return scenarioFeeds(ctx, o, feedsTargets{feeds: 1000, rssMiB: 60e6 / (1 << 20), rssLabel: "60 MB"}, bin, dir)
	case "feeds5000":
		return scenarioFeeds(ctx, o, feedsTargets{feeds: 5000, rssMiB: 64, rssLabel: "64 MiB", firstRound: 10 * time.Second}, bin, dir)
	case "poll304":
		return scenarioPoll304(ctx, o, bin, dir)
	case "changed":
		return scenarioChanged(ctx, o, bin, dir)
	case "bigfirst":
		return scenarioBigFirst(ctx, o, bin, dir)
	case "ledger":
		return scenarioLedger(ctx, o, bin, dir)
	case "delay":
		return scenarioDelay(ctx, o, bin, dir)
	case "idle":
		return scenarioIdle(ctx, o, bin, dir)
	}
	return fmt.Errorf("unknown scenario %q", name)
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchrig", flag.ContinueOnError)
	fs.StringVar(&o.scenario, "scenario", "", strings.Join(scenarioNames, ", ")+", several separated by commas, or all (required)")
	fs.BoolVar(&o.quick, "quick", false, "a short smoke run (about 30 s for -scenario all): fewer feeds, items and seconds, unless set by their flags")
	fs.IntVar(&o.feeds, "feeds", 0, "feeds1000, feeds5000: how many feeds (default 1000, 5000)")
	fs.Float64Var(&o.changePct, "change-pct", 2, "feeds1000: % of the feeds that get a new item each minute")
	minutes := fs.Float64("minutes", 3, "feeds1000: measurement length after the warm-up, in minutes")
	fs.DurationVar(&o.warmup, "warmup-timeout", 10*time.Minute, "feeds1000: the longest wait for the first full poll cycle")
	fs.StringVar(&o.account, "account", "mastodon", "feeds1000: the fake account the daemon posts to: mastodon, x, bluesky or none (dry run)")
	fs.IntVar(&o.items, "items", 20, "delay: how many new items are published, one at a time")
	fs.DurationVar(&o.spacing, "spacing", 3*time.Second, "delay: the wait between one item's last post and the next item (plus up to 1 s at random)")
	fs.DurationVar(&o.idle, "idle", 5*time.Minute, "idle: how long the daemon's memory is watched after its first poll")
	fs.DurationVar(&o.settle, "settle", time.Minute, "idle: the start of -idle that is not judged (start-up, the first release of memory)")
	fs.DurationVar(&o.idlePoll, "idle-poll", time.Minute, "idle: POLL_INTERVAL")
	fs.DurationVar(&o.poll, "poll", time.Second, "poll304, changed: POLL_INTERVAL (and the stand-in's interval)")
	fs.DurationVar(&o.watch, "watch", 2*time.Minute, "poll304, changed: how long CPU is measured")
	fs.IntVar(&o.changedItems, "changed-items", 1000, "changed: items in the feed")
	fs.IntVar(&o.bigItems, "big-items", 5000, "bigfirst: items in the feed (5,000: 16.5 MiB)")
	fs.IntVar(&o.ledgerSmall, "ledger-small", 1000, "ledger: reviews in the small ledger")
	fs.IntVar(&o.ledgerBig, "ledger-big", 1000000, "ledger: reviews in the grown ledger")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (binary, ledgers, daemon logs)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.scenario == "" {
		fs.Usage()
		return o, errors.New("-scenario is required")
	}
	if o.scenario != "all" {
		for _, name := range strings.Split(o.scenario, ",") {
			if !slices.Contains(scenarioNames, name) {
				return o, fmt.Errorf("-scenario %q: expected %s, several of them separated by commas, or all", name, strings.Join(scenarioNames, ", "))
			}
		}
	}
	switch o.account {
	case "none", "x", "mastodon", "bluesky":
	default:
		return o, fmt.Errorf("-account %q: expected mastodon, x, bluesky or none", o.account)
	}
	o.measure = time.Duration(*minutes * float64(time.Minute))
	if o.quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["feeds"] {
			o.feeds = 50
		}
		if !set["watch"] {
			o.watch = 8 * time.Second
		}
		if !set["changed-items"] {
			o.changedItems = 200
		}
		if !set["big-items"] {
			o.bigItems = 500
		}
		if !set["ledger-big"] {
			o.ledgerBig = 20000
		}
		if !set["minutes"] {
			o.measure = 8 * time.Second
		}
		if !set["warmup-timeout"] {
			o.warmup = 60 * time.Second
		}
		if !set["items"] {
			o.items = 3
		}
		if !set["spacing"] {
			o.spacing = 500 * time.Millisecond
		}
		if !set["idle"] {
			o.idle = 5 * time.Second
		}
		if !set["settle"] {
			o.settle = 2 * time.Second
		}
	}
	if o.feeds < 0 || o.items < 1 || o.measure < 2*time.Second || o.idle < time.Second || o.changePct < 0 {
		return o, errors.New("-feeds must be 0 (the scenario's default) or more, -items at least 1, -minutes at least 2 s, -idle at least 1 s, -change-pct 0 or more")
	}
	if o.ledgerSmall < 1 || o.ledgerBig < 1 {
		return o, errors.New("-ledger-small and -ledger-big must be at least 1")
	}
	if o.poll < 100*time.Millisecond || o.watch < 2*time.Second || o.changedItems < 1 || o.bigItems < 1 {
		return o, errors.New("-poll must be at least 100ms, -watch at least 2 s, -changed-items and -big-items at least 1")
	}
	if o.settle < 0 || o.settle >= o.idle {
		return o, errors.New("-settle must be 0 or more and shorter than -idle")
	}
	return o, nil
}
