package main

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/config"
)

func TestOwnerID(t *testing.T) {
	t.Parallel()
	if got := ownerID(&config.Config{InstanceID: "replica-a"}); got != "replica-a" {
		t.Fatalf("owner with INSTANCE_ID = %q", got)
	}
	a, b := ownerID(&config.Config{}), ownerID(&config.Config{})
	if a == "" || a != b {
		t.Fatalf("default owner = %q then %q: want one stable, non-empty name per process", a, b)
	}
}

func TestBuildPublishersNamesTheAccount(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(map[string]string{
		"MASTODON_SERVER": "https://example.social", "MASTODON_ACCESS_TOKEN": "t",
		"X_API_KEY": "k", "X_API_SECRET": "s", "X_ACCESS_TOKEN": "not-numeric-token", "X_ACCESS_TOKEN_SECRET": "ts",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = buildPublishers(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "X_") {
		t.Fatalf("buildPublishers with a malformed X token = %v, want an error naming the X account", err)
	}
}
