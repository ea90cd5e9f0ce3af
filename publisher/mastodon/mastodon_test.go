package mastodon_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/internal/fakes/mastodonfake"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/internal/testutil"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/mastodon"
)

const token = "tokSECRET0123456789abcdef"

func fakeOpts() mastodonfake.Options {
	return mastodonfake.Options{AccessToken: token, Username: "films"}
}

type pubOpts struct {
	token    string
	prefix   string
	timeout  time.Duration
	now      func() time.Time
	logger   *slog.Logger
	language string
}

func newPublisher(t *testing.T, server string, o pubOpts) *mastodon.Publisher {
	t.Helper()
	if o.token == "" {
		o.token = token
	}
	if o.prefix == "" {
		o.prefix = "MASTODON_"
	}
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	p, err := mastodon.New(config.MastodonAccount{Prefix: o.prefix, Server: server, AccessToken: config.Secret(o.token), Visibility: "unlisted"},
		mastodon.Options{Client: httpclient.New(httpclient.Options{Timeout: o.timeout}), Now: o.now, Logger: o.logger, Language: o.language})
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
	if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("error %q shows the token", err)
	}
	return pe
}

const review = "Heat (1995) ★★★★★\n\nMann's LA crime epic still sets the bar. #Heat #Crime\n\nhttps://example.com/reviews/heat-1995-michael-mann-pacino-de-niro"

func TestPublish(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, fakeOpts())
	p := newPublisher(t, fake.URL, pubOpts{language: "en"})
	if got, want := p.ID(), "mastodon:"+fake.Host(); got != want {
		t.Fatalf("ID = %q, want %q", got, want)
	}
	if len(fake.Requests()) != 0 {
		t.Fatal("New or ID made a request")
	}
	r, err := p.Publish(context.Background(), publisher.Post{Key: "rev-1:acct", Text: review, Lang: "de"})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	sts := fake.Statuses()
	if len(sts) != 1 {
		t.Fatalf("server has %d statuses, want 1", len(sts))
	}
	st := sts[0]
	if st.Text != review || st.Visibility != "unlisted" || st.Language != "de" || st.IdempotencyKey != "rev-1:acct" {
		t.Errorf("status %+v: want the text, unlisted, de, key rev-1:acct", st)
	}
	if r.ID != st.ID || r.URL != fake.URL+"/@films/"+st.ID {
		t.Errorf("receipt %+v, want id %s and its URL", r, st.ID)
	}
	req := fake.Requests()[0]
	if req.Header.Get("Authorization") != "Bearer "+token {
		t.Error("no Bearer token sent")
	}
	// Options.Language applies when the post has none.
	if _, err := p.Publish(context.Background(), publisher.Post{Key: "rev-2:acct", Text: "Alien (1979)"}); err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	if err := json.Unmarshal(fake.Requests()[1].Body, &body); err != nil || body["language"] != "en" {
		t.Errorf("second request body %s: want language en", fake.Requests()[1].Body)
	}
}

func TestIDNamesTheConfiguredAccount(t *testing.T) {
	t.Parallel()
	p := newPublisher(t, "https://Films.Example.Social/", pubOpts{prefix: "MASTODON_2_"})
	if got, want := p.ID(), "mastodon:films.example.social#2"; got != want {
		t.Fatalf("ID = %q, want %q", got, want)
	}
}

func TestIdempotentRetryPostsOnce(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, fakeOpts())
	fake.FailNext(mastodonfake.FaultAfterCommit, 1)
	p := newPublisher(t, fake.URL, pubOpts{})
	post := publisher.Post{Key: "rev-9:acct", Text: review}
	_, err := p.Publish(context.Background(), post)
	if pe := pubError(t, err); pe.Kind != publisher.Transient || !pe.Sent {
		t.Fatalf("lost answer: %v (sent %t); want transient, sent", err, pe.Sent)
	}
	r, err := p.Publish(context.Background(), post)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	sts := fake.Statuses()
	if len(sts) != 1 || r.ID != sts[0].ID {
		t.Fatalf("after the retry the server has %d statuses (receipt %s); want the first one only", len(sts), r.ID)
	}
}

