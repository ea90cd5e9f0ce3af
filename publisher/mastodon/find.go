package mastodon

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/reelpost/reelpost/publisher"
)

// findWindow is how many of the account's newest statuses Find reads: the
// most one page of GET /api/v1/accounts/:id/statuses gives
// (https://docs.joinmastodon.org/methods/accounts/#statuses).
const findWindow = 40

// clockSkew is how much earlier than Post.CreatedAt a status may be dated
// and still be a candidate: our clock and the server's need not agree.
const clockSkew = 10 * time.Minute

// Find looks for a status made for post among the account's newest 40
// (replies left out), for use after an attempt whose outcome is unknown on a
// server that ignores Idempotency-Key.
//
// A status is the post's when, newest first:
//   - it is not dated more than 10 minutes before post.CreatedAt (when set):
//     an older status cannot come from an attempt at this post; and
//   - its text (the HTML content as plain text; links in full, as Mastodon
//     keeps the hidden part of a shortened link in the markup) equals
//     post.Text, both compared as comparable makes them (white space,
//     Markdown emphasis and HTML tags do not count); or, for servers that
//     rewrite text further (link shortening), the post has links and the
//     status carries every one of post.Links' URLs (as a link target or in
//     its text) and contains the post's first line;
//
// or the same holds for one of variants, the other texts an earlier attempt
// may have sent (the relay's refit by the strictest count: a status whose
// title was cut to fit is not the post as rendered now).
func (p *Publisher) Find(ctx context.Context, post publisher.Post, variants ...publisher.Post) (publisher.Receipt, bool, error) {
	p.mu.Lock()
	id := p.accountID
	p.mu.Unlock()
	if id == "" {
		acc, err := p.verifyCredentials(ctx)
		if err != nil {
			return publisher.Receipt{}, false, err
		}
		id = acc.ID
	}
	q := url.Values{"limit": {strconv.Itoa(findWindow)}, "exclude_replies": {"true"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		p.server+"/api/v1/accounts/"+url.PathEscape(id)+"/statuses?"+q.Encode(), nil)
	if err != nil {
		return publisher.Receipt{}, false, p.fail(publisher.Permanent, 0, "", err)
	}
	var sts []status
	if err := p.do(req, &sts); err != nil {
		return publisher.Receipt{}, false, err
	}
	for _, st := range sts {
		if !post.CreatedAt.IsZero() && !st.CreatedAt.IsZero() && st.CreatedAt.Before(post.CreatedAt.Add(-clockSkew)) {
			continue
		}
		if matches(st.Content, post) || slices.ContainsFunc(variants, func(v publisher.Post) bool { return matches(st.Content, v) }) {
			return st.receipt(), true, nil
		}
	}
	return publisher.Receipt{}, false, nil
}

func matches(content string, post publisher.Post) bool {
	text, hrefs := plain(content)
	got, want := comparable(text), comparable(post.Text)
	if want == "" {
		return false
	}
	if got == want {
		return true
	}
	if len(post.Links) == 0 {
		return false
	}
	for _, l := range post.Links {
		if !hrefs[l.URL] && !strings.Contains(got, comparable(l.URL)) {
			return false
		}
	}
	first, _, _ := strings.Cut(strings.TrimSpace(post.Text), "\n")
	return strings.Contains(got, comparable(first))
}

// htmlTag is an HTML start or end tag.
var htmlTag = regexp.MustCompile(`</?[A-Za-z][^<>]*>`)

// comparable is text as Find compares it, the same for what we sent and
// what the server shows: without HTML tags, without the characters
// Markdown takes for emphasis or code (* _ ~ `), and with every run of
// white space made one space. A server that reads the status as Markdown
// (GoToSocial, Pleroma and Akkoma when the account's default says so) shows
// "M*A*S*H" as "M<em>A</em>S*H", whose text is "MAS*H"; both sides become
// "MASH". Tags go from both sides so that a server that kept a tag of our
// text as markup and one that escaped it compare alike.
func comparable(text string) string {
	text = htmlTag.ReplaceAllString(text, "")
	text = strings.Map(func(r rune) rune {
		switch r {
		case '*', '_', '~', '`':
			return -1
		}
		return r
	}, text)
	return squash(text)
}

// plain turns a status's HTML content into text (paragraphs and <br> as line
// breaks, every text node kept, hidden link parts included) and collects the
// link targets.
func plain(content string) (string, map[string]bool) {
	var b strings.Builder
	hrefs := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(content))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String(), hrefs
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.Data {
			case "br":
				b.WriteString("\n")
			case "p":
				if b.Len() > 0 {
					b.WriteString("\n\n")
				}
			case "a":
				for _, a := range t.Attr {
					if a.Key == "href" {
						hrefs[a.Val] = true
					}
				}
			}
		}
	}
}

// squash makes every run of white space one space and trims the ends.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
