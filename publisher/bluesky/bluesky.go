// Package bluesky posts to a Bluesky (AT Protocol) account: one session per
// account, an app.bsky.feed.post record with link and tag facets and a link
// card, written under a record key derived from the post's idempotency key
// so that a retry finds the first attempt instead of posting again.
package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reelpost/reelpost/config"
	"github.com/reelpost/reelpost/internal/httpclient"
	"github.com/reelpost/reelpost/publisher"
)

// Collection is the NSID of Bluesky posts.
const Collection = "app.bsky.feed.post"

// DefaultMaxThumbBytes is the most a card's thumbnail may weigh
// (app.bsky.embed.external: thumb maxSize 1000000).
const DefaultMaxThumbBytes = 1_000_000

var (
	_ publisher.Publisher = (*Publisher)(nil)
	_ publisher.Finder    = (*Publisher)(nil)
	_ publisher.Verifier  = (*Publisher)(nil)
)

// Options tune a Publisher. Zero values take the defaults.
type Options struct {
	// Client talks to the PDS (default publisher.NewClient).
	Client *http.Client
	Logger *slog.Logger
	// Now is the clock (createdAt, rate-limit waits); default time.Now.
	Now func() time.Time
	// ThumbClient fetches card images (default: a client with a 15 s
	// timeout).
	ThumbClient *http.Client
	// MaxThumbBytes caps a card image (default DefaultMaxThumbBytes).
	MaxThumbBytes int64
}

// Publisher posts to one Bluesky account. It is safe for concurrent use.
type Publisher struct {
	acct     config.BlueskyAccount
	id       string
	base     string
	client   *http.Client
	thumbs   *http.Client
	log      *slog.Logger
	now      func() time.Time
	maxThumb int64

	sem  chan struct{} // guards sess; see lock
	sess *session
}

