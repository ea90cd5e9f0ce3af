package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/testutil"
)

// clock is a fake clock shared by the stores of one test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts at an instant with a microsecond part, so that every
// round-trip check also checks the precision.
func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// postgresURL is the test server's URL; without one the PostgreSQL tests
// skip, except in CI, which must never skip them silently.
func postgresURL(t testing.TB) string {
	t.Helper()
	return testutil.PostgresURL(t)
}

// freshSchema creates a schema of its own for one test, dropped afterwards,
// and returns a DSN whose search_path selects it, so tests run in parallel.
func freshSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("open %s: %v", base, err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestDeliveryKey(t *testing.T) {
	t.Parallel()
	base := DeliveryKey("https://blog.example/reviews/alien", "mastodon:main", 0)
	if len(base) != 32 || strings.Trim(base, "0123456789abcdef") != "" {
		t.Fatalf("DeliveryKey = %q, want 32 lowercase hex digits", base)
	}
	if again := DeliveryKey("https://blog.example/reviews/alien", "mastodon:main", 0); again != base {
		t.Fatalf("DeliveryKey is not deterministic: %q then %q", base, again)
	}
	for _, tc := range []struct {
		name, identity, account string
		seq                     int
	}{
		{"another item", "https://blog.example/reviews/aliens", "mastodon:main", 0},
		{"another account", "https://blog.example/reviews/alien", "bluesky:main", 0},
		{"a repost", "https://blog.example/reviews/alien", "mastodon:main", 1},
		{"no separator collision", "https://blog.example/reviews/alienm", "astodon:main", 0},
	} {
		if k := DeliveryKey(tc.identity, tc.account, tc.seq); k == base {
			t.Errorf("%s: key %q equals the original's", tc.name, k)
		}
	}
}

func TestGlobalGUID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		guid string
		want bool
	}{
		{"https://blog.example/?p=42", true},
		{"http://blog.example/reviews/alien", true},
		{"tag:blog.example,2026:review-42", true},
		{"urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", true},
		{"42", false},
		{"post-42", false},
		{"/reviews/alien", false},
		{"tag:", false},
		{"", false},
	} {
		if got := globalGUID(tc.guid); got != tc.want {
			t.Errorf("globalGUID(%q) = %v, want %v", tc.guid, got, tc.want)
		}
	}
}

func TestSQLiteDSN(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ dsn, path string }{
		{"sqlite:///data/reelpost.db", "/data/reelpost.db"},
		{"file:/data/reelpost.db", "/data/reelpost.db"},
		{"reelpost.db", "reelpost.db"},
	} {
		got := sqliteDSN(tc.dsn)
		if !strings.HasPrefix(got, "file:"+tc.path+"?") {
			t.Errorf("sqliteDSN(%q) = %q, want the file %s", tc.dsn, got, tc.path)
		}
		for _, p := range []string{"busy_timeout(10000)", "foreign_keys(ON)", "synchronous(NORMAL)", "_txlock=immediate"} {
			if !strings.Contains(got, p) {
				t.Errorf("sqliteDSN(%q) = %q, lacks %s", tc.dsn, got, p)
			}
		}
	}
}

// TestSQLitePragmas checks that every pooled connection runs with the pragmas
// the CLI-beside-the-daemon promise rests on.
func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openSQLite(t, Options{})
	// Hold several connections at once so that the pool opens more than one.
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 3; i++ {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		for pragma, want := range map[string]string{
			"journal_mode": "wal", "busy_timeout": "10000", "foreign_keys": "1", "synchronous": "1",
			"temp_store": "2", "journal_size_limit": "16777216", "wal_autocheckpoint": "1000",
		} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, want)
			}
		}
	}
}

// TestSQLiteConcurrentFirstOpens: processes opening a new ledger at the
// same moment (replicas started together, a CLI command beside the daemon's
// first start) all open it: the conversion to WAL, for which SQLite has no
// busy wait, does not fail any of them with "database is locked".
func TestSQLiteConcurrentFirstOpens(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("ledger-%d.db", round))
		const n = 12
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				s, err := Open(context.Background(), path, Options{})
				if err == nil {
					err = s.Close()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}
