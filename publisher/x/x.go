// Package x posts to X through the v2 API (POST /2/tweets), signed with
// OAuth 1.0a user context (github.com/dghubble/oauth1).
package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/publisher"
)

var (
	_ publisher.Publisher = (*Publisher)(nil)
	_ publisher.Verifier  = (*Publisher)(nil)
)

// maxBody caps what is read of an answer; X's are a few hundred bytes.
const maxBody = 1 << 20

// rateLimit is how X says when to try again: its rate-limit headers
// (resetTime), else a window of 15 minutes
// (https://docs.x.com/fundamentals/rate-limits).
var rateLimit = publisher.RateLimit{Reset: resetTime, Window: 15 * time.Minute}

// Options tune a Publisher. Zero values take the defaults.
type Options struct {
	// Client makes the requests (default publisher.NewClient); the OAuth
	// 1.0a signing wraps its transport and keeps its timeout.
	Client *http.Client
	Logger *slog.Logger
	Now    func() time.Time
}

// Publisher posts to one X account.
type Publisher struct {
	id     string
	apiURL string
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
}

// New builds a Publisher for a, which config.Validate has checked. It makes
// no request.
//
// Its ID is "x:" followed by the account's numeric user id, which X puts
// before the dash of every OAuth 1.0a access token ("<user id>-<random>").
// So the ID is known without asking X, stays the same when the tokens are
// regenerated, and never changes when the account is renamed; Verify says
// the @name it belongs to. A token without that shape leaves no ID to key
// the account's deliveries on, and is refused.
func New(a config.XAccount, o Options) (*Publisher, error) {
	uid, err := a.UserID()
	if err != nil {
		// Validate refuses it first, in the same words; this is for a
		// caller that built a by hand.
		return nil, fmt.Errorf("%sACCESS_TOKEN: %w", a.Prefix, err)
	}
	base := o.Client
	if base == nil {
		base = publisher.NewClient()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// oauth1 builds its client on the context's client transport (User-Agent
	// included) but not its timeout or redirect policy: carry those over.
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, base)
	c := oauth1.NewConfig(a.APIKey.Value(), a.APISecret.Value()).
		Client(ctx, oauth1.NewToken(a.AccessToken.Value(), a.AccessTokenSecret.Value()))
	c.Timeout = base.Timeout
	c.CheckRedirect = base.CheckRedirect
	c.Jar = base.Jar
	return &Publisher{
		id:     "x:" + uid,
		apiURL: strings.TrimRight(a.APIURL, "/"),
		client: c,
		log:    o.Logger,
		now:    o.Now,
	}, nil
}

// ID is "x:<user id>" (see New).
func (p *Publisher) ID() string { return p.id }

// Network is publisher.X.
func (p *Publisher) Network() publisher.Network { return publisher.X }

// Rules are X's: 280 weighted characters, every URL 23.
func (p *Publisher) Rules(context.Context) (publisher.Rules, error) {
	return publisher.DefaultRules(publisher.X), nil
}

// Publish creates one post. X offers no idempotency key: a retry after an
// unknown outcome (Error.Sent) that did post is answered 403 duplicate
// content, which comes back as publisher.Duplicate.
func (p *Publisher) Publish(ctx context.Context, post publisher.Post) (publisher.Receipt, error) {
	body, err := json.Marshal(struct {
		Text string `json:"text"`
	}{post.Text})
	if err != nil {
		return publisher.Receipt{}, p.fail(publisher.Permanent, 0, "", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.apiURL+"/2/tweets", bytes.NewReader(body))
	if err != nil {
		return publisher.Receipt{}, p.fail(publisher.Permanent, 0, "", err)
	}
	req.Header.Set("Content-Type", "application/json")
	var out struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := p.do(req, http.StatusCreated, &out); err != nil {
		// X v2 refuses an over-long text with a 400 whose errors[].message
		// says "Your Tweet text is too long." and no code of its own (as
		// reported in https://github.com/gundogan8/FotBot/issues/22).
		var pe *publisher.Error
		if errors.As(err, &pe) && pe.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(pe.Message), "too long") {
			return publisher.Receipt{}, publisher.RefusedTooLong(pe)
		}
		return publisher.Receipt{}, err
	}
	if out.Data.ID == "" {
		// Something answered 201 without an id: the post may exist.
		e := p.fail(publisher.Transient, http.StatusCreated, "answer without data.id", nil)
		e.Sent = true
		return publisher.Receipt{}, e
	}
	p.log.Debug("x post created", "account", p.id, "post_id", out.Data.ID)
	return publisher.Receipt{ID: out.Data.ID, URL: "https://x.com/i/web/status/" + out.Data.ID}, nil
}

