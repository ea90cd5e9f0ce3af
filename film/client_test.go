package film_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reelpost/reelpost/film"
	"github.com/reelpost/reelpost/internal/fakes/tmdbfake"
)

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		o        film.Options
		wantText string
	}{
		{name: "no credential", o: film.Options{}, wantText: "TMDB credential: empty"},
		{name: "a password, not a key", o: film.Options{Credential: "hunter2-hunter2"}, wantText: "neither a v3 API key"},
		{name: "a key one character short", o: film.Options{Credential: tmdbfake.APIKey[1:]}, wantText: "neither a v3 API key"},
		{name: "a base URL without a host", o: film.Options{Credential: tmdbfake.APIKey, BaseURL: "api.themoviedb.org"},
			wantText: "TMDB base URL"},
		{name: "a language that is none", o: film.Options{Credential: tmdbfake.APIKey, Language: "english please"},
			wantText: "TMDB language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := film.New(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("New error %v, want one saying %q", err, tt.wantText)
			}
			if tt.o.Credential != "" && strings.Contains(err.Error(), tt.o.Credential) {
				t.Errorf("New error %q repeats the credential", err)
			}
		})
	}
}

// TestAuthForms checks that the credential's shape decides how it is sent:
// a v3 key as api_key and never in a header, a v4 token as a Bearer header
// and never in the URL.
func TestAuthForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		credential string
		wantQuery  bool
	}{
		{name: "v3 api key", credential: tmdbfake.APIKey, wantQuery: true},
		{name: "v4 read access token", credential: tmdbfake.AccessToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSetup(t, config{credential: tt.credential})
			if err := s.client.Verify(t.Context()); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			req := s.fake.Requests()[0]
			inQuery := strings.Contains(req.RawQuery, "api_key="+tmdbfake.APIKey)
			bearer := req.Header.Get("Authorization") == "Bearer "+tmdbfake.AccessToken
			if req.Path != "/3/authentication" || inQuery != tt.wantQuery || bearer == tt.wantQuery {
				t.Errorf("request %s?%s with Authorization %q: want the credential sent one way only",
					req.Path, req.RawQuery, req.Header.Get("Authorization"))
			}
		})
	}
}

// TestErrors checks the error a caller sees for each of TMDB's refusals:
// temporary or permanent, TMDB's code and message, Retry-After, and never
// the credential, in the error or in the log.
func TestErrors(t *testing.T) {
	t.Parallel()
	wrongKey := "ffffffffffffffffffffffffffffffff"
	tests := []struct {
		name          string
		credential    string
		fault         tmdbfake.Fault
		call          func(c *film.Client, ctx context.Context) error
		wantStatus    int
		wantCode      int
		wantTemporary bool
		wantRetry     time.Duration
		wantIs        error
		wantText      string
	}{
		{name: "wrong v3 key", credential: wrongKey, call: verify, wantStatus: 401, wantCode: 7,
			wantIs: film.ErrCredentials, wantText: "TMDB refused the credentials"},
		{name: "wrong v4 token", credential: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3cm9uZyJ9.d3Jvbmc", call: verify,
			wantStatus: 401, wantCode: 7, wantIs: film.ErrCredentials, wantText: "Invalid API key"},
		{name: "rate limited", fault: tmdbfake.Fault429, call: movie(603), wantStatus: 429, wantCode: 25,
			wantTemporary: true, wantRetry: 10 * time.Second, wantText: "retry after 10s"},
		{name: "server error", fault: tmdbfake.Fault500, call: movie(603), wantStatus: 500, wantCode: 11,
			wantTemporary: true},
		{name: "service offline", fault: tmdbfake.Fault503, call: movie(603), wantStatus: 503, wantCode: 9,
			wantTemporary: true, wantRetry: 10 * time.Second},
		{name: "not on TMDB", call: movie(1), wantStatus: 404, wantCode: 34, wantIs: film.ErrNotFound,
			wantText: "The resource you requested could not be found."},
		{name: "connection reset", fault: tmdbfake.FaultReset, call: movie(603), wantTemporary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
			s := newSetup(t, config{credential: tt.credential, now: func() time.Time { return now }})
			if tt.fault != 0 {
				s.fake.FailNext(tt.fault, 1)
			}
			err := tt.call(s.client, t.Context())
			var fe *film.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is no *film.Error", err)
			}
			if fe.Status != tt.wantStatus || fe.Code != tt.wantCode || fe.Temporary() != tt.wantTemporary ||
				fe.RetryAfter != tt.wantRetry {
				t.Errorf("error %+v: want status %d, code %d, temporary %t, retry after %s",
					fe, tt.wantStatus, tt.wantCode, tt.wantTemporary, tt.wantRetry)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not say %q", err, tt.wantText)
			}
			for _, secret := range []string{tmdbfake.APIKey, wrongKey, tmdbfake.AccessToken} {
				if strings.Contains(err.Error(), secret) || strings.Contains(s.logs.String(), secret) {
					t.Errorf("the credential is in the error %q or the log %s", err, s.logs.String())
				}
			}
		})
	}
}

