package store

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// dirEntries lists dir, to tell that nothing was created in it.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		fi, _ := e.Info()
		out = append(out, e.Name()+" "+fi.ModTime().String()+" "+fi.Mode().String())
	}
	return out
}

func TestOpenExistingCreatesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "reelpost.db")
	_, err := OpenExisting(ctx, path, Options{})
	if !errors.Is(err, ErrNoLedger) || err.Error() != "no ledger at "+path {
		t.Fatalf("OpenExisting on no file = %v, want %q", err, "no ledger at "+path)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenExisting created %s", path)
	}
	st, err := Open(ctx, "sqlite://"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = OpenExisting(ctx, "sqlite://"+path, Options{})
	if err != nil {
		t.Fatalf("OpenExisting on an existing ledger: %v", err)
	}
	st.Close()
}

func TestInspectSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	known := SchemaVersion(DialectSQLite)

	t.Run("not created yet", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		p, err := Inspect(ctx, filepath.Join(dir, "reelpost.db"))
		if err != nil || p.Exists || p.Version != 0 || p.Known != known {
			t.Fatalf("Inspect = %+v, %v; want a ledger not created yet", p, err)
		}
		if got := dirEntries(t, dir); len(got) != 0 {
			t.Fatalf("Inspect created %v", got)
		}
	})
	t.Run("no directory", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "missing")
		_, err := Inspect(ctx, filepath.Join(dir, "reelpost.db"))
		if err == nil || !strings.Contains(err.Error(), "no such directory: "+dir) {
			t.Fatalf("Inspect = %v, want no such directory %s", err, dir)
		}
	})
	t.Run("up to date, daemon running, nothing written", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "reelpost.db")
		daemon, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer daemon.Close()
		before := dirEntries(t, dir)
		p, err := Inspect(ctx, path)
		if err != nil || !p.Exists || p.Version != known || p.Dialect != DialectSQLite || p.Where != "sqlite "+path {
			t.Fatalf("Inspect = %+v, %v", p, err)
		}
		if after := dirEntries(t, dir); !slices.Equal(before, after) {
			t.Errorf("Inspect changed the directory:\n%v\n%v", before, after)
		}
	})
	t.Run("closed WAL ledger", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "reelpost.db")
		st, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		before := dirEntries(t, dir)
		if p, err := Inspect(ctx, path); err != nil || p.Version != known {
			t.Fatalf("Inspect = %+v, %v", p, err)
		}
		if after := dirEntries(t, dir); !slices.Equal(before, after) {
			t.Errorf("Inspect changed the directory:\n%v\n%v", before, after)
		}
	})
	t.Run("schema too new", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "reelpost.db")
		st, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.db.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x')`); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := Inspect(ctx, path); !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("Inspect = %v, want ErrSchemaTooNew", err)
		}
	})
	t.Run("directory given as the file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		_, err := Inspect(ctx, dir)
		if err == nil || !strings.Contains(err.Error(), dir+" is a directory") {
			t.Fatalf("Inspect = %v, want it to say %s is a directory", err, dir)
		}
	})
}

func TestInspectPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := freshSchema(t, postgresURL(t))
	p, err := Inspect(ctx, dsn)
	if err != nil || !p.Exists || p.Version != 0 {
		t.Fatalf("Inspect of an empty schema = %+v, %v", p, err)
	}
	st, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if p, err := Inspect(ctx, dsn); err != nil || p.Version != SchemaVersion(DialectPostgres) || strings.Contains(p.Where, "@") {
		t.Fatalf("Inspect = %+v, %v", p, err)
	}
}

// The errors an operator meets when the ledger's path is wrong say why, in
// the file system's words, not "unable to open database file (14)".
func TestSQLiteOpenErrorsSayWhy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := t.TempDir()
	notDir := filepath.Join(base, "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"no such directory", filepath.Join(base, "nope", "reelpost.db"), "no such directory: " + filepath.Join(base, "nope")},
		{"a directory as the file", base, base + " is a directory"},
		{"a file as the directory", filepath.Join(notDir, "reelpost.db"), notDir + " is not a directory"},
	} {
		_, err := Open(ctx, tc.path, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Open = %v, want %q", tc.name, err, tc.want)
		}
		// reelpost check says what run would.
		if _, err := Inspect(ctx, tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Inspect = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// Permissions cannot be tested as root, whom they do not bind: as root the
// test runs its cases in a copy of itself as user id 65534 (nobody).
func TestSQLiteOpenErrorsSayWhyPermissions(t *testing.T) {
	t.Parallel()
	if os.Getuid() == 0 {
		runAsNobody(t, "TestSQLiteOpenErrorsSayWhyPermissions")
		return
	}
	ctx := context.Background()
	base := os.Getenv("REELPOST_PERM_DIR")
	if base == "" {
		base = t.TempDir()
	}
	uid := os.Getuid()

	roDir := filepath.Join(base, "ro-dir")
	roFile := filepath.Join(base, "ro-file")
	for _, d := range []string{roDir, roFile} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Open(ctx, filepath.Join(roFile, "reelpost.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := os.Chmod(filepath.Join(roFile, "reelpost.db"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(roDir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(roDir, 0o755) })
	for _, tc := range []struct{ name, path, want string }{
		{"directory not writable", filepath.Join(roDir, "reelpost.db"),
			"permission denied: the directory " + roDir + " is not writable by user id " + itoa(uid)},
		{"read-only file", filepath.Join(roFile, "reelpost.db"),
			filepath.Join(roFile, "reelpost.db") + " is read-only for user id " + itoa(uid)},
	} {
		_, err := Open(ctx, tc.path, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Open = %v, want %q", tc.name, err, tc.want)
		}
		// reelpost check says what run would.
		if _, err := Inspect(ctx, tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Inspect = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// runAsNobody runs the test named name in a copy of the test binary as
// user id 65534, in a directory that user owns, and fails with its output
// if it fails.
func runAsNobody(t *testing.T, name string) {
	t.Helper()
	const nobody = 65534
	dir, err := os.MkdirTemp("", "reelpost-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	work := filepath.Join(dir, "work")
	for _, d := range []string{dir, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "store.test")
	copyFile(t, self, bin)
	cmd := exec.Command(bin, "-test.run=^"+name+"$", "-test.v")
	cmd.Dir = work
	cmd.Env = []string{"REELPOST_PERM_DIR=" + work, "HOME=" + work, "TMPDIR=" + work}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("as user id %d: %v\n%s", nobody, err, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
