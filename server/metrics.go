package server

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series, on a registry of its own so
// that tests can run many servers in one process.
type metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec   // route, code
	cache         *prometheus.CounterVec   // result: memory, store, miss
	renders       prometheus.Counter       // cards actually rendered
	renderTime    *prometheus.HistogramVec // stage: lookup, render, encode, queue
	outputBytes   prometheus.Histogram
	storeErrors   *prometheus.CounterVec // op: get, put
	rejected      prometheus.Counter     // renders refused: pool full
	fallbacks     prometheus.Counter
	fetchFailures *prometheus.CounterVec // reason
	reloads       *prometheus.CounterVec // result
	poolInUse     prometheus.GaugeFunc
	poolWaiting   prometheus.GaugeFunc

	// The series every cache hit touches, resolved once (on first use,
	// so that a series still appears only once it has counted something):
	// WithLabelValues hashes its labels and takes a lock on every call.
	byRoute     requestCounters
	cacheMemory lazySeries[prometheus.Counter]
	lookupTime  lazySeries[prometheus.Observer]
}

func newMetrics(p *pool) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_cache_total", Help: "Card lookups by result: memory, store (blob) or miss (rendered)."}, []string{"result"})
	m.renders = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogcard_renders_total", Help: "Cards rendered."})
	m.renderTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ogcard_stage_seconds", Help: "Time spent per stage: lookup (data source), queue (waiting for a worker), fetch (picture download and decode), render, encode.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}, []string{"stage"})
	m.outputBytes = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ogcard_card_bytes", Help: "Size of rendered cards.", Buckets: prometheus.ExponentialBuckets(16<<10, 2, 8)})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_store_errors_total", Help: "Card store failures by operation; the server renders and serves anyway."}, []string{"op"})
	m.rejected = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogcard_render_rejected_total", Help: "Requests answered 503 because every render worker was busy."})
	m.fallbacks = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogcard_fallbacks_total", Help: "Cards drawn with a fallback picture."})
	m.fetchFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_fetch_failures_total", Help: "Pictures that could not be loaded, by reason (blocked, timeout, too_large, too_many_pixels, http_status, not_image, decode, network, file, other)."}, []string{"reason"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_layout_reloads_total", Help: "Layout reloads by result: ok, or error (a layout has problems; its last good version serves)."}, []string{"result"})
	m.poolInUse = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogcard_render_workers_busy", Help: "Render workers in use."}, func() float64 { return float64(p.inUse()) })
	m.poolWaiting = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogcard_render_queue", Help: "Requests waiting for a render worker."}, func() float64 { return float64(p.waiting.Load()) })
	m.reg.MustRegister(m.requests, m.cache, m.renders, m.renderTime, m.outputBytes, m.storeErrors, m.rejected, m.fallbacks, m.fetchFailures, m.reloads, m.poolInUse, m.poolWaiting,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.byRoute.vec = m.requests
	m.cacheMemory.resolve = func() prometheus.Counter { return m.cache.WithLabelValues(string(fromMemory)) }
	m.lookupTime.resolve = func() prometheus.Observer { return m.renderTime.WithLabelValues("lookup") }
	return m
}

// lazySeries is one labelled series of a vector, looked up on first use.
type lazySeries[T any] struct {
	once    sync.Once
	resolve func() T
	series  T
}

func (l *lazySeries[T]) get() T {
	l.once.Do(func() { l.series = l.resolve() })
	return l.series
}

// requestCounters resolves ogcard_requests_total{route, code} once per
// pair. Reads take no lock and allocate nothing: the map is replaced
// whole, copied, when a new pair turns up, which stops happening soon
// after start (routes and status codes are few).
type requestCounters struct {
	vec *prometheus.CounterVec
	mu  sync.Mutex // serialises the copies
	m   atomic.Pointer[map[routeCode]prometheus.Counter]
}

type routeCode struct {
	route string
	code  int
}

// inc counts one request.
func (r *requestCounters) inc(route string, code int) {
	k := routeCode{route, code}
	if m := r.m.Load(); m != nil {
		if c, ok := (*m)[k]; ok {
			c.Inc()
			return
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.m.Load()
	var next map[routeCode]prometheus.Counter
	if old == nil {
		next = map[routeCode]prometheus.Counter{}
	} else {
		if c, ok := (*old)[k]; ok { // added while we waited for the lock
			c.Inc()
			return
		}
		next = make(map[routeCode]prometheus.Counter, len(*old)+1)
		for kk, c := range *old {
			next[kk] = c
		}
	}
	c := r.vec.WithLabelValues(route, strconv.Itoa(code))
	// A client cannot make up routes (unmatched ones are counted as
	// "unmatched") but keep the map small anyway.
	if len(next) < 1024 {
		next[k] = c
		r.m.Store(&next)
	}
	c.Inc()
}
