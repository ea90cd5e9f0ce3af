package xfake

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
)

// TestSignatureKnownAnswer checks the signature code against the worked
// example of X's "Creating a signature" guide
// (https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature;
// the values are those of its original api.twitter.com version).
func TestSignatureKnownAnswer(t *testing.T) {
	t.Parallel()
	body := "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"
	r, err := http.NewRequest(http.MethodPost, "https://api.twitter.com/1.1/statuses/update.json?include_entities=true", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.TLS = &tls.ConnectionState{} // as a server sees an https request
	oauth := map[string]string{
		"oauth_consumer_key":     "xvz1evFS4wEEPTGEFPHBog",
		"oauth_nonce":            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        "1318622958",
		"oauth_token":            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		"oauth_version":          "1.0",
	}
	got := sign("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
		signatureBase(r, []byte(body), oauth))
	if want := "hCtSmYh+iHYCEqBWrE7C7hYmtUk="; got != want {
		t.Fatalf("signature %s, want %s (base %s)", got, want, signatureBase(r, []byte(body), oauth))
	}
}
