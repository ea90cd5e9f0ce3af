package store

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestConformance runs the ledger's contract over every dialect, one subtest
// per behaviour, so that a failure names what broke and where:
// TestConformance/postgres/ClaimOnlyTheAccountsAskedFor.
func TestConformance(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		(&suite{newDSN: func(t *testing.T) string {
			return "sqlite://" + filepath.Join(t.TempDir(), "ledger.db")
		}}).run(t)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		base := postgresURL(t)
		(&suite{newDSN: func(t *testing.T) string { return freshSchema(t, base) }}).run(t)
	})
}

// suite is the ledger's contract: each of its methods named Test... is one
// behaviour that every dialect must show, in a file conformance_*_test.go
// by area. As in restic's backend suite (internal/backend/test/tests.go),
// the cases are found by reflection, so a new behaviour is a new method and
// cannot be left out of a list.
//
// Every case opens its own stores through open, each on a fresh database,
// and runs in parallel with the others; a case that shares one database
// between its steps says why.
type suite struct {
	// newDSN names a fresh, empty database of the test's own, dropped after it.
	newDSN func(t *testing.T) string
}

// open opens a store on a fresh database of t's own.
func (su *suite) open(t *testing.T, o Options) *Store {
	t.Helper()
	s, err := Open(t.Context(), su.newDSN(t), o)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// run runs every case of the suite as a parallel subtest of t.
func (su *suite) run(t *testing.T) {
	for _, c := range su.cases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t)
		})
	}
}

type suiteCase struct {
	name string // the method's name without "Test"
	fn   func(t *testing.T)
}

// cases lists the suite's Test methods. One with another signature is an
// error rather than skipped, so that a case cannot go quietly unrun.
func (su *suite) cases(t *testing.T) []suiteCase {
	t.Helper()
	v := reflect.ValueOf(su)
	var cases []suiteCase
	for i := range v.NumMethod() {
		m := v.Type().Method(i)
		name, ok := strings.CutPrefix(m.Name, "Test")
		if !ok {
			continue
		}
		fn, ok := v.Method(i).Interface().(func(*testing.T))
		if !ok {
			t.Fatalf("suite method %s is %s, want func(*testing.T)", m.Name, v.Method(i).Type())
		}
		cases = append(cases, suiteCase{name: name, fn: fn})
	}
	if len(cases) == 0 {
		t.Fatal("the suite has no Test methods")
	}
	return cases
}

const (
	mainFeed    = "https://blog.example/feed/"
	reviewsFeed = "https://blog.example/category/reviews/feed/"
)

var threeAccounts = []string{"bluesky:main", "mastodon:main", "x:main"}

// review is a new item of feed with the given identifiers.
func review(feed, key, guid, link string) NewItem {
	return NewItem{
		FeedURL:   feed,
		Key:       key,
		GUID:      guid,
		NormLink:  link,
		Title:     "Review " + key,
		Published: time.Date(2026, 3, 1, 20, 0, 0, 123456000, time.FixedZone("CET", 3600)),
		Payload:   []byte(`{"title":"Review ` + key + `"}`),
		State:     Pending,
	}
}

// numbered returns n distinct reviews of feed.
func numbered(feed string, n int) []NewItem {
	items := make([]NewItem, n)
	for i := range items {
		link := fmt.Sprintf("https://blog.example/reviews/film-%02d", i)
		items[i] = review(feed, link, link, link)
	}
	return items
}

func record(t *testing.T, s *Store, feed string, items []NewItem, accounts []string) []Item {
	t.Helper()
	created, err := s.RecordItems(context.Background(), feed, items, accounts)
	if err != nil {
		t.Fatalf("RecordItems(%s): %v", feed, err)
	}
	return created
}

// reopen opens another handle on s's database, as another process would.
func reopen(t *testing.T, s *Store, o Options) *Store {
	t.Helper()
	s2, err := Open(context.Background(), s.dsn, o)
	if err != nil {
		t.Fatalf("reopen %s: %v", s.where(), err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func claim(t *testing.T, s *Store, o ClaimOptions) []Delivery {
	t.Helper()
	ds, err := s.Claim(context.Background(), o)
	if err != nil {
		t.Fatalf("Claim(%s): %v", o.Owner, err)
	}
	return ds
}

func ids(ds []Delivery) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}
