package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/internal/netguard"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/bluesky"
	"github.com/reelpost/reelpost/publisher/mastodon"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/publisher/x"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// account is one configured account: its label (MASTODON_2) and its
// publisher, or why it could not be built.
type account struct {
	label string
	pub   publisher.Publisher
	err   error
}

// newGuard builds the one guard of the fetches that feed items ask for
// (review pages, card pictures): they may not reach private, loopback or
// link-local addresses unless FETCH_PRIVATE=true, or the host is one of the
// feeds' own (feeds are the operator's: a blog on an intranet keeps its
// pages). feeds are the feeds' URLs (the configured ones, or preview's
// arguments).
func newGuard(cfg *config.Config, feeds []string, logger *slog.Logger) *netguard.Guard {
	return netguard.New(netguard.Options{AllowHosts: netguard.HostsOf(feeds), AllowPrivate: cfg.FetchPrivate, Logger: logger})
}

// thumbTimeout bounds the fetch of a card's picture.
const thumbTimeout = 15 * time.Second

// buildAccounts makes one publisher per configured account, each network
// with its own HTTP client (built once, reused for every post). An account
// that cannot be built comes back with its error, naming its variable.
// Pictures that a feed item names are fetched through guard.
func buildAccounts(cfg *config.Config, logger *slog.Logger, guard *netguard.Guard) []account {
	var out []account
	add := func(label string, p publisher.Publisher, err error) {
		if err != nil {
			p = nil // a typed nil is not "no publisher"
		}
		out = append(out, account{label: label, pub: p, err: err})
	}
	if len(cfg.X) > 0 {
		client := publisher.NewClient()
		for _, a := range cfg.X {
			p, err := x.New(a, x.Options{Client: client, Logger: logger})
			add(a.Label, p, err)
		}
	}
	if len(cfg.Mastodon) > 0 {
		client := publisher.NewClient()
		for _, a := range cfg.Mastodon {
			p, err := mastodon.New(a, mastodon.Options{Client: client, Logger: logger, Language: cfg.Language})
			add(a.Label, p, err)
		}
	}
	if len(cfg.Bluesky) > 0 {
		// The PDS is the operator's choice; the card's picture is the
		// feed item's, so only its client is guarded.
		client := publisher.NewClient()
		thumbs := httpclient.New(httpclient.Options{Timeout: thumbTimeout, Transport: guard.Transport(nil)})
		for _, a := range cfg.Bluesky {
			p, err := bluesky.New(a, bluesky.Options{Client: client, ThumbClient: thumbs, Logger: logger})
			add(a.Label, p, err)
		}
	}
	return out
}

// buildPublishers is buildLabelled without the labels.
func buildPublishers(cfg *config.Config, logger *slog.Logger, guard *netguard.Guard) ([]publisher.Publisher, error) {
	pubs, _, err := buildLabelled(cfg, logger, guard)
	return pubs, err
}

// ledgerMode says whether opening the ledger may create it.
type ledgerMode int

const (
	// ledgerCreate creates and migrates the ledger as needed: the
	// commands that record (run, once, repost).
	ledgerCreate ledgerMode = iota
	// ledgerExisting refuses to create one: the commands that only look
	// (status, a dry-run repost) say there is none instead.
	ledgerExisting
)

// openStore opens the ledger named by DATABASE_URL.
func openStore(ctx context.Context, cfg *config.Config, logger *slog.Logger, mode ledgerMode) (*store.Store, error) {
	open := store.Open
	if mode == ledgerExisting {
		open = store.OpenExisting
	}
	st, err := open(ctx, cfg.DatabaseURL, store.Options{Logger: logger})
	switch {
	case err == nil:
		return st, nil
	case errors.Is(err, store.ErrSchemaTooNew):
		return nil, &exitError{code: exitConfig, err: fmt.Errorf("DATABASE_URL: %w: upgrade reelpost", err)}
	case errors.Is(err, store.ErrNoLedger):
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("%w (DATABASE_URL): nothing recorded yet; reelpost run or reelpost once creates it", err)}
	}
	return nil, fmt.Errorf("open the ledger (DATABASE_URL): %w", err)
}

// ownerID names this process in delivery leases: INSTANCE_ID, else host
// name and process id, followed by processSuffix.
func ownerID(cfg *config.Config) string {
	name := cfg.InstanceID
	if name == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "reelpost"
		}
		name = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	return name + "/" + processSuffix()
}

// processSuffix is random, one per process: a daemon restarted in the same
// container (same host name, pid 1), or a CLI command run beside the daemon
// with its INSTANCE_ID, must never release or settle leases the other
// process holds.
var processSuffix = sync.OnceValue(func() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24)
	return hex.EncodeToString(b[:])
})

// app is everything a ledger-using command works with.
type app struct {
	cfg       *config.Config
	store     *store.Store // nil until openLedger
	fetcher   *feed.Fetcher
	extractor *review.Extractor
	renderer  *publisher.Renderer
	pubs      []publisher.Publisher
	labels    []string // labels[i] is pubs[i]'s: MASTODON_2
	routes    routes
}

