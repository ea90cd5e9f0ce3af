package mastodonfake_test

import (
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
)

// TestSpoilerText: the fake records the content warning from either body
// form, shows it on the status, and counts it with the text against the
// limit, as Mastodon does.
func TestSpoilerText(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, mastodonfake.Options{AccessToken: "tok", Username: "films", MaxCharacters: 40})
	a := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "", "application/json",
		`{"status":"The aunt did it.","spoiler_text":"Spoilers: Weapons (2025)"}`)
	b := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "", "application/x-www-form-urlencoded",
		"status=Oppenheimer+dies.&spoiler_text=Spoilers%3A+Oppenheimer")
	if a.status != 200 || b.status != 200 {
		t.Fatalf("statuses %d %s, %d %s", a.status, a.body, b.status, b.body)
	}
	if got := field(t, a.body, "spoiler_text"); got != "Spoilers: Weapons (2025)" {
		t.Errorf("status entity spoiler_text %q", got)
	}
	sts := fake.Statuses()
	if len(sts) != 2 || sts[0].SpoilerText != "Spoilers: Weapons (2025)" || sts[1].SpoilerText != "Spoilers: Oppenheimer" {
		t.Fatalf("statuses %+v: want both content warnings recorded", sts)
	}
	// 24 + 17 = 41: each fits alone, not together.
	over := call(t, "POST", fake.URL+"/api/v1/statuses", "tok", "", "application/json",
		`{"status":"`+strings.Repeat("x", 17)+`","spoiler_text":"Spoilers: Weapons (2025)"}`)
	if over.status != 422 || field(t, over.body, "error") != "Validation failed: Text character limit of 40 exceeded" {
		t.Errorf("warning + text over the limit: %d %s, want 422", over.status, over.body)
	}
}
