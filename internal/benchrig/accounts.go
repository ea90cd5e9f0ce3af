package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/internal/fakes/xfake"
)

// programTB lets the rig use the recording fakes, whose constructors take
// the testing.TB of the test they serve but only call Helper, Cleanup and,
// on a listen failure, Fatalf. testing.TB cannot be implemented outside
// package testing (it has an unexported method), so the interface is
// embedded and left nil: a fake that starts calling another method panics,
// loudly, instead of misbehaving. (As internal/fakes/cmd/fakeserver does.)
type programTB struct {
	testing.TB
	cleanups []func()
}

// fatal is what Fatalf panics with; runScenario recovers it into an error.
type fatal string

func (f fatal) Error() string { return string(f) }

func (*programTB) Helper() {}

func (t *programTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *programTB) Fatalf(format string, args ...any) { panic(fatal(fmt.Sprintf(format, args...))) }

// cleanup runs the registered functions last first, as package testing does.
func (t *programTB) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	t.cleanups = nil
}

// Credentials the fakes accept and the daemon is given.
const (
	xKey, xSecret, xToken, xTokenSecret = "bench-key", "bench-secret", "987654321-benchtoken", "bench-token-secret"
	mastodonToken                       = "bench-mastodon-token"
	blueskyHandle, blueskyPassword      = "films.test", "abcd-efgh-ijkl-mnop"
)

// networks are the fake accounts of a scenario; a nil field is not configured.
type networks struct {
	x *xfake.Server
	m *mastodonfake.Server
	b *blueskyfake.Server
}

// startNetworks starts the fakes named in which ("x", "mastodon", "bluesky").
func startNetworks(t *programTB, which ...string) *networks {
	n := &networks{}
	for _, w := range which {
		switch w {
		case "x":
			n.x = xfake.New(t, xfake.Credentials{APIKey: xKey, APISecret: xSecret, AccessToken: xToken,
				AccessTokenSecret: xTokenSecret, UserID: "987654321", Username: "films"})
		case "mastodon":
			n.m = mastodonfake.New(t, mastodonfake.Options{AccessToken: mastodonToken, Username: "films"})
		case "bluesky":
			n.b = blueskyfake.New(t, blueskyfake.Account{Handle: blueskyHandle, DID: "did:plc:films", AppPassword: blueskyPassword})
		default:
			panic("benchrig: unknown network " + w)
		}
	}
	return n
}

// env is the daemon's configuration of these accounts.
func (n *networks) env() map[string]string {
	e := map[string]string{}
	if n.x != nil {
		e["X_API_KEY"], e["X_API_SECRET"], e["X_ACCESS_TOKEN"], e["X_ACCESS_TOKEN_SECRET"] = xKey, xSecret, xToken, xTokenSecret
		e["X_API_URL"] = n.x.URL
	}
	if n.m != nil {
		e["MASTODON_SERVER"], e["MASTODON_ACCESS_TOKEN"] = n.m.URL, mastodonToken
	}
	if n.b != nil {
		e["BLUESKY_HANDLE"], e["BLUESKY_APP_PASSWORD"], e["BLUESKY_PDS_URL"] = blueskyHandle, blueskyPassword, n.b.URL()
	}
	return e
}

// names lists the configured networks in a fixed order.
func (n *networks) names() []string {
	var out []string
	if n.x != nil {
		out = append(out, "x")
	}
	if n.m != nil {
		out = append(out, "mastodon")
	}
	if n.b != nil {
		out = append(out, "bluesky")
	}
	return out
}

// has reports, per configured network, whether it holds a post whose text
// (or, on Bluesky, link card) contains token.
func (n *networks) has(token string) map[string]bool {
	out := map[string]bool{}
	if n.x != nil {
		for _, p := range n.x.Posts() {
			if strings.Contains(p.Text, token) {
				out["x"] = true
			}
		}
	}
	if n.m != nil {
		for _, s := range n.m.Statuses() {
			if strings.Contains(s.Text, token) {
				out["mastodon"] = true
			}
		}
	}
	if n.b != nil {
		for _, r := range n.b.Posts() {
			if strings.Contains(r.Text, token) || r.Embed != nil && r.Embed.External != nil && strings.Contains(r.Embed.External.URI, token) {
				out["bluesky"] = true
			}
		}
	}
	return out
}

// counts returns how many posts each configured network holds.
func (n *networks) counts() map[string]int {
	out := map[string]int{}
	if n.x != nil {
		out["x"] = len(n.x.Posts())
	}
	if n.m != nil {
		out["mastodon"] = len(n.m.Statuses())
	}
	if n.b != nil {
		out["bluesky"] = len(n.b.Posts())
	}
	return out
}

// linkToken finds the rig's item token in a post: every item links to
// BASE/reviews/TOKEN/.
var linkToken = regexp.MustCompile(`/reviews/([A-Za-z0-9-]+)/`)

// duplicates returns, per configured network, how many posts repeat an item
// already posted there (by the item's link in the text or, on Bluesky, the
// card).
func (n *networks) duplicates() map[string]int {
	out := map[string]int{}
	count := func(network string, texts []string) {
		seen := map[string]bool{}
		for _, t := range texts {
			m := linkToken.FindStringSubmatch(t)
			if m == nil {
				continue
			}
			if seen[m[1]] {
				out[network]++
			}
			seen[m[1]] = true
		}
	}
	if n.x != nil {
		var texts []string
		for _, p := range n.x.Posts() {
			texts = append(texts, p.Text)
		}
		count("x", texts)
	}
	if n.m != nil {
		var texts []string
		for _, s := range n.m.Statuses() {
			texts = append(texts, s.Text)
		}
		count("mastodon", texts)
	}
	if n.b != nil {
		var texts []string
		for _, r := range n.b.Posts() {
			t := r.Text
			if r.Embed != nil && r.Embed.External != nil {
				t += " " + r.Embed.External.URI
			}
			texts = append(texts, t)
		}
		count("bluesky", texts)
	}
	return out
}

// requests returns how many requests each configured fake has received.
func (n *networks) requests() map[string]int {
	out := map[string]int{}
	if n.x != nil {
		out["x"] = len(n.x.Requests())
	}
	if n.m != nil {
		out["mastodon"] = len(n.m.Requests())
	}
	if n.b != nil {
		out["bluesky"] = len(n.b.Requests())
	}
	return out
}
