package xfake

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// The fake measures a tweet on its own, from twitter-text's published
// configuration and top-level domain list (twittertext/, Apache-2.0, see
// twittertext/NOTICE), and never with the publisher's counter: a fake that
// judged with the code it judges would pass every miscount. It is simpler
// than twitter-text (and than the publisher's counter) on purpose: its URL
// recogniser is a scan, not twitter-text's regular expressions, and its
// emoji test looks for emoji blocks and modifiers instead of matching
// twitter-text's emoji list. TestWeightedLengthConformance runs it over
// every weighted-length case of twitter-text's conformance data for config
// v3 (testdata/validate.yml).

//go:embed twittertext/config-v3.json
var configV3 []byte

//go:embed twittertext/tld_lib.yml
var tldLib []byte

// weights is twitter-text's config v3: the weight of a code point is that of
// the range holding it, else defaultWeight; a URL weighs urlLength
// characters; the sum is divided by scale.
type weights struct {
	MaxWeightedLength int `json:"maxWeightedTweetLength"`
	Scale             int `json:"scale"`
	DefaultWeight     int `json:"defaultWeight"`
	URLLength         int `json:"transformedURLLength"`
	Ranges            []struct {
		Start, End rune
		Weight     int
	} `json:"ranges"`
}

var (
	config = mustConfig(configV3)
	tlds   = readTLDs(tldLib)
)

func mustConfig(b []byte) weights {
	var w weights
	if err := json.Unmarshal(b, &w); err != nil || w.Scale <= 0 || w.DefaultWeight <= 0 || w.URLLength <= 0 {
		panic(fmt.Sprintf("xfake: twitter-text config-v3.json: %v (%+v)", err, w))
	}
	return w
}

// readTLDs reads tld_lib.yml: two lists ("country:", "generic:") of
// "- tld" lines.
func readTLDs(b []byte) map[string]bool {
	out := map[string]bool{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if tld, ok := strings.CutPrefix(strings.TrimSpace(line), "- "); ok {
			out[strings.ToLower(strings.TrimSpace(tld))] = true
		}
	}
	if len(out) < 1000 {
		panic(fmt.Sprintf("xfake: twitter-text tld_lib.yml: only %d top-level domains", len(out)))
	}
	return out
}

// WeightedLength is what X counts of text, twitter-text's weightedLength:
// NFC first; a URL (with http:// or https://, or a bare domain under a
// known top-level domain) counts config.URLLength; an emoji sequence counts
// 2; any other code point its range's weight.
func WeightedLength(text string) int {
	text = norm.NFC.String(text)
	total := 0
	for i := 0; i < len(text); {
		if end, ok := urlAt(text, i); ok {
			total += config.URLLength * config.Scale
			i = end
			continue
		}
		cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(text[i:], -1)
		if isEmoji(cluster) {
			total += config.DefaultWeight
		} else {
			for _, r := range cluster {
				total += weight(r)
			}
		}
		i += len(cluster)
	}
	return total / config.Scale
}

func weight(r rune) int {
	for _, rg := range config.Ranges {
		if r >= rg.Start && r <= rg.End {
			return rg.Weight
		}
	}
	return config.DefaultWeight
}

// isEmoji reports whether a grapheme cluster is an emoji as twitter-text
// counts one (2, whatever it is made of): a pictograph of the
// supplementary planes' emoji blocks, a flag, or anything carrying an emoji
// presentation or text selector, a keycap, a skin tone, tags or a joiner
// after a symbol. A lone symbol of the BMP weighs 2 anyway.
func isEmoji(cluster string) bool {
	first, _ := utf8.DecodeRuneInString(cluster)
	if first >= 0x1F000 && first <= 0x1FAFF {
		return true
	}
	for _, r := range cluster {
		switch {
		case r == 0xFE0F, r == 0xFE0E, r == 0x20E3,
			r >= 0x1F3FB && r <= 0x1F3FF, // skin tones
			r >= 0xE0020 && r <= 0xE007F, // tags
			r == 0x200D && first >= 0x2000:
			return true
		}
	}
	return false
}

