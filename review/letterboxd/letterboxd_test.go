package letterboxd

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func parseFixture(t *testing.T, name string) *gofeed.Feed {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return f
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

const posterBase = "https://a.ltrbxd.com/resized/film-poster/"

// memberFeedWant is every item of testdata/member-feed.xml as a reader of the
// member's Letterboxd page would describe it (see testdata/README.md).
var memberFeedWant = map[string]Entry{
	"letterboxd-review-1100000112": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Weapons", FilmYear: 2025, MemberRating: 4.5, Liked: true,
		WatchedDate: date(2025, 10, 18), TMDBMovieID: 1078605,
		PosterURL: posterBase + "1/0/6/4/8/9/3/1064893-weapons-2025-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "Cregger builds the whole thing like a set of short stories that keep handing each other the same key. " +
			"Every chapter answers a question the last one made you ask, and it never once feels like homework.\n\n" +
			"The aunt, though. I will be thinking about that wardrobe for a week.\n" +
			"Seen in a packed room at 10pm, which is the only way.",
	},
	"letterboxd-watch-1100000108": {
		Kind: Watch, Reason: "letterboxd diary entry without review text",
		FilmTitle: "The Zone of Interest", FilmYear: 2023, MemberRating: 4,
		WatchedDate: date(2025, 10, 16), TMDBMovieID: 467244,
		PosterURL: posterBase + "7/0/9/2/4/5/709245-the-zone-of-interest-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
	},
	"letterboxd-review-1100000104": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Parasite", FilmYear: 2019, MemberRating: 4.5, Liked: true,
		WatchedDate: date(2025, 10, 14), TMDBMovieID: 496243,
		PosterURL: posterBase + "4/2/6/4/0/6/426406-parasite-2019-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "The flood is the film's whole argument in one downhill run: the water goes where the stairs go, " +
			"and so does everyone's luck.\n\n" +
			"And the light at the end, blinking code into a house that will never answer, is the cruellest hope in the movie.",
		Spoilers: true,
	},
	"letterboxd-review-1100000101": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Her", FilmYear: 2013, MemberRating: 5, Liked: true, Rewatch: true,
		WatchedDate: date(2025, 10, 12), TMDBMovieID: 152601,
		PosterURL: posterBase + "5/1/5/6/8/51568-her-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "Third time, and this time it played as a film about the letters rather than the voice. " +
			"Theodore writes other people's feelings for a living and only learns his own when someone writes back.",
	},
	"letterboxd-review-1100000097": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Aftersun", FilmYear: 2022, Liked: true,
		WatchedDate: date(2025, 10, 11), TMDBMovieID: 965150,
		PosterURL: posterBase + "8/1/1/2/1/3/811213-aftersun-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "I don’t want to give this a number. The last shot in the airport corridor undid me, " +
			"and a rating would be a way of tidying that up.",
	},
	"letterboxd-review-1100000093": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Amélie", FilmYear: 2001, MemberRating: 3.5,
		WatchedDate: date(2025, 10, 9), TMDBMovieID: 194,
		PosterURL: posterBase + "5/1/9/4/2/51942-amelie-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "Charming the way a postcard is charming: every colour turned up, every corner of Montmartre swept clean. " +
			"I liked it more when it let Amélie be lonely than when it made her clever.",
	},
	"letterboxd-review-1100000090": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Crouching Tiger, Hidden Dragon", FilmYear: 2000, MemberRating: 4,
		WatchedDate: date(2025, 10, 7), TMDBMovieID: 146,
		PosterURL: posterBase + "5/1/5/9/0/51590-crouching-tiger-hidden-dragon-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "Watched the restoration with the original Mandarin track. The bamboo-forest fight is still the most " +
			"beautiful argument two people have ever had on screen.\n\n" +
			"臥虎藏龍: the hidden dragon is the one who wanted a different life, and the film never lets you forget what it cost her.",
	},
	"letterboxd-review-1100000086": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Severance", FilmYear: 2022, MemberRating: 4,
		WatchedDate: date(2025, 10, 5), TMDBTVID: 95396,
		PosterURL: posterBase + "7/7/2/1/4/4/772144-severance-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "Logged here because Letterboxd lets me: nine hours of office corridors that turn into the best " +
			"thriller I saw this year. The finale's cross-cutting is worth the whole subscription.",
	},
	"letterboxd-review-1100000083": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Cats", FilmYear: 2019, MemberRating: 0.5,
		WatchedDate: date(2025, 10, 4), TMDBMovieID: 536869,
		PosterURL: posterBase + "4/8/1/1/1/7/481117-cats-2019-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text:      "Half a star, for the one song everyone already knew.",
	},
	"letterboxd-review-1100000079": {
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Perfect Days", FilmYear: 2023, MemberRating: 3,
		WatchedDate: date(2025, 10, 2), TMDBMovieID: 976893,
		PosterURL: posterBase + "1/0/4/3/5/1/2/1043512-perfect-days-2023-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
		Text: "Hirayama’s mornings repeat until the repetition becomes the point.\n\n" +
			"Next time is next time. Now is now.\n\n" +
			"I wanted one fewer cassette montage and one more conversation with his sister.",
	},
	"letterboxd-watch-1100000071": {
		Kind: Watch, Reason: "letterboxd diary entry without review text",
		FilmTitle: "Past Lives", FilmYear: 2023, MemberRating: 4, Liked: true,
		WatchedDate: date(2025, 9, 30), TMDBMovieID: 666277,
		PosterURL: posterBase + "8/2/2/4/7/3/822473-past-lives-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
	},
	"letterboxd-list-1100000074": {
		Kind: List, Reason: "letterboxd list",
		ListName: "Quiet films for loud weeks",
		Text:     "Films that turn the volume down. In no particular order.",
		Films: []ListFilm{
			{Title: "Perfect Days", URL: "https://letterboxd.com/film/perfect-days-2023/"},
			{Title: "Past Lives", URL: "https://letterboxd.com/film/past-lives/"},
			{Title: "Aftersun", URL: "https://letterboxd.com/film/aftersun/"},
			{Title: "In the Mood for Love", URL: "https://letterboxd.com/film/in-the-mood-for-love/"},
		},
	},
	"letterboxd-watch-1100000068": {
		Kind: Watch, Reason: "letterboxd diary entry without review text",
		FilmTitle: "Mad Max: Fury Road", FilmYear: 2015, Rewatch: true,
		WatchedDate: date(2025, 9, 28), TMDBMovieID: 76341,
		PosterURL: posterBase + "6/2/7/8/0/62780-mad-max-fury-road-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
	},
	"letterboxd-watch-1100000066": {
		Kind: Watch, Reason: "letterboxd diary entry without review text",
		FilmTitle: "Singin' in the Rain", FilmYear: 1952, MemberRating: 5, Liked: true,
		WatchedDate: date(2025, 9, 27), TMDBMovieID: 872,
		PosterURL: posterBase + "5/1/6/0/3/51603-singin-in-the-rain-0-600-0-900-crop.jpg?v=5e1c0a9b2f",
	},
	"letterboxd-list-1100000059": {
		Kind: List, Reason: "letterboxd list",
		ListName: "Best of 2023, ranked",
		Films: []ListFilm{
			{Title: "Past Lives", URL: "https://letterboxd.com/film/past-lives/"},
			{Title: "The Zone of Interest", URL: "https://letterboxd.com/film/the-zone-of-interest/"},
			{Title: "Anatomy of a Fall", URL: "https://letterboxd.com/film/anatomy-of-a-fall/"},
			{Title: "Perfect Days", URL: "https://letterboxd.com/film/perfect-days-2023/"},
			{Title: "The Holdovers", URL: "https://letterboxd.com/film/the-holdovers/"},
			{Title: "Poor Things", URL: "https://letterboxd.com/film/poor-things-2023/"},
			{Title: "Fallen Leaves", URL: "https://letterboxd.com/film/fallen-leaves-2023/"},
			{Title: "Killers of the Flower Moon", URL: "https://letterboxd.com/film/killers-of-the-flower-moon/"},
			{Title: "Oppenheimer", URL: "https://letterboxd.com/film/oppenheimer-2023/"},
			{Title: "Monster", URL: "https://letterboxd.com/film/monster-2023/"},
		},
	},
}

