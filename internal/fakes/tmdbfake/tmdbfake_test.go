package tmdbfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
)

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

// get asks the fake for path?query, with the v3 key unless bearer is set.
func get(t *testing.T, fake *tmdbfake.Server, path string, q url.Values, bearer string) answer {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	if bearer == "" && !q.Has("api_key") {
		q.Set("api_key", tmdbfake.APIKey)
	}
	req, err := http.NewRequest(http.MethodGet, fake.URL+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(b, &a.body); err != nil {
		t.Fatalf("GET %s: body %s: %v", path, b, err)
	}
	return a
}

func TestAuth(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{})
	tests := []struct {
		name   string
		q      url.Values
		bearer string
		want   int
	}{
		{name: "v3 key", want: 200},
		{name: "v4 token", bearer: tmdbfake.AccessToken, want: 200},
		{name: "wrong v3 key", q: url.Values{"api_key": {"ffffffffffffffffffffffffffffffff"}}, want: 401},
		{name: "wrong v4 token", bearer: "eyJhbGciOiJIUzI1NiJ9.e30.bm9wZQ", want: 401},
		{name: "a wrong key is not saved by a right token", q: url.Values{"api_key": {"bad"}}, bearer: tmdbfake.AccessToken, want: 401},
		{name: "none", q: url.Values{"api_key": {""}}, want: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := get(t, fake, "/3/authentication", tt.q, tt.bearer)
			if a.status != tt.want {
				t.Fatalf("status %d, want %d", a.status, tt.want)
			}
			if tt.want == 401 && (a.body["status_code"] != 7.0 || a.body["success"] != false ||
				a.body["status_message"] != "Invalid API key: You must be granted a valid key.") {
				t.Errorf("401 body %v, want TMDB's status_code 7", a.body)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{})
	tests := []struct {
		name string
		q    url.Values
		want []float64 // ids, in order
	}{
		{name: "most popular first, punctuation ignored", q: url.Values{"query": {"crash"}},
			want: []float64{tmdbfake.Crash2004ID, tmdbfake.Crash1996ID, tmdbfake.Crash2024ID}},
		{name: "year matches any release date", q: url.Values{"query": {"Crash"}, "year": {"2005"}},
			want: []float64{tmdbfake.Crash2004ID}},
		{name: "primary_release_year only the primary", q: url.Values{"query": {"Crash"}, "primary_release_year": {"2005"}}},
		{name: "titles containing the words", q: url.Values{"query": {"Her"}},
			want: []float64{tmdbfake.HerID, tmdbfake.HerSmellID, tmdbfake.HerShortID}},
		{name: "original title", q: url.Values{"query": {"기생충"}}, want: []float64{tmdbfake.ParasiteID}},
		{name: "nothing", q: url.Values{"query": {"No Such Film"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := get(t, fake, "/3/search/movie", tt.q, "")
			var got []float64
			for _, r := range a.body["results"].([]any) {
				got = append(got, r.(map[string]any)["id"].(float64))
			}
			if a.status != 200 || len(got) != len(tt.want) || a.body["total_results"] != float64(len(tt.want)) {
				t.Fatalf("status %d, ids %v (total %v), want %v", a.status, got, a.body["total_results"], tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("ids %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestSearchTV: /3/search/tv finds shows by name as TMDB lists them (name,
// original_name, first_air_date, origin_country; no title, no media_type),
// never films; first_air_date_year= keeps the first year only, year= any
// year on the air.
func TestSearchTV(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{})
	fake.AddShow(tmdbfake.Show{ID: 5, Name: "Adolescence Diaries", FirstAirDate: "2020-01-01", LastAirDate: "2023-06-01", Popularity: 1})
	tests := []struct {
		name string
		q    url.Values
		want []float64
	}{
		{name: "shows only, most popular first", q: url.Values{"query": {"adolescence"}},
			want: []float64{tmdbfake.AdolescenceSeriesID, 5}},
		{name: "first_air_date_year", q: url.Values{"query": {"Adolescence"}, "first_air_date_year": {"2025"}},
			want: []float64{tmdbfake.AdolescenceSeriesID}},
		{name: "year: any year on the air", q: url.Values{"query": {"Adolescence"}, "year": {"2022"}}, want: []float64{5}},
		{name: "first_air_date_year is not a later year", q: url.Values{"query": {"Adolescence"}, "first_air_date_year": {"2022"}}},
		{name: "a film is not a show", q: url.Values{"query": {"Suspiria"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := get(t, fake, "/3/search/tv", tt.q, "")
			var got []float64
			for _, r := range a.body["results"].([]any) {
				got = append(got, r.(map[string]any)["id"].(float64))
			}
			if a.status != 200 || !slices.Equal(got, tt.want) || a.body["total_results"] != float64(len(tt.want)) {
				t.Fatalf("status %d, ids %v (total %v), want %v", a.status, got, a.body["total_results"], tt.want)
			}
		})
	}
	a := get(t, fake, "/3/search/tv", url.Values{"query": {"Adolescence"}, "first_air_date_year": {"2025"}}, "")
	r := a.body["results"].([]any)[0].(map[string]any)
	if r["name"] != "Adolescence" || r["original_name"] != "Adolescence" || r["first_air_date"] != "2025-03-13" ||
		!reflect.DeepEqual(r["origin_country"], []any{"GB"}) {
		t.Errorf("result %v, want TMDB's TV fields", r)
	}
	for _, k := range []string{"title", "release_date", "media_type"} {
		if _, ok := r[k]; ok {
			t.Errorf("result has %q, which TMDB's TV search does not give: %v", k, r)
		}
	}
}

func TestSearchPages(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{Empty: true})
	for i := range 25 {
		fake.AddMovie(tmdbfake.Movie{ID: 100 + i, Title: "Weapons of War", ReleaseDate: "2001-01-01"})
	}
	a := get(t, fake, "/3/search/movie", url.Values{"query": {"weapons"}, "page": {"2"}}, "")
	if n := len(a.body["results"].([]any)); n != 5 || a.body["total_pages"] != 2.0 || a.body["page"] != 2.0 {
		t.Errorf("page 2: %d results of %v pages, want 5 of 2", n, a.body["total_pages"])
	}
}

func keys(t *testing.T, videos any) []string {
	t.Helper()
	var out []string
	for _, v := range videos.([]any) {
		out = append(out, v.(map[string]any)["key"].(string))
	}
	return out
}

func TestDetailsAppendAndVideoLanguages(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{})
	tests := []struct {
		name      string
		q         url.Values
		wantVideo []string
	}{
		{name: "language filters videos", q: url.Values{"language": {"de-DE"}},
			wantVideo: []string{tmdbfake.ParasiteDeTrailerKey}},
		{name: "include_video_language lists them", q: url.Values{"language": {"de-DE"}, "include_video_language": {"ko,null"}},
			wantVideo: []string{tmdbfake.ParasiteKoTrailerKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := tt.q
			q.Set("append_to_response", "videos,credits")
			a := get(t, fake, "/3/movie/496243", q, "")
			if a.status != 200 || a.body["title"] != "Parasite" || a.body["original_title"] != "기생충" {
				t.Fatalf("status %d, body %v", a.status, a.body)
			}
			got := keys(t, a.body["videos"].(map[string]any)["results"])
			if strings.Join(got, ",") != strings.Join(tt.wantVideo, ",") {
				t.Errorf("videos %v, want %v", got, tt.wantVideo)
			}
			crew := a.body["credits"].(map[string]any)["crew"].([]any)
			if crew[0].(map[string]any)["job"] != "Director" || crew[0].(map[string]any)["name"] != "Bong Joon Ho" {
				t.Errorf("crew %v, want Bong Joon Ho as Director first", crew)
			}
		})
	}
	t.Run("without append, neither", func(t *testing.T) {
		t.Parallel()
		a := get(t, fake, "/3/movie/965150", nil, "")
		if _, ok := a.body["videos"]; ok || a.body["credits"] != nil {
			t.Errorf("details without append_to_response carry %v", a.body)
		}
	})
	t.Run("videos and credits on their own", func(t *testing.T) {
		t.Parallel()
		v := get(t, fake, "/3/tv/87108/videos", nil, "")
		c := get(t, fake, "/3/movie/965150/credits", nil, "")
		if got := keys(t, v.body["results"]); len(got) != 2 || c.body["cast"].([]any)[0].(map[string]any)["name"] != "Paul Mescal" {
			t.Errorf("tv videos %v, movie credits %v", got, c.body)
		}
	})
}

func TestFindAndNotFound(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{})
	a := get(t, fake, "/3/find/tt7366338", url.Values{"external_source": {"imdb_id"}}, "")
	if tv := a.body["tv_results"].([]any); len(tv) != 1 || tv[0].(map[string]any)["id"] != float64(tmdbfake.ChernobylID) ||
		len(a.body["movie_results"].([]any)) != 0 {
		t.Errorf("find tt7366338: %v", a.body)
	}
	for _, path := range []string{"/3/movie/1", "/3/tv/603", "/3/movie/603/reviews", "/3/nothing/here"} {
		a := get(t, fake, path, nil, "")
		if a.status != 404 || a.body["status_code"] != 34.0 ||
			a.body["status_message"] != "The resource you requested could not be found." {
			t.Errorf("GET %s: %d %v, want TMDB's 404 with status_code 34", path, a.status, a.body)
		}
	}
}

func TestFaultsAndRecording(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{RetryAfter: 7 * time.Second})
	fake.FailNext(tmdbfake.Fault429, 1)
	fake.FailNext(tmdbfake.Fault503, 1)
	a := get(t, fake, "/3/movie/603", nil, "")
	b := get(t, fake, "/3/movie/603", nil, "")
	c := get(t, fake, "/3/movie/603", nil, tmdbfake.AccessToken)
	if a.status != 429 || a.header.Get("Retry-After") != "7" || a.body["status_code"] != 25.0 {
		t.Errorf("first: %d Retry-After %q %v, want 429 with Retry-After 7", a.status, a.header.Get("Retry-After"), a.body)
	}
	if b.status != 503 || b.header.Get("Retry-After") != "7" {
		t.Errorf("second: %d, want 503 with Retry-After", b.status)
	}
	if c.status != 200 {
		t.Errorf("third: %d, want 200", c.status)
	}
	reqs := fake.Requests()
	if len(reqs) != 3 || reqs[2].Path != "/3/movie/603" || reqs[2].Header.Get("Authorization") == "" {
		t.Errorf("recorded %d requests (%v), want the 3 made", len(reqs), reqs)
	}
}

// TestShowCredits: a show's /credits are its latest season's, its
// aggregate_credits every season's (cast in billing order, crew with their
// jobs), and its IMDb id is under external_ids, not in its details; each
// on its own and appended.
func TestShowCredits(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{Empty: true})
	fake.AddShow(tmdbfake.Show{ID: 7, IMDbID: "tt0000007", Name: "Lighthouse", FirstAirDate: "2020-01-01",
		LastAirDate: "2023-02-01", InProduction: true, CreatedBy: []string{"Casey Creator"},
		Directors: []string{"Dana Director"}, Cast: []string{"Ann First", "Ben Second", "Cy Gone"},
		LatestCast: []string{"Ann First", "Ben Second"}})
	names := func(people any) []string {
		var out []string
		for _, p := range people.([]any) {
			out = append(out, p.(map[string]any)["name"].(string))
		}
		return out
	}
	latest := get(t, fake, "/3/tv/7/credits", nil, "")
	if got := names(latest.body["cast"]); !slices.Equal(got, []string{"Ann First", "Ben Second"}) {
		t.Errorf("credits cast %v, want the latest season's", got)
	}
	agg := get(t, fake, "/3/tv/7/aggregate_credits", nil, "")
	if got := names(agg.body["cast"]); !slices.Equal(got, []string{"Ann First", "Ben Second", "Cy Gone"}) {
		t.Errorf("aggregate cast %v, want every season's", got)
	}
	var directors []string
	for _, c := range agg.body["crew"].([]any) {
		for _, j := range c.(map[string]any)["jobs"].([]any) {
			if j.(map[string]any)["job"] == "Director" {
				directors = append(directors, c.(map[string]any)["name"].(string))
			}
		}
	}
	if !slices.Equal(directors, []string{"Dana Director"}) {
		t.Errorf("aggregate crew's directors %v, want Dana Director", directors)
	}
	if ext := get(t, fake, "/3/tv/7/external_ids", nil, ""); ext.body["imdb_id"] != "tt0000007" {
		t.Errorf("external_ids %v", ext.body)
	}
	d := get(t, fake, "/3/tv/7", url.Values{"append_to_response": {"videos,aggregate_credits,external_ids"}}, "")
	if _, ok := d.body["imdb_id"]; ok || d.body["last_air_date"] != "2023-02-01" || d.body["in_production"] != true ||
		d.body["external_ids"].(map[string]any)["imdb_id"] != "tt0000007" ||
		len(d.body["aggregate_credits"].(map[string]any)["cast"].([]any)) != 3 {
		t.Errorf("details with appends: %v", d.body)
	}
	if a := get(t, fake, "/3/movie/7/aggregate_credits", nil, ""); a.status != 404 {
		t.Errorf("a film's aggregate_credits: %d, want 404 (TV only)", a.status)
	}
}

// TestFindEpisode: an episode's IMDb id finds the episode, with its show's
// id, and neither a film nor a show.
func TestFindEpisode(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(t, tmdbfake.Options{Empty: true})
	fake.AddShow(tmdbfake.Show{ID: 7, IMDbID: "tt0000007", Name: "Lighthouse", FirstAirDate: "2020-01-01",
		Episodes: []tmdbfake.Episode{{ID: 70001, IMDbID: "tt0000071", Name: "The Lamp", Season: 1, Number: 3, AirDate: "2020-01-15"}}})
	a := get(t, fake, "/3/find/tt0000071", url.Values{"external_source": {"imdb_id"}}, "")
	eps := a.body["tv_episode_results"].([]any)
	if len(eps) != 1 || len(a.body["tv_results"].([]any)) != 0 || len(a.body["movie_results"].([]any)) != 0 {
		t.Fatalf("find an episode: %v", a.body)
	}
	e := eps[0].(map[string]any)
	if e["show_id"] != 7.0 || e["id"] != 70001.0 || e["name"] != "The Lamp" || e["season_number"] != 1.0 ||
		e["episode_number"] != 3.0 || e["air_date"] != "2020-01-15" {
		t.Errorf("episode result %v", e)
	}
}
