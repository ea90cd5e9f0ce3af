package bluesky_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/internal/fakes/blueskyfake"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/internal/testutil"
	"github.com/reelpost/reelpost/publisher"
	"github.com/reelpost/reelpost/publisher/bluesky"
)

const password = "s3cret-app-pass-wxyz"

var acct = blueskyfake.Account{Handle: "films.test", DID: "did:plc:filmsfake", AppPassword: password}

type env struct {
	pds  *blueskyfake.Server
	pub  *bluesky.Publisher
	logs *testutil.SyncBuffer
	img  *httptest.Server
}

// pngBytes is a PNG header and padding: enough for content sniffing.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 2000)...)

func setup(t *testing.T, pass string, timeout time.Duration) *env {
	t.Helper()
	pds := blueskyfake.New(t, acct)
	img := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/poster.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(pngBytes)
		case "/octet":
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(pngBytes)
		case "/huge.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			_, _ = w.Write(bytes.Repeat([]byte{0xff}, 1_500_000))
		case "/page.html":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<!doctype html><title>not an image</title>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(img.Close)
	logs := &testutil.SyncBuffer{}
	pub, err := bluesky.New(config.BlueskyAccount{Handle: acct.Handle, AppPassword: config.Secret(pass), PDSURL: pds.URL()},
		bluesky.Options{
			Client:      httpclient.New(httpclient.Options{Timeout: timeout}),
			ThumbClient: httpclient.New(httpclient.Options{Timeout: timeout}),
			Logger:      slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Now:         func() time.Time { return time.Date(2026, 11, 28, 3, 4, 5, 6_000_000, time.UTC) },
		})
	if err != nil {
		t.Fatal(err)
	}
	return &env{pds: pds, pub: pub, logs: logs, img: img}
}

func samplePost(key string) publisher.Post {
	return publisher.Post{
		Key: key,
		Text: "🎬 L'Été dernier (2023) ★★★★ — Catherine Breillat. Trailer: youtu.be/dQw4w9WgXcQ " +
			"Review: https://films.example/reviews/l-été-dernier #Drama #映画",
		Links: []publisher.Link{
			{Display: "youtu.be/dQw4w9WgXcQ", URL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
			{Display: "https://films.example/reviews/l-été-dernier", URL: "https://films.example/reviews/l-%C3%A9t%C3%A9-dernier"},
		},
		Tags: []string{"Drama", "映画"},
		Lang: "en",
	}
}

// facetsOf converts the fake's record facets to ours (same JSON).
func facetsOf(t *testing.T, r blueskyfake.Record) []bluesky.Facet {
	t.Helper()
	b, err := json.Marshal(r.Facets)
	if err != nil {
		t.Fatal(err)
	}
	var fs []bluesky.Facet
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatal(err)
	}
	return fs
}

func pubErr(t *testing.T, err error) *publisher.Error {
	t.Helper()
	var pe *publisher.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *publisher.Error", err, err)
	}
	return pe
}

func count(reqs []blueskyfake.Request, nsid string) int {
	n := 0
	for _, r := range reqs {
		if r.NSID == nsid {
			n++
		}
	}
	return n
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	if e.pub.ID() != "bluesky:@films.test" || e.pub.Network() != publisher.Bluesky {
		t.Errorf("ID %q network %q", e.pub.ID(), e.pub.Network())
	}
	r, err := e.pub.Rules(t.Context())
	if err != nil || r.Limit != 300 || r.MaxBytes != 3000 || !r.ShortLinks || !r.Card || r.Count("👨\u200d👩\u200d👧 ok") != 4 {
		t.Errorf("Rules() = %+v, %v", r, err)
	}
	if _, err := bluesky.New(config.BlueskyAccount{Prefix: "BLUESKY_2_", AppPassword: password, PDSURL: e.pds.URL()}, bluesky.Options{}); err == nil ||
		!strings.Contains(err.Error(), "BLUESKY_2_HANDLE") || strings.Contains(err.Error(), password) {
		t.Errorf("New without a handle: %v; want an error naming BLUESKY_2_HANDLE, without the password", err)
	}
	if e.pds.Logins() != 0 {
		t.Error("New or Rules logged in")
	}
}

