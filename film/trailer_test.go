package film_test

import (
	"testing"
	"time"

	"github.com/reelpost/reelpost/film"
)

func TestChooseTrailer(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2022, 1, d, 12, 0, 0, 0, time.UTC) }
	v := func(key, typ, lang string, official bool, published time.Time) film.Video {
		return film.Video{Key: key, Site: "YouTube", Type: typ, Language: lang, Official: official, PublishedAt: published}
	}
	tests := []struct {
		name   string
		videos []film.Video
		lang   string
		want   string // key; "" for none
	}{
		{name: "nothing to choose", lang: "en"},
		{name: "YouTube only", lang: "en", want: "trailerYT01", videos: []film.Video{
			{Key: "123456789", Site: "Vimeo", Type: "Trailer", Language: "en", Official: true, PublishedAt: day(1)},
			v("trailerYT01", "Trailer", "en", true, day(9)),
		}},
		{name: "Vimeo alone is no trailer", lang: "en", videos: []film.Video{
			{Key: "123456789", Site: "Vimeo", Type: "Trailer", Language: "en", Official: true},
		}},
		{name: "a malformed YouTube key is no trailer", lang: "en", videos: []film.Video{
			v("short", "Trailer", "en", true, day(1)),
		}},
		{name: "trailer before teaser", lang: "en", want: "trailer0001", videos: []film.Video{
			v("teaser00001", "Teaser", "en", true, day(1)),
			v("trailer0001", "Trailer", "en", true, day(5)),
		}},
		{name: "teaser when there is no trailer", lang: "en", want: "teaser00001", videos: []film.Video{
			v("clip0000001", "Clip", "en", true, day(1)),
			v("teaser00001", "Teaser", "en", true, day(5)),
		}},
		{name: "never a clip, featurette, behind the scenes, bloopers or opening credits", lang: "en", videos: []film.Video{
			v("clip0000001", "Clip", "en", true, day(1)),
			v("featurette1", "Featurette", "en", true, day(1)),
			v("behindscen1", "Behind the Scenes", "en", true, day(1)),
			v("bloopers001", "Bloopers", "en", true, day(1)),
			v("openingcrd1", "Opening Credits", "en", true, day(1)),
		}},
		{name: "official before fan-made", lang: "en", want: "official001", videos: []film.Video{
			v("fanmade0001", "Trailer", "en", false, day(1)),
			v("official001", "Trailer", "en", true, day(5)),
		}},
		{name: "an official teaser before a fan-made trailer", lang: "en", want: "teaser00001", videos: []film.Video{
			v("fanmade0001", "Trailer", "en", false, day(1)),
			v("teaser00001", "Teaser", "en", true, day(5)),
		}},
		{name: "a fan-made trailer when nothing is official", lang: "en", want: "fanmade0001", videos: []film.Video{
			v("fanmade0001", "Trailer", "en", false, day(1)),
		}},
		{name: "the post's language first", lang: "de-DE", want: "german00001", videos: []film.Video{
			v("english0001", "Trailer", "en", true, day(1)),
			v("german00001", "Trailer", "de", true, day(5)),
		}},
		{name: "then English", lang: "fr", want: "english0001", videos: []film.Video{
			v("korean00001", "Trailer", "ko", true, day(1)),
			v("nolang00001", "Trailer", "", true, day(2)),
			v("english0001", "Trailer", "en", true, day(5)),
		}},
		{name: "then no language before another", lang: "fr", want: "nolang00001", videos: []film.Video{
			v("korean00001", "Trailer", "ko", true, day(1)),
			v("nolang00001", "Trailer", "", true, day(2)),
		}},
		{name: "another language rather than none", lang: "en", want: "german00001", videos: []film.Video{
			v("german00001", "Trailer", "de", true, day(5)),
		}},
		{name: "earliest published", lang: "en", want: "first000001", videos: []film.Video{
			v("rerelease01", "Trailer", "en", true, day(20)),
			v("first000001", "Trailer", "en", true, day(3)),
			v("nodate00001", "Trailer", "en", true, time.Time{}),
			v("second00001", "Trailer", "en", true, day(9)),
		}},
		{name: "site spelled in any case", lang: "en", want: "lowercase01", videos: []film.Video{
			{Key: "lowercase01", Site: "youtube", Type: "Trailer", Language: "en", Official: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := film.ChooseTrailer(tt.videos, tt.lang)
			if ok != (tt.want != "") || got.Key != tt.want {
				t.Fatalf("ChooseTrailer = %q, %t; want %q", got.Key, ok, tt.want)
			}
			if ok && got.URL() != "https://www.youtube.com/watch?v="+tt.want {
				t.Errorf("URL = %q", got.URL())
			}
		})
	}
}