// buildApp loads the configuration and builds the fetcher, extractor,
// renderer and publishers: everything that can refuse the configuration,
// so that a bad one leaves nothing behind. openLedger comes after.
func buildApp(e *cliEnv) (*app, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	var report func(string, int, int)
	if e.progress != nil {
		// Log lines first clear the progress line they would run into.
		e.Logger = newLogger(e.progress.clearing(), cfg.LogLevel, cfg.LogFormat)
		report = e.progress.report
	}
	pl, err := newPipeline(cfg, cfg.AllFeedURLs(), e.Logger, report)
	if err != nil {
		return nil, err
	}
	pubs, labels, err := buildLabelled(cfg, e.Logger, pl.guard)
	if err != nil {
		return nil, err
	}
	rs, err := buildRoutes(cfg, pl.renderer, pubs, labels)
	if err != nil {
		return nil, err
	}
	return &app{cfg: cfg, fetcher: pl.fetcher, extractor: pl.extractor, renderer: pl.renderer, pubs: pubs, labels: labels,
		routes: rs}, nil
}

// buildLabelled builds every account's publisher, with its label
// (labels[i] is pubs[i]'s); its error names each account that could not
// be built.
func buildLabelled(cfg *config.Config, logger *slog.Logger, guard *netguard.Guard) (pubs []publisher.Publisher, labels []string, err error) {
	var errs []error
	for _, a := range buildAccounts(cfg, logger, guard) {
		if a.err != nil {
			errs = append(errs, a.err)
			continue
		}
		pubs, labels = append(pubs, a.pub), append(labels, a.label)
	}
	if len(errs) > 0 {
		return nil, nil, &exitError{code: exitConfig, err: fmt.Errorf("configuration: %w", errors.Join(errs...))}
	}
	return pubs, labels, nil
}

// excluder is the operator's filter of each feed, for the extractor: the
// feed's route's (FEED_INCLUDE and FEED_EXCLUDE, and the feed's own), or
// the global one for a feed not configured (preview's arguments).
func excluder(cfg *config.Config) func(feedURL, title string, categories []string, text string) string {
	filters := map[string]config.Filter{}
	for _, r := range cfg.Routes() {
		filters[r.URL] = r.Filter
	}
	global := cfg.Filter()
	return func(feedURL, title string, categories []string, text string) string {
		f, ok := filters[feedURL]
		if !ok {
			f = global
		}
		return f.Judge(title, categories, text)
	}
}

// pipeline is what turns feeds into posts, as run and preview both build it.
type pipeline struct {
	// fetcher gets the feeds: their URLs are the operator's, so it goes
	// wherever they point.
	fetcher   *feed.Fetcher
	extractor *review.Extractor
	renderer  *publisher.Renderer
	// guard keeps the fetches a feed item asks for (its page, its
	// picture) out of the operator's own network.
	guard *netguard.Guard
}

// newPipeline builds the pipeline of the feeds at feeds; progress, if not
// nil, is told how page completion goes.
func newPipeline(cfg *config.Config, feeds []string, logger *slog.Logger, progress func(feedURL string, done, total int)) (*pipeline, error) {
	renderer, err := publisher.NewRenderer(templatesOf(cfg))
	if err != nil {
		return nil, &exitError{code: exitConfig, err: fmt.Errorf("configuration: %w", err)}
	}
	renderer.PostMentions = cfg.PostMentions
	guard := newGuard(cfg, feeds, logger)
	fetcher := feed.NewFetcher(feed.FetchOptions{Timeout: cfg.FetchTimeout, MaxBytes: cfg.MaxFeedBytes})
	pages := feed.NewFetcher(feed.FetchOptions{Timeout: cfg.FetchTimeout, MaxBytes: cfg.MaxFeedBytes,
		Client: httpclient.New(httpclient.Options{Timeout: cfg.FetchTimeout, Transport: guard.Transport(nil)})})
	extractor := review.NewExtractor(review.ExtractOptions{
		Pages: pages, FetchPages: cfg.FetchPages, Categories: cfg.FeedCategories, Logger: logger, Progress: progress,
		Exclude: excluder(cfg),
	})
	return &pipeline{fetcher: fetcher, extractor: extractor, renderer: renderer, guard: guard}, nil
}

// openLedger opens a.store; the caller closes it.
func (a *app) openLedger(ctx context.Context, e *cliEnv, mode ledgerMode) error {
	st, err := openStore(ctx, a.cfg, e.Logger, mode)
	if err != nil {
		return err
	}
	a.store = st
	return nil
}

// newRelay builds the daemon from a; dry-run posts go to out; mods adjust
// the options last.
func (a *app) newRelay(e *cliEnv, out io.Writer, mods ...func(*relay.Options)) (*relay.Relay, error) {
	cfg := a.cfg
	o := relay.Options{
		Store: a.store, Fetcher: a.fetcher, Extractor: a.extractor, Renderer: a.renderer, Publishers: a.pubs,
		Feeds: cfg.AllFeedURLs(), Routes: a.relayRoutes(), Hashtags: cfg.Hashtags(),
		PollInterval: cfg.PollInterval, FetchTimeout: cfg.FetchTimeout,
		Backfill: cfg.Backfill, MaxPostsPerPoll: cfg.MaxPostsPerPoll, PostSpacing: cfg.PostSpacing,
		MaxAttempts: cfg.MaxAttempts, Language: cfg.Language,
		DryRun:     cfg.EffectiveDryRun(),
		ShowDryRun: func(rv review.Review, posts []preview.Post, due time.Time) { printPosts(out, rv, posts, due) },
		HTTPAddr:   cfg.HTTPAddr, Owner: ownerID(cfg), Lease: cfg.LeaseDuration,
		Logger: e.Logger,
	}
	films, err := newFilmClient(cfg, e.Logger, a.store)
	if err != nil {
		return nil, &exitError{code: exitConfig, err: err}
	}
	if films != nil {
		o.Films, o.FilmWait = films, cfg.TMDBWait // never a typed nil: nil Films means TMDB is off
	}
	for _, m := range mods {
		m(&o)
	}
	return relay.New(o)
}