// urlAt reports whether a URL twitter-text would extract starts at byte i of
// text, and where it ends.
func urlAt(text string, i int) (int, bool) {
	if i > 0 {
		// twitter-text's valid_url_preceding_chars: not after a letter, a
		// digit, @, $ or #.
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsLetter(prev) || unicode.IsDigit(prev) || strings.ContainsRune("@＠$#＃", prev) {
			return 0, false
		}
	}
	rest := text[i:]
	scheme := 0
	for _, s := range []string{"https://", "http://"} {
		if len(rest) >= len(s) && strings.EqualFold(rest[:len(s)], s) {
			scheme = len(s)
			break
		}
	}
	if scheme == 0 && i > 0 {
		// A bare domain is not one after '-', '_', '.' or '/'
		// (INVALID_URL_WITHOUT_PROTOCOL_MATCH_BEGIN).
		if prev := text[i-1]; strings.IndexByte("-_./", prev) >= 0 {
			return 0, false
		}
	}
	hostEnd := scheme
	for hostEnd < len(rest) {
		r, size := utf8.DecodeRuneInString(rest[hostEnd:])
		// With a scheme a host may be written in any script; without one
		// twitter-text takes only ASCII domains.
		if r == '.' || r == '-' || r == '_' || (r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) ||
			(scheme > 0 && r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))) {
			hostEnd += size
			continue
		}
		break
	}
	host := strings.TrimRight(rest[scheme:hostEnd], ".-_")
	hostEnd = scheme + len(host)
	if !validHost(host) {
		return 0, false
	}
	end := hostEnd
	if end < len(rest) && rest[end] == ':' {
		p := end + 1
		for p < len(rest) && rest[p] >= '0' && rest[p] <= '9' {
			p++
		}
		if p > end+1 {
			end = p
		}
	}
	if end < len(rest) && strings.IndexByte("/?#", rest[end]) >= 0 {
		end += pathLen(rest[end:])
	} else if end < len(rest) {
		// The domain must end at a word boundary: "example.community" is
		// not "example.com" followed by "munity".
		r, _ := utf8.DecodeRuneInString(rest[end:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' {
			return 0, false
		}
	}
	// twitter-text refuses a URL longer than 4096 characters, its host
	// counted in punycode, a scheme assumed where none is written.
	if ascii, err := idna.Punycode.ToASCII(host); err != nil || end-len(host)+len(ascii)+8-scheme > 4096 {
		return 0, false
	}
	return i + end, true
}

// validHost reports whether host is a domain twitter-text links: at least
// two labels, none empty or longer than 63 characters in punycode, the last
// a known top-level domain.
func validHost(host string) bool {
	labels := strings.Split(host, ".")
	if len(labels) < 2 || !tlds[strings.ToLower(labels[len(labels)-1])] {
		return false
	}
	for _, l := range labels {
		ascii, err := idna.Punycode.ToASCII(l)
		if err != nil || ascii == "" || len(ascii) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return true
}

// pathLen is how much of s (starting with '/', '?' or '#') belongs to the
// URL: up to white space or a character no URL carries, less the
// punctuation that ends a sentence rather than the URL and any closing
// bracket without its opening one.
func pathLen(s string) int {
	end := 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune("<>\"`{}|\\^", r) || r == utf8.RuneError {
			break
		}
		end += size
	}
	for end > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:end])
		switch {
		case strings.ContainsRune(".,;:!?'*", r):
		case r == ')' && strings.Count(s[:end], "(") < strings.Count(s[:end], ")"):
		case r == ']' && strings.Count(s[:end], "[") < strings.Count(s[:end], "]"):
		default:
			return end
		}
		end -= size
	}
	return end
}
