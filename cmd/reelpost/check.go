package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/store"
)

const checkSummary = `Check everything reelpost run would refuse or stumble on, and list every
problem at once, one per line: the configuration (every variable, misspelt
names included), the templates (parsed and run against a sample review), the
feeds (FEED_URLS or FEED_2_URL, ...), the ledger (DATABASE_URL opened
read-only and its schema version read: nothing is created or written), each
account's credentials with its network (X: GET /2/users/me; Mastodon:
verify_credentials; Bluesky: createSession), shown by label and ID (X_2
x:<user id>, MASTODON mastodon:<host>, MASTODON_2 mastodon:<host>#2, BLUESKY
bluesky:@<handle>), and TMDB's key when TMDB_API_KEY is set. Secrets are never
shown. Exits 0 when all is well, 3 when the configuration is wrong, 1 when
something else failed.`

func cmdCheck(ctx context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "check", "", checkSummary)
	timeout := fs.Duration("timeout", 20*time.Second, "time allowed for each account's and service's check")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("check takes no arguments, got %q", fs.Args())}
	}
	r := &checkReport{w: e.Stdout}
	cfg, err := config.Load(e.Environ)
	if err != nil {
		r.configProblems(err)
		return r.result()
	}
	e.Logger = newLogger(e.Stderr, cfg.LogLevel, cfg.LogFormat)

	// What run refuses beyond the variables themselves.
	for _, p := range templateProblems(cfg) {
		r.configProblem(p)
	}
	if len(cfg.Routes()) == 0 {
		r.configProblem(noFeeds)
	}
	accounts := buildAccounts(cfg, e.Logger, newGuard(cfg, cfg.AllFeedURLs(), e.Logger))
	for _, a := range accounts {
		if a.err != nil {
			r.configProblem(a.label + ": " + a.err.Error())
		}
	}
	if r.config == 0 {
		r.line("configuration: ok (%d feed(s), %d account(s))", len(cfg.Routes()), cfg.Accounts())
	}

	r.ledger(ctx, cfg.DatabaseURL, *timeout)

	switch {
	case cfg.Accounts() == 0:
		r.line("accounts: none configured: reelpost runs in dry run, printing posts instead of sending them")
	case cfg.DryRun:
		r.line("accounts: DRY_RUN is set: posts are printed instead of sent")
	}
	var checks []check
	for _, a := range accounts {
		if a.err == nil {
			checks = append(checks, accountCheck(a))
		}
	}
	checks = append(checks, serviceChecks(cfg, e.Logger)...)
	r.run(ctx, checks, *timeout)
	return r.result()
}

// checkReport prints check's lines and counts the problems.
type checkReport struct {
	w              io.Writer
	config, failed int
}

func (r *checkReport) line(format string, a ...any) {
	fmt.Fprintln(r.w, oneLine(fmt.Sprintf(format, a...)))
}

// configProblem is one problem of the configuration: it names its variable.
func (r *checkReport) configProblem(msg string) {
	r.config++
	r.line("%s", msg)
}

// configProblems prints each problem config.Load found on its own line.
func (r *checkReport) configProblems(err error) {
	var ps config.Problems
	if !errors.As(err, &ps) {
		r.configProblem("configuration: " + err.Error())
		return
	}
	for _, p := range ps {
		r.configProblem(p.Error())
	}
}

func (r *checkReport) failure(format string, a ...any) {
	r.failed++
	r.line(format, a...)
}

func (r *checkReport) result() error {
	n := r.config + r.failed
	switch {
	case r.config > 0:
		return &exitError{code: exitConfig, err: fmt.Errorf("check: %d problem(s), the configuration's among them", n)}
	case r.failed > 0:
		return &exitError{code: exitFailure, err: fmt.Errorf("check: %d problem(s)", n)}
	}
	return nil
}

// ledger opens the ledger read-only, as store.Inspect does: check runs
// beside the daemon, and before the first run, creating nothing.
func (r *checkReport) ledger(ctx context.Context, dsn string, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	p, err := store.Inspect(ctx, dsn)
	switch {
	case errors.Is(err, store.ErrSchemaTooNew):
		r.failure("ledger: FAILED: %v: upgrade reelpost", err)
	case err != nil:
		r.failure("ledger: FAILED: %v", err)
	case !p.Exists:
		r.line("ledger: ok (%s does not exist yet: reelpost run creates it)", p.Where)
	case p.Version < p.Known:
		r.line("ledger: ok (%s, schema version %d: reelpost run migrates it to %d)", p.Where, p.Version, p.Known)
	default:
		r.line("ledger: ok (%s, schema version %d)", p.Where, p.Version)
	}
}

