package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
)

// At start-up the log names every feed and account, says which account's
// credentials the network refused, and never shows a secret.
func TestAnnounceReportsRejectedAccount(t *testing.T) {
	t.Parallel()
	ms := mastodonfake.New(t, mastodonfake.Options{AccessToken: "good-mastodon-token", Username: "films"})
	bs := blueskyfake.New(t, blueskyfake.Account{Handle: "films.test", AppPassword: "right-app-password"})
	cfg, err := config.Load(map[string]string{
		"FEED_URLS":       "https://films.example/feed/",
		"MASTODON_SERVER": ms.URL, "MASTODON_ACCESS_TOKEN": "good-mastodon-token",
		"BLUESKY_HANDLE": "films.test", "BLUESKY_APP_PASSWORD": "wrong-app-password", "BLUESKY_PDS_URL": bs.URL(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	pubs, err := buildPublishers(cfg, log, newGuard(cfg, nil, log))
	if err != nil {
		t.Fatal(err)
	}
	announce(context.Background(), log, &app{cfg: cfg, pubs: pubs})
	out := buf.String()
	for _, want := range []string{
		"feed_url=https://films.example/feed/",
		`level=INFO msg=account account=mastodon:`,
		`level=ERROR msg="account credentials rejected`, "account=bluesky:@films.test",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("start-up log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"good-mastodon-token", "wrong-app-password"} {
		if strings.Contains(out, secret) {
			t.Errorf("start-up log shows a secret:\n%s", out)
		}
	}
}
