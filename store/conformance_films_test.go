package store

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// filmCache is the film package's Cache as the ledger must meet it
// (film.Cache: the store may not import film, so the contract is restated
// here and checked at compile time).
type filmCache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Put(ctx context.Context, key string, value []byte) error
}

var _ filmCache = (*Store)(nil)

const matrixKey = "tmdb:movie:603|lang:en"

func (su *suite) TestFilmCacheMissesWhatWasNeverPut(t *testing.T) {
	s := su.open(t, Options{})
	b, ok, err := s.Get(t.Context(), matrixKey)
	if err != nil || ok || b != nil {
		t.Fatalf("Get of an unknown key = %q, %v, %v; want nothing, false, nil", b, ok, err)
	}
}

// TestFilmCacheKeepsAnswersAcrossProcesses: what one process put, another
// opening the same ledger reads (a restart asks TMDB nothing again), byte
// for byte, and keys are exact (no folding of case or language).
func (su *suite) TestFilmCacheKeepsAnswersAcrossProcesses(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	payload := []byte(`{"v":1,"match":{"tmdb_id":603,"title":"The Matrix","reason":"tmdb id from the feed"}}` + "\x00\xff")
	if err := s.Put(ctx, matrixKey, payload); err != nil {
		t.Fatal(err)
	}
	other := reopen(t, s, Options{})
	got, ok, err := other.Get(ctx, matrixKey)
	if err != nil || !ok || !bytes.Equal(got, payload) {
		t.Fatalf("Get after reopen = %q, %v, %v; want %q", got, ok, err, payload)
	}
	for _, k := range []string{"tmdb:movie:603|lang:de", "TMDB:movie:603|lang:en", "tmdb:movie:60"} {
		if _, ok, err := other.Get(ctx, k); err != nil || ok {
			t.Errorf("Get(%q) = ok %v, %v; want a miss", k, ok, err)
		}
	}
}

// TestFilmCachePutReplaces: a second answer for a key (a recheck that found
// the trailer) replaces the first, in one row, and is dated anew.
func (su *suite) TestFilmCachePutReplaces(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := su.open(t, Options{Now: clock})
	if err := s.Put(ctx, matrixKey, []byte(`{"match":{"reason":"no trailer yet"}}`)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(8 * 24 * time.Hour)
	mu.Unlock()
	want := []byte(`{"match":{"tmdb_id":603}}`)
	if err := s.Put(ctx, matrixKey, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Get(ctx, matrixKey)
	if err != nil || !ok || !bytes.Equal(got, want) {
		t.Fatalf("Get after a second Put = %q, %v, %v; want %q", got, ok, err, want)
	}
	if n := countRows(t, s, "film_cache"); n != 1 {
		t.Errorf("film_cache has %d rows after two Puts of one key, want 1", n)
	}
	var checked time.Time
	if err := s.db.QueryRowContext(ctx, `SELECT checked_at FROM film_cache WHERE key = $1`, matrixKey).Scan(tm(&checked)); err != nil {
		t.Fatal(err)
	}
	if !checked.Equal(now) {
		t.Errorf("checked_at = %v, want the second Put's %v", checked, now)
	}
}

// TestFilmCacheKeepsAnEmptyAnswer: an empty payload is an answer, not a miss.
func (su *suite) TestFilmCacheKeepsAnEmptyAnswer(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	if err := s.Put(ctx, "title:crash", nil); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Get(ctx, "title:crash")
	if err != nil || !ok || len(got) != 0 || got == nil {
		t.Fatalf("Get of an empty answer = %q (nil %v), %v, %v; want an empty, non-nil hit", got, got == nil, ok, err)
	}
}

// TestFilmCacheRefusesBadKeys: an empty key or one longer than a feed's
// evidence should make is refused with an error that says so, not stored.
func (su *suite) TestFilmCacheRefusesBadKeys(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	for name, key := range map[string]string{"empty": "", "too long": "title:" + strings.Repeat("é", maxFilmKey)} {
		err := s.Put(ctx, key, []byte("x"))
		if err == nil {
			t.Errorf("Put with a %s key succeeded", name)
			continue
		}
		if !strings.Contains(err.Error(), "film cache") || !strings.Contains(err.Error(), "key") {
			t.Errorf("Put with a %s key: error %q does not name the film cache's key", name, err)
		}
	}
	if n := countRows(t, s, "film_cache"); n != 0 {
		t.Errorf("film_cache has %d rows after refused Puts, want 0", n)
	}
}

// TestFilmCacheConcurrentPutsOfOneKey: replicas identifying the same film
// at once both write; neither fails, and one answer stands whole.
func (su *suite) TestFilmCacheConcurrentPutsOfOneKey(t *testing.T) {
	ctx := t.Context()
	s := su.open(t, Options{})
	other := reopen(t, s, Options{})
	answers := [][]byte{[]byte(`{"from":"first"}`), []byte(`{"from":"second"}`)}
	var wg sync.WaitGroup
	for i, st := range []*Store{s, other} {
		wg.Go(func() {
			for range 5 {
				if err := st.Put(ctx, matrixKey, answers[i]); err != nil {
					t.Errorf("replica %d: Put: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, ok, err := s.Get(ctx, matrixKey)
	if err != nil || !ok || (!bytes.Equal(got, answers[0]) && !bytes.Equal(got, answers[1])) {
		t.Fatalf("Get after concurrent Puts = %q, %v, %v; want one of the answers whole", got, ok, err)
	}
}