func TestGoToSocialFind(t *testing.T) {
	t.Parallel()
	o := fakeOpts()
	o.IgnoreIdempotency = true
	fake := mastodonfake.New(t, o)
	p := newPublisher(t, fake.URL, pubOpts{})
	start := time.Now()
	for _, text := range []string{"Alien (1979) https://example.com/reviews/alien", "Heat (1995) draft"} {
		if _, err := p.Publish(context.Background(), publisher.Post{Key: text, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	post := publisher.Post{Key: "rev-heat", Text: review, CreatedAt: start,
		Links: []publisher.Link{{Display: "https://example.com/reviews/heat-1995-michael-mann-pacino-de-niro",
			URL: "https://example.com/reviews/heat-1995-michael-mann-pacino-de-niro"}}}

	if _, found, err := p.Find(context.Background(), post); err != nil || found {
		t.Fatalf("Find before posting = %t, %v; want not found", found, err)
	}
	fake.FailNext(mastodonfake.FaultAfterCommit, 1)
	if _, err := p.Publish(context.Background(), post); publisher.KindOf(err) != publisher.Transient {
		t.Fatalf("lost answer: %v", err)
	}
	r, found, err := p.Find(context.Background(), post)
	if err != nil || !found {
		t.Fatalf("Find after the lost answer = %t, %v; want found", found, err)
	}
	sts := fake.Statuses()
	if last := sts[len(sts)-1]; r.ID != last.ID || r.URL != fake.URL+"/@films/"+last.ID {
		t.Errorf("Find receipt %+v, want status %s", r, last.ID)
	}
	// A post first attempted long after that status is another post.
	later := post
	later.CreatedAt = time.Now().Add(time.Hour)
	if _, found, _ := p.Find(context.Background(), later); found {
		t.Error("Find matched a status older than the post's first attempt")
	}
	// The account id is asked once.
	n := 0
	for _, r := range fake.Requests() {
		if r.Path == "/api/v1/accounts/verify_credentials" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("verify_credentials asked %d times, want once", n)
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	o := fakeOpts()
	o.MaxCharacters = 1000
	o.URLLength = 30
	fake := mastodonfake.New(t, o)
	var logs testutil.SyncBuffer
	p := newPublisher(t, fake.URL, pubOpts{logger: slog.New(slog.NewTextHandler(&logs, nil))})

	fake.FailNext(mastodonfake.Fault500, 1)
	r, err := p.Rules(context.Background())
	if err != nil || r.Limit != 500 || r.URLLength != 23 || r.Network != publisher.Mastodon {
		t.Fatalf("Rules with the instance down = %+v, %v; want Mastodon's 500/23", r, err)
	}
	if !strings.Contains(logs.String(), "mastodon instance limits unavailable") || strings.Contains(logs.String(), token) {
		t.Errorf("log %q: want the warning, without the token", logs.String())
	}
	for range 2 {
		r, err = p.Rules(context.Background())
		if err != nil || r.Limit != 1000 || r.URLLength != 30 {
			t.Fatalf("Rules = %+v, %v; want the instance's 1000/30", r, err)
		}
	}
	if n := len(fake.Requests()); n != 2 {
		t.Errorf("instance asked %d times, want 2 (the failure, then once)", n)
	}
}

func TestPublishRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   string
		text    string
		status  int
		message string
	}{
		{"over the limit", token, strings.Repeat("long words ", 10), 422, "Validation failed: Text character limit of 50 exceeded"},
		{"bad token", "tokWRONG", "Alien (1979)", 401, "The access token is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := fakeOpts()
			o.MaxCharacters = 50
			fake := mastodonfake.New(t, o)
			_, err := newPublisher(t, fake.URL, pubOpts{token: tt.token}).Publish(context.Background(), publisher.Post{Key: "k", Text: tt.text})
			pe := pubError(t, err)
			if pe.Kind != publisher.Permanent || pe.Status != tt.status || pe.Message != tt.message || pe.Sent {
				t.Errorf("got %v; want permanent %d %q, not sent", err, tt.status, tt.message)
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Errorf("error %q shows the token", err)
			}
			if len(fake.Statuses()) != 0 {
				t.Error("a refused status was posted")
			}
		})
	}
}

func TestPublishFaults(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	reset := time.Date(2026, 11, 28, 4, 5, 0, 19685000, time.UTC)
	tests := []struct {
		name       string
		fault      mastodonfake.Fault
		timeout    time.Duration
		kind       publisher.Kind
		sent       bool
		retryAfter time.Time
	}{
		{name: "429", fault: mastodonfake.Fault429, kind: publisher.RateLimited, retryAfter: reset},
		{name: "500", fault: mastodonfake.Fault500, kind: publisher.Transient, sent: true},
		{name: "503", fault: mastodonfake.Fault503, kind: publisher.Transient, sent: true, retryAfter: now.Add(30 * time.Second)},
		{name: "hang", fault: mastodonfake.FaultHang, timeout: time.Second, kind: publisher.Transient, sent: true},
		{name: "reset", fault: mastodonfake.FaultReset, kind: publisher.Transient, sent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := mastodonfake.New(t, fakeOpts())
			fake.SetRateLimitReset(reset)
			fake.FailNext(tt.fault, 1)
			p := newPublisher(t, fake.URL, pubOpts{timeout: tt.timeout, now: func() time.Time { return now }})
			post := publisher.Post{Key: "k-" + tt.name, Text: "Paris, Texas (1984)"}
			_, err := p.Publish(context.Background(), post)
			pe := pubError(t, err)
			if pe.Kind != tt.kind || pe.Sent != tt.sent || !pe.RetryAfter.Equal(tt.retryAfter) {
				t.Fatalf("got %v (kind %s, sent %t, retry after %v); want %s, sent %t, retry after %v",
					err, pe.Kind, pe.Sent, pe.RetryAfter, tt.kind, tt.sent, tt.retryAfter)
			}
			if pe.Account != p.ID() {
				t.Errorf("error names account %q, want the publisher's ID %q", pe.Account, p.ID())
			}
			if _, err := p.Publish(context.Background(), post); err != nil {
				t.Fatalf("retry: %v", err)
			}
			if n := len(fake.Statuses()); n != 1 {
				t.Errorf("server has %d statuses after the retry, want 1", n)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, fakeOpts())
	got, err := newPublisher(t, fake.URL, pubOpts{}).Verify(context.Background())
	if want := "@films@" + fake.Host(); err != nil || got != want {
		t.Fatalf("Verify = %q, %v; want %q", got, err, want)
	}
	_, err = newPublisher(t, fake.URL, pubOpts{token: "tokWRONG"}).Verify(context.Background())
	if pe := pubError(t, err); pe.Kind != publisher.Permanent || pe.Status != 401 || pe.Message != "The access token is invalid" {
		t.Fatalf("Verify with a bad token: %v; want permanent 401 with the server's message", err)
	}
}

func TestPublishUnreachable(t *testing.T) {
	t.Parallel()
	fake := mastodonfake.New(t, fakeOpts())
	url := fake.URL
	fake.Close()
	_, err := newPublisher(t, url, pubOpts{}).Publish(context.Background(), publisher.Post{Key: "k", Text: "x"})
	if pe := pubError(t, err); pe.Kind != publisher.Transient || pe.Sent {
		t.Fatalf("connection refused: %v (sent %t); want transient, not sent", err, pe.Sent)
	}
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    config.MastodonAccount
		want string
	}{
		{"server without a host", config.MastodonAccount{Prefix: "MASTODON_", Server: "example.social", AccessToken: token}, "MASTODON_SERVER"},
		{"second account", config.MastodonAccount{Prefix: "MASTODON_2_", Server: "https:///path", AccessToken: token}, "MASTODON_2_SERVER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := mastodon.New(tt.a, mastodon.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), token) {
				t.Fatalf("New: %v; want an error naming %s, without the token", err, tt.want)
			}
		})
	}
}

