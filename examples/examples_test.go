// Package examples holds the deployment examples (compose files, a Kubernetes
// manifest, an env file) and tests that keep them true to the configuration
// reelpost reads.
package examples

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/config"
)

const envExample = "reelpost.env.example"

// envLine holds one line of the env example and the comment block above it.
type envLine struct {
	line    int
	value   string
	comment string // the contiguous "# ..." lines above, joined by spaces
	next    string // the line after it
}

// readEnvExample indexes every "NAME=value" and "#NAME=value" line.
func readEnvExample(t *testing.T) map[string][]envLine {
	t.Helper()
	b, err := os.ReadFile(envExample)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	assign := regexp.MustCompile(`^#?([A-Z][A-Z0-9_]*)=(.*)$`)
	out := map[string][]envLine{}
	for i, l := range lines {
		m := assign.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		var block []string
		for j := i - 1; j >= 0 && strings.HasPrefix(lines[j], "# "); j-- {
			block = append([]string{strings.TrimPrefix(lines[j], "# ")}, block...)
		}
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		out[m[1]] = append(out[m[1]], envLine{line: i + 1, value: m[2], comment: strings.Join(block, " "), next: next})
	}
	return out
}

// An operator reads reelpost.env.example instead of the README: every
// variable must be there once, with the meaning and default the binary has.
func TestEnvExampleDocumentsEveryVariable(t *testing.T) {
	t.Parallel()
	doc := readEnvExample(t)
	for _, f := range config.Fields() {
		t.Run(f.Var, func(t *testing.T) {
			t.Parallel()
			got := doc[f.Var]
			if len(got) != 1 {
				t.Fatalf("%s: %d lines %q or %q in %s, want exactly 1", f.Var, len(got), f.Var+"=", "#"+f.Var+"=", envExample)
			}
			e := got[0]
			if !strings.Contains(e.comment, f.Help) {
				t.Errorf("%s:%d: the comment above %s should carry its help text %q (from config.Config's help tag); got %q",
					envExample, e.line, f.Var, f.Help, e.comment)
			}
			wantDefault := "Default: " + f.Default
			if f.Default == "" {
				wantDefault = "Default: "
			}
			if !strings.Contains(e.comment, wantDefault) {
				t.Errorf("%s:%d: the comment above %s should say %q; got %q", envExample, e.line, f.Var, wantDefault, e.comment)
			}
			if f.Secret {
				if want := "#" + f.Var + config.FileSuffix + "="; !strings.HasPrefix(e.next, want) {
					t.Errorf("%s:%d: secret %s should be followed by its file alternative %q...; got %q", envExample, e.line, f.Var, want, e.next)
				}
			}
		})
	}
}

// The example is safe to copy as it is: it sets FEED_URLS and nothing else,
// so a first start runs in dry run and posts nowhere.
func TestEnvExampleSetsOnlyFeedURLs(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(envExample)
	if err != nil {
		t.Fatal(err)
	}
	environ := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s: %q is neither a comment nor NAME=value", envExample, l)
		}
		environ[k] = v
	}
	if len(environ) != 1 || environ["FEED_URLS"] == "" {
		t.Fatalf("%s sets %v, want FEED_URLS only", envExample, environ)
	}
	cfg, err := config.Load(environ)
	if err != nil {
		t.Fatalf("%s as shipped does not load: %v", envExample, err)
	}
	if !cfg.EffectiveDryRun() || cfg.Accounts() != 0 {
		t.Errorf("%s as shipped: %d account(s), dry run %v; want none and dry run", envExample, cfg.Accounts(), cfg.EffectiveDryRun())
	}
}

// Every variable an example names must be one reelpost reads: a misspelt
// name in a compose file or manifest is silently ignored by the binary, so
// the operator's setting would never take effect.
func TestExamplesNameOnlyKnownVariables(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	words := map[string]bool{} // first words of our variables: FEED, X, MASTODON, ...
	for _, f := range config.Fields() {
		known[f.Var] = true
		w, _, _ := strings.Cut(f.Var, "_")
		words[w] = true
	}
	token := regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b`)
	// An account's or a numbered feed's label (MASTODON_2), not a variable.
	label := regexp.MustCompile(`^(X|MASTODON|BLUESKY|FEED)(_[0-9]+)?$`)

	for _, name := range []string{envExample, "compose.yaml", "compose-ha.yaml", "kubernetes/reelpost.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, tok := range token.FindAllString(string(b), -1) {
				w, _, _ := strings.Cut(tok, "_")
				if !words[w] || !strings.Contains(tok, "_") && !known[tok] {
					continue // not one of ours (POSTGRES_PASSWORD, HTTP, ...)
				}
				if label.MatchString(tok) {
					continue
				}
				if !config.Known(tok) {
					t.Errorf("%s names %s, which reelpost does not read", name, tok)
				}
				seen++
			}
			if seen == 0 {
				t.Errorf("%s names none of reelpost's variables", name)
			}
		})
	}
}
