// Package publisher is the contract every social network client meets, plus
// what is common to them: rendering a Review into a post's text with a
// template and fitting it to the network's own length rules.
//
// Each network lives in a sub-package (x, mastodon, bluesky) and asserts
// Publisher at compile time.
package publisher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Network names a social network.
type Network string

const (
	X        Network = "x"
	Mastodon Network = "mastodon"
	Bluesky  Network = "bluesky"
)

// Networks lists every supported network, in the order posts are shown.
var Networks = []Network{X, Mastodon, Bluesky}

// ContentWarnings reports whether the network can put a post behind a
// content warning that readers open (Mastodon's spoiler_text, which
// GoToSocial, Pleroma and Akkoma take too). X and Bluesky cannot: a
// review with spoilers goes there without its text.
func (n Network) ContentWarnings() bool { return n == Mastodon }

// Publisher posts to one account. Publish makes one attempt: no retries
// inside, the caller decides from the *Error's Kind.
type Publisher interface {
	// ID is stable across restarts and names the account, for example
	// "mastodon:@films@example.social" or "x:@films". The ledger keys
	// deliveries on it.
	ID() string
	Network() Network
	// Rules says how this account's network counts length, and its limit.
	// Mastodon asks the server (cached); the others are constant.
	Rules(ctx context.Context) (Rules, error)
	// Publish sends one post. The same Post.Key on a second attempt never
	// makes a second post where the network offers a way to prevent it.
	Publish(ctx context.Context, p Post) (Receipt, error)
}

// Finder is implemented by publishers that can read the account's own
// earlier posts: after an attempt whose outcome is unknown (a timeout after
// sending, a crash mid-post) the caller asks before posting again.
type Finder interface {
	// Find reports the earlier post made for p.Key, if there is one.
	// variants are the other texts an earlier attempt may have sent for
	// p, with its Key and CreatedAt (a refit by the strictest count, sent
	// after a refusal for length): a network that recognises a post by its
	// text accepts any of them.
	Find(ctx context.Context, p Post, variants ...Post) (Receipt, bool, error)
}

// Verifier is implemented by publishers that can check their credentials.
type Verifier interface {
	// Verify checks the credentials with the network and returns the account
	// as the network names it (e.g. "@films@example.social").
	Verify(ctx context.Context) (string, error)
}