func TestPublishWithFacetsAndCard(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	p := samplePost("review-42")
	p.Card = &publisher.Card{URL: "https://films.example/reviews/l-été-dernier", Title: "L'Été dernier",
		Description: "Breillat's best in years.", ImageURL: e.img.URL + "/poster.png"}
	rc, err := e.pub.Publish(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	rkey := bluesky.TIDFromKey("review-42")
	if want := "at://" + acct.DID + "/app.bsky.feed.post/" + rkey; rc.ID != want {
		t.Errorf("receipt ID %q, want %q", rc.ID, want)
	}
	if want := "https://bsky.app/profile/films.test/post/" + rkey; rc.URL != want {
		t.Errorf("receipt URL %q, want %q", rc.URL, want)
	}
	posts := e.pds.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	got := posts[0]
	if got.RKey != rkey || got.Text != p.Text || got.CreatedAt != "2026-11-28T03:04:05.006Z" || len(got.Langs) != 1 || got.Langs[0] != "en" {
		t.Errorf("record rkey %s text %q createdAt %s langs %v", got.RKey, got.Text, got.CreatedAt, got.Langs)
	}
	fs := facetsOf(t, got)
	checkFacets(t, got.Text, p.Links, p.Tags, fs)
	if tags := tagsIn(fs, got.Text); strings.Join(tags, " ") != "#Drama #映画" {
		t.Errorf("tag facets %q", tags)
	}
	if got.Embed == nil || got.Embed.Type != "app.bsky.embed.external" || got.Embed.External == nil {
		t.Fatalf("embed %+v", got.Embed)
	}
	ext := got.Embed.External
	if ext.URI != p.Card.URL || ext.Title != p.Card.Title || ext.Description != p.Card.Description {
		t.Errorf("card %+v", ext)
	}
	if ext.Thumb == nil || ext.Thumb.MimeType != "image/png" || ext.Thumb.Size != int64(len(pngBytes)) || !strings.HasPrefix(ext.Thumb.Ref.Link, "bafkrei") {
		t.Errorf("thumb %+v", ext.Thumb)
	}
	var validate bool
	for _, r := range e.pds.Requests() {
		if r.NSID == blueskyfake.CreateRecord {
			var in struct {
				Validate bool `json:"validate"`
			}
			_ = json.Unmarshal(r.Body, &in)
			validate = in.Validate
		}
		if r.NSID == blueskyfake.UploadBlob && r.ContentType != "image/png" {
			t.Errorf("uploadBlob Content-Type %q", r.ContentType)
		}
	}
	if !validate {
		t.Error("createRecord without validate: true")
	}
}

// TestCreatedAtIsTheAttempt: a post's createdAt is the clock when it is
// made, not when its delivery was (a review held back by spacing or a retry
// would show hours in the past on Bluesky).
func TestCreatedAtIsTheAttempt(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	p := samplePost("held-back")
	p.CreatedAt = time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC) // the delivery, hours before
	if _, err := e.pub.Publish(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if got := e.pds.Posts()[0].CreatedAt; got != "2026-11-28T03:04:05.006Z" {
		t.Errorf("createdAt %s, want the publisher's clock at the attempt, 2026-11-28T03:04:05.006Z", got)
	}
}

func TestCardWithoutThumb(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		maxBytes int64
		thumb    bool
	}{
		{"image over 1,000,000 bytes", "/huge.jpg", 0, false},
		{"image over the configured cap", "/poster.png", 1000, false},
		{"404", "/missing.png", 0, false},
		{"not an image", "/page.html", 0, false},
		{"octet-stream that is a PNG", "/octet", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, password, 5*time.Second)
			pub := e.pub
			if tt.maxBytes > 0 {
				var err error
				pub, err = bluesky.New(config.BlueskyAccount{Handle: acct.Handle, AppPassword: password, PDSURL: e.pds.URL()},
					bluesky.Options{Logger: slog.New(slog.NewJSONHandler(e.logs, nil)), MaxThumbBytes: tt.maxBytes})
				if err != nil {
					t.Fatal(err)
				}
			}
			p := samplePost("card-" + tt.name)
			p.Card = &publisher.Card{URL: "https://films.example/r", Title: "T", ImageURL: e.img.URL + tt.path}
			if _, err := pub.Publish(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			posts := e.pds.Posts()
			if len(posts) != 1 || posts[0].Embed == nil || posts[0].Embed.External == nil || posts[0].Embed.External.URI != "https://films.example/r" {
				t.Fatalf("posts %+v: want one with the card", posts)
			}
			hasThumb := posts[0].Embed.External.Thumb != nil
			warned := strings.Contains(e.logs.String(), `"level":"WARN","msg":"card without thumbnail"`) &&
				strings.Contains(e.logs.String(), tt.path)
			if hasThumb != tt.thumb || warned == tt.thumb {
				t.Errorf("thumb %v, warned %v; want thumb %v; logs:\n%s", hasThumb, warned, tt.thumb, e.logs)
			}
		})
	}
}

