package relay_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/relay"
	"github.com/reelpost/reelpost/store"
)

// TestReadyzReportsAFailedWrite: with the disk full, the ledger still
// answers reads, but the reviews the poll found could not be recorded;
// /readyz says so (503, "last write failed: ..."), where a ping alone said
// "store ok".
func TestReadyzReportsAFailedWrite(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	e.once(e.relay()) // first sight

	// SQLite's max_page_count at the ledger's size: every write that needs
	// a new page fails with SQLITE_FULL, as on a full disk.
	db, err := sql.Open("sqlite", e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	db.Close()
	full := openStore(t, fmt.Sprintf("file:%s?_pragma=max_page_count(%d)", e.dsn, pages), e.clk.Now)
	r := e.relay(func(o *relay.Options) { o.Store = full })
	srv := httptest.NewServer(r.Handler())
	t.Cleanup(srv.Close)

	fs.add(reviews(2, 30, base)...)
	e.clk.Add(6 * time.Minute)
	if err := r.Once(context.Background()); err == nil {
		t.Fatal("a cycle that could not record its 30 new reviews reported no error")
	}
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var rd relay.Readiness
	if err := json.Unmarshal(body, &rd); err != nil {
		t.Fatalf("/readyz: %v: %s", err, body)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || rd.Ready ||
		!strings.HasPrefix(rd.Store, "last write failed: ") || !strings.Contains(rd.Store, "full") {
		t.Fatalf("/readyz with the disk full = %d %s, want 503 with store \"last write failed: ... full\"", resp.StatusCode, body)
	}
}

// TestRunStopsWhenTheLedgerIsDeleted: the SQLite ledger file deleted under
// a running daemon stops it with an error naming the file, instead of
// letting it post what it records into a file that no path names.
func TestRunStopsWhenTheLedgerIsDeleted(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	e.st = openStore(t, e.dsn, time.Now)
	r := e.relay(func(o *relay.Options) { o.PollInterval = time.Second; o.Now = time.Now })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitFor(t, 10*time.Second, "first poll", func() bool { return r.Ready(ctx).Ready })

	if err := os.Remove(e.dsn); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, store.ErrLedgerGone) || !strings.Contains(err.Error(), e.dsn) {
			t.Fatalf("run returned %v, want ErrLedgerGone naming %s", err, e.dsn)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon kept running 30s after its ledger was deleted")
	}
}
