package publisher

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestErrorSaysWhatToDo: a refusal reads as the operator needs it: the
// account, the network's answer and what to do, never the relay's class of
// error.
func TestErrorSaysWhatToDo(t *testing.T) {
	t.Parallel()
	reset := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		err  *Error
		want []string
	}{
		{"mastodon token revoked",
			&Error{Kind: Permanent, Network: Mastodon, Account: "mastodon:films.example", Status: 401, Message: "The access token is invalid"},
			[]string{"mastodon:films.example: HTTP 401: The access token is invalid; the token is wrong or revoked; make a new one under Preferences > Development"}},
		{"x read-only app",
			&Error{Kind: Permanent, Network: X, Account: "x:42", Status: 403, Message: "Forbidden"},
			[]string{"x:42: HTTP 403: Forbidden; ", "Read and Write", "regenerate the access token"}},
		{"x bad keys",
			&Error{Kind: Permanent, Network: X, Account: "x:42", Status: 401, Message: "Unauthorized"},
			[]string{"x:42: HTTP 401: Unauthorized; ", "regenerate them in the developer portal"}},
		{"bluesky account password",
			&Error{Kind: Permanent, Network: Bluesky, Account: "bluesky:@films.example", Status: 401, Message: "Invalid identifier or password"},
			[]string{"Invalid identifier or password; ", "app password from Settings > Privacy and security > App passwords"}},
		{"rate limit says when, no advice",
			&Error{Kind: RateLimited, Network: X, Account: "x:42", Status: 429, RetryAfter: reset},
			[]string{"x:42: rate-limited (HTTP 429) (retry after 2026-03-01T12:00:00Z)"}},
		{"server error, nothing to fix",
			&Error{Kind: Transient, Network: Mastodon, Account: "mastodon:films.example", Status: 503, Message: "Service Unavailable"},
			[]string{"mastodon:films.example: HTTP 503: Service Unavailable"}},
		{"no answer",
			&Error{Kind: Transient, Network: Bluesky, Account: "bluesky:@films.example", Err: errors.New("dial tcp: connection refused")},
			[]string{"bluesky:@films.example: dial tcp: connection refused"}},
		{"own hint",
			&Error{Kind: Permanent, Network: Mastodon, Account: "mastodon:films.example", Message: "token lacks write:statuses", Hint: "make a new one"},
			[]string{"mastodon:films.example: token lacks write:statuses; make a new one"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Error() = %q, want it to contain %q", got, w)
				}
			}
			for _, jargon := range []string{"permanent", "transient"} {
				if strings.Contains(got, jargon) {
					t.Errorf("Error() = %q says %q", got, jargon)
				}
			}
			if r := tt.err.Reason(); !strings.HasSuffix(got, r) || strings.Contains(r, tt.err.Account) {
				t.Errorf("Reason() = %q, want Error() without the account", r)
			}
		})
	}
}
