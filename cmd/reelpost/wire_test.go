package main

import (
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/relay"
)

func TestLeaseDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, value string
		want        time.Duration
		bad         bool
	}{
		{"default", "", relay.DefaultLease, false},
		{"set", "30s", 30 * time.Second, false},
		{"too short", "500ms", 0, true},
		{"not a duration", "two minutes", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := leaseOf(map[string]string{"LEASE_DURATION": c.value})
			if c.bad {
				if exitCodeOf(err) != exitConfig || !strings.Contains(err.Error(), "LEASE_DURATION") {
					t.Fatalf("LEASE_DURATION=%q: %v, want a configuration error naming the variable", c.value, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("LEASE_DURATION=%q = %s, %v; want %s", c.value, got, err, c.want)
			}
		})
	}
}

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
