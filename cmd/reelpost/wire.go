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
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/bluesky"
	"github.com/reelpost/reelpost/publisher/mastodon"
	"github.com/reelpost/reelpost/publisher/preview"
	"github.com/reelpost/reelpost/publisher/x"
	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// buildPublishers makes one publisher per configured account, each network
// with its own HTTP client (built once, reused for every post).
func buildPublishers(cfg *config.Config, logger *slog.Logger) ([]publisher.Publisher, error) {
	var pubs []publisher.Publisher
	if len(cfg.X) > 0 {
		client := publisher.NewClient()
		for _, a := range cfg.X {
			p, err := x.New(a, x.Options{Client: client, Logger: logger})
			if err != nil {
				return nil, fmt.Errorf("X account %s: %w", a.Prefix, err)
			}
			pubs = append(pubs, p)
		}
	}
	if len(cfg.Mastodon) > 0 {
		client := publisher.NewClient()
		for _, a := range cfg.Mastodon {
			p, err := mastodon.New(a, mastodon.Options{Client: client, Logger: logger, Language: cfg.Language})
			if err != nil {
				return nil, fmt.Errorf("Mastodon account %s: %w", a.Prefix, err)
			}
			pubs = append(pubs, p)
		}
	}
	if len(cfg.Bluesky) > 0 {
		client := publisher.NewClient()
		for _, a := range cfg.Bluesky {
			p, err := bluesky.New(a, bluesky.Options{Client: client, Logger: logger})
			if err != nil {
				return nil, fmt.Errorf("Bluesky account %s: %w", a.Prefix, err)
			}
			pubs = append(pubs, p)
		}
	}
	return pubs, nil
}

// openStore opens the ledger named by DATABASE_URL.
func openStore(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Logger: logger})
	if err != nil {
		if errors.Is(err, store.ErrSchemaTooNew) {
			return nil, &exitError{code: exitConfig, err: fmt.Errorf("DATABASE_URL: %w: upgrade reelpost", err)}
		}
		return nil, fmt.Errorf("open the ledger (DATABASE_URL): %w", err)
	}
	return st, nil
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
	store     *store.Store
	fetcher   *feed.Fetcher
	extractor *review.Extractor
	renderer  *publisher.Renderer
	pubs      []publisher.Publisher
}

// buildApp loads the configuration and builds the store, fetcher,
// extractor, renderer and publishers. The caller closes app.store.
func buildApp(ctx context.Context, e *cliEnv) (*app, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	renderer, err := publisher.NewRenderer(templatesOf(cfg))
	if err != nil {
		return nil, &exitError{code: exitConfig, err: fmt.Errorf("configuration: %w", err)}
	}
	pubs, err := buildPublishers(cfg, e.Logger)
	if err != nil {
		return nil, &exitError{code: exitConfig, err: fmt.Errorf("configuration: %w", err)}
	}
	fetcher := feed.NewFetcher(feed.FetchOptions{Timeout: cfg.FetchTimeout, MaxBytes: cfg.MaxFeedBytes})
	extractor := review.NewExtractor(review.ExtractOptions{
		Pages: fetcher, FetchPages: cfg.FetchPages, Categories: cfg.FeedCategories, Logger: e.Logger,
	})
	st, err := openStore(ctx, cfg, e.Logger)
	if err != nil {
		return nil, err
	}
	return &app{cfg: cfg, store: st, fetcher: fetcher, extractor: extractor, renderer: renderer, pubs: pubs}, nil
}

// newRelay builds the daemon from a; dry-run posts go to out; mods adjust
// the options last.
func (a *app) newRelay(e *cliEnv, out io.Writer, mods ...func(*relay.Options)) (*relay.Relay, error) {
	cfg := a.cfg
	o := relay.Options{
		Store: a.store, Fetcher: a.fetcher, Extractor: a.extractor, Renderer: a.renderer, Publishers: a.pubs,
		Feeds: cfg.FeedURLs, PollInterval: cfg.PollInterval, FetchTimeout: cfg.FetchTimeout,
		Backfill: cfg.Backfill, MaxPostsPerPoll: cfg.MaxPostsPerPoll, PostSpacing: cfg.PostSpacing,
		MaxAttempts: cfg.MaxAttempts, Language: cfg.Language,
		DryRun:     cfg.EffectiveDryRun(),
		ShowDryRun: func(rv review.Review, posts []preview.Post, due time.Time) { printPosts(out, rv, posts, due) },
		HTTPAddr:   cfg.HTTPAddr, Owner: ownerID(cfg), Lease: cfg.LeaseDuration,
		Logger: e.Logger,
	}
	for _, m := range mods {
		m(&o)
	}
	return relay.New(o)
}
