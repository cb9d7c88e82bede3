package server

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series, on a registry of its own so
// that tests can run many servers in one process. The pipeline registers
// its own series (cache, renders, stages, store, pool) on the same
// registry.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec // route, code

	// byRoute resolves the series every request touches once per pair:
	// WithLabelValues hashes its labels and takes a lock on every call.
	byRoute requestCounters
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"})
	m.reg.MustRegister(m.requests, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.byRoute.vec = m.requests
	return m
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