// testutil.SyncBuffer is a bytes.Buffer safe for the logger and the test to share.
// TestRulesOtherServers: servers without /api/v2/instance give their limit
// through /api/v1/instance, asked once; Pleroma's counts URLs as written; a
// server announcing none gets Mastodon's defaults, asked and warned once.
func TestRulesOtherServers(t *testing.T) {
	t.Parallel()
	longURL := "https://films.example.org/2014/02/her-review-a-love-story-for-the-age-of-the-operating-system/"
	text := "Her (2013): sweet, humorous and thought-provoking. " + longURL

	t.Run("mastodon3", func(t *testing.T) {
		t.Parallel()
		o := fakeOpts()
		o.Flavour, o.MaxCharacters, o.URLLength = mastodonfake.FlavourMastodon3, 1000, 30
		fake := mastodonfake.New(t, o)
		p := newPublisher(t, fake.URL, pubOpts{})
		for range 2 {
			r, err := p.Rules(context.Background())
			if err != nil || r.Limit != 1000 || r.URLLength != 30 {
				t.Fatalf("Rules = %+v, %v; want 1000/30 from /api/v1/instance", r, err)
			}
		}
		rs := fake.Requests()
		if got := paths(rs); !slices.Equal(got, []string{"/api/v2/instance", "/api/v1/instance"}) {
			t.Errorf("asked %v, want v2 then v1, once", got)
		}
		for _, r := range rs {
			if r.Header.Get("Authorization") != "Bearer "+token {
				t.Errorf("%s asked without the token (limited federation mode needs it)", r.Path)
			}
		}
	})
	for _, flavour := range []mastodonfake.Flavour{mastodonfake.FlavourPleroma, mastodonfake.FlavourPleromaOld} {
		t.Run(string(flavour), func(t *testing.T) {
			t.Parallel()
			o := fakeOpts()
			o.Flavour, o.MaxCharacters = flavour, 5000
			fake := mastodonfake.New(t, o)
			p := newPublisher(t, fake.URL, pubOpts{})
			r, err := p.Rules(context.Background())
			if err != nil || r.Limit != 5000 || r.Network != publisher.Mastodon {
				t.Fatalf("Rules = %+v, %v; want 5000", r, err)
			}
			if got, want := r.Count(text), utf8.RuneCountInString(text); got != want {
				t.Errorf("Count = %d, want %d: Pleroma counts the URL as written", got, want)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		srv, asked := answering(t, http.StatusUnauthorized, `{"error":"This API requires an authenticated user"}`)
		p := newPublisher(t, srv.URL, pubOpts{})
		for range 2 {
			if r, err := p.Rules(context.Background()); err != nil || r.Limit != 500 {
				t.Fatalf("Rules = %+v, %v; want Mastodon's 500 for now", r, err)
			}
		}
		if n := asked.Load(); n != 2 {
			t.Errorf("the server was asked %d times, want 2: a refusal is not remembered as an answer", n)
		}
	})
	t.Run("no limit announced", func(t *testing.T) {
		t.Parallel()
		srv, asked := answering(t, http.StatusNotFound, `{"error":"Record not found"}`)
		var logs testutil.SyncBuffer
		p := newPublisher(t, srv.URL, pubOpts{logger: slog.New(slog.NewTextHandler(&logs, nil))})
		for range 3 {
			r, err := p.Rules(context.Background())
			if err != nil || r.Limit != 500 || r.URLLength != 23 {
				t.Fatalf("Rules = %+v, %v; want Mastodon's 500/23", r, err)
			}
		}
		if n := asked.Load(); n != 2 {
			t.Errorf("the server was asked %d times, want 2 (v2, v1, then remembered)", n)
		}
		if n := strings.Count(logs.String(), "announces no character limit"); n != 1 {
			t.Errorf("warned %d times, want once: %q", n, logs.String())
		}
	})
}

// answering is a server giving every request the same JSON answer, and how
// many it got.
func answering(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int32) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &asked
}

func paths(rs []mastodonfake.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Path)
	}
	return out
}
