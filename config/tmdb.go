package config

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// TMDBKind is the kind of TMDB credential TMDB_API_KEY holds, which decides
// how it is sent (https://developer.themoviedb.org/docs/authentication-application).
type TMDBKind string

const (
	// TMDBNone: TMDB_API_KEY is not set; TMDB is not asked.
	TMDBNone TMDBKind = ""
	// TMDBAPIKey is a v3 API key, sent as the api_key query parameter.
	TMDBAPIKey TMDBKind = "v3 API key"
	// TMDBReadToken is a v4 API read access token, sent as
	// "Authorization: Bearer <token>".
	TMDBReadToken TMDBKind = "v4 read access token"
)

// TMDBAuth returns TMDB_API_KEY and its kind (TMDBNone when not set).
func (c *Config) TMDBAuth() (TMDBKind, Secret) {
	if !c.TMDBAPIKey.IsSet() {
		return TMDBNone, ""
	}
	kind, err := tmdbKindOf(c.TMDBAPIKey.Value())
	if err != nil {
		return TMDBNone, ""
	}
	return kind, c.TMDBAPIKey
}

func (c *Config) validateTMDB() Problems {
	var ps Problems
	if c.TMDBAPIKey.IsSet() {
		if _, err := tmdbKindOf(c.TMDBAPIKey.Value()); err != nil {
			ps = append(ps, &Problem{Var: "TMDB_API_KEY", Err: err})
		}
	}
	if err := checkBaseURL(c.TMDBAPIURL); err != nil {
		ps = append(ps, problemf("TMDB_API_URL", "%q: expected an http(s) URL such as https://api.themoviedb.org", c.TMDBAPIURL))
	} else {
		c.TMDBAPIURL = strings.TrimRight(c.TMDBAPIURL, "/")
	}
	if c.TMDBWait < 0 {
		ps = append(ps, problemf("TMDB_WAIT", "expected a duration of 0 or more"))
	}
	return ps
}

// tmdbKindOf tells the two kinds of TMDB credential apart by their form. Its
// errors never contain the value.
func tmdbKindOf(v string) (TMDBKind, error) {
	if len(v) >= 7 && strings.EqualFold(v[:7], "bearer ") {
		return TMDBNone, errors.New(`starts with "Bearer ": give the token alone`)
	}
	if len(v) == 32 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "" {
		return TMDBAPIKey, nil
	}
	if isJWT(v) {
		return TMDBReadToken, nil
	}
	return TMDBNone, fmt.Errorf("neither a v3 API key (32 hexadecimal characters) nor a v4 API read access token (a JWT: three base64url parts joined by dots, eyJ...); got %d characters", len(v))
}

// isJWT: three base64url parts, the first a JSON header naming its
// algorithm (RFC 7519, RFC 7515).
func isJWT(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		if _, err := base64.RawURLEncoding.DecodeString(p); err != nil {
			return false
		}
	}
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var h struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(header, &h) == nil && h.Alg != ""
}