// A check is one remote verification: name is what its line starts with,
// run returns what follows "ok" or the failure.
type check struct {
	name string
	run  func(ctx context.Context) (string, error)
	// refused classifies err: true when the remote answered no (bad
	// credentials), false when it could not be asked.
	refused func(err error) bool
}

func accountCheck(a account) check {
	name := a.label + " " + a.pub.ID()
	v, ok := a.pub.(publisher.Verifier)
	if !ok {
		return check{name: name, run: func(context.Context) (string, error) { return "not verifiable: posts will tell", nil }}
	}
	return check{
		name: name,
		run: func(ctx context.Context) (string, error) {
			who, err := v.Verify(ctx)
			return "as " + who, err
		},
		refused: func(err error) bool { return publisher.KindOf(err) == publisher.Permanent },
	}
}

// run runs the checks together, each within timeout, and prints their lines
// in order.
func (r *checkReport) run(ctx context.Context, checks []check, timeout time.Duration) {
	type result struct {
		ok  string
		err error
	}
	results := make([]result, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			ok, err := c.run(cctx)
			results[i] = result{ok, err}
		})
	}
	wg.Wait()
	for i, c := range checks {
		res := results[i]
		switch {
		case res.err == nil:
			r.line("%s: ok (%s)", c.name, res.ok)
		case c.refused != nil && c.refused(res.err):
			r.failure("%s: refused: %s", c.name, reason(res.err))
		default:
			r.failure("%s: FAILED: %s", c.name, reason(res.err))
		}
	}
}

// templateProblems runs every configured template through the renderer
// run builds, one at a time so that each bad one is reported: parsed, and
// executed and fitted against a sample review, naming its variable.
func templateProblems(cfg *config.Config) []string {
	type tmpl struct {
		name string
		t    publisher.Templates
	}
	var ts []tmpl
	for _, t := range []tmpl{
		{"POST_TEMPLATE", publisher.Templates{Default: cfg.PostTemplate}},
		{"X_TEMPLATE", publisher.Templates{X: cfg.XTemplate}},
		{"MASTODON_TEMPLATE", publisher.Templates{Mastodon: cfg.MastodonTemplate}},
		{"BLUESKY_TEMPLATE", publisher.Templates{Bluesky: cfg.BlueskyTemplate}},
		{"REPOST_TEMPLATE", publisher.Templates{Repost: cfg.RepostTemplate}},
	} {
		if t.t != (publisher.Templates{}) {
			ts = append(ts, t)
		}
	}
	// A feed's own template stands where POST_TEMPLATE would.
	for _, f := range cfg.NumberedFeeds {
		if f.Template != "" {
			ts = append(ts, tmpl{f.Prefix + "TEMPLATE", publisher.Templates{Default: f.Template}})
		}
	}
	var out []string
	for _, t := range ts {
		_, err := publisher.NewRenderer(t.t)
		if err == nil {
			continue
		}
		var te *publisher.TemplateError
		if errors.As(err, &te) {
			err = te.Err
		}
		out = append(out, t.name+": "+err.Error())
	}
	return out
}

// serviceChecks lists the checks of the configured services: TMDB when
// TMDB_API_KEY is set, with the client run uses (newFilmClient). A service
// that cannot even be set up is a failed check, not a reason to skip it.
func serviceChecks(cfg *config.Config, logger *slog.Logger) []check {
	kind, _ := cfg.TMDBAuth()
	if kind == config.TMDBNone {
		return nil
	}
	c, err := newFilmClient(cfg, logger, nil)
	if err != nil {
		return []check{{name: "TMDB", run: func(context.Context) (string, error) { return "", err }}}
	}
	return []check{{
		name:    "TMDB",
		run:     func(ctx context.Context) (string, error) { return string(kind), c.Verify(ctx) },
		refused: func(err error) bool { return errors.Is(err, film.ErrCredentials) },
	}}
}

// reason is err as a line that names its account already shows it: a
// network's refusal without the account repeated.
func reason(err error) string {
	if pe, ok := err.(*publisher.Error); ok {
		return pe.Reason()
	}
	return err.Error()
}