// New makes a Publisher for a, which config.Validate has checked. It does
// not log in: the first call that needs a session does. An empty handle
// leaves no ID to key the account's deliveries on, and is refused.
func New(a config.BlueskyAccount, o Options) (*Publisher, error) {
	if a.Handle == "" {
		return nil, fmt.Errorf("%sHANDLE: empty: no handle to name the account by", a.Prefix)
	}
	p := &Publisher{
		acct:     a,
		id:       "bluesky:@" + a.Handle,
		base:     strings.TrimRight(a.PDSURL, "/"),
		client:   o.Client,
		thumbs:   o.ThumbClient,
		log:      o.Logger,
		now:      o.Now,
		maxThumb: o.MaxThumbBytes,
		sem:      make(chan struct{}, 1),
	}
	if p.client == nil {
		p.client = publisher.NewClient()
	}
	if p.thumbs == nil {
		p.thumbs = httpclient.New(httpclient.Options{Timeout: 15 * time.Second})
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.maxThumb <= 0 {
		p.maxThumb = DefaultMaxThumbBytes
	}
	return p, nil
}

// ID is "bluesky:@handle".
func (p *Publisher) ID() string { return p.id }

// Network is publisher.Bluesky.
func (p *Publisher) Network() publisher.Network { return publisher.Bluesky }

// Rules are Bluesky's: 300 graphemes and 3000 bytes, links shown short,
// cards built by the client.
func (p *Publisher) Rules(context.Context) (publisher.Rules, error) {
	return publisher.DefaultRules(publisher.Bluesky), nil
}

// postRecord is app.bsky.feed.post
// (https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json).
type postRecord struct {
	Type      string   `json:"$type"`
	Text      string   `json:"text"`
	Facets    []Facet  `json:"facets,omitempty"`
	Langs     []string `json:"langs,omitempty"`
	Embed     *embed   `json:"embed,omitempty"`
	CreatedAt string   `json:"createdAt"`
}

// embed is app.bsky.embed.external.
type embed struct {
	Type     string   `json:"$type"`
	External external `json:"external"`
}

type external struct {
	URI         string `json:"uri"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Thumb       *blob  `json:"thumb,omitempty"`
}

// blob is a blob reference as uploadBlob returns it
// (https://atproto.com/guides/images-and-video).
type blob struct {
	Type string `json:"$type"`
	Ref  struct {
		Link string `json:"$link"`
	} `json:"ref"`
	MimeType string `json:"mimeType"`
	Size     int64  `json:"size"`
}

// Publish posts p once. It first reads the record its key maps to: if the
// post is there (an earlier attempt got through, whatever it was told), that
// is the answer. A PDS answers a second createRecord on an existing key
// with HTTP 500, not a clear error, so reading first is what keeps a retry
// from failing or posting twice.
func (p *Publisher) Publish(ctx context.Context, post publisher.Post) (publisher.Receipt, error) {
	if post.Key == "" {
		return publisher.Receipt{}, p.permanent(errors.New("post has no idempotency key"))
	}
	rkey := TIDFromKey(post.Key)
	if rc, found, err := p.find(ctx, rkey); err != nil {
		return publisher.Receipt{}, err
	} else if found {
		p.log.InfoContext(ctx, "post already exists", "account", p.id, "delivery_key", post.Key, "post_id", rc.ID)
		return rc, nil
	}
	facets, err := Facets(post.Text, post.Links, post.Tags)
	if err != nil {
		return publisher.Receipt{}, p.permanent(fmt.Errorf("facets of post %s: %w", post.Key, err))
	}
	// createdAt is when this attempt makes the post, not post.CreatedAt
	// (when the delivery was made): Bluesky shows and sorts a post by it,
	// and a review held back by spacing or a retry would otherwise appear
	// hours in the past, below the posts made since.
	rec := postRecord{
		Type:      Collection,
		Text:      post.Text,
		Facets:    facets,
		CreatedAt: p.now().UTC().Format("2006-01-02T15:04:05.000Z"),
	}
	if post.Lang != "" {
		rec.Langs = []string{post.Lang}
	}
	if c := post.Card; c != nil && c.URL != "" {
		e := &embed{Type: "app.bsky.embed.external", External: external{URI: c.URL, Title: c.Title, Description: c.Description}}
		if c.ImageURL != "" {
			if e.External.Thumb, err = p.thumb(ctx, post.Key, c.ImageURL); err != nil {
				return publisher.Receipt{}, err
			}
		}
		rec.Embed = e
	}
	s, err := p.current(ctx)
	if err != nil {
		return publisher.Receipt{}, err
	}
	body, err := json.Marshal(map[string]any{
		"repo":       s.DID,
		"collection": Collection,
		"rkey":       rkey,
		"validate":   true,
		"record":     rec,
	})
	if err != nil {
		return publisher.Receipt{}, p.permanent(fmt.Errorf("encode post %s: %w", post.Key, err))
	}
	var out struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	c := call{method: http.MethodPost, nsid: "com.atproto.repo.createRecord", body: body, contentType: "application/json", write: true}
	if err := p.authed(ctx, c, &out); err != nil {
		var pe *publisher.Error
		if errors.As(err, &pe) && refusedForLength(pe) {
			return publisher.Receipt{}, publisher.RefusedTooLong(pe)
		}
		return publisher.Receipt{}, err
	}
	rc := p.receipt(out.URI, rkey, s)
	p.log.InfoContext(ctx, "posted", "account", p.id, "delivery_key", post.Key, "post_id", rc.ID)
	return rc, nil
}

// refusedForLength reports a createRecord refused for the text's length:
// the record validator's "Record/text must not be longer than 300
// graphemes" (or "... 3000 characters", its byte cap), which the PDS sends
// as a 400 InvalidRequest prefixed "Invalid app.bsky.feed.post record: ".
// The name is shared with every other invalid record, so only the text
// tells.
func refusedForLength(e *publisher.Error) bool {
	var xe *XRPCError
	return e.Status == http.StatusBadRequest && errors.As(e, &xe) && xe.Name == "InvalidRequest" &&
		strings.Contains(e.Message, "Record/text must not be longer than")
}

// Find reports the post made for post.Key, if an earlier attempt made it.
// The record key comes from post.Key, whatever text was sent, so the
// variants change nothing.
func (p *Publisher) Find(ctx context.Context, post publisher.Post, _ ...publisher.Post) (publisher.Receipt, bool, error) {
	if post.Key == "" {
		return publisher.Receipt{}, false, p.permanent(errors.New("post has no idempotency key"))
	}
	return p.find(ctx, TIDFromKey(post.Key))
}

func (p *Publisher) find(ctx context.Context, rkey string) (publisher.Receipt, bool, error) {
	s, err := p.current(ctx)
	if err != nil {
		return publisher.Receipt{}, false, err
	}
	var out struct {
		URI string `json:"uri"`
	}
	c := call{method: http.MethodGet, nsid: "com.atproto.repo.getRecord",
		query: url.Values{"repo": {s.DID}, "collection": {Collection}, "rkey": {rkey}}}
	if err := p.authed(ctx, c, &out); err != nil {
		if isNotFound(err) {
			return publisher.Receipt{}, false, nil
		}
		return publisher.Receipt{}, false, err
	}
	if out.URI == "" {
		out.URI = "at://" + s.DID + "/" + Collection + "/" + rkey
	}
	return p.receipt(out.URI, rkey, s), true, nil
}

// Verify logs in (or checks the session it has) and returns "@handle".
func (p *Publisher) Verify(ctx context.Context) (string, error) {
	if err := p.lock(ctx); err != nil {
		return "", err
	}
	had := p.sess != nil
	p.unlock()
	if !had {
		s, err := p.current(ctx)
		if err != nil {
			return "", err
		}
		return "@" + s.Handle, nil
	}
	var out struct {
		Handle string `json:"handle"`
	}
	c := call{method: http.MethodGet, nsid: "com.atproto.server.getSession"}
	if err := p.authed(ctx, c, &out); err != nil {
		return "", err
	}
	return "@" + out.Handle, nil
}

// receipt names the post: its at:// URI, and its page on bsky.app.
// The handle is the one the PDS gave the session (the configured one may be
// a DID), unless the PDS could not verify it ("handle.invalid").
func (p *Publisher) receipt(uri, rkey string, s *session) publisher.Receipt {
	handle := p.acct.Handle
	if s.Handle != "" && s.Handle != "handle.invalid" {
		handle = s.Handle
	}
	return publisher.Receipt{ID: uri, URL: "https://bsky.app/profile/" + handle + "/post/" + rkey}
}