// Post is one fitted post for one account.
type Post struct {
	// Key is the idempotency key: the same for the same review, account and
	// repost number on every attempt.
	Key string `json:"key"`
	// Text is the whole text, already within the network's limit.
	Text string `json:"text"`
	// Links are the URLs the text carries, in order. Display is what the text
	// shows (it may be shortened, "youtu.be/ID", where the network makes links
	// from facets); URL is where it leads.
	Links []Link `json:"links,omitempty"`
	// Tags are the hashtags in the text, without '#', in order.
	Tags []string `json:"tags,omitempty"`
	// Card is the link card, for networks whose client must build it.
	Card *Card `json:"card,omitempty"`
	// SpoilerText is the content warning the text goes behind ("Spoilers:
	// Weapons (2025)"), on networks that have them (Network.ContentWarnings);
	// empty for none.
	SpoilerText string `json:"spoiler_text,omitempty"`
	// Lang is a BCP 47 language tag, or empty.
	Lang string `json:"lang,omitempty"`
	// Length is the post's length as the network counts it against Limit:
	// the text's, and the content warning's where the network counts it too.
	Length int `json:"length"`
	Limit  int `json:"limit"`
	// CreatedAt is when the delivery was made: no post for it can be
	// older, which bounds Find's look through earlier posts. Zero means
	// unknown. It is not the post's own date: Bluesky's record createdAt is
	// the clock at the attempt.
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Link is a URL as shown in a post's text.
type Link struct {
	Display string `json:"display"`
	URL     string `json:"url"`
}

// Card is a link preview: the page it points at, and its picture.
type Card struct {
	URL         string `json:"url"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// ImageURL is fetched and uploaded by the publisher; empty for no picture.
	ImageURL string `json:"image_url,omitempty"`
}

// Receipt is what a network answered for a post.
type Receipt struct {
	// ID is the network's id for the post (X tweet id, Mastodon status id,
	// Bluesky at:// URI).
	ID string `json:"id"`
	// URL is the public address of the post.
	URL string `json:"url"`
}

// Kind classifies a failed attempt so the caller can act on it without
// reading strings.
type Kind int

const (
	// Transient failures (network error, 5xx, timeout) may succeed later.
	Transient Kind = iota
	// RateLimited failures succeed after Error.RetryAfter.
	RateLimited
	// Permanent failures (bad credentials, validation) will fail again.
	Permanent
	// Duplicate means the network says this exact post exists already.
	Duplicate
)

func (k Kind) String() string {
	switch k {
	case Transient:
		return "transient"
	case RateLimited:
		return "rate-limited"
	case Permanent:
		return "permanent"
	case Duplicate:
		return "duplicate"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the error every publisher returns for a failed attempt.
type Error struct {
	Kind Kind
	// Network and Account say where it happened.
	Network Network
	Account string
	// Status is the HTTP status, or 0 when no response came.
	Status int
	// Message is the network's own explanation, when it gave one.
	Message string
	// RetryAfter is when the network allows the next attempt (rate limits,
	// Retry-After on 503), or zero.
	RetryAfter time.Time
	// Sent is true when the request may have reached the network (the outcome
	// is unknown, e.g. a timeout while waiting for the answer).
	Sent bool
	// Err is the underlying error, if any.
	Err error
	// Hint says what the operator can do about it, when the network's
	// status alone does not (a Mastodon token without the scope to post);
	// empty: Error says what the status calls for, if anything.
	Hint string
}

// Error names the account, then says what happened: the network's answer
// and, where the operator can fix it, what to do. It never says how the
// relay classed it (transient, permanent): that is the relay's business,
// and means nothing to someone reading why a post is missing.
func (e *Error) Error() string {
	who := e.Account
	if who == "" {
		who = string(e.Network)
	}
	return who + ": " + e.Reason()
}

// Reason is Error without the account, for where the account is shown
// already (reelpost check's and status's lines).
func (e *Error) Reason() string {
	var parts []string
	head := ""
	switch e.Kind {
	case RateLimited:
		head = "rate-limited"
	case Duplicate:
		head = "refused as a duplicate of an earlier post"
	}
	if e.Status != 0 {
		status := fmt.Sprintf("HTTP %d", e.Status)
		if head != "" {
			status = "(" + status + ")"
		}
		head = strings.TrimSpace(head + " " + status)
	}
	if head != "" {
		parts = append(parts, head)
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	s := strings.Join(parts, ": ")
	if s == "" {
		s = "failed"
	}
	hint := e.Hint
	if hint == "" && e.Kind != RateLimited && e.Kind != Duplicate {
		hint = advice(e.Network, e.Status)
	}
	if hint != "" {
		s += "; " + hint
	}
	if !e.RetryAfter.IsZero() {
		s += " (retry after " + e.RetryAfter.UTC().Format(time.RFC3339) + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// StatusKind classifies an HTTP answer other than the one asked for, the
// same way for every network: 429 is RateLimited; 408 and 5xx are Transient
// (a write may have been applied before the server failed); anything else
// (validation, credentials, a wrong URL) is Permanent. A network's own
// signals, such as X's duplicate-content 403, are checked before it.
func StatusKind(status int) Kind {
	switch {
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status >= 500 || status == http.StatusRequestTimeout:
		return Transient
	}
	return Permanent
}

// KindOf returns the Kind of err: the Kind of a *Error in its chain, else
// Transient (an unclassified failure is worth another try).
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return Transient
}