func TestParseMemberFeed(t *testing.T) {
	t.Parallel()
	f := parseFixture(t, "member-feed.xml")
	if len(f.Items) != len(memberFeedWant) {
		t.Fatalf("member-feed.xml has %d items, the test describes %d: describe every item", len(f.Items), len(memberFeedWant))
	}
	for _, it := range f.Items {
		t.Run(it.GUID, func(t *testing.T) {
			t.Parallel()
			want, ok := memberFeedWant[it.GUID]
			if !ok {
				t.Fatalf("no expectation for %q", it.GUID)
			}
			got, ok := Parse(it)
			if !ok {
				t.Fatalf("Parse(%q) ok = false, want true", it.Title)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q)\n got  %+v\n want %+v", it.Title, got, want)
			}
		})
	}
}

func TestParseMemberFeedCounts(t *testing.T) {
	t.Parallel()
	counts := map[Kind]int{}
	for _, it := range parseFixture(t, "member-feed.xml").Items {
		e, ok := Parse(it)
		if !ok {
			t.Fatalf("Parse(%q) ok = false", it.Title)
		}
		counts[e.Kind]++
	}
	// The numbers testdata/README.md promises the lead's end-to-end tests.
	want := map[Kind]int{Review: 9, Watch: 4, List: 2}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("kinds in member-feed.xml = %v, want %v", counts, want)
	}
}

