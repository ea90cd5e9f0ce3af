// Command reelpost posts a film-review blog's new reviews to X, Mastodon and
// Bluesky, exactly once each, and gives operators a CLI to preview, repost,
// inspect and check it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/reelpost/reelpost/config"
)

func main() {
	ctx, stop := notifyContext(context.Background(), os.Stderr)
	err := run(ctx, os.Args[1:], environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// environ returns the process environment as a map, the form config.Load
// takes (tests pass a literal map instead).
func environ() map[string]string {
	m := make(map[string]string)
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// cliEnv is what every subcommand gets: its output streams and environment.
type cliEnv struct {
	Stdout, Stderr io.Writer
	Environ        map[string]string
	// Terminal is set when a person reads Stderr: the commands run by hand
	// then show progress and write their warnings as sentences.
	Terminal bool
	// progress shows long work on Stderr (set by the command that wants
	// it when Stderr is a terminal; nil otherwise).
	progress *progress
	// Logger is set by loadConfig from LOG_LEVEL and LOG_FORMAT; before that
	// it logs text at info level to Stderr.
	Logger *slog.Logger
}

// loadConfig reads and validates the configuration and sets e.Logger.
func (e *cliEnv) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(e.Environ)
	if err != nil {
		return nil, &exitError{code: exitConfig, err: fmt.Errorf("configuration: %w", err)}
	}
	e.Logger = newLogger(e.Stderr, cfg.LogLevel, cfg.LogFormat)
	return cfg, nil
}

// byHand is for the commands a person runs and reads (preview): on a
// terminal their warnings are sentences, not LOG_FORMAT's records, which
// stay the daemon's. It returns a progress line for long work, or nil when
// no person is watching.
func (e *cliEnv) byHand(cfg *config.Config, what string) *progress {
	if !e.Terminal {
		return nil
	}
	p := newProgress(e.Stderr, what)
	// Log lines first clear the progress line they would run into.
	e.Logger = newHumanLogger(p.clearing(), cfg.LogLevel)
	return p
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: parseLevel(level)}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// parseLevel reads LOG_LEVEL (config checked it).
func parseLevel(level string) slog.Level {
	switch strings.ToLower(level) {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Exit codes, in one place.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and something failed (a feed, a delivery, a check)
	exitUsage   = 2 // bad command line
	exitConfig  = 3 // bad configuration
)

// exitError carries the exit code a failure maps to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// errSilent marks a failure whose explanation the command already printed.
var errSilent = errors.New("failed")

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	code := exitFailure
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintln(stderr, "reelpost: "+oneLine(err.Error()))
	}
	return code
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

type command struct {
	name, summary string
	run           func(ctx context.Context, e *cliEnv, args []string) error
}

func commands() []command {
	return []command{
		{"run", "run the daemon: poll the feeds and post new reviews", cmdRun},
		{"once", "one poll-and-deliver cycle, then exit (non-zero if a feed or a delivery failed)", cmdOnce},
		{"preview", "fetch feeds and show what reelpost understood and would post", cmdPreview},
		{"repost", "post one review again, now, to the chosen accounts", cmdRepost},
		{"retry", "send failed deliveries again, as if for the first time, once their cause is fixed", cmdRetry},
		{"status", "show feeds, recent posts, pending and failed deliveries", cmdStatus},
		{"check", "list every problem run would meet: configuration, templates, ledger, credentials (TMDB's too)", cmdCheck},
		{"healthcheck", "exit 0 if the local daemon answers /healthz (for containers)", cmdHealthcheck},
		{"config-doc", "print the configuration reference as a Markdown table", cmdConfigDoc},
		{"version", "print the version", cmdVersion},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: reelpost COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from environment variables; see README.md or `reelpost config-doc`.")
	fmt.Fprintln(w, "Run `reelpost COMMAND --help` for a command's flags.")
}

// run dispatches to a subcommand. It never exits the process, so tests call it.
func run(ctx context.Context, args []string, environ map[string]string, stdout, stderr io.Writer) error {
	e := &cliEnv{Stdout: stdout, Stderr: stderr, Environ: environ, Terminal: isTerminal(stderr),
		Logger: newLogger(stderr, "info", "text")}
	if len(args) == 0 {
		usage(stderr)
		return &exitError{code: exitUsage, err: errors.New("no command given")}
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(stdout)
		return nil
	case "-v", "--version":
		return cmdVersion(ctx, e, nil)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	usage(stderr)
	return &exitError{code: exitUsage, err: fmt.Errorf("unknown command %q", args[0])}
}

// newFlags builds a subcommand's flag set: errors are returned, not fatal,
// and --help prints the usage to stdout.
func newFlags(e *cliEnv, name, argsUsage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fs.SetOutput(e.Stdout)
		fmt.Fprintf(e.Stdout, "usage: reelpost %s %s\n\n%s\n", name, argsUsage, summary)
		if hasFlags(fs) {
			fmt.Fprintln(e.Stdout, "\nflags:")
			fs.PrintDefaults()
		}
		fs.SetOutput(e.Stderr)
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args; a bad flag is a usage error, --help is not an error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}
