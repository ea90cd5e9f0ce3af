package review

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

// storedHer is a review with every field set, as the ledger holds it.
func storedHer() Review {
	return Review{Key: "https://films.example/?p=2014", GUID: "https://films.example/?p=2014",
		Link: "https://films.example/2014/02/her-review/?lang=en", NormLink: "https://films.example/2014/02/her-review",
		FeedURL: "https://films.example/feed/", Title: "Her (2013) – review", Author: "Ana Critic",
		Published: time.Date(2014, 2, 14, 9, 30, 0, 0, time.UTC), Categories: []string{"Reviews", "Drama"},
		Image: "https://films.example/her.jpg", TrailerID: "WzV6mXIOVl4", TrailerURL: "https://www.youtube.com/watch?v=WzV6mXIOVl4",
		Genres: []string{"Drama", "Romance"}, Cast: []string{"Joaquin Phoenix", "Scarlett Johansson"},
		Director: "Spike Jonze", Writer: "Spike Jonze", RuntimeMinutes: 126, Rating: "4/5", SeeAlso: []string{"Lost in Translation"},
		Summary:  "It’s sweet, humorous and thought-provoking.",
		Text:     "Theodore writes letters for other people. It’s sweet, humorous and thought-provoking.",
		IsReview: true, ReviewReason: "metadata block", PageFetched: true,
		Duplicates: []string{"https://films.example/2014/02/her-critique/?lang=fr"}}
}

// storedWeapons is a Letterboxd review with the film fields set.
func storedWeapons() Review {
	return Review{Key: "letterboxd-review-1100000112", GUID: "letterboxd-review-1100000112",
		Link: "https://letterboxd.com/reelpost_fixture/film/weapons-2025/", Title: "Weapons (2025)",
		FilmTitle: "Weapons", Year: 2025, TMDBMovieID: 1078605, TMDBTVID: 95396, IMDbID: "tt26581740",
		Spoilers: true, Rewatch: true, Stars: "★★★★½", Rating: "4.5/5",
		TrailerID: "OpThntO9ixc", TrailerURL: "https://www.youtube.com/watch?v=OpThntO9ixc", TrailerSource: TrailerFromTMDB,
		IsReview: true, ReviewReason: "letterboxd review"}
}

// TestDecodeStoredReviews reads what ledgers hold: payloads written before
// the format had a version (pending deliveries of users who upgrade must
// still be rendered), payloads Encode writes, and what it must refuse.
func TestDecodeStoredReviews(t *testing.T) {
	t.Parallel()
	encoded, err := Encode(storedHer())
	if err != nil {
		t.Fatal(err)
	}
	encodedWeapons, err := Encode(storedWeapons())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		payload string
		want    Review
		wantErr error
	}{
		{
			// Written by json.Marshal(feed.Review) before Encode existed.
			name:    "unversioned payload of earlier releases",
			payload: `{"key":"https://films.example/?p=2014","guid":"https://films.example/?p=2014","link":"https://films.example/2014/02/her-review/?lang=en","norm_link":"https://films.example/2014/02/her-review","feed_url":"https://films.example/feed/","title":"Her (2013) – review","author":"Ana Critic","published":"2014-02-14T09:30:00Z","categories":["Reviews","Drama"],"image":"https://films.example/her.jpg","trailer_id":"WzV6mXIOVl4","trailer_url":"https://www.youtube.com/watch?v=WzV6mXIOVl4","genres":["Drama","Romance"],"cast":["Joaquin Phoenix","Scarlett Johansson"],"director":"Spike Jonze","writer":"Spike Jonze","runtime_minutes":126,"rating":"4/5","see_also":["Lost in Translation"],"summary":"It’s sweet, humorous and thought-provoking.","text":"Theodore writes letters for other people. It’s sweet, humorous and thought-provoking.","is_review":true,"review_reason":"metadata block","page_fetched":true,"duplicates":["https://films.example/2014/02/her-critique/?lang=fr"]}`,
			want:    storedHer(),
		},
		{
			name:    "unversioned payload with only the required fields",
			payload: `{"key":"sha256:ab","title":"Heat","is_review":false}`,
			want:    Review{Key: "sha256:ab", Title: "Heat"},
		},
		{name: "current version", payload: string(encoded), want: storedHer()},
		{name: "current version with the film fields", payload: string(encodedWeapons), want: storedWeapons()},
		{
			// Written by this version before the film fields existed: they
			// read as absent.
			name:    "version 1 payload without the film fields",
			payload: `{"version":1,"key":"k","title":"Parasite (2019) review","trailer_id":"5xH0HfJHsaY","is_review":true}`,
			want:    Review{Key: "k", Title: "Parasite (2019) review", TrailerID: "5xH0HfJHsaY", IsReview: true},
		},
		{name: "a newer release's version", payload: `{"version":2,"key":"k","title":"Heat"}`, wantErr: ErrStoredVersion},
		{name: "a negative version", payload: `{"version":-1,"key":"k"}`, wantErr: ErrStoredVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode([]byte(tt.payload))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Decode error = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestEncodeWritesTheVersion(t *testing.T) {
	t.Parallel()
	b, err := Encode(Review{Key: "k", Title: "Heat"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(`{"version":1,`)) {
		t.Errorf("Encode = %s, want the format version first", b)
	}
}

func TestDecodeRejectsWhatIsNotAReview(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{``, `[1,2]`, `{"key":`, `{"title":42}`} {
		if _, err := Decode([]byte(payload)); err == nil {
			t.Errorf("Decode(%q) succeeded, want an error", payload)
		}
	}
}
