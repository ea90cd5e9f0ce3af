package mastodon_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/publisher"
)

// mash is a review whose title Markdown reads as emphasis.
const mash = "M*A*S*H (1970) ★★★★\n\nAltman's Korean War comedy is still the sharpest thing about it. #MASH\n\n" +
	"https://example.com/reviews/mash-1970-robert-altman"

var mashLinks = []publisher.Link{{Display: "https://example.com/reviews/mash-1970-robert-altman",
	URL: "https://example.com/reviews/mash-1970-robert-altman"}}

// TestGoToSocialCountsLinksInFull: GoToSocial announces 25 characters per
// URL but counts every code point, so the publisher must measure as it does:
// a text of 41 code points with a long link, which the announced rule would
// count 29, is over a limit of 40.
func TestGoToSocialCountsLinksInFull(t *testing.T) {
	t.Parallel()
	o := fakeOpts()
	o.Flavour, o.MaxCharacters = mastodonfake.FlavourGoToSocial, 40
	fake := mastodonfake.New(t, o)
	p := newPublisher(t, fake.URL, pubOpts{})
	r, err := p.Rules(context.Background())
	if err != nil || r.Limit != 40 {
		t.Fatalf("Rules = %+v, %v; want GoToSocial's 40", r, err)
	}
	text := "see https://example.com/" + strings.Repeat("a", 17)
	if got := r.Count(text); got != 41 {
		t.Errorf("Count(%q) = %d, want 41: GoToSocial counts the link in full", text, got)
	}
	if got := r.Count(strings.Repeat("e\u0301", 20)); got != 40 {
		t.Errorf("Count of 20 e + combining acute = %d, want 40 code points", got)
	}
}

// TestRefusedForLength: every server's refusal of a status for its length
// is told apart from other refusals (ErrRefusedTooLong), so that the relay
// can fit the post again instead of failing the delivery.
func TestRefusedForLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flavour mastodonfake.Flavour
		status  int
		message string
	}{
		{mastodonfake.FlavourMastodon, 422, "Validation failed: Text character limit of 40 exceeded"},
		{mastodonfake.FlavourGoToSocial, 400, "Bad Request: text with spoiler exceed max chars (40)"},
		{mastodonfake.FlavourPleroma, 422, "The status is over the character limit"},
	}
	for _, tt := range tests {
		t.Run(flavourName(tt.flavour), func(t *testing.T) {
			t.Parallel()
			o := fakeOpts()
			o.Flavour, o.MaxCharacters = tt.flavour, 40
			fake := mastodonfake.New(t, o)
			p := newPublisher(t, fake.URL, pubOpts{})
			_, err := p.Publish(context.Background(), publisher.Post{Key: "k", Text: strings.Repeat("long words ", 5)})
			pe := pubError(t, err)
			if !errors.Is(err, publisher.ErrRefusedTooLong) || pe.Kind != publisher.Permanent || pe.Status != tt.status ||
				pe.Message != tt.message || pe.Sent {
				t.Errorf("got %v; want a permanent %d refusal for length %q, not sent", err, tt.status, tt.message)
			}
			_, err = p.Publish(context.Background(), publisher.Post{Key: "k2", Text: "   "})
			if err == nil || errors.Is(err, publisher.ErrRefusedTooLong) {
				t.Errorf("blank status: %v; want a refusal that is not for length", err)
			}
		})
	}
}

// TestPlainTextWhereOffered: a server that reads statuses as Markdown by
// the account's default is asked for text/plain, so the title shows as
// written; Mastodon, which has no such parameter, is not sent it.
func TestPlainTextWhereOffered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flavour     mastodonfake.Flavour
		contentType string
	}{
		{mastodonfake.FlavourGoToSocial, "text/plain"},
		{mastodonfake.FlavourPleroma, "text/plain"},
		{mastodonfake.FlavourMastodon, ""},
	}
	for _, tt := range tests {
		t.Run(flavourName(tt.flavour), func(t *testing.T) {
			t.Parallel()
			o := fakeOpts()
			o.Flavour, o.MarkdownDefault = tt.flavour, true
			fake := mastodonfake.New(t, o)
			p := newPublisher(t, fake.URL, pubOpts{})
			if _, err := p.Rules(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Publish(context.Background(), publisher.Post{Key: "k", Text: mash, Links: mashLinks}); err != nil {
				t.Fatal(err)
			}
			st := fake.Statuses()[0]
			if st.ContentType != tt.contentType || st.Markdown {
				t.Errorf("content_type %q (read as Markdown: %t), want %q and plain text", st.ContentType, st.Markdown, tt.contentType)
			}
			for _, r := range fake.Requests() {
				if r.Path != "/api/v1/statuses" {
					continue
				}
				var body map[string]any
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatal(err)
				}
				if _, sent := body["content_type"]; sent != (tt.contentType != "") {
					t.Errorf("content_type sent = %t in %s", sent, r.Body)
				}
			}
		})
	}
}