// A diary entry logged without text and reviewed later keeps its link and
// comes back with a review GUID and text: it must turn from Watch into Review.
func TestWatchBecomesReview(t *testing.T) {
	t.Parallel()
	const link = "https://letterboxd.com/reelpost_fixture/film/the-zone-of-interest/"
	find := func(f *gofeed.Feed) (*gofeed.Item, Entry) {
		t.Helper()
		for _, it := range f.Items {
			if it.Link == link {
				e, ok := Parse(it)
				if !ok {
					t.Fatalf("Parse(%q) ok = false", it.Title)
				}
				return it, e
			}
		}
		t.Fatalf("no item links %s", link)
		return nil, Entry{}
	}
	firstItem, first := find(parseFixture(t, "member-feed.xml"))
	laterItem, later := find(parseFixture(t, "member-feed-later.xml"))

	if firstItem.GUID != "letterboxd-watch-1100000108" || first.Kind != Watch || first.Text != "" {
		t.Errorf("first poll: guid %q kind %v text %q, want a watch without text", firstItem.GUID, first.Kind, first.Text)
	}
	if laterItem.GUID != "letterboxd-review-1100000108" || later.Kind != Review || later.Reason != "letterboxd review" {
		t.Errorf("later poll: guid %q kind %v reason %q, want a review", laterItem.GUID, later.Kind, later.Reason)
	}
	wantText := "Added a few words after sleeping on it. The garden is the horror: every flower planted in full hearing " +
		"of the wall, and the film never once lets the sound drop out.\n\n" +
		"The cut to the museum cleaners is the only time it looks at us, and it is enough."
	if later.Text != wantText {
		t.Errorf("later text = %q, want %q", later.Text, wantText)
	}
	if later.FilmTitle != first.FilmTitle || later.MemberRating != first.MemberRating || later.TMDBMovieID != first.TMDBMovieID {
		t.Errorf("the film changed between polls: %+v then %+v", first, later)
	}
}

