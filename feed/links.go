package feed

import (
	"net/url"
	"strings"
)

// trackingParams are query parameters that say who shared a link, not which
// page it is. ?lang= is here too: Wix lists one post per language and those
// are the same review.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true,
	"ref": true, "si": true, "lang": true, "igshid": true, "dclid": true,
}

// NormalizeLink returns raw in the form used for identity: https, lower-case
// host, no default port, no fragment, no trailing slash, and without utm_*,
// fbclid, gclid, mc_cid, mc_eid, ref, si and lang parameters (the rest keep
// their values, sorted by name). A string that is not an absolute URL is
// returned trimmed.
func NormalizeLink(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	if strings.HasPrefix(raw, "//") {
		raw = "https:" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return raw
	}
	u.Scheme = "https"
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if trackingParams[lk] || strings.HasPrefix(lk, "utm_") {
				q.Del(k)
			}
		}
		u.RawQuery = q.Encode()
	}
	u.ForceQuery = false
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u.String()
}

// ResolveURL makes ref absolute against base. Protocol-relative references
// become https; a reference that cannot be resolved is returned as it was when
// it is already absolute, else "". Schemeless host names such as
// "www.example.com/x" (Wix writes those) are taken as https.
func ResolveURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	if strings.HasPrefix(ref, "//") {
		return "https:" + ref
	}
	if strings.HasPrefix(strings.ToLower(ref), "www.") {
		return "https://" + ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if r.IsAbs() {
		if r.Scheme != "http" && r.Scheme != "https" {
			return ""
		}
		return r.String()
	}
	if base == nil || !base.IsAbs() {
		return ""
	}
	return base.ResolveReference(r).String()
}

// ParseBase parses s as an absolute http(s) URL, or returns nil.
func ParseBase(s string) *url.URL {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "//") {
		s = "https:" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil
	}
	return u
}