// Verify asks X whose tokens these are (GET /2/users/me) and returns "@name".
func (p *Publisher) Verify(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.apiURL+"/2/users/me", nil)
	if err != nil {
		return "", p.fail(publisher.Permanent, 0, "", err)
	}
	var out struct {
		Data struct {
			Username string `json:"username"`
		} `json:"data"`
	}
	if err := p.do(req, http.StatusOK, &out); err != nil {
		return "", err
	}
	if out.Data.Username == "" {
		return "", p.fail(publisher.Transient, http.StatusOK, "answer without data.username", nil)
	}
	return "@" + out.Data.Username, nil
}

// problem is X's v2 error body (https://developer.x.com/en/support/x-api/error-troubleshooting).
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

func (pr problem) message() string {
	parts := []string{}
	if pr.Detail != "" {
		parts = append(parts, pr.Detail)
	} else if pr.Title != "" {
		parts = append(parts, pr.Title)
	}
	for _, e := range pr.Errors {
		if e.Message != "" && e.Message != pr.Detail {
			parts = append(parts, e.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// do sends req and decodes a `want` answer into out; any other outcome is a
// classified *publisher.Error.
func (p *Publisher) do(req *http.Request, want int, out any) error {
	a, err := httpclient.Do(p.client, req, maxBody)
	if err != nil {
		e := p.fail(publisher.Transient, a.Status, "", err)
		e.Sent = a.Wrote
		return e
	}
	if a.Status == want {
		if err := json.Unmarshal(a.Body, out); err != nil {
			e := p.fail(publisher.Transient, a.Status, "", fmt.Errorf("decode answer: %w", err))
			e.Sent = true
			return e
		}
		return nil
	}
	var pr problem
	_ = json.Unmarshal(a.Body, &pr) // a body that is not a problem leaves the message empty
	msg := pr.message()
	if a.Status == http.StatusForbidden && strings.Contains(strings.ToLower(pr.Detail), "duplicate content") {
		// X v2 gives no code for this, only the detail text
		// ("You are not allowed to create a Tweet with duplicate content.").
		return p.fail(publisher.Duplicate, a.Status, msg, nil)
	}
	// 400 validation, 401/403 credentials or permissions and 404 a wrong
	// X_API_URL are Permanent.
	e := rateLimit.Refusal(publisher.X, p.id, a.Status, a.Header, msg, p.now())
	e.Sent = e.Kind == publisher.Transient
	return e
}

// resetTime reads when a 429 ends. X sends x-rate-limit-reset (Unix seconds)
// for the 15-minute window and, on posting, x-user-limit-24hour-* and
// x-app-limit-24hour-* for the daily caps; the exhausted bucket that resets
// last decides, else any reset X named.
func resetTime(h http.Header) time.Time {
	var latest, anyReset time.Time
	for _, prefix := range []string{"x-rate-limit-", "x-user-limit-24hour-", "x-app-limit-24hour-"} {
		sec, err := strconv.ParseInt(strings.TrimSpace(h.Get(prefix+"reset")), 10, 64)
		if err != nil || sec <= 0 {
			continue
		}
		t := time.Unix(sec, 0)
		if anyReset.IsZero() {
			anyReset = t
		}
		if h.Get(prefix+"remaining") == "0" && t.After(latest) {
			latest = t
		}
	}
	if !latest.IsZero() {
		return latest
	}
	return anyReset
}

func (p *Publisher) fail(k publisher.Kind, status int, msg string, err error) *publisher.Error {
	return &publisher.Error{Kind: k, Network: publisher.X, Account: p.id, Status: status, Message: msg, Err: err}
}
