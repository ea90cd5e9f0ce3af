package review

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/testutil"
)

// walkBoth walks s with scanHTML and with x/net/html's Tokenizer. scanned
// is false when scanHTML left s to the Tokenizer.
func walkBoth(s string, base *url.URL) (scan, tok *bodyResult, scanned bool) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	scan, tok = &bodyResult{}, &bodyResult{}
	var w bodyWalker
	w.reset(scan, base, true)
	scanned = w.scanHTML(s)
	w.reset(tok, base, true)
	w.tokenize(s)
	return scan, tok, scanned
}

// TestScanHTMLAgreesWithTokenizer checks the hand-written scanner against
// golang.org/x/net/html's Tokenizer on the bodies where the two tokenizers'
// rules are hardest to follow: a difference would change a review's text,
// trailer or picture depending on which one read it.
func TestScanHTMLAgreesWithTokenizer(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://blog.example.com/2026/review/")
	cases := map[string]struct {
		body    string
		scanned bool // scanHTML reads it itself
	}{
		"paragraphs and entities":  {`<p>It&#8217;s sweet &amp; humorous&hellip; &notit; &ampx</p><p>Next</p>`, true},
		"attributes of every form": {`<img SRC=/a.jpg width=640 data-src='x' src="b"><iframe src = "https://www.youtube.com/embed/WzV6mXIOVl4?a=1&amp;b=2" ></iframe>`, true},
		"lazy iframe, raw text":    {`<iframe data-lazy-src="//www.youtube-nocookie.com/embed/WzV6mXIOVl4?a=1&#038;b=2"><p>https://youtu.be/aaaaaaaaaaa</p></IFRAME >after`, true},
		"unclosed raw text":        {`<title>A &amp; B</title><textarea>x &lt; y</textareax> still</textarea><style>p{}</style`, true},
		"comments":                 {`a<!-- wp:embed {"url":"https:\/\/www.youtube.com\/watch?v=WzV6mXIOVl4"} --><!--><!--->b<!-- x --!>c<!-- y --!-z -->d<!-- open --`, true},
		"declarations":             {`<!DOCTYPE html><!doctypex><![CDATA[ youtu.be/WzV6mXIOVl4 ]]><?xml x?></>t</ 3>e`, true},
		"stray angle brackets":     {`a < b <3 and <<p>x</p> <`, true},
		"end of input in a tag":    {`<p>text<a href="https://youtu.be/WzV6mXIOVl4`, true},
		"end of input after </":    {`<p>text</`, true},
		"carriage returns":         {"<p>line\r\none\rtwo</p><a\rhref=\"https://youtu.be/WzV6mXIOVl4\r\">x</a>", true},
		"self closing and slashes": {`<br/><img/src="a.jpg"/><p a=/>x</p><div =x class=embed>https://youtu.be/WzV6mXIOVl4</div>`, true},
		"upper case":               {`<DIV CLASS="Sharedaddy"><P>Share this</P></DIV><P>Kept</p>`, true},
		"script":                   {`<p>a</p><script>var s = "</p><!--<script>";</script><p>b</p>`, false},
		"nul":                      {"<p>a\x00b</p>", false},
		"attribute reference":      {`<a href="https://www.youtube.com/watch?x=1&copy=2&v=WzV6mXIOVl4">x</a>`, false},
		"attribute prefix match":   {`<a href="https://youtu.be/WzV6mXIOVl4?x&notify=1">x</a>`, false},
		"raw ampersands":           {`<iframe src="https://www.youtube.com/embed/WzV6mXIOVl4?feature=oembed&wmode=opaque&amp;rel=0&#038;x=1&=&"></iframe>`, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			scan, tok, scanned := walkBoth(tc.body, base)
			if scanned != tc.scanned {
				t.Errorf("scanHTML read it itself: %v, want %v", scanned, tc.scanned)
			}
			if scanned && !reflect.DeepEqual(scan, tok) {
				t.Errorf("scanHTML found %+v\nthe Tokenizer  %+v", scan, tok)
			}
		})
	}
}

// FuzzScanHTML checks that scanHTML, whenever it reads a body itself, finds
// what x/net/html's Tokenizer finds: the same lines, trailer and picture.
func FuzzScanHTML(f *testing.F) {
	for _, name := range []string{"her_rss2_shortcode.xml", "her_atom.xml", "her_wix_page.html"} {
		b, err := os.ReadFile(filepath.Join("testdata", "reviews", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{
		`<p>It&#8217;s &amp; <b>bold</b></p><iframe src="//www.youtube.com/embed/WzV6mXIOVl4"></iframe>`,
		`<!-- x --!><!--><!DOCTYPE html><?php ?></ x><title>a&amp;b</title>`,
		"<a\rhref='x&amp;y'>\r\n</a><img src=a.jpg width=10/>",
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://blog.example.com/2026/review/")
	f.Fuzz(func(t *testing.T, body string) {
		scan, tok, scanned := walkBoth(body, base)
		if scanned && !reflect.DeepEqual(scan, tok) {
			t.Fatalf("body %q:\nscanHTML found %+v\nthe Tokenizer  %+v", body, scan, tok)
		}
	})
}

// TestScanHTMLAgreesOnRealFeeds runs both tokenizers over every item body
// of ../shared/fixtures/feeds-real (WordPress, Blogger, Wix, Ghost, Medium,
// Substack, Squarespace): what real feeds hold must read the same.
func TestScanHTMLAgreesOnRealFeeds(t *testing.T) {
	t.Parallel()
	dir := testutil.SharedDir(t, "fixtures", "feeds-real")
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	bodies, scannedBodies := 0, 0
	for _, path := range files {
		name := filepath.Base(path)
		if name == "README.md" || name == "MANIFEST.json" {
			continue
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := feed.Parse(name, raw, "")
		if err != nil {
			continue // TestExtractRealFeeds checks the errors
		}
		for i, it := range f.Items {
			for _, body := range []string{it.Content, it.Description} {
				if strings.TrimSpace(body) == "" {
					continue
				}
				bodies++
				scan, tok, scanned := walkBoth(body, feed.ParseBase(it.Link))
				if !scanned {
					continue
				}
				scannedBodies++
				if !reflect.DeepEqual(scan, tok) {
					t.Errorf("%s item %d: scanHTML found %+v\nthe Tokenizer  %+v", name, i, scan, tok)
				}
			}
		}
	}
	if bodies == 0 {
		t.Fatal("no item body was read: the comparison above proved nothing")
	}
	if scannedBodies < bodies*9/10 {
		t.Errorf("scanHTML read %d of %d bodies itself, want at least 90%%: the rest go the slow way", scannedBodies, bodies)
	}
	t.Logf("scanHTML read %d of %d bodies itself", scannedBodies, bodies)
}