func TestSessionReusedAcrossPosts(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	for i := range 5 {
		if _, err := e.pub.Publish(t.Context(), samplePost(fmt.Sprintf("review-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if e.pds.Logins() != 1 || e.pds.Refreshes() != 0 || len(e.pds.Posts()) != 5 {
		t.Errorf("logins %d refreshes %d posts %d, want 1 0 5", e.pds.Logins(), e.pds.Refreshes(), len(e.pds.Posts()))
	}
}

func TestConcurrentPostsLogInOnce(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() { _, errs[i] = e.pub.Publish(t.Context(), samplePost("concurrent-"+strconv.Itoa(i))) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if e.pds.Logins() != 1 || len(e.pds.Posts()) != len(errs) {
		t.Errorf("logins %d posts %d, want 1 %d", e.pds.Logins(), len(e.pds.Posts()), len(errs))
	}
}

func TestExpiredTokenIsRefreshed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		expire func(*blueskyfake.Server, *clock)
	}{
		{"told to expire", func(s *blueskyfake.Server, _ *clock) { s.ExpireTokens() }},
		{"access token TTL passed", func(_ *blueskyfake.Server, c *clock) { c.add(3 * time.Hour) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, password, 5*time.Second)
			c := &clock{t: time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)}
			e.pds.SetNow(c.now)
			e.pds.SetAccessTTL(2 * time.Hour)
			if _, err := e.pub.Publish(t.Context(), samplePost("one")); err != nil {
				t.Fatal(err)
			}
			tt.expire(e.pds, c)
			if _, err := e.pub.Publish(t.Context(), samplePost("two")); err != nil {
				t.Fatal(err)
			}
			if _, err := e.pub.Publish(t.Context(), samplePost("three")); err != nil {
				t.Fatal(err)
			}
			if e.pds.Logins() != 1 || e.pds.Refreshes() != 1 || len(e.pds.Posts()) != 3 {
				t.Errorf("logins %d refreshes %d posts %d, want 1 1 3", e.pds.Logins(), e.pds.Refreshes(), len(e.pds.Posts()))
			}
		})
	}
}

