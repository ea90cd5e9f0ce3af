package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reelpost/reelpost/internal/benchrig/benchfeed"
)

// bigFeedServer serves one benchfeed feed at /feed.xml on 127.0.0.1, either
// changing (a new lastBuildDate in every answer and no validators: every
// poll gets new bytes holding the same items) or static (an ETag, so a
// conditional GET is answered 304). A gate, when set, holds feed requests
// until it is opened, so the rig can read the daemon's memory before the
// feed arrives. Requests are counted by kind and by client.
type bigFeedServer struct {
	url      string
	base     string
	feed     *benchfeed.Feed
	changing bool
	static   []byte // the static body
	srv      *http.Server
	done     chan struct{}
	gate     chan struct{}
	gateOnce sync.Once

	mu       sync.Mutex
	seq      int
	last     []byte // the last changing body served
	full     map[string]int
	notMod   map[string]int
	pages    int
	images   int
	other    int
	bodySize int
}

// newBigFeedServer renders a feed of items and starts serving it; gated
// holds feed requests until openGate.
func newBigFeedServer(items int, changing, gated bool) (*bigFeedServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("feed server: listen: %w", err)
	}
	s := &bigFeedServer{base: "http://" + ln.Addr().String(), changing: changing, done: make(chan struct{}),
		full: map[string]int{}, notMod: map[string]int{}}
	s.url = s.base + "/feed.xml"
	s.feed = benchfeed.New(items, s.base)
	s.static = s.feed.Body(benchfeed.Epoch)
	s.bodySize = len(s.static)
	if gated {
		s.gate = make(chan struct{})
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

func (s *bigFeedServer) openGate() {
	if s.gate != nil {
		s.gateOnce.Do(func() { close(s.gate) })
	}
}

func (s *bigFeedServer) close() {
	s.openGate()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	<-s.done
}

// client names the program behind a request by its User-Agent: reelpost,
// or gofeed (the rss2twitter stand-in).
func client(r *http.Request) string {
	ua := r.UserAgent()
	switch {
	case strings.HasPrefix(strings.ToLower(ua), "reelpost"):
		return "reelpost"
	case strings.Contains(strings.ToLower(ua), "gofeed"):
		return "gofeed"
	}
	return ua
}

func (s *bigFeedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/feed.xml":
		if s.gate != nil {
			select {
			case <-s.gate:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		if s.changing {
			s.mu.Lock()
			s.seq++
			body := s.feed.Body(benchfeed.Epoch.Add(time.Duration(s.seq) * time.Second))
			s.last = body
			s.full[client(r)]++
			s.mu.Unlock()
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write(body)
			return
		}
		const etag = `"benchfeed-v1"`
		w.Header().Set("ETag", etag)
		s.mu.Lock()
		if r.Header.Get("If-None-Match") == etag {
			s.notMod[client(r)]++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		s.full[client(r)]++
		s.mu.Unlock()
		w.Header().Set("Content-Length", strconv.Itoa(len(s.static)))
		_, _ = w.Write(s.static)
	case strings.HasPrefix(r.URL.Path, "/reviews/"):
		s.count(&s.pages)
		http.NotFound(w, r)
	case strings.HasPrefix(r.URL.Path, "/img/"):
		s.count(&s.images)
		http.NotFound(w, r)
	default:
		s.count(&s.other)
		http.NotFound(w, r)
	}
}

func (s *bigFeedServer) count(n *int) {
	s.mu.Lock()
	*n++
	s.mu.Unlock()
}

// lastBody is the last changing body served (the static body otherwise).
func (s *bigFeedServer) lastBody() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return s.static
	}
	return s.last
}

// requests returns the feed requests answered in full and with 304, by
// client, and the page and picture requests.
func (s *bigFeedServer) requests() (full, notMod map[string]int, pages, images int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	full, notMod = map[string]int{}, map[string]int{}
	for k, v := range s.full {
		full[k] = v
	}
	for k, v := range s.notMod {
		notMod[k] = v
	}
	return full, notMod, s.pages, s.images
}
