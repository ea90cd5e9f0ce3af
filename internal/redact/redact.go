// Package redact hides the credentials an operator may put in a feed's URL
// (https://user:pass@host/feed, ?token=...) wherever the URL is shown: logs,
// errors, status, /readyz. The URL itself is still what is fetched and what
// the ledger keys a feed by; only what people read is redacted.
package redact

import (
	"net/url"
	"strings"
)

// Mask stands in for a hidden credential (net/url's URL.Redacted uses the same).
const Mask = "xxxxx"

// secretWords are the query parameter names, or words of them (api_key,
// access_token, X-Amz-Signature), that carry a credential.
var secretWords = map[string]bool{
	"token": true, "key": true, "apikey": true, "auth": true, "password": true, "passwd": true, "pass": true,
	"secret": true, "sig": true, "signature": true, "credential": true, "credentials": true,
}

// URL returns raw for display: its user information (user name included: a
// token is often given as one) and the values of its credential-like query
// parameters replaced by Mask, everything else as written, in order. It
// works on the text, not on a parse, so that a URL net/url refuses is
// redacted all the same.
func URL(raw string) string {
	s := raw
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			s = s[:i+3] + Mask + rest[at:]
		}
	}
	q := strings.IndexByte(s, '?')
	if q < 0 {
		return s
	}
	query, frag := s[q+1:], ""
	if h := strings.IndexByte(query, '#'); h >= 0 {
		query, frag = query[:h], query[h:]
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		if name, _, ok := strings.Cut(p, "="); ok && secretParam(name) {
			params[i] = name + "=" + Mask
		}
	}
	return s[:q+1] + strings.Join(params, "&") + frag
}

// secretParam reports whether a query parameter named name carries a
// credential: the name, or one of its words, is a secret word.
func secretParam(name string) bool {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	name = strings.ToLower(name)
	if secretWords[name] {
		return true
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == '[' || r == ']' }) {
		if secretWords[w] {
			return true
		}
	}
	return false
}

// Within returns text with every occurrence of rawURL redacted: for a
// message recorded before reelpost redacted its URLs (a feed's last error
// in an older ledger).
func Within(text, rawURL string) string {
	if rawURL == "" {
		return text
	}
	return strings.ReplaceAll(text, rawURL, URL(rawURL))
}
