package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEConfigTable fails when README.md's configuration reference
// drifts from the configuration struct. Refresh it with:
//
//	go run ./cmd/reelpost config-doc
//
// and paste the output between the config-doc markers.
func TestREADMEConfigTable(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- config-doc:start -->\n", "<!-- config-doc:end -->"
	s := string(readme)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", strings.TrimSpace(start), end)
	}
	var want bytes.Buffer
	writeConfigDoc(&want)
	if got := s[i+len(start) : j]; got != want.String() {
		t.Errorf("README.md's configuration table is out of date; run `go run ./cmd/reelpost config-doc` and paste it between the markers.\n got:\n%s\nwant:\n%s", got, want.String())
	}
}

func TestConfigDocListsSecretsWithFiles(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	writeConfigDoc(&b)
	for _, v := range []string{"`X_API_KEY_FILE`", "`MASTODON_ACCESS_TOKEN_FILE`", "`BLUESKY_APP_PASSWORD_FILE`", "| `POLL_INTERVAL` | `5m` |"} {
		if !strings.Contains(b.String(), v) {
			t.Errorf("config-doc output lacks %s", v)
		}
	}
}
