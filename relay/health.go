package relay

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reelpost/reelpost/internal/redact"
	"github.com/reelpost/reelpost/store"
)

// metrics are the relay's Prometheus metrics, in a registry of its own (no
// global state: two relays in one test process do not collide).
type metrics struct {
	reg            *prometheus.Registry
	polls          *prometheus.CounterVec
	fetchErrors    *prometheus.CounterVec
	feedsFailing   prometheus.Gauge
	itemsSeen      prometheus.Counter
	deliveries     *prometheus.CounterVec
	publishLatency *prometheus.HistogramVec
	postDelay      *prometheus.HistogramVec
	lastCycle      prometheus.Gauge
}

func newMetrics(r *Relay) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reelpost_feed_polls_total",
			Help: "Feed polls by result: new (deliveries due), seen (nothing new to post), same_items (new bytes, the same items), unchanged (same body), not_modified (304), error.",
		}, []string{"result"}),
		fetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reelpost_feed_fetch_errors_total",
			Help: "Feed polls that failed (fetch, parse or record), by feed: a configured feed's URL.",
		}, []string{"feed"}),
		feedsFailing: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "reelpost_feeds_failing",
			Help: "Feeds failing for long (consecutive failures at the threshold, or no success for an hour).",
		}),
		itemsSeen: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "reelpost_items_seen_total",
			Help: "Feed items recorded for the first time.",
		}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reelpost_delivery_attempts_total",
			Help: "Delivery attempts by network, outcome (posted, retry, rate_limited, failed) and the feed whose route posts it (the one that gave the account the review): a configured feed's URL, or other for a feed no longer configured.",
		}, []string{"network", "outcome", "feed"}),
		publishLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reelpost_publish_duration_seconds",
			Help:    "Time one publish call took, by network.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 10),
		}, []string{"network"}),
		postDelay: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reelpost_post_delay_seconds",
			Help:    "Delay from an item's publication (or first sight, when undated or old) to its post, by network.",
			Buckets: []float64{0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600},
		}, []string{"network"}),
		lastCycle: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "reelpost_last_poll_timestamp_seconds",
			Help: "Unix time of the last completed feed poll (or scheduler pass with nothing due).",
		}),
	}
	// Every configured feed's series exists from the start, at 0, so that
	// a rate over it is defined before its first failure. The configured
	// feeds bound the label's values.
	for _, u := range r.o.Feeds {
		m.fetchErrors.WithLabelValues(redact.URL(u))
	}
	m.reg.MustRegister(m.polls, m.fetchErrors, m.feedsFailing, m.itemsSeen, m.deliveries,
		m.publishLatency, m.postDelay, m.lastCycle,
		&stateCollector{st: r.o.Store},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// stateCollector reads the deliveries by state from the ledger at scrape
// time: the ledger, shared by every replica, is the truth, not a counter in
// one process.
type stateCollector struct{ st *store.Store }

var deliveriesDesc = prometheus.NewDesc("reelpost_deliveries",
	"Deliveries in the ledger by network, account and state.", []string{"network", "account", "state"}, nil)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- deliveriesDesc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.st.Counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(deliveriesDesc, err)
		return
	}
	for account, byState := range counts {
		for _, s := range store.States {
			ch <- prometheus.MustNewConstMetric(deliveriesDesc, prometheus.GaugeValue, float64(byState[s]),
				networkOf(account), account, string(s))
		}
	}
}

// Readiness is /readyz's answer.
type Readiness struct {
	Ready    bool      `json:"ready"`
	Store    string    `json:"store"`
	LastPoll time.Time `json:"last_poll,omitzero"`
	// Reason says why not ready.
	Reason       string        `json:"reason,omitempty"`
	FailingFeeds []FailingFeed `json:"failing_feeds,omitempty"`
	Now          time.Time     `json:"now"`
}

// FailingFeed is a feed failing for long, as /readyz shows it.
type FailingFeed struct {
	URL               string    `json:"url"`
	ConsecutiveErrors int       `json:"consecutive_errors"`
	LastError         string    `json:"last_error"`
	LastSuccess       time.Time `json:"last_success,omitzero"`
	NextPoll          time.Time `json:"next_poll,omitzero"`
}

// Ready checks the store and that polling goes on: the last poll completed
// within two intervals plus a fetch timeout. Failing feeds are reported but
// do not make the relay unready (the other feeds go on). A store that
// answers but whose last write failed (a full disk, a read-only ledger) is
// not ready either: a ping reads, and every review seen meanwhile is lost.
func (r *Relay) Ready(ctx context.Context) Readiness {
	now := r.now()
	rd := Readiness{Ready: true, Store: "ok", Now: now}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := r.o.Store.Ping(pctx); err != nil {
		rd.Ready, rd.Store, rd.Reason = false, err.Error(), "store unreachable"
	} else if err := r.o.Store.LastWriteErr(); err != nil {
		rd.Ready, rd.Store, rd.Reason = false, err.Error(), "store cannot write"
	}
	r.mu.Lock()
	rd.LastPoll = r.lastCycle
	for _, st := range r.failing {
		rd.FailingFeeds = append(rd.FailingFeeds, FailingFeed{URL: redact.URL(st.URL), ConsecutiveErrors: st.ConsecutiveErrors,
			LastError: redact.Within(st.LastError, st.URL), LastSuccess: st.LastSuccess, NextPoll: st.NextPoll})
	}
	r.mu.Unlock()
	sort.Slice(rd.FailingFeeds, func(i, j int) bool { return rd.FailingFeeds[i].URL < rd.FailingFeeds[j].URL })
	window := 2*r.o.PollInterval + r.o.FetchTimeout
	switch {
	case !rd.Ready:
	case rd.LastPoll.IsZero():
		rd.Ready, rd.Reason = false, "no poll completed yet"
	case now.Sub(rd.LastPoll) > window:
		rd.Ready, rd.Reason = false, "no poll completed in "+window.String()
	}
	return rd
}

func (r *Relay) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		rd := r.Ready(req.Context())
		w.Header().Set("Content-Type", "application/json")
		if !rd.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(rd)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(r.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}
