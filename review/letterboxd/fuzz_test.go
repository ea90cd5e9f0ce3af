package letterboxd

import (
	"strings"
	"testing"
)

// Descriptions come from a remote feed: whatever HTML arrives, the text must
// keep Letterboxd's boilerplate out and its paragraphs tidy.
func FuzzReadDescription(f *testing.F) {
	for _, s := range []string{
		poster + ` <p>Watched on Saturday January 6, 2024.</p>`,
		poster + ` <p><em>This review may contain spoilers.</em></p> <p>a<br>b<br><br>c</p>`,
		`<p>Crews.</p> <ol> <li> <a href="https://letterboxd.com/film/heat-1995/">Heat</a> </li> </ol> <p>...plus 4 more. <a href="x">View the full list on Letterboxd</a>.</p>`,
		`<blockquote><p>nested</p> loose</blockquote><img src="data:x"><div>  </div>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := readDescription(s)
		for _, p := range append(append([]string{}, d.paragraphs...), d.outsideList...) {
			if p == "" || strings.TrimSpace(p) != p || strings.Contains(p, "\n\n") {
				t.Fatalf("untidy paragraph %q from %q", p, s)
			}
			if spoilerLineRE.MatchString(p) || watchedOnRE.MatchString(p) {
				t.Fatalf("boilerplate %q kept from %q", p, s)
			}
		}
		if len(d.outsideList) > len(d.paragraphs) {
			t.Fatalf("more list-description paragraphs (%d) than paragraphs (%d)", len(d.outsideList), len(d.paragraphs))
		}
		if lower := strings.ToLower(d.poster); d.poster != "" && !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
			t.Fatalf("poster %q is not an http(s) address", d.poster)
		}
		_ = parseItemTitle(s)
	})
}
