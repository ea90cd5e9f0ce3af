package xfake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file checks OAuth 1.0a signatures as RFC 5849 section 3 describes
// (https://www.rfc-editor.org/rfc/rfc5849#section-3.4). It is written here
// rather than borrowed from github.com/dghubble/oauth1 on purpose: the
// publisher signs with that library, and a check built on the same code would
// share its mistakes instead of catching them.

// maxClockSkew is how far oauth_timestamp may be from the server's clock.
// X does not publish a figure; RFC 5849 3.3 leaves it to the server, and 5
// minutes is what Twitter's v1 documentation used to say.
const maxClockSkew = 5 * time.Minute

var errAuth = errors.New("oauth")

// authParams parses an "Authorization: OAuth k="v", ..." header (RFC 5849 3.5.1).
func authParams(h string) (map[string]string, error) {
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return nil, fmt.Errorf("%w: no OAuth authorization header", errAuth)
	}
	out := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, fmt.Errorf("%w: malformed parameter %q", errAuth, k)
		}
		key, err1 := url.PathUnescape(k)
		val, err2 := url.PathUnescape(v[1 : len(v)-1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%w: bad percent-encoding in %q", errAuth, k)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%w: %s given twice", errAuth, key)
		}
		out[key] = val
	}
	return out, nil
}

// encode is RFC 5849 3.6 percent-encoding: everything but ALPHA, DIGIT and
// "-._~" as %XX with upper-case hex.
func encode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// baseURI is RFC 5849 3.4.1.2: scheme and host in lower case, default port
// left out, the path without the query.
func baseURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if h, p, err := net.SplitHostPort(host); err == nil && (scheme == "http" && p == "80" || scheme == "https" && p == "443") {
		host = h
	}
	return scheme + "://" + host + r.URL.EscapedPath()
}

// signatureBase is RFC 5849 3.4.1: method, base URI and the normalized
// parameters (query, form body when the body is form-encoded, and every
// oauth_* parameter but the signature; realm excluded), each encoded, sorted
// by name then value (duplicates kept).
func signatureBase(r *http.Request, body []byte, oauth map[string]string) string {
	type pair struct{ k, v string }
	var ps []pair
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			ps = append(ps, pair{encode(k), encode(v)})
		}
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range form {
				for _, v := range vs {
					ps = append(ps, pair{encode(k), encode(v)})
				}
			}
		}
	}
	for k, v := range oauth {
		if k == "oauth_signature" || k == "realm" {
			continue
		}
		ps = append(ps, pair{encode(k), encode(v)})
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].k != ps[j].k {
			return ps[i].k < ps[j].k
		}
		return ps[i].v < ps[j].v
	})
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.k + "=" + p.v
	}
	return strings.ToUpper(r.Method) + "&" + encode(baseURI(r)) + "&" + encode(strings.Join(parts, "&"))
}

// sign is HMAC-SHA1 over base with key consumerSecret&tokenSecret (RFC 5849 3.4.2).
func sign(consumerSecret, tokenSecret, base string) string {
	m := hmac.New(sha1.New, []byte(encode(consumerSecret)+"&"+encode(tokenSecret)))
	_, _ = io.WriteString(m, base)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// verify checks r's OAuth 1.0a signature against the server's credentials,
// its timestamp against now, and that its nonce is new. It returns why the
// request is refused, or nil.
func (s *Server) verify(r *http.Request, body []byte) error {
	p, err := authParams(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	for _, k := range []string{"oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature"} {
		if p[k] == "" {
			return fmt.Errorf("%w: %s missing", errAuth, k)
		}
	}
	if v, ok := p["oauth_version"]; ok && v != "1.0" {
		return fmt.Errorf("%w: oauth_version %q", errAuth, v)
	}
	if p["oauth_signature_method"] != "HMAC-SHA1" {
		return fmt.Errorf("%w: oauth_signature_method %q", errAuth, p["oauth_signature_method"])
	}
	if p["oauth_consumer_key"] != s.creds.APIKey {
		return fmt.Errorf("%w: unknown consumer key", errAuth)
	}
	if p["oauth_token"] != s.creds.AccessToken {
		return fmt.Errorf("%w: unknown token", errAuth)
	}
	ts, err := strconv.ParseInt(p["oauth_timestamp"], 10, 64)
	if err != nil {
		return fmt.Errorf("%w: oauth_timestamp %q", errAuth, p["oauth_timestamp"])
	}
	if d := s.now().Sub(time.Unix(ts, 0)); d > maxClockSkew || d < -maxClockSkew {
		return fmt.Errorf("%w: oauth_timestamp off by %s", errAuth, d.Round(time.Second))
	}
	want := sign(s.creds.APISecret, s.creds.AccessTokenSecret, signatureBase(r, body, p))
	if !hmac.Equal([]byte(want), []byte(p["oauth_signature"])) {
		return fmt.Errorf("%w: signature mismatch", errAuth)
	}
	// RFC 5849 3.3: a nonce is unique per timestamp, consumer and token.
	// Checked after the signature so a forged request cannot burn a nonce.
	key := p["oauth_timestamp"] + " " + p["oauth_nonce"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nonces[key] {
		return fmt.Errorf("%w: nonce reused", errAuth)
	}
	s.nonces[key] = true
	return nil
}