func TestRefusedRefreshLogsInAgain(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	if _, err := e.pub.Publish(t.Context(), samplePost("one")); err != nil {
		t.Fatal(err)
	}
	e.pds.ExpireSessions()
	if _, err := e.pub.Publish(t.Context(), samplePost("two")); err != nil {
		t.Fatal(err)
	}
	if e.pds.Logins() != 2 || e.pds.Refreshes() != 0 || len(e.pds.Posts()) != 2 {
		t.Errorf("logins %d refreshes %d posts %d, want 2 0 2", e.pds.Logins(), e.pds.Refreshes(), len(e.pds.Posts()))
	}
	if n := count(e.pds.Requests(), blueskyfake.RefreshSession); n != 1 {
		t.Errorf("%d refreshSession calls, want 1 (tried before logging in again)", n)
	}
}

func TestRetryAfterLostAnswerDoesNotPostTwice(t *testing.T) {
	t.Parallel()
	for _, f := range []blueskyfake.Fault{blueskyfake.FaultAfterCommit, blueskyfake.FaultAfterCommitHang} {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			e := setup(t, password, time.Second)
			e.pds.FailNext(f, 1)
			p := samplePost("lost-answer")
			_, err := e.pub.Publish(t.Context(), p)
			if pe := pubErr(t, err); pe.Kind != publisher.Transient || !pe.Sent {
				t.Fatalf("first attempt: %v (kind %s, sent %v), want transient and sent", err, pe.Kind, pe.Sent)
			}
			rc, found, err := e.pub.Find(t.Context(), p)
			if err != nil || !found || rc.ID != "at://"+acct.DID+"/app.bsky.feed.post/"+bluesky.TIDFromKey(p.Key) {
				t.Fatalf("Find = %+v, %v, %v", rc, found, err)
			}
			again, err := e.pub.Publish(t.Context(), p)
			if err != nil || again != rc {
				t.Fatalf("second attempt = %+v, %v, want %+v", again, err, rc)
			}
			if n, writes := len(e.pds.Posts()), count(e.pds.Requests(), blueskyfake.CreateRecord); n != 1 || writes != 1 {
				t.Errorf("%d posts from %d createRecord calls, want 1 from 1", n, writes)
			}
		})
	}
}

func TestFindWithoutPost(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	rc, found, err := e.pub.Find(t.Context(), samplePost("never-posted"))
	if err != nil || found || rc != (publisher.Receipt{}) {
		t.Errorf("Find = %+v, %v, %v; want nothing", rc, found, err)
	}
}

