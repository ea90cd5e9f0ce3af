package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// itemsPerFeed is how many items each served feed holds, newest first, as a
// blog's RSS usually does (WordPress shows 10).
const itemsPerFeed = 10

// feedServer serves many small RSS feeds of film reviews from one listener on
// 127.0.0.1, honouring ETag and Last-Modified (http.ServeContent answers 304),
// plus the pictures the items show. It records every request, so a scenario
// can tell when each feed was first polled and how often it is polled.
type feedServer struct {
	base  string
	srv   *http.Server
	ln    net.Listener
	done  chan struct{}
	img   []byte
	epoch time.Time

	mu       sync.Mutex
	feeds    []*servedFeed
	counts   serverCounts
	pageHits []string    // review pages requested: items are full, so none is expected
	changes  []time.Time // when publish added an item
}

// serverCounts are the requests the server answered, by kind.
type serverCounts struct {
	feedRequests, full, notModified, images, pages, other int
}

func (c serverCounts) minus(o serverCounts) serverCounts {
	return serverCounts{c.feedRequests - o.feedRequests, c.full - o.full, c.notModified - o.notModified,
		c.images - o.images, c.pages - o.pages, c.other - o.other}
}

// servedFeed is one feed: its items and its current body and validators.
type servedFeed struct {
	n     int
	seq   int
	items []feedItem // newest first
	etag  string
	mod   time.Time
	body  []byte
	hits  []time.Time
}

type feedItem struct {
	seq       int
	token     string // unique in the whole server, in the item's link
	title     string
	published time.Time
}

// newFeedServer starts a server of n feeds of itemsPerFeed items each, the
// items dated in the past.
func newFeedServer(n int) (*feedServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("feed server: listen: %w", err)
	}
	img, err := posterJPEG()
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s := &feedServer{base: "http://" + ln.Addr().String(), ln: ln, done: make(chan struct{}), img: img,
		epoch: time.Now().Add(-30 * 24 * time.Hour).Truncate(time.Second)}
	s.feeds = make([]*servedFeed, n)
	for i := range n {
		f := &servedFeed{n: i}
		for k := 1; k <= itemsPerFeed; k++ {
			s.addLocked(f, fmt.Sprintf("f%d-%d", i, k), fmt.Sprintf("The Long Take %d.%d", i, k), s.epoch.Add(time.Duration(k)*time.Hour))
		}
		s.feeds[i] = f
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Printf("feed server stopped: %v\n", err)
		}
	}()
	return s, nil
}

// close stops the server and waits for it.
func (s *feedServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	<-s.done
}

// urls lists the feeds' URLs.
func (s *feedServer) urls() []string {
	out := make([]string, len(s.feeds))
	for i := range s.feeds {
		out[i] = fmt.Sprintf("%s/feed/%d.xml", s.base, i)
	}
	return out
}

// publish adds a new item, dated now, to feed i and returns its token and
// the moment the new body became visible to a request.
func (s *feedServer) publish(i int, token, title string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.addLocked(s.feeds[i], token, title, now)
	s.changes = append(s.changes, now)
	return now
}

// changesWithin counts the items published within [from, to].
func (s *feedServer) changesWithin(from, to time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.changes {
		if !c.Before(from) && !c.After(to) {
			n++
		}
	}
	return n
}

// churn publishes a new item on a random feed at a steady pace, pct% of the
// feeds per minute, until ctx is cancelled. The random source is seeded, so
// every run changes the same feeds in the same order.
func (s *feedServer) churn(ctx context.Context, pct float64) {
	perMin := float64(len(s.feeds)) * pct / 100
	if perMin <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(4, 2))
	t := time.NewTicker(time.Duration(float64(time.Minute) / perMin))
	defer t.Stop()
	for k := 1; ; k++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		i := rng.IntN(len(s.feeds))
		s.publish(i, fmt.Sprintf("new%d-%d", i, k), fmt.Sprintf("Fresh Cut %d.%d", i, k))
	}
}

// addLocked puts an item on top of f and rebuilds its body and validators;
// s.mu is held (or f is not shared yet).
func (s *feedServer) addLocked(f *servedFeed, token, title string, published time.Time) {
	f.seq++
	f.items = append([]feedItem{{seq: f.seq, token: token, title: title, published: published}}, f.items...)
	if len(f.items) > itemsPerFeed {
		f.items = f.items[:itemsPerFeed]
	}
	f.etag = fmt.Sprintf(`"feed%d-v%d"`, f.n, f.seq)
	f.mod = published
	f.body = s.render(f)
}

// snapshot returns the requests answered so far.
func (s *feedServer) snapshot() serverCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// polled reports how many feeds have been requested at least once.
func (s *feedServer) polled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.feeds {
		if len(f.hits) > 0 {
			n++
		}
	}
	return n
}

