package film_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
	"github.com/reelpost/reelpost/internal/testutil"
)

// setup is a fake TMDB and a client of it.
type setup struct {
	fake   *tmdbfake.Server
	client *film.Client
	logs   *testutil.SyncBuffer
}

type config struct {
	credential string
	lang       string
	cache      film.Cache
	now        func() time.Time
	fakeOpts   tmdbfake.Options
}

func newSetup(t *testing.T, cfg config) setup {
	t.Helper()
	fake := tmdbfake.New(t, cfg.fakeOpts)
	if cfg.credential == "" {
		cfg.credential = tmdbfake.APIKey
	}
	logs := &testutil.SyncBuffer{}
	c, err := film.New(film.Options{
		BaseURL:    fake.URL,
		Credential: cfg.credential,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Language:   cfg.lang,
		Logger:     slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Cache:      cfg.cache,
		Now:        cfg.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return setup{fake: fake, client: c, logs: logs}
}