// Every item of the later feed other than the changed one and the new one is
// byte-for-byte the same entry as before, so nothing else looks new.
func TestLaterFeedOnlyAddsAndChangesOne(t *testing.T) {
	t.Parallel()
	before := map[string]Entry{}
	for _, it := range parseFixture(t, "member-feed.xml").Items {
		e, _ := Parse(it)
		before[it.GUID] = e
	}
	var added []string
	for _, it := range parseFixture(t, "member-feed-later.xml").Items {
		e, ok := Parse(it)
		if !ok {
			t.Fatalf("Parse(%q) ok = false", it.Title)
		}
		old, seen := before[it.GUID]
		switch {
		case !seen:
			added = append(added, it.GUID)
		case !reflect.DeepEqual(old, e):
			t.Errorf("%s changed between the feeds: %+v then %+v", it.GUID, old, e)
		}
	}
	want := []string{"letterboxd-review-1100000121", "letterboxd-review-1100000108"}
	if !reflect.DeepEqual(added, want) {
		t.Errorf("GUIDs new in member-feed-later.xml = %v, want %v", added, want)
	}
}

func TestStars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rating float64
		want   string
	}{
		{0, ""},
		{0.5, "½"},
		{1, "★"},
		{1.5, "★½"},
		{2, "★★"},
		{2.5, "★★½"},
		{3, "★★★"},
		{3.5, "★★★½"},
		{4, "★★★★"},
		{4.5, "★★★★½"},
		{5, "★★★★★"},
		{4.4, "★★★★½"}, // rounds to the nearest half
		{7, "★★★★★"},   // never more than five stars
		{-1, ""},
	}
	for _, tt := range tests {
		if got := Stars(tt.rating); got != tt.want {
			t.Errorf("Stars(%v) = %q, want %q", tt.rating, got, tt.want)
		}
		if got := (Entry{MemberRating: tt.rating}).Stars(); got != tt.want {
			t.Errorf("Entry{MemberRating: %v}.Stars() = %q, want %q", tt.rating, got, tt.want)
		}
	}
}

// The stars Stars renders are the stars Letterboxd put in each fixture title.
func TestStarsMatchFixtureTitles(t *testing.T) {
	t.Parallel()
	for _, it := range parseFixture(t, "member-feed.xml").Items {
		e, _ := Parse(it)
		if e.Kind == List {
			continue
		}
		title := strings.TrimSuffix(it.Title, " (contains spoilers)")
		want := ""
		if i := strings.LastIndex(title, " - "); i >= 0 {
			want = title[i+3:]
		}
		if got := e.Stars(); got != want {
			t.Errorf("%q: Stars() = %q, title shows %q", it.Title, got, want)
		}
	}
}

const itemHead = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:letterboxd="https://letterboxd.com" xmlns:tmdb="https://themoviedb.org"><channel>
<title>Letterboxd - Test</title><link>https://letterboxd.com/test/</link>`

func parseItem(t *testing.T, head, item string) *gofeed.Item {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(head + item + "</channel></rss>")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 {
		t.Fatalf("got %d items, want 1", len(f.Items))
	}
	return f.Items[0]
}

const poster = `<p><img src="https://a.ltrbxd.com/resized/film-poster/x.jpg"/></p>`

func TestParseClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		item       string
		wantKind   Kind
		wantReason string
		wantText   string
		spoilers   bool
	}{
		{
			name: "review guid without text is a watch",
			item: `<item><title>Heat, 1995 - ★★★★</title><guid>letterboxd-review-5</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle><letterboxd:watchedDate>2024-01-06</letterboxd:watchedDate>
<description><![CDATA[ ` + poster + ` <p>Watched on Saturday January 6, 2024.</p> ]]></description></item>`,
			wantKind: Watch, wantReason: "letterboxd diary entry without review text",
		},
		{
			name: "review guid with only the poster is a watch",
			item: `<item><title>Heat, 1995</title><guid>letterboxd-review-6</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle><description><![CDATA[ ` + poster + ` ]]></description></item>`,
			wantKind: Watch, wantReason: "letterboxd diary entry without review text",
		},
		{
			name: "watch guid with text is a review",
			item: `<item><title>Heat, 1995</title><guid>letterboxd-watch-7</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle>
<description><![CDATA[ ` + poster + ` <p>The diner scene is two men agreeing to disagree at gunpoint.</p> ]]></description></item>`,
			wantKind: Review, wantReason: "letterboxd diary entry with review text",
			wantText: "The diner scene is two men agreeing to disagree at gunpoint.",
		},
		{
			name: "spoilers by title suffix alone",
			item: `<item><title>Heat, 1995 - ★★★★ (contains spoilers)</title><guid>letterboxd-review-8</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle>
<description><![CDATA[ ` + poster + ` <p>Nobody walks away.</p> ]]></description></item>`,
			wantKind: Review, wantReason: "letterboxd review", wantText: "Nobody walks away.", spoilers: true,
		},
		{
			name: "spoilers by the description line alone",
			item: `<item><title>Heat, 1995 - ★★★★</title><guid>letterboxd-review-9</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle>
<description><![CDATA[ ` + poster + ` <p><em>This review may contain spoilers.</em></p> <p>Nobody walks away.</p> ]]></description></item>`,
			wantKind: Review, wantReason: "letterboxd review", wantText: "Nobody walks away.", spoilers: true,
		},
		{
			name: "a review that begins like the watched line keeps its words",
			item: `<item><title>Heat, 1995</title><guid>letterboxd-review-10</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle>
<description><![CDATA[ ` + poster + ` <p>Watched on a plane, which it does not deserve.</p> ]]></description></item>`,
			wantKind: Review, wantReason: "letterboxd review", wantText: "Watched on a plane, which it does not deserve.",
		},
		{
			name: "two line breaks split paragraphs, one keeps a line",
			item: `<item><title>Heat, 1995</title><guid>letterboxd-review-11</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle>
<description><![CDATA[ ` + poster + ` <p>one<br>two<br><br>   three &amp; four</p> ]]></description></item>`,
			wantKind: Review, wantReason: "letterboxd review", wantText: "one\ntwo\n\nthree & four",
		},
		{
			name: "list by guid",
			item: `<item><title>Heists</title><link>https://letterboxd.com/test/list/heists/</link><guid>letterboxd-list-12</guid>
<description><![CDATA[ <ul> <li> <a href="https://letterboxd.com/film/heat-1995/">Heat</a> </li> </ul> ]]></description></item>`,
			wantKind: List, wantReason: "letterboxd list",
		},
		{
			name: "list by link when the guid is not Letterboxd's",
			item: `<item><title>Heists</title><link>https://letterboxd.com/test/list/heists/</link><guid>x-13</guid>
<description><![CDATA[ <p>Crews and vaults.</p> <ol> <li> <a href="https://letterboxd.com/film/heat-1995/">Heat</a> </li> </ol> ]]></description></item>`,
			wantKind: List, wantReason: "letterboxd list", wantText: "Crews and vaults.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			it := parseItem(t, itemHead, tt.item)
			e, ok := Parse(it)
			if !ok {
				t.Fatalf("Parse ok = false")
			}
			if e.Kind != tt.wantKind || e.Reason != tt.wantReason {
				t.Errorf("kind %v reason %q, want %v %q", e.Kind, e.Reason, tt.wantKind, tt.wantReason)
			}
			if e.Text != tt.wantText {
				t.Errorf("text %q, want %q", e.Text, tt.wantText)
			}
			if e.Spoilers != tt.spoilers {
				t.Errorf("spoilers %v, want %v", e.Spoilers, tt.spoilers)
			}
		})
	}
}

