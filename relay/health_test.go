package relay_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/testutil"
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

// TestReadyzHidesTheFeedURLsCredentials: a failing feed whose URL carries a
// password and a token is listed by /readyz, labels /metrics, and is named
// by the cycle's error and in the log, each time without them.
func TestReadyzHidesTheFeedURLsCredentials(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer(t, reviews(1, 1, base)...)
	e := newEnv(t, sqliteLedger, fs)
	secretURL := strings.Replace(fs.URL(), "://", "://feedreader:s3cretpass@", 1) + "?token=T0KENVALUE"
	var logs testutil.SyncBuffer
	r := e.relay(func(o *relay.Options) {
		o.Feeds = []string{secretURL}
		o.FailingAfter = 1
		o.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	srv := httptest.NewServer(r.Handler())
	t.Cleanup(srv.Close)
	e.once(r)
	fs.setMode("401")
	e.clk.Add(6 * time.Minute)
	err := r.Once(context.Background())
	if err == nil {
		t.Fatal("a cycle whose feed answered 401 reported no error")
	}
	resp, gerr := http.Get(srv.URL + "/readyz")
	if gerr != nil {
		t.Fatal(gerr)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "401") || !strings.Contains(string(body), `xxxxx@127.0.0.1`) {
		t.Fatalf("/readyz does not list the failing feed: %s", body)
	}
	resp, gerr = http.Get(srv.URL + "/metrics")
	if gerr != nil {
		t.Fatal(gerr)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), `feed="http://xxxxx@127.0.0.1`) {
		t.Fatalf("/metrics has no feed label for the feed:\n%s", metrics)
	}
	for what, text := range map[string]string{"/readyz": string(body), "/metrics": string(metrics),
		"the cycle's error": err.Error(), "the log": logs.String()} {
		for _, secret := range []string{"feedreader", "s3cretpass", "T0KENVALUE"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows %q:\n%s", what, secret, text)
			}
		}
	}
}
