package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/reelpost/reelpost/publisher"
)

// session is what createSession and refreshSession answer
// (https://docs.bsky.app/docs/api/com-atproto-server-create-session).
type session struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
}

// lock takes the session lock, giving up when ctx ends. One holder at a
// time logs in or refreshes, so concurrent posts never log in twice
// (createSession is limited to 30 per 5 minutes).
func (p *Publisher) lock(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &publisher.Error{Kind: publisher.Transient, Network: publisher.Bluesky, Account: p.id,
			Err: fmt.Errorf("wait for session: %w", ctx.Err())}
	}
}

func (p *Publisher) unlock() { <-p.sem }

// current returns the session, logging in the first time.
func (p *Publisher) current(ctx context.Context) (*session, error) {
	if err := p.lock(ctx); err != nil {
		return nil, err
	}
	defer p.unlock()
	if p.sess != nil {
		return p.sess, nil
	}
	s, err := p.login(ctx)
	if err != nil {
		return nil, err
	}
	p.sess = s
	return s, nil
}

// renew replaces stale, whose access token was refused: refreshSession
// with its refresh token, and only if that is refused, a new login. When
// another caller renewed it meanwhile, its session is used.
func (p *Publisher) renew(ctx context.Context, stale *session) (*session, error) {
	if err := p.lock(ctx); err != nil {
		return nil, err
	}
	defer p.unlock()
	if p.sess != nil && p.sess != stale {
		return p.sess, nil
	}
	c := call{method: http.MethodPost, nsid: "com.atproto.server.refreshSession"}
	r, err := p.send(ctx, c, stale.RefreshJwt)
	if err != nil {
		return nil, err
	}
	if r.ok() {
		s, err := p.decodeSession(c, r)
		if err != nil {
			return nil, err
		}
		p.sess = s
		p.log.DebugContext(ctx, "session refreshed", "account", p.id)
		return s, nil
	}
	if !r.sessionRefused() {
		return nil, p.refused(c, r)
	}
	p.log.InfoContext(ctx, "session refresh refused, logging in again", "account", p.id, "error", r.name)
	p.sess = nil
	s, err := p.login(ctx)
	if err != nil {
		return nil, err
	}
	p.sess = s
	return s, nil
}

// login calls createSession with the app password; the password goes in
// the body and nowhere else.
func (p *Publisher) login(ctx context.Context) (*session, error) {
	body, err := json.Marshal(map[string]string{
		"identifier": p.acct.Handle,
		"password":   p.acct.AppPassword.Value(),
	})
	if err != nil {
		return nil, p.permanent(fmt.Errorf("encode login: %w", err))
	}
	c := call{method: http.MethodPost, nsid: "com.atproto.server.createSession", body: body, contentType: "application/json"}
	r, err := p.send(ctx, c, "")
	if err != nil {
		return nil, err
	}
	if !r.ok() {
		// 401 AuthenticationRequired (bad password), 400 AccountTakedown
		// and the like are permanent; 429 is the login rate limit.
		return nil, p.refused(c, r)
	}
	s, err := p.decodeSession(c, r)
	if err != nil {
		return nil, err
	}
	p.log.InfoContext(ctx, "logged in", "account", p.id, "did", s.DID)
	return s, nil
}

func (p *Publisher) decodeSession(c call, r *response) (*session, error) {
	var s session
	if err := p.decode(c, r, &s); err != nil {
		return nil, err
	}
	if s.AccessJwt == "" || s.DID == "" {
		return nil, &publisher.Error{Kind: publisher.Transient, Network: publisher.Bluesky, Account: p.id,
			Status: r.status, Err: fmt.Errorf("%s: answer without accessJwt or did", c.nsid)}
	}
	return &s, nil
}