// Feeds from before Letterboxd added filmTitle and memberRating (the old
// http://letterboxd.com namespace) carry the film and stars only in the title.
func TestParseOlderFeedFallsBackToTitle(t *testing.T) {
	t.Parallel()
	const oldHead = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:letterboxd="http://letterboxd.com"><channel><title>Letterboxd - Old</title><link>https://letterboxd.com/old/</link>`
	it := parseItem(t, oldHead, `<item><title>Crouching Tiger, Hidden Dragon, 2000 - ★★★½ (contains spoilers)</title>
<link>https://letterboxd.com/old/film/crouching-tiger-hidden-dragon/</link><guid isPermaLink="false">letterboxd-review-16423369</guid>
<letterboxd:watchedDate>2016-09-03</letterboxd:watchedDate>
<description><![CDATA[ `+poster+` <p><em>This review may contain spoilers.</em></p> <p>Still soaring.</p> ]]></description></item>`)
	e, ok := Parse(it)
	if !ok {
		t.Fatal("Parse ok = false")
	}
	want := Entry{
		Kind: Review, Reason: "letterboxd review",
		FilmTitle: "Crouching Tiger, Hidden Dragon", FilmYear: 2000, MemberRating: 3.5,
		WatchedDate: date(2016, 9, 3), PosterURL: "https://a.ltrbxd.com/resized/film-poster/x.jpg",
		Text: "Still soaring.", Spoilers: true,
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got  %+v\nwant %+v", e, want)
	}
}

// TestParseItemTitle: an item title gives the film, its year and the
// member's rating, whichever it holds; the stars never stay in the film's
// name, with a year or without (old feeds wrote "Film - ★★★½" for a film
// Letterboxd knew no year of).
func TestParseItemTitle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title string
		want  itemTitle
	}{
		{"Heat, 1995 - ★★★★", itemTitle{film: "Heat", year: 1995, rating: 4}},
		{"Heat, 1995", itemTitle{film: "Heat", year: 1995}},
		{"Heat", itemTitle{film: "Heat"}},
		{"Heat - ★★★½", itemTitle{film: "Heat", rating: 3.5}},
		{"Heat - ½", itemTitle{film: "Heat", rating: 0.5}},
		{"Heat - ★★★★★ (contains spoilers)", itemTitle{film: "Heat", rating: 5}},
		{"Crouching Tiger, Hidden Dragon, 2000 - ★★★½ (contains spoilers)",
			itemTitle{film: "Crouching Tiger, Hidden Dragon", year: 2000, rating: 3.5}},
		{"Crouching Tiger, Hidden Dragon - ★★", itemTitle{film: "Crouching Tiger, Hidden Dragon", rating: 2}},
		{"Mission: Impossible - Fallout - ★★★★", itemTitle{film: "Mission: Impossible - Fallout", rating: 4}},
		{"1917, 2019 - ★★★", itemTitle{film: "1917", year: 2019, rating: 3}},
		{"Blade Runner 2049 - ★★★★", itemTitle{film: "Blade Runner 2049", rating: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			t.Parallel()
			if got := parseItemTitle(tt.title); got != tt.want {
				t.Errorf("parseItemTitle(%q) = %+v, want %+v", tt.title, got, tt.want)
			}
		})
	}
}

// TestParseOlderFeedWithoutYear: an old feed's entry for a film without a
// year names the film without the stars, and keeps the stars as the rating.
func TestParseOlderFeedWithoutYear(t *testing.T) {
	t.Parallel()
	const oldHead = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:letterboxd="http://letterboxd.com"><channel><title>Letterboxd - Old</title><link>https://letterboxd.com/old/</link>`
	it := parseItem(t, oldHead, `<item><title>The Unfinished Reel - ★★★½</title>
<link>https://letterboxd.com/old/film/the-unfinished-reel/</link><guid isPermaLink="false">letterboxd-review-16423370</guid>
<description><![CDATA[ `+poster+` <p>Rough, and better for it.</p> ]]></description></item>`)
	e, ok := Parse(it)
	if !ok {
		t.Fatal("Parse ok = false")
	}
	if e.FilmTitle != "The Unfinished Reel" || e.FilmYear != 0 || e.MemberRating != 3.5 {
		t.Errorf("film %q, year %d, rating %v; want \"The Unfinished Reel\", 0, 3.5", e.FilmTitle, e.FilmYear, e.MemberRating)
	}
}

func TestParseFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		item  string
		check func(Entry) string
	}{
		{
			name: "a rating outside 0.5..5 counts as unrated",
			item: `<item><title>Heat, 1995</title><guid>letterboxd-watch-1</guid>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle><letterboxd:memberRating>7.0</letterboxd:memberRating></item>`,
			check: func(e Entry) string {
				if e.MemberRating != 0 || e.Stars() != "" {
					return "rating 7.0 was kept"
				}
				return ""
			},
		},
		{
			name: "a tracking pixel is not the poster",
			item: `<item><title>Heat, 1995</title><guid>letterboxd-review-2</guid><letterboxd:filmTitle>Heat</letterboxd:filmTitle>
<description><![CDATA[ <img src="https://stats.example/p.gif" width="1" height="1"> ` + poster + ` <p>Tense.</p> ]]></description></item>`,
			check: func(e Entry) string {
				if e.PosterURL != "https://a.ltrbxd.com/resized/film-poster/x.jpg" {
					return "poster " + e.PosterURL
				}
				return ""
			},
		},
		{
			name: "a title escaped twice reads as the film's name",
			item: `<item><title>The President&amp;#039;s Cake, 2025</title><guid>letterboxd-watch-3</guid>
<letterboxd:filmTitle>The President&amp;#039;s Cake</letterboxd:filmTitle></item>`,
			check: func(e Entry) string {
				if e.FilmTitle != "The President's Cake" {
					return "title " + e.FilmTitle
				}
				return ""
			},
		},
		{
			name: "no watched date leaves the zero time",
			item: `<item><title>Heat, 1995</title><guid>letterboxd-watch-4</guid><letterboxd:filmTitle>Heat</letterboxd:filmTitle></item>`,
			check: func(e Entry) string {
				if !e.WatchedDate.IsZero() || e.FilmYear != 1995 {
					return "watched " + e.WatchedDate.String()
				}
				return ""
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, ok := Parse(parseItem(t, itemHead, tt.item))
			if !ok {
				t.Fatal("Parse ok = false")
			}
			if msg := tt.check(e); msg != "" {
				t.Errorf("%s: %+v", msg, e)
			}
		})
	}
}

func TestParseRejectsOtherItems(t *testing.T) {
	t.Parallel()
	for _, it := range parseFixture(t, "blog-feed.xml").Items {
		if e, ok := Parse(it); ok {
			t.Errorf("Parse(blog item %q) = %+v, true; want false", it.Title, e)
		}
	}
	if _, ok := Parse(nil); ok {
		t.Error("Parse(nil) ok = true")
	}
}

func TestIs(t *testing.T) {
	t.Parallel()
	listsOnly, err := gofeed.NewParser().ParseString(`<rss version="2.0"><channel><title>Letterboxd - L</title>
<link>https://letterboxd.com/l/</link><item><title>Heists</title><link>https://letterboxd.com/l/list/heists/</link>
<guid>letterboxd-list-1</guid></item></channel></rss>`)
	if err != nil {
		t.Fatal(err)
	}
	itemsOnly, err := gofeed.NewParser().ParseString(`<rss version="2.0" xmlns:letterboxd="https://letterboxd.com"><channel>
<title>Mirror</title><link>https://mirror.example/</link><item><title>Heat, 1995</title>
<letterboxd:filmTitle>Heat</letterboxd:filmTitle></item></channel></rss>`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		feed *gofeed.Feed
		want bool
	}{
		{"member feed", parseFixture(t, "member-feed.xml"), true},
		{"blog feed that links to letterboxd films", parseFixture(t, "blog-feed.xml"), false},
		{"lists only, by the channel link", listsOnly, true},
		{"letterboxd elements on another host", itemsOnly, true},
		{"nil", nil, false},
		{"empty", &gofeed.Feed{}, false},
	}
	for _, tt := range tests {
		if got := Is(tt.feed); got != tt.want {
			t.Errorf("Is(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
