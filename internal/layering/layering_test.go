// Package layering holds the test that keeps the module's folders in their
// order (STYLE.md, "The shape of the program"): each folder stands above
// what it uses, so an import that runs back up fails here, naming itself.
package layering

import (
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/testutil"
)

const module = "github.com/reelpost/reelpost"

// ranks places each top-level folder of the module: a package may import
// its own folder's packages and those of a lower rank only. Test files
// count too: a fake under internal/ never imports the code it judges. A
// new top-level folder must be given its place here.
var ranks = map[string]int{
	"cmd":       7,
	"examples":  7, // tests over the example files; nothing imports it
	"relay":     6,
	"publisher": 5, // with publisher/x, mastodon, bluesky, textlen, preview
	"review":    4,
	"feed":      3,
	"film":      3, // TMDB and trailers, beside review: imports internal only, used by review, relay and cmd
	"store":     2,
	"config":    2,
	"internal":  1,
}

// known are imports that break the order today and are being removed by
// work under way: each is "importer -> imported" (paths in the module). The
// test fails when one is gone, so that it is struck off here.
var known = map[string]string{}

// pkg is one package of the module and what its files import.
type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// violations lists the imports among pkgs that run upward or sideways
// between folders, as "importer -> imported: why", in the order found.
func violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		from, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		fromTop, _, _ := strings.Cut(from, "/")
		fromRank, ok := ranks[fromTop]
		if !ok {
			out = append(out, fmt.Sprintf("%s: folder %s has no place in the layering (add it to ranks)", from, fromTop))
			continue
		}
		seen := map[string]bool{}
		for _, imp := range append(append(append([]string(nil), p.Imports...), p.TestImports...), p.XTestImports...) {
			to, ok := strings.CutPrefix(imp, module+"/")
			if !ok || to == from || seen[to] {
				continue
			}
			seen[to] = true
			toTop, _, _ := strings.Cut(to, "/")
			toRank, ok := ranks[toTop]
			switch {
			case toTop == fromTop:
			case !ok:
				out = append(out, fmt.Sprintf("%s -> %s: folder %s has no place in the layering (add it to ranks)", from, to, toTop))
			case toRank >= fromRank:
				out = append(out, fmt.Sprintf("%s -> %s: %s (rank %d) may not import %s (rank %d)", from, to, fromTop, fromRank, toTop, toRank))
			}
		}
	}
	return out
}

// modulePackages reads the imports of every package of the module from its
// files, for this platform as go build sees it. It reads them in-process,
// rather than asking go list, so that go test's cache knows which files and
// folders the result depends on and reruns the test when one changes.
func modulePackages(t *testing.T, root string) []pkg {
	t.Helper()
	var pkgs []pkg
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		bp, err := build.ImportDir(path, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read package %s: %w", path, err)
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		pkgs = append(pkgs, pkg{ImportPath: module + "/" + filepath.ToSlash(rel),
			Imports: bp.Imports, TestImports: bp.TestImports, XTestImports: bp.XTestImports})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// TestImportsRunDownward checks every package of the module, tests
// included: cmd -> relay -> publisher -> review -> feed -> {store, config}
// -> internal, and nothing imports cmd.
func TestImportsRunDownward(t *testing.T) {
	t.Parallel()
	root := testutil.RepoRoot()
	pkgs := modulePackages(t, root)
	if len(pkgs) < 10 {
		t.Fatalf("found %d packages under %s, want the module's", len(pkgs), root)
	}
	found := map[string]bool{}
	for _, v := range violations(pkgs) {
		edge, _, _ := strings.Cut(v, ":")
		if _, ok := known[edge]; ok {
			found[edge] = true
			continue
		}
		t.Error(v)
	}
	for edge, why := range known {
		if !found[edge] {
			t.Errorf("%s no longer breaks the layering (%s): strike it off the known list", edge, why)
		}
	}
}

func TestViolations(t *testing.T) {
	t.Parallel()
	p := func(path string, imports ...string) pkg {
		for i, imp := range imports {
			imports[i] = module + "/" + imp
		}
		return pkg{ImportPath: module + "/" + path, Imports: imports}
	}
	tests := []struct {
		name string
		pkgs []pkg
		want []string
	}{
		{name: "every arrow downward", pkgs: []pkg{
			p("cmd/reelpost", "relay", "publisher/x", "review", "feed", "store", "config", "internal/version"),
			p("relay", "publisher", "publisher/preview", "review", "feed", "store"),
			p("publisher/x", "publisher", "config", "internal/httpclient"),
			p("publisher", "publisher/textlen", "review"),
			p("review", "feed"),
			p("feed", "internal/httpclient"),
			p("internal/httpclient", "internal/version"),
		}},
		{name: "extraction reaching back into the publisher", pkgs: []pkg{p("review", "feed", "publisher")},
			want: []string{"review -> publisher: review (rank 4) may not import publisher (rank 5)"}},
		{name: "feed importing review", pkgs: []pkg{p("feed", "review")},
			want: []string{"feed -> review: feed (rank 3) may not import review (rank 4)"}},
		{name: "a fake importing the code it judges", pkgs: []pkg{p("internal/fakes/xfake", "internal/fakes/recorder", "publisher/textlen")},
			want: []string{"internal/fakes/xfake -> publisher/textlen: internal (rank 1) may not import publisher (rank 5)"}},
		{name: "a sideways arrow between store and config", pkgs: []pkg{p("store", "config")},
			want: []string{"store -> config: store (rank 2) may not import config (rank 2)"}},
		{name: "anything importing cmd", pkgs: []pkg{p("relay", "cmd/reelpost")},
			want: []string{"relay -> cmd/reelpost: relay (rank 6) may not import cmd (rank 7)"}},
		{name: "a test file's import counts", pkgs: []pkg{{ImportPath: module + "/store", TestImports: []string{module + "/feed"}}},
			want: []string{"store -> feed: store (rank 2) may not import feed (rank 3)"}},
		{name: "a folder without a place", pkgs: []pkg{p("util", "feed"), p("feed", "util")},
			want: []string{"util: folder util has no place in the layering (add it to ranks)",
				"feed -> util: folder util has no place in the layering (add it to ranks)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := violations(tt.pkgs)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("violations =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
