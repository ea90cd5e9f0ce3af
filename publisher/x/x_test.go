package x_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/internal/fakes/xfake"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/x"
)

var creds = xfake.Credentials{
	APIKey:            "ckeyAAAA1111",
	APISecret:         "csecBBBB2222",
	AccessToken:       "987654321-tokCCCC3333",
	AccessTokenSecret: "tsecDDDD4444",
	UserID:            "987654321",
	Username:          "reelfilms",
}

// secrets are the parts of creds that must never show in an error.
var secrets = []string{"ckeyAAAA1111", "csecBBBB2222", "tokCCCC3333", "tsecDDDD4444"}

func account(url string, c xfake.Credentials) config.XAccount {
	return config.XAccount{Prefix: "X_", APIKey: config.Secret(c.APIKey), APISecret: config.Secret(c.APISecret),
		AccessToken: config.Secret(c.AccessToken), AccessTokenSecret: config.Secret(c.AccessTokenSecret), APIURL: url}
}

func newPublisher(t *testing.T, url string, c xfake.Credentials, timeout time.Duration, now func() time.Time) *x.Publisher {
	t.Helper()
	p, err := x.New(account(url, c), x.Options{Client: httpclient.New(httpclient.Options{Timeout: timeout}), Now: now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func pubError(t *testing.T, err error) *publisher.Error {
	t.Helper()
	var pe *publisher.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *publisher.Error", err, err)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error %q shows a secret", err)
		}
	}
	return pe
}

func TestPublish(t *testing.T) {
	t.Parallel()
	fake := xfake.New(t, creds)
	p := newPublisher(t, fake.URL, creds, 5*time.Second, nil)
	if got, want := p.ID(), "x:987654321"; got != want {
		t.Fatalf("ID before any request = %q, want %q", got, want)
	}
	if len(fake.Requests()) != 0 {
		t.Fatal("New or ID made a request")
	}
	text := "Heat (1995): Mann's LA crime epic still sets the bar. #Heat https://example.com/reviews/heat"
	r, err := p.Publish(context.Background(), publisher.Post{Key: "k1", Text: text})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	posts := fake.Posts()
	if len(posts) != 1 || posts[0].Text != text {
		t.Fatalf("X got posts %+v, want one with the text", posts)
	}
	if r.ID != posts[0].ID || r.URL != "https://x.com/i/web/status/"+posts[0].ID {
		t.Errorf("receipt %+v, want id %s and its x.com URL", r, posts[0].ID)
	}
	req := fake.Requests()[0]
	if ua := req.Header.Get("User-Agent"); !strings.HasPrefix(ua, "reelpost/") {
		t.Errorf("User-Agent %q: the signing client lost ours", ua)
	}
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil || len(body) != 1 || body["text"] != text {
		t.Errorf("request body %s, want exactly {\"text\": ...}", req.Body)
	}
	if p.ID() != "x:987654321" {
		t.Errorf("ID changed after posting: %q", p.ID())
	}
	if rules, _ := p.Rules(context.Background()); rules.Network != publisher.X || rules.Limit != 280 {
		t.Errorf("Rules = %+v, want X's 280", rules)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	fake := xfake.New(t, creds)
	got, err := newPublisher(t, fake.URL, creds, 5*time.Second, nil).Verify(context.Background())
	if err != nil || got != "@reelfilms" {
		t.Fatalf("Verify = %q, %v; want @reelfilms", got, err)
	}
	bad := creds
	bad.AccessTokenSecret = "wrongDDDD4444"
	_, err = newPublisher(t, fake.URL, bad, 5*time.Second, nil).Verify(context.Background())
	if pe := pubError(t, err); pe.Kind != publisher.Permanent || pe.Status != 401 || pe.Message != "Unauthorized" {
		t.Fatalf("Verify with a wrong token secret: %v; want permanent 401 with X's detail", err)
	}
}

func TestPublishRefused(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word ", 60) // 300 characters
	tests := []struct {
		name    string
		creds   xfake.Credentials
		first   string // posted before, successfully
		text    string
		kind    publisher.Kind
		status  int
		message string
	}{
		{name: "duplicate", creds: creds, first: "Alien (1979) review", text: "Alien (1979) review",
			kind: publisher.Duplicate, status: 403, message: "duplicate content"},
		{name: "too long", creds: creds, text: long, kind: publisher.Permanent, status: 400, message: "too long"},
		{name: "wrong consumer secret", creds: func() xfake.Credentials { c := creds; c.APISecret = "nopeBBBB"; return c }(),
			text: "x", kind: publisher.Permanent, status: 401, message: "Unauthorized"},
		{name: "unknown token", creds: func() xfake.Credentials { c := creds; c.AccessToken = "987654321-otherCCCC"; return c }(),
			text: "x", kind: publisher.Permanent, status: 401, message: "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := xfake.New(t, creds)
			if tt.first != "" {
				if _, err := newPublisher(t, fake.URL, creds, 5*time.Second, nil).Publish(context.Background(), publisher.Post{Text: tt.first}); err != nil {
					t.Fatalf("first post: %v", err)
				}
			}
			before := len(fake.Posts())
			_, err := newPublisher(t, fake.URL, tt.creds, 5*time.Second, nil).Publish(context.Background(), publisher.Post{Text: tt.text})
			pe := pubError(t, err)
			if pe.Kind != tt.kind || pe.Status != tt.status || !strings.Contains(pe.Message, tt.message) {
				t.Errorf("got %v (kind %s, status %d, message %q); want %s, %d, message with %q",
					err, pe.Kind, pe.Status, pe.Message, tt.kind, tt.status, tt.message)
			}
			if pe.Sent {
				t.Errorf("Sent = true for a refusal whose outcome is known")
			}
			if got, want := errors.Is(err, publisher.ErrRefusedTooLong), tt.name == "too long"; got != want {
				t.Errorf("errors.Is(err, ErrRefusedTooLong) = %t, want %t: only a refusal for length is one", got, want)
			}
			if n := len(fake.Posts()); n != before {
				t.Errorf("X has %d posts, want %d", n, before)
			}
		})
	}
}