func verify(c *film.Client, ctx context.Context) error { return c.Verify(ctx) }

func movie(id int) func(c *film.Client, ctx context.Context) error {
	return func(c *film.Client, ctx context.Context) error {
		_, err := c.Movie(ctx, id)
		return err
	}
}

// TestUnreachableKeepsTheKeyOut checks a transport error, whose *url.Error
// would name the whole URL and so the api_key.
func TestUnreachableKeepsTheKeyOut(t *testing.T) {
	t.Parallel()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	c, err := film.New(film.Options{BaseURL: gone.URL, Credential: tmdbfake.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SearchMovie(t.Context(), "Aftersun")
	var fe *film.Error
	if !errors.As(err, &fe) || fe.Status != 0 || !fe.Temporary() {
		t.Fatalf("error %v: want a temporary *film.Error with no status", err)
	}
	if strings.Contains(err.Error(), tmdbfake.APIKey) || !strings.Contains(err.Error(), "/3/search/movie?") {
		t.Errorf("error %q: want the request named without the key", err)
	}
}

func TestHangEndsWithTheContext(t *testing.T) {
	t.Parallel()
	s := newSetup(t, config{})
	s.fake.FailNext(tmdbfake.FaultHang, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := s.client.Movie(ctx, 603)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the context's deadline", err)
	}
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id":603,"title":"` + strings.Repeat("x", 5<<20) + `"}`))
	}))
	t.Cleanup(srv.Close)
	c, err := film.New(film.Options{BaseURL: srv.URL, Credential: tmdbfake.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Movie(t.Context(), 603); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a 5 MiB answer: error %v, want it refused as too large", err)
	}
}

func TestDetails(t *testing.T) {
	t.Parallel()
	s := newSetup(t, config{lang: "de-DE"})
	d, err := s.client.Movie(t.Context(), tmdbfake.ParasiteID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Parasite" || d.OriginalTitle != "기생충" || d.Year() != 2019 || d.RuntimeMinutes != 133 ||
		strings.Join(d.Directors, ",") != "Bong Joon Ho" || d.Cast[0] != "Song Kang-ho" || d.IMDbID != "tt6751668" {
		t.Errorf("details %+v", d)
	}
	q := s.fake.Requests()[0].RawQuery
	for _, want := range []string{"append_to_response=videos%2Ccredits", "include_video_language=de%2Cen%2Cnull", "language=de-DE"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %s lacks %s", q, want)
		}
	}
	tv, err := s.client.TV(t.Context(), tmdbfake.ChernobylID)
	if err != nil {
		t.Fatal(err)
	}
	if tv.Kind != film.KindTV || tv.Title != "Chernobyl" || tv.Year() != 2019 || tv.RuntimeMinutes != 65 ||
		strings.Join(tv.Directors, ",") != "Craig Mazin" || len(tv.Videos) != 2 {
		t.Errorf("tv details %+v", tv)
	}
	// A show's IMDb id, every season's cast and its episodes' directors
	// come from the appended external_ids and aggregate_credits.
	if tv.IMDbID != "tt7366338" || tv.LastAirDate != "2019-06-03" || strings.Join(tv.EpisodeDirectors, ",") != "Johan Renck" ||
		strings.Join(tv.Cast, ",") != "Jared Harris,Stellan Skarsgård,Emily Watson,Paul Ritter" {
		t.Errorf("tv details %+v: want its IMDb id, last air date, episode directors and cast", tv)
	}
	if q := s.fake.Requests()[1].RawQuery; !strings.Contains(q, "append_to_response=videos%2Caggregate_credits%2Cexternal_ids") {
		t.Errorf("tv query %s: want videos, aggregate_credits and external_ids appended", q)
	}
	// in_production: an ended series is not, a running one is.
	sev, err := s.client.TV(t.Context(), tmdbfake.SeveranceID)
	if err != nil {
		t.Fatal(err)
	}
	if tv.InProduction || !sev.InProduction {
		t.Errorf("in production: Chernobyl %t, Severance %t; want false, true", tv.InProduction, sev.InProduction)
	}
}