// TestMarkdownLostAnswerFoundNotRepeated is the recorded defect: GoToSocial
// read a status as Markdown ("M*A*S*H" became "M<em>A</em>S*H"), its answer
// was lost, and the look-up did not know the changed text, so the review
// was posted twice. Here the publisher has not learned that the server
// takes text/plain (the instance could not be asked), the answer is lost
// after the status is made, and Find must find it.
func TestMarkdownLostAnswerFoundNotRepeated(t *testing.T) {
	t.Parallel()
	for _, links := range [][]publisher.Link{mashLinks, nil} {
		o := fakeOpts()
		o.Flavour, o.MarkdownDefault = mastodonfake.FlavourGoToSocial, true
		fake := mastodonfake.New(t, o)
		p := newPublisher(t, fake.URL, pubOpts{})
		post := publisher.Post{Key: "rev-mash:acct", Text: mash, Links: links}

		fake.FailNext(mastodonfake.FaultAfterCommit, 1)
		_, err := p.Publish(context.Background(), post)
		if pe := pubError(t, err); pe.Kind != publisher.Transient || !pe.Sent {
			t.Fatalf("lost answer: %v; want transient, sent", err)
		}
		if sts := fake.Statuses(); len(sts) != 1 || !sts[0].Markdown {
			t.Fatalf("the server holds %d statuses; want the one, read as Markdown", len(sts))
		}
		rc, found, err := p.Find(context.Background(), post)
		if err != nil || !found {
			t.Fatalf("Find after the lost answer (links %d) = %t, %v; want the Markdown status found", len(links), found, err)
		}
		if sts := fake.Statuses(); len(sts) != 1 || rc.ID != sts[0].ID {
			t.Errorf("Find receipt %+v; the server holds %d statuses", rc, len(sts))
		}
	}
}

// TestVerifyScopes: a token that works but cannot post fails the check
// where the server lists its app's scopes; where it lists none, the check
// says so.
func TestVerifyScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		flavour mastodonfake.Flavour
		scopes  []string
		suffix  string
		err     string
	}{
		{name: "read only", scopes: []string{"read"}, err: "token lacks write:statuses (has: read)"},
		{name: "read and follow", scopes: []string{"read", "follow", "push"}, err: "token lacks write:statuses (has: read follow push)"},
		{name: "write", scopes: []string{"read", "write"}},
		{name: "write:statuses", scopes: []string{"read:accounts", "write:statuses"}},
		{name: "mastodon 3", flavour: mastodonfake.FlavourMastodon3, suffix: ", scopes not reported by the server"},
		{name: "gotosocial", flavour: mastodonfake.FlavourGoToSocial, suffix: ", scopes not reported by the server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := fakeOpts()
			o.Flavour, o.Scopes = tt.flavour, tt.scopes
			fake := mastodonfake.New(t, o)
			got, err := newPublisher(t, fake.URL, pubOpts{}).Verify(context.Background())
			if tt.err != "" {
				pe := pubError(t, err)
				if pe.Kind != publisher.Permanent || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("Verify = %q, %v; want a permanent failure saying %q", got, err, tt.err)
				}
				return
			}
			if want := "@films@" + fake.Host() + tt.suffix; err != nil || got != want {
				t.Errorf("Verify = %q, %v; want %q", got, err, want)
			}
		})
	}
}

func flavourName(f mastodonfake.Flavour) string {
	if f == mastodonfake.FlavourMastodon {
		return "mastodon"
	}
	return string(f)
}
