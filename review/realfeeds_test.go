package review

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/reelpost/reelpost/feed"
	"github.com/reelpost/reelpost/internal/testutil"
)

// realFeedYTRe reads "YT id in N" off a README row: `file` | ... | ... YT id in N |.
var realFeedYTRe = regexp.MustCompile("(?m)^\\| `([^`]+)` \\|.*YT id in (\\d+)")

// TestExtractRealFeeds runs Parse and extraction over every feed of
// ../shared/fixtures/feeds-real: each parses or fails with a *feed.ParseError,
// nothing panics, every string is valid UTF-8, trailers are well-formed, and
// the feeds the README notes YouTube ids in give at least that many trailers
// (every one does: no file needs an exception, playlist embeds included,
// since the items that have one also have a video).
func TestExtractRealFeeds(t *testing.T) {
	t.Parallel()
	dir := testutil.SharedDir(t, "fixtures", "feeds-real")
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	wantYT := map[string]int{}
	for _, m := range realFeedYTRe.FindAllStringSubmatch(string(readme), -1) {
		n, _ := strconv.Atoi(m[2])
		wantYT[m[1]] = n
	}
	if len(wantYT) < 15 {
		t.Fatalf("read %d 'YT id in N' rows from the README, want the corpus's 19", len(wantYT))
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	e := NewExtractor(ExtractOptions{})
	for _, path := range files {
		name := filepath.Base(path)
		if name == "README.md" || name == "MANIFEST.json" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := feed.Parse(name, body, "")
			if err != nil {
				var pe *feed.ParseError
				if !errors.As(err, &pe) || pe.URL != name {
					t.Fatalf("error %v is not a *feed.ParseError naming %s", err, name)
				}
				return
			}
			reviews := e.Extract(t.Context(), "https://feeds.example/"+name, f)
			if len(reviews) > len(f.Items) {
				t.Errorf("%d reviews from %d items", len(reviews), len(f.Items))
			}
			trailers := 0
			for _, r := range reviews {
				checkReviewStrings(t, r)
				if r.TrailerID != "" {
					trailers++
					if !validYouTubeID(r.TrailerID) || r.TrailerURL != trailerURL(r.TrailerID) {
						t.Errorf("item %q: trailer %q %q", r.Key, r.TrailerID, r.TrailerURL)
					}
				}
				if r.Key == "" {
					t.Errorf("item %q has no key", r.Title)
				}
			}
			if want, noted := wantYT[name]; noted && trailers < want {
				t.Errorf("%d items with a trailer, want at least %d (README: YT id in %d)", trailers, want, want)
			}
			t.Logf("%d items, %d reviews, %d trailers (README %d)", len(f.Items), len(reviews), trailers, wantYT[name])
		})
	}
}

// checkReviewStrings asserts every string of r is valid UTF-8.
func checkReviewStrings(t *testing.T, r Review) {
	t.Helper()
	strs := []string{r.Key, r.GUID, r.Link, r.NormLink, r.FeedURL, r.Title, r.Author, r.Image, r.TrailerID,
		r.TrailerURL, r.Director, r.Writer, r.Rating, r.Summary, r.Text, r.ReviewReason}
	for _, l := range [][]string{r.Categories, r.Genres, r.Cast, r.SeeAlso, r.Duplicates} {
		strs = append(strs, l...)
	}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			t.Errorf("item %q: invalid UTF-8 %q", r.Key, s)
		}
	}
}

// TestExtractRealFeedCases checks what the corpus README singles out.
func TestExtractRealFeedCases(t *testing.T) {
	t.Parallel()
	dir := testutil.SharedDir(t, "fixtures", "feeds-real")
	extract := func(t *testing.T, name string) []Review {
		t.Helper()
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := feed.Parse(name, body, "")
		if err != nil {
			t.Fatal(err)
		}
		return NewExtractor(ExtractOptions{}).Extract(t.Context(), "https://feeds.example/"+name, f)
	}
	t.Run("wx03 language copies collapse", func(t *testing.T) {
		t.Parallel()
		got := extract(t, "wx03_wix_novicom_multilang_dupes.xml")
		if len(got) >= 20 || len(got) == 0 {
			t.Fatalf("%d reviews from 20 items, want the language copies merged", len(got))
		}
		dups := 0
		for _, r := range got {
			dups += len(r.Duplicates)
		}
		if len(got)+dups != 20 {
			t.Errorf("%d reviews + %d duplicates, want the 20 items accounted for", len(got), dups)
		}
	})
	t.Run("wp05 image is not the gravatar", func(t *testing.T) {
		t.Parallel()
		for _, r := range extract(t, "wp05_wpcom_raggywaltz_jetpack_youtube_player.xml") {
			if r.Image == "" || strings.Contains(r.Image, "gravatar") {
				t.Errorf("item %q: image %q", r.Title, r.Image)
			}
		}
	})
	t.Run("md01 image is not the tracking pixel", func(t *testing.T) {
		t.Parallel()
		for _, r := range extract(t, "md01_medium_content_encoded.rss") {
			if r.Image == "" || strings.Contains(r.Image, "/_/stat") {
				t.Errorf("item %q: image %q", r.Title, r.Image)
			}
		}
	})
	t.Run("wp03 relative images made absolute", func(t *testing.T) {
		t.Parallel()
		n := 0
		for _, r := range extract(t, "wp03_pagetable_wp691_nocookie_relative_img.xml") {
			if r.Image == "" {
				continue
			}
			n++
			if !strings.HasPrefix(r.Image, "https://") && !strings.HasPrefix(r.Image, "http://") {
				t.Errorf("item %q: image %q is not absolute", r.Title, r.Image)
			}
		}
		if n == 0 {
			t.Error("no images at all")
		}
	})
	t.Run("sq01 feedpress pixels skipped", func(t *testing.T) {
		t.Parallel()
		for _, r := range extract(t, "sq01_squarespace_katiefloyd_protocol_relative_youtube.rss") {
			if strings.Contains(r.Image, "feedpress") {
				t.Errorf("item %q: image %q", r.Title, r.Image)
			}
		}
	})
	t.Run("rl01 relative links made absolute", func(t *testing.T) {
		t.Parallel()
		for _, r := range extract(t, "rl01_rss_relative_urls.xml") {
			if !strings.HasPrefix(r.Link, "http") {
				t.Errorf("item %q: link %q", r.Title, r.Link)
			}
		}
	})
}
