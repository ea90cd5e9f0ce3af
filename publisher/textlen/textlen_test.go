package textlen

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/testutil"
)

type conformanceCase struct {
	section, description, text string
	weightedLength             int
}

// readConformance reads the two counter sections of twitter-text's
// validate.yml. The file's shape is fixed (section key, "- description:",
// "text:" as a double-quoted scalar, "weightedLength:"), so a few lines of
// parsing avoid a YAML dependency for one test; YAML's double-quoted escapes
// used there (\uXXXX, \UXXXXXXXX) are Go's too.
func readConformance(t *testing.T, path string) []conformanceCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open conformance data: %v", err)
	}
	defer f.Close()
	var (
		out     []conformanceCase
		section string
		cur     *conformanceCase
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	unquote := func(v string) string {
		s, err := strconv.Unquote(v)
		if err != nil {
			t.Fatalf("%s: unquote %.40s: %v", path, v, err)
		}
		return s
	}
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && strings.HasSuffix(trimmed, ":"):
			section = strings.TrimSuffix(trimmed, ":")
		case strings.HasPrefix(trimmed, "- description:"):
			out = append(out, conformanceCase{section: section,
				description: unquote(strings.TrimSpace(strings.TrimPrefix(trimmed, "- description:"))), weightedLength: -1})
			cur = &out[len(out)-1]
		case strings.HasPrefix(trimmed, "text:") && cur != nil:
			cur.text = unquote(strings.TrimSpace(strings.TrimPrefix(trimmed, "text:")))
		case strings.HasPrefix(trimmed, "weightedLength:") && cur != nil:
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(trimmed, "weightedLength:")))
			if err != nil {
				t.Fatalf("%s: weightedLength of %q: %v", path, cur.description, err)
			}
			cur.weightedLength = n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return out
}

var wantSections = map[string]bool{
	"WeightedTweetsWithDiscountedEmojiCounterTest": true,
	"UnicodeDirectionalMarkerCounterTest":          true,
}

func checkConformance(t *testing.T, path string, min int) {
	cases := readConformance(t, path)
	n := 0
	for _, c := range cases {
		if !wantSections[c.section] {
			continue
		}
		n++
		if c.weightedLength < 0 {
			t.Errorf("%s: no weightedLength parsed", c.description)
			continue
		}
		t.Run(c.section+"/"+c.description, func(t *testing.T) {
			t.Parallel()
			if got := X(c.text); got != c.weightedLength {
				t.Errorf("X(%.60q) = %d, want %d (URLs %v)", c.text, got, c.weightedLength, URLSpans(c.text))
			}
		})
	}
	if n < min {
		t.Fatalf("%s: %d counter cases, want at least %d: the reader missed some", path, n, min)
	}
}

// TestXConformance runs every case of the two v3 counter sections of
// twitter-text's conformance suite, from the copy in testdata.
func TestXConformance(t *testing.T) {
	t.Parallel()
	checkConformance(t, filepath.Join("testdata", "validate.yml"), 21)
}

// TestXConformanceShared runs the same sections from the shared fixtures,
// so the copy in testdata cannot drift from them unnoticed.
func TestXConformanceShared(t *testing.T) {
	t.Parallel()
	path := filepath.Join(testutil.SharedDir(t, "fixtures", "twitter-text"), "validate.yml")
	checkConformance(t, path, 21)
}
