package publisher

import "net/http"

// advice is what the operator can do about a network's refusal, said as
// the network's own settings pages say it, or "" when there is nothing
// they can fix (a server error, a rate limit: reelpost waits and retries).
// The paths are the networks' own: Mastodon's Preferences > Development
// (https://docs.joinmastodon.org/client/token/), X's developer portal with
// its Read and Write app permission
// (https://docs.x.com/resources/fundamentals/authentication/guides/authentication-best-practices),
// Bluesky's app passwords (https://bsky.app/settings/app-passwords).
func advice(n Network, status int) string {
	switch n {
	case Mastodon:
		switch status {
		case http.StatusUnauthorized:
			return "the token is wrong or revoked; make a new one under Preferences > Development (scope write:statuses) and set the account's ACCESS_TOKEN"
		case http.StatusForbidden:
			return "the token may not do this; make a new one under Preferences > Development with the scopes write:statuses and read:accounts"
		case http.StatusNotFound:
			return "no Mastodon API at this address: check the account's SERVER"
		}
	case X:
		switch status {
		case http.StatusUnauthorized:
			return "the API key or access token is wrong or revoked; regenerate them in the developer portal (Keys and tokens), the access token with Read and Write permission"
		case http.StatusForbidden:
			return "X does not let this app post for this account; set the app's permissions to Read and Write in the developer portal (User authentication settings), then regenerate the access token and its secret"
		case http.StatusNotFound:
			return "no X API at this address: check the account's API_URL"
		}
	case Bluesky:
		switch status {
		case http.StatusUnauthorized:
			return "the handle or app password is wrong or revoked; use an app password from Settings > Privacy and security > App passwords (never the account password)"
		case http.StatusNotFound:
			return "no Bluesky PDS at this address: check the account's PDS_URL"
		}
	}
	return ""
}