func TestPublishFaults(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	reset := time.Now().Add(7 * time.Minute).Truncate(time.Second)
	tests := []struct {
		name       string
		fault      xfake.Fault
		timeout    time.Duration
		kind       publisher.Kind
		sent       bool
		retryAfter time.Time
		posted     int
	}{
		{name: "429", fault: xfake.Fault429, kind: publisher.RateLimited, retryAfter: reset},
		{name: "500", fault: xfake.Fault500, kind: publisher.Transient, sent: true},
		{name: "503", fault: xfake.Fault503, kind: publisher.Transient, sent: true, retryAfter: now.Add(30 * time.Second)},
		{name: "hang", fault: xfake.FaultHang, timeout: time.Second, kind: publisher.Transient, sent: true},
		{name: "reset", fault: xfake.FaultReset, kind: publisher.Transient, sent: true},
		{name: "posted but answer lost", fault: xfake.FaultAfterCommit, kind: publisher.Transient, sent: true, posted: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := xfake.New(t, creds)
			fake.SetRateLimitReset(reset)
			fake.FailNext(tt.fault, 1)
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			p := newPublisher(t, fake.URL, creds, timeout, func() time.Time { return now })
			post := publisher.Post{Key: "k", Text: "Paris, Texas (1984): " + tt.name}
			_, err := p.Publish(context.Background(), post)
			pe := pubError(t, err)
			if pe.Kind != tt.kind || pe.Sent != tt.sent || !pe.RetryAfter.Equal(tt.retryAfter) {
				t.Fatalf("got %v (kind %s, sent %t, retry after %v); want %s, sent %t, retry after %v",
					err, pe.Kind, pe.Sent, pe.RetryAfter, tt.kind, tt.sent, tt.retryAfter)
			}
			if pe.Account != p.ID() {
				t.Errorf("error names account %q, want the publisher's ID %q", pe.Account, p.ID())
			}
			if n := len(fake.Posts()); n != tt.posted {
				t.Fatalf("X has %d posts after the fault, want %d", n, tt.posted)
			}
			// The caller's retry: posts once in all, or hears it was posted.
			_, err = p.Publish(context.Background(), post)
			if tt.posted == 1 {
				if publisher.KindOf(err) != publisher.Duplicate {
					t.Errorf("retry after a lost answer: %v, want duplicate", err)
				}
			} else if err != nil {
				t.Errorf("retry: %v", err)
			}
			if n := len(fake.Posts()); n != 1 {
				t.Errorf("X has %d posts after the retry, want 1", n)
			}
		})
	}
}

func TestPublishUnreachable(t *testing.T) {
	t.Parallel()
	fake := xfake.New(t, creds)
	url := fake.URL
	fake.Close()
	_, err := newPublisher(t, url, creds, 2*time.Second, nil).Publish(context.Background(), publisher.Post{Text: "x"})
	if pe := pubError(t, err); pe.Kind != publisher.Transient || pe.Sent {
		t.Fatalf("connection refused: %v (sent %t); want transient, not sent", err, pe.Sent)
	}
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*config.XAccount)
		want string
	}{
		{"token without user id", func(a *config.XAccount) { a.AccessToken = "tokCCCC3333" }, "X_ACCESS_TOKEN: not an X access token"},
		{"user id not a number", func(a *config.XAccount) { a.Prefix, a.AccessToken = "X_2_", "films-tokCCCC3333" }, "X_2_ACCESS_TOKEN: not an X access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := account("https://api.x.com", creds)
			tt.edit(&a)
			_, err := x.New(a, x.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want an error naming %q", err, tt.want)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error %q shows a secret", err)
				}
			}
			// The configuration refuses it first, in the same words.
			_, cerr := config.Load(map[string]string{a.Prefix + "API_KEY": a.APIKey.Value(),
				a.Prefix + "API_SECRET": a.APISecret.Value(), a.Prefix + "ACCESS_TOKEN": a.AccessToken.Value(),
				a.Prefix + "ACCESS_TOKEN_SECRET": a.AccessTokenSecret.Value()})
			if cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("config.Load: %v; want the publisher's words, %q", cerr, err)
			}
		})
	}
}