func TestFaultsAreClassified(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(5 * time.Minute).Truncate(time.Second)
	tests := []struct {
		name  string
		nsid  string
		fault blueskyfake.Fault
		kind  publisher.Kind
		sent  bool
		// retry: the wait the error must carry (zero: none), checked to the second.
		retry time.Time
		wait  time.Duration
	}{
		{name: "login rate-limited", nsid: blueskyfake.CreateSession, fault: blueskyfake.Fault429, kind: publisher.RateLimited, retry: reset},
		{name: "write rate-limited", nsid: blueskyfake.CreateRecord, fault: blueskyfake.Fault429, kind: publisher.RateLimited, retry: reset},
		{name: "500 on write", nsid: blueskyfake.CreateRecord, fault: blueskyfake.Fault500, kind: publisher.Transient, sent: true},
		{name: "503 on read", nsid: blueskyfake.GetRecord, fault: blueskyfake.Fault503, kind: publisher.Transient, wait: 30 * time.Second},
		{name: "hang on write", nsid: blueskyfake.CreateRecord, fault: blueskyfake.FaultHang, kind: publisher.Transient, sent: true},
		{name: "hang on read", nsid: blueskyfake.GetRecord, fault: blueskyfake.FaultHang, kind: publisher.Transient},
		{name: "reset on write", nsid: blueskyfake.CreateRecord, fault: blueskyfake.FaultReset, kind: publisher.Transient, sent: true},
		{name: "reset on login", nsid: blueskyfake.CreateSession, fault: blueskyfake.FaultReset, kind: publisher.Transient},
		{name: "500 on blob upload", nsid: blueskyfake.UploadBlob, fault: blueskyfake.Fault500, kind: publisher.Transient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Only a hang needs a short client timeout; the others get a
			// generous one so a loaded machine cannot fail the retry.
			timeout := 10 * time.Second
			if tt.fault == blueskyfake.FaultHang {
				timeout = time.Second
			}
			e := setup(t, password, timeout)
			e.pds.FailNextOn(tt.nsid, tt.fault, 1)
			p := samplePost("fault")
			p.Card = &publisher.Card{URL: "https://films.example/r", Title: "T", ImageURL: e.img.URL + "/poster.png"}
			_, err := e.pub.Publish(t.Context(), p)
			pe := pubErr(t, err)
			if pe.Kind != tt.kind || pe.Sent != tt.sent {
				t.Errorf("%v: kind %s sent %v, want %s %v", err, pe.Kind, pe.Sent, tt.kind, tt.sent)
			}
			switch {
			case !tt.retry.IsZero():
				if d := pe.RetryAfter.Sub(tt.retry); d < -2*time.Second || d > 2*time.Second {
					t.Errorf("RetryAfter %s, want about %s (ratelimit-reset)", pe.RetryAfter, tt.retry)
				}
			case tt.wait > 0:
				// The publisher's clock is fixed in 2026-11-28T03:04:05Z.
				if want := time.Date(2026, 11, 28, 3, 4, 35, 6_000_000, time.UTC); !pe.RetryAfter.Equal(want) {
					t.Errorf("RetryAfter %s, want %s (Retry-After: 30)", pe.RetryAfter, want)
				}
			case !pe.RetryAfter.IsZero():
				t.Errorf("RetryAfter %s, want none", pe.RetryAfter)
			}
			if len(e.pds.Posts()) != 0 {
				t.Errorf("%d posts after the fault, want 0", len(e.pds.Posts()))
			}
			// The next attempt goes through, once.
			if _, err := e.pub.Publish(t.Context(), p); err != nil {
				t.Fatalf("retry: %v", err)
			}
			if n := len(e.pds.Posts()); n != 1 {
				t.Errorf("%d posts after the retry, want 1", n)
			}
		})
	}
}