// gaps returns the time between consecutive requests of one feed, over every
// feed, for requests made within [from, to].
func (s *feedServer) gaps(from, to time.Time) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	for _, f := range s.feeds {
		var prev time.Time
		for _, h := range f.hits {
			if h.Before(from) || h.After(to) {
				continue
			}
			if !prev.IsZero() {
				out = append(out, h.Sub(prev))
			}
			prev = h
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// feedsPolledWithin counts the feeds requested at least once within [from, to].
func (s *feedServer) feedsPolledWithin(from, to time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.feeds {
		for _, h := range f.hits {
			if !h.Before(from) && !h.After(to) {
				n++
				break
			}
		}
	}
	return n
}

// statusWriter remembers the status code written, to count 304s.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/feed/") && strings.HasSuffix(path, ".xml"):
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/feed/"), ".xml"))
		s.mu.Lock()
		if err != nil || i < 0 || i >= len(s.feeds) {
			s.counts.other++
			s.mu.Unlock()
			http.NotFound(w, r)
			return
		}
		f := s.feeds[i]
		f.hits = append(f.hits, time.Now())
		body, etag, mod := f.body, f.etag, f.mod
		s.counts.feedRequests++
		s.mu.Unlock()

		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Header().Set("ETag", etag)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		// ServeContent answers If-None-Match (first) and If-Modified-Since
		// with 304, as a web server in front of a blog does.
		http.ServeContent(sw, r, "", mod, bytes.NewReader(body))
		s.mu.Lock()
		if sw.status == http.StatusNotModified {
			s.counts.notModified++
		} else {
			s.counts.full++
		}
		s.mu.Unlock()
	case strings.HasPrefix(path, "/img/"):
		s.mu.Lock()
		s.counts.images++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "image/jpeg")
		http.ServeContent(w, r, "", s.epoch, bytes.NewReader(s.img))
	case strings.HasPrefix(path, "/reviews/"):
		s.mu.Lock()
		s.counts.pages++
		if len(s.pageHits) < 20 {
			s.pageHits = append(s.pageHits, path)
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>%s</title><article><p>A review.</p></article>", html.EscapeString(path))
	default:
		s.mu.Lock()
		s.counts.other++
		s.mu.Unlock()
		http.NotFound(w, r)
	}
}

// render writes f as RSS 2.0 with full content (content:encoded), a poster
// picture served here and a YouTube trailer embed: a complete item, so
// reelpost has no reason to fetch the review page, and the picture keeps
// Bluesky's card thumbnail on loopback (without it the card would use the
// trailer's thumbnail on i.ytimg.com).
func (s *feedServer) render(f *servedFeed) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>Bench Film Reviews %d</title>
<link>%s/</link>
<description>Film reviews, served by benchrig</description>
<language>en-GB</language>
`, f.n, s.base)
	for _, it := range f.items {
		link := fmt.Sprintf("%s/reviews/%s/", s.base, it.token)
		title := html.EscapeString(it.title + " review")
		trailer := fmt.Sprintf("bench%06d", (f.n*1000+it.seq)%1000000)
		fmt.Fprintf(&b, `<item>
<title>%s</title>
<link>%s</link>
<guid isPermaLink="false">%s/?p=%s</guid>
<dc:creator>Bench Critic</dc:creator>
<pubDate>%s</pubDate>
<category>Film Reviews</category>
<category>Drama</category>
<description>A patient, tender film about memory and the people we keep. [&#8230;]</description>
<content:encoded><![CDATA[<p><img src="%s/img/%s.jpg" width="800" height="450" alt="Poster"></p>
<p>A patient, tender film about memory and the people we keep. The director lets scenes run long, and the cast rewards that trust with performances of rare precision.</p>
<p>The middle act sags a little, but the final twenty minutes are as moving as anything this year, and the score knows when to stay quiet.</p>
<p>Genres: Drama</p>
<p>Cast: Ana Example, Ben Sample</p>
<p>Running Time: 1hr 52mins</p>
<p>Director: Cleo Placeholder</p>
<p><iframe width="560" height="315" src="https://www.youtube.com/embed/%s" allowfullscreen></iframe></p>
]]></content:encoded>
</item>
`, title, link, s.base, it.token, it.published.UTC().Format(time.RFC1123Z), s.base, it.token, trailer)
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

// posterJPEG is the picture every item shows: a small real JPEG, so a
// publisher that uploads it (Bluesky's card thumbnail) gets an image.
func posterJPEG() ([]byte, error) {
	m := image.NewRGBA(image.Rect(0, 0, 320, 180))
	for y := range 180 {
		for x := range 320 {
			m.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 70}); err != nil {
		return nil, fmt.Errorf("encode poster: %w", err)
	}
	return b.Bytes(), nil
}
