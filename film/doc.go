// Package film knows films: it asks The Movie Database (TMDB, API v3) which
// film a review is about, and picks that film's official trailer, so that a
// post never carries a trailer for the wrong film.
//
// The TMDB client is our own, small one rather than
// github.com/cyruzin/golang-tmdb: that module is not served by the Go module
// proxy this project builds from (it answers 403), and we need six GET
// calls, TMDB's error bodies, Retry-After and a key that never reaches an
// error or a log line, which a page of code does.
//
// TMDB facts relied on, with where they are documented:
//   - a v3 API key goes in the api_key query parameter, a v4 API Read Access
//     Token as "Authorization: Bearer"; both give the same access to v3
//     (https://developer.themoviedb.org/docs/authentication-application);
//   - errors are a JSON body {"status_code":N,"status_message":"...",
//     "success":false}: 7 (401) invalid key, 34 (404) not found, 25 (429)
//     over the rate limit (https://developer.themoviedb.org/docs/errors);
//   - a 429 carries Retry-After
//     (https://developers.themoviedb.org/3/getting-started/request-rate-limiting,
//     quoted in https://github.com/streamaserver/streama/issues/311);
//   - append_to_response=videos,credits adds both to the details in one
//     request, each sub-request still honouring its own parameters
//     (https://developer.themoviedb.org/docs/append-to-response);
//   - videos come filtered to the language= parameter unless
//     include_video_language lists the languages wanted, "null" for none
//     (added July 2021 with the official and published_at fields, as quoted
//     in https://github.com/lordmike/tmdblib/issues/413);
//   - /3/find/{id}?external_source=imdb_id answers movie_results,
//     tv_results and tv_episode_results, an episode with its series' id as
//     show_id; an IMDb id names a film, a series or an episode, never a
//     season (https://developer.themoviedb.org/docs/finding-data;
//     https://docs.rs/crate/tmdb_client/0.2.0/source/docs/FindApi.md;
//     FoundEpisode in https://docs.rs/tmdb-rs/1.0.4/src/tmdb_rs/endpoints/find.rs.html,
//     which has no original language: only its series' details give it);
//   - a series' /credits are its latest season's ("Just like the website,
//     TMDb pulls this information from the last season of the series",
//     https://rdrr.io/cran/TMDb/man/tv_credits.html); aggregate_credits
//     are every season's, crew with a jobs list
//     (https://developer.themoviedb.org/reference/tv-series-aggregate-credits);
//     a series' details carry last_air_date and in_production ("A logical
//     value that indicates if a TV shows is in production"; more seasons
//     are to come) but no imdb_id, which is in its external_ids
//     (https://rdrr.io/cran/TMDb/man/tv.html,
//     https://docs.rs/crate/tmdb_client/latest/source/docs/TvDetails.md,
//     https://rdrr.io/cran/TMDb/man/tv_external_ids.html);
//   - GET /3/authentication ("Validate Key") validates either credential,
//     answering {"success":true,"status_code":1,...} or the 401 above
//     (shapes as in https://raw.githubusercontent.com/api-evangelist/tmdb/refs/heads/main/json-schema/tmdb-api-authentication-validate-key-response-schema.json);
//   - search/movie's year= matches any release date of that year,
//     primary_release_year= the primary one only
//     (https://search.r-project.org/CRAN/refmans/TMDb/html/search_movie.html);
//   - search/tv lists a series' name, original_name and first_air_date
//     where search/movie lists title, original_title and release_date
//     (https://search.r-project.org/CRAN/refmans/TMDb/html/search_tv.html;
//     https://docs.rs/tmdb-api/1.0.0-alpha.4/src/tmdb_api/tvshow/search.rs.html);
//   - image URLs are https://image.tmdb.org/t/p/{size}{poster_path}
//     (https://developer.themoviedb.org/docs/image-basics).
package film
