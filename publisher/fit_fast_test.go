package publisher

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzFitShortcuts checks the fitter's shortcuts against the plain way:
// measuring line by line gives the text, links and count that tidying,
// placing links in and counting the whole post give; and longestSummary
// picks the longest summary candidate that fits, as trying each in turn
// does.
func FuzzFitShortcuts(f *testing.F) {
	f.Add("Her", "It's sweet, humorous and thought-provoking. Another one here! And a third, longer sentence with words.", "Science Fiction", "her", uint8(0), uint16(0))
	f.Add("千と千尋の神隠し 🐉", "不思議な町に迷い込んだ少女の成長物語。🎬✨ 傑作だ。", "アニメ", "レビュー/千と千尋", uint8(7), uint16(120))
	f.Add("Ame\u0301lie Z\u0335\u0321a\u0334lgo", "e\u0301\u0301\u0301 👨‍👩‍👧‍👦🇫🇷 1⃣ see example.com now.", "Comédie", "amélie-(2001)", uint8(5), uint16(200))
	f.Add("#1 http://x.co/a", "@films@example.social https://t.co/abc wow. Then more!", "#tag", "?q=1#frag", uint8(1), uint16(77))
	f.Add("Long", longReview().Summary, "Romance", "x/y", uint8(2), uint16(300))
	r := mustRenderer(f, Templates{})
	f.Fuzz(func(t *testing.T, title, summary, genre, path string, n uint8, limit uint16) {
		rv := fuzzReview(title, summary, genre, path, n)
		for _, network := range Networks {
			rules := DefaultRules(network)
			if limit != 0 {
				rules.Limit = 40 + int(limit%600)
			}
			tmpl := r.networks[network]
			fast := fitter{tmpl: tmpl, rules: rules}
			d := newTemplateData(rv, n%2 == 1, mentionPolicy(n%3%2))
			fast.known = knownURLs(nil, &d)
			if fast.byLine = countsByLine(rules, fast.known); !fast.byLine {
				t.Fatalf("%s: the default rules are not counted line by line", network)
			}
			whole := fast
			whole.byLine = false
			steps, _ := dropSteps(d)
			for level := 0; level <= len(steps); level++ {
				x := d
				for _, step := range steps[:level] {
					step(&x)
				}
				got, gotFits, err := fast.try(&x)
				if err != nil {
					t.Fatal(err)
				}
				want, wantFits, err := whole.try(&x)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) || gotFits != wantFits {
					t.Fatalf("%s level %d: by line %+v (fits %v), whole %+v (fits %v)", network, level, got, gotFits, want, wantFits)
				}
			}
			// The longest summary at the last level, where the shortest fits.
			x := d
			for _, step := range steps {
				step(&x)
			}
			c := newSummaryCandidates(x.Summary, minSummaryRunes)
			x.Summary = c.at(0)
			first, ok, err := whole.try(&x)
			if err != nil || !ok {
				continue
			}
			wantI, wantText := 0, first.text
			monotone := true
			for i := 1; i < c.len(); i++ {
				x.Summary = c.at(i)
				res, ok, _ := whole.try(&x)
				if ok && wantI < i-1 {
					monotone = false // a longer one fits after a shorter did not
				}
				if ok {
					wantI, wantText = i, res.text
				}
			}
			if !monotone {
				continue // the fitter assumes longer candidates count no less
			}
			got, ok, err := fast.longestSummary(&c, &x, first)
			if err != nil || !ok {
				t.Fatalf("%s: longestSummary: %v %v", network, ok, err)
			}
			if got.text != wantText {
				t.Fatalf("%s limit %d: longestSummary chose\n%s\nwant candidate %d:\n%s", network, rules.Limit, got.text, wantI, wantText)
			}
		}
	})
}

// TestCountsByLineOnlyWhereDeclared checks that a post is measured by line
// only under rules that declare their count line-additive, and only while no
// known URL spans a line break; and that every rules which declare it do
// count a text as its lines plus its line breaks, or the fitter would
// measure posts wrongly.
func TestCountsByLineOnlyWhereDeclared(t *testing.T) {
	t.Parallel()
	known := []string{"https://example.com/a"}
	declared := map[string]Rules{
		"x":               DefaultRules(X),
		"mastodon":        DefaultRules(Mastodon),
		"mastodon server": MastodonRules(1000, 30),
		"pleroma":         PleromaRules(5000),
		"bluesky":         DefaultRules(Bluesky),
	}
	tests := []struct {
		name  string
		rules Rules
		known []string
		want  bool
	}{
		{"own counter", Rules{Network: X, Limit: 280, Count: func(s string) int { return len(s) }}, known, false},
		{"textlen's counter, not declared", Rules{Network: X, Limit: 280, Count: DefaultRules(X).Count}, known, false},
		{"URL across lines", DefaultRules(X), []string{"https://example.com/a\nb"}, false},
	}
	for name, rules := range declared {
		tests = append(tests, struct {
			name  string
			rules Rules
			known []string
			want  bool
		}{name, rules, known, true})
	}
	for _, tt := range tests {
		if got := countsByLine(tt.rules, tt.known); got != tt.want {
			t.Errorf("%s: countsByLine %v, want %v", tt.name, got, tt.want)
		}
	}
	text := "Title 👨‍👩‍👧‍👦 e\u0301\n\nhttps://example.com/a @films@example.social\n#Tag 千と千尋\nexample.com/b\nend"
	for name, rules := range declared {
		sum := strings.Count(text, "\n")
		for line := range strings.SplitSeq(text, "\n") {
			sum += rules.Count(line)
		}
		if whole := rules.Count(text); whole != sum {
			t.Errorf("%s: %d for the whole, %d line by line", name, whole, sum)
		}
	}
}
