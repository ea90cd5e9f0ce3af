package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/store"
)

// The ledger keeps TMDB's answers: a restart, a repost or another account
// asks TMDB nothing again.
var _ film.Cache = (*store.Store)(nil)

// filmRequestTimeout bounds one TMDB request: TMDB answers in well under a
// second, and a delivery waiting on it holds its lease.
const filmRequestTimeout = 10 * time.Second

// newFilmClient builds the TMDB client when TMDB_API_KEY is set, with one
// HTTP client of its own for every request, titles and trailers in
// POST_LANGUAGE, and the ledger (when not nil) keeping its answers. It
// returns nil when TMDB is not configured: then nothing ever asks TMDB.
func newFilmClient(cfg *config.Config, logger *slog.Logger, ledger *store.Store) (*film.Client, error) {
	kind, key := cfg.TMDBAuth()
	if kind == config.TMDBNone {
		return nil, nil
	}
	o := film.Options{
		BaseURL: cfg.TMDBAPIURL, Credential: key.Value(), Language: cfg.Language, Logger: logger,
		HTTPClient: httpclient.New(httpclient.Options{Timeout: filmRequestTimeout}),
	}
	if ledger != nil {
		o.Cache = ledger // never a typed nil: a nil Cache means none
	}
	c, err := film.New(o)
	if err != nil {
		return nil, fmt.Errorf("TMDB_API_KEY: %w", err)
	}
	return c, nil
}
