// Package testutil holds what several packages' tests share: finding what
// they need from outside the repository (the project's shared fixtures in
// ../shared, the PostgreSQL server), a concurrency-safe buffer and the
// benchmark feed of the parse and extraction benchmarks. The
// finders skip with a message when the thing is absent, except in CI
// (REELPOST_REQUIRE_SHARED, REELPOST_REQUIRE_POSTGRES or CI set), where an
// absent thing fails the test, so a CI run cannot pass by skipping.
package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// RepoRoot is the module's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SharedDir returns ../shared (relative to the repository) joined with elem,
// or skips the test when it is absent (fails under REELPOST_REQUIRE_SHARED).
func SharedDir(t testing.TB, elem ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{RepoRoot(), "..", "shared"}, elem...)...)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("REELPOST_REQUIRE_SHARED") != "" {
			t.Fatalf("%s is required (REELPOST_REQUIRE_SHARED is set) but absent: %v", dir, err)
		}
		t.Skipf("skipped: %s is absent (the project's shared fixtures are not beside this clone)", dir)
	}
	return dir
}

// PostgresURL returns REELPOST_TEST_POSTGRES_URL, or skips the test when it
// is unset (fails when CI or REELPOST_REQUIRE_POSTGRES is set).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("REELPOST_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") != "" || os.Getenv("REELPOST_REQUIRE_POSTGRES") != "" {
			t.Fatal("REELPOST_TEST_POSTGRES_URL is unset, but this run requires PostgreSQL (CI or REELPOST_REQUIRE_POSTGRES)")
		}
		t.Skip("skipped: PostgreSQL tests need REELPOST_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	return u
}