func TestLoginRateLimitIsRateLimited(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	// Thirty other processes logged in within five minutes.
	for i := range blueskyfake.LoginsPer5Min {
		p, err := bluesky.New(config.BlueskyAccount{Handle: acct.Handle, AppPassword: password, PDSURL: e.pds.URL()}, bluesky.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Verify(t.Context()); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	_, err := e.pub.Publish(t.Context(), samplePost("limited"))
	pe := pubErr(t, err)
	if pe.Kind != publisher.RateLimited || pe.Status != http.StatusTooManyRequests {
		t.Fatalf("%v: kind %s, want rate-limited", err, pe.Kind)
	}
	if d := time.Until(pe.RetryAfter); d < 4*time.Minute || d > 5*time.Minute+time.Second {
		t.Errorf("RetryAfter in %s, want about 5 minutes", d)
	}
}

func TestBadPasswordIsPermanent(t *testing.T) {
	t.Parallel()
	e := setup(t, "wrong-password-abcd", 5*time.Second)
	_, err := e.pub.Publish(t.Context(), samplePost("one"))
	pe := pubErr(t, err)
	if pe.Kind != publisher.Permanent || pe.Status != http.StatusUnauthorized || pe.Message != "Invalid identifier or password" {
		t.Errorf("%v: kind %s status %d message %q", err, pe.Kind, pe.Status, pe.Message)
	}
	if pe.Account != e.pub.ID() {
		t.Errorf("error names account %q, want the publisher's ID %q", pe.Account, e.pub.ID())
	}
	var xe *bluesky.XRPCError
	if !errors.As(err, &xe) || xe.Name != "AuthenticationRequired" {
		t.Errorf("%v: want an XRPCError AuthenticationRequired", err)
	}
	_, verr := e.pub.Verify(t.Context())
	if publisher.KindOf(verr) != publisher.Permanent || !strings.Contains(verr.Error(), "Invalid identifier or password") {
		t.Errorf("Verify: %v", verr)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", pe), verr.Error(), e.logs.String()} {
		if strings.Contains(s, "wrong-password-abcd") {
			t.Errorf("the app password shows in %q", s)
		}
	}
	if len(e.pds.Posts()) != 0 {
		t.Error("posted with a bad password")
	}
}

func TestNoSecretInLogs(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	if _, err := e.pub.Publish(t.Context(), samplePost("one")); err != nil {
		t.Fatal(err)
	}
	e.pds.ExpireTokens()
	if _, err := e.pub.Publish(t.Context(), samplePost("two")); err != nil {
		t.Fatal(err)
	}
	if logs := e.logs.String(); strings.Contains(logs, password) || strings.Contains(logs, "access.") || strings.Contains(logs, "refresh.") || logs == "" {
		t.Errorf("logs hold a secret or nothing:\n%s", logs)
	}
}

func TestValidationIsPermanentWithMessage(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	p := publisher.Post{Key: "too-long", Text: strings.Repeat("é", 301)}
	_, err := e.pub.Publish(t.Context(), p)
	pe := pubErr(t, err)
	if pe.Kind != publisher.Permanent || pe.Status != 400 ||
		pe.Message != "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes" || pe.Sent {
		t.Errorf("%v: kind %s status %d message %q sent %v", err, pe.Kind, pe.Status, pe.Message, pe.Sent)
	}
	// A refusal for length is told apart, so that the relay fits the post
	// again; the XRPC error stays in the chain.
	var xe *bluesky.XRPCError
	if !errors.Is(err, publisher.ErrRefusedTooLong) || !errors.As(err, &xe) || xe.Name != "InvalidRequest" {
		t.Errorf("%v: want ErrRefusedTooLong and the InvalidRequest XRPC error in its chain", err)
	}
	if _, err := e.pub.Publish(t.Context(), publisher.Post{Text: "no key"}); publisher.KindOf(err) != publisher.Permanent {
		t.Errorf("post without key: %v, want permanent", err)
	}
	bad := samplePost("link-missing")
	bad.Links = append(bad.Links, publisher.Link{Display: "imdb.com/x", URL: "https://imdb.com/x"})
	if _, err := e.pub.Publish(t.Context(), bad); publisher.KindOf(err) != publisher.Permanent || !strings.Contains(err.Error(), "imdb.com/x") ||
		errors.Is(err, publisher.ErrRefusedTooLong) {
		t.Errorf("post with a link not in its text: %v, want permanent naming the link, not a refusal for length", err)
	}
	if len(e.pds.Posts()) != 0 {
		t.Errorf("%d posts, want 0", len(e.pds.Posts()))
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	for range 2 {
		got, err := e.pub.Verify(t.Context())
		if err != nil || got != "@films.test" {
			t.Fatalf("Verify = %q, %v", got, err)
		}
	}
	e.pds.ExpireTokens()
	if got, err := e.pub.Verify(t.Context()); err != nil || got != "@films.test" {
		t.Fatalf("Verify after expiry = %q, %v", got, err)
	}
	reqs := e.pds.Requests()
	if e.pds.Logins() != 1 || count(reqs, blueskyfake.GetSession) != 3 || e.pds.Refreshes() != 1 {
		t.Errorf("logins %d getSession %d refreshes %d, want 1 3 1", e.pds.Logins(), count(reqs, blueskyfake.GetSession), e.pds.Refreshes())
	}
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	e := setup(t, password, 5*time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.pub.Publish(ctx, samplePost("canceled"))
	if publisher.KindOf(err) != publisher.Transient || !errors.Is(err, context.Canceled) {
		t.Errorf("%v: want transient wrapping context.Canceled", err)
	}
}

// clock is a settable time source for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
