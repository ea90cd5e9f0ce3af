package relay

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/review"
	"github.com/reelpost/reelpost/store"
)

// FilmIdentifier names the film a review is about and its trailer
// (*film.Client, with the ledger as its cache). The relay asks it before it
// renders a review, so that a post carries the film's trailer where the
// review has none.
type FilmIdentifier interface {
	Identify(ctx context.Context, e film.Evidence) (film.Match, error)
}

const (
	// filmTimeout bounds one identification (at most 3 requests to TMDB):
	// past it, TMDB counts as unavailable.
	filmTimeout = 45 * time.Second
	// While TMDB is unavailable, a delivery waits between filmRetryMin and
	// filmRetryMax (longer the longer it has waited), or what TMDB's
	// Retry-After asks.
	filmRetryMin = 30 * time.Second
	filmRetryMax = 5 * time.Minute
	// maxFilmNotes bounds the reviews whose film the relay remembers
	// having logged about.
	maxFilmNotes = 10000
)

// filmState is what the relay keeps about TMDB between deliveries.
type filmState struct {
	// refused is set once TMDB refused the credentials: this process asks
	// it nothing more (its configuration cannot change under it), and
	// says so once (told).
	refused, told atomic.Bool
	// flight makes the deliveries of one review (one per account, at
	// once) share one identification: the ledger's cache only helps
	// those that come after it.
	flight singleflight.Group

	mu    sync.Mutex
	noted map[string]bool // reviews whose film was logged about
}

// note reports whether rv's film is to be logged about now: once per review
// and process, although every account's delivery asks.
func (f *filmState) note(rv *review.Review) bool {
	key := rv.FeedURL + " " + rv.Key
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noted[key] {
		return false
	}
	if f.noted == nil || len(f.noted) >= maxFilmNotes {
		f.noted = map[string]bool{}
	}
	f.noted[key] = true
	return true
}

// fillFilm fills rv from the film TMDB identifies, when TMDB is configured
// and rv lacks a trailer or a film fact. No match, a refused credential or
// a film TMDB does not have leave rv as it is, logged once; TMDB down, slow
// or rate-limiting (worth waiting for) is returned, with the wait TMDB
// asked for, for the caller to decide.
func (r *Relay) fillFilm(ctx context.Context, log *slog.Logger, rv *review.Review) (retryAfter time.Duration, unavailable error) {
	if r.o.Films == nil || !rv.IsReview || !rv.LacksFilmFacts() || r.film.refused.Load() {
		return 0, nil
	}
	e := rv.Evidence()
	v, err, _ := r.film.flight.Do(e.CacheKey(), func() (any, error) {
		if r.film.refused.Load() {
			// Refused while this delivery was on its way here.
			return film.Match{}, film.ErrCredentials
		}
		fctx, cancel := context.WithTimeout(ctx, filmTimeout)
		defer cancel()
		m, err := r.o.Films.Identify(fctx, e)
		if errors.Is(err, film.ErrCredentials) {
			r.film.refused.Store(true)
		}
		return m, err
	})
	m, _ := v.(film.Match)
	var fe *film.Error
	switch {
	case err == nil && !m.Found():
		// Several films and nothing to tell them apart, or none: never a
		// wrong trailer.
		if r.film.note(rv) {
			log.Info("film not identified; posting without tmdb trailer", "reason", m.Reason)
		}
	case err == nil:
		rv.Fill(m, r.o.Language)
		log.Debug("film identified", "tmdb_id", m.TMDBID, "kind", string(m.Kind), "reason", m.Reason,
			"trailer_source", rv.TrailerSource)
	case errors.Is(err, film.ErrCredentials):
		if r.film.told.CompareAndSwap(false, true) {
			log.Error("tmdb refused the credentials; posting without tmdb until restart: check TMDB_API_KEY",
				"reason", err.Error())
		}
	case errors.As(err, &fe) && fe.Temporary():
		return fe.RetryAfter, err
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		// Too slow, or this process is stopping: worth another try.
		return 0, err
	default:
		// A film TMDB does not have (the feed's id answers 404), an answer
		// that cannot be read: asking again gives the same.
		if r.film.note(rv) {
			log.Warn("tmdb cannot identify the film; posting without tmdb trailer", "reason", err.Error())
		}
	}
	return 0, nil
}

// filmWait decides, for a delivery of rv, whether to wait for TMDB: it
// fills rv when TMDB answers, and returns a time not zero when TMDB is
// unavailable and d may wait longer (at most FilmWait since d was
// created); past that, the post goes out without TMDB, and the log says so.
func (r *Relay) filmWait(ctx context.Context, log *slog.Logger, d store.Delivery, rv *review.Review) (until time.Time, reason string) {
	retryAfter, err := r.fillFilm(ctx, log, rv)
	if err == nil {
		return time.Time{}, ""
	}
	now := r.now()
	deadline := d.CreatedAt.Add(r.o.FilmWait)
	if !now.Before(deadline) {
		log.Warn("tmdb unavailable; posting without trailer", "reason", err.Error(),
			"waited", now.Sub(d.CreatedAt).Round(time.Second))
		return time.Time{}, ""
	}
	delay := max(min(max(now.Sub(d.CreatedAt), filmRetryMin), filmRetryMax), retryAfter)
	return minTime(now.Add(jitter(delay)), deadline), "tmdb unavailable: " + err.Error()
}
