package cards

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the pipeline's Prometheus series.
type metrics struct {
	cache         *prometheus.CounterVec   // result: memory, store, miss, shared
	renders       prometheus.Counter       // cards actually rendered
	stage         *prometheus.HistogramVec // stage: lookup, queue, fetch, render, encode
	outputBytes   prometheus.Histogram
	storeErrors   *prometheus.CounterVec // op: get, put
	storeDropped  prometheus.Counter     // writes dropped: queue full or circuit open
	storeOpen     prometheus.GaugeFunc   // 1 while the store's circuit is open
	rejected      prometheus.Counter     // renders refused: pool full
	fallbacks     prometheus.Counter
	fetchFailures *prometheus.CounterVec // reason
	reloads       *prometheus.CounterVec // result
	poolInUse     prometheus.GaugeFunc
	poolWaiting   prometheus.GaugeFunc

	// cacheMemory is the series every memory hit touches, resolved once
	// (on first use, so that the series appears only once it counts):
	// WithLabelValues hashes its labels and takes a lock on every call.
	cacheMemory func() prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, p *Pipeline) (*metrics, error) {
	m := &metrics{}
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_cache_total", Help: "Card lookups by result: memory, store (blob), miss (rendered) or shared (waited for another request's store read or render)."}, []string{"result"})
	m.renders = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogcard_renders_total", Help: "Cards rendered."})
	m.stage = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ogcard_stage_seconds", Help: "Time spent per stage: lookup (data source), queue (waiting for a worker), fetch (picture download and decode), render, encode.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}, []string{"stage"})
	m.outputBytes = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ogcard_card_bytes", Help: "Size of rendered cards.", Buckets: prometheus.ExponentialBuckets(16<<10, 2, 8)})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_store_errors_total", Help: "Card store failures by operation; the server renders and serves anyway."}, []string{"op"})
	m.storeDropped = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogcard_store_writes_dropped_total", Help: "Card writes not sent to the store: its queue was full or its circuit open. The card was served."})
	m.storeOpen = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogcard_store_circuit_open", Help: "1 while the card store is skipped after consecutive failures, 0 while it is used."}, func() float64 {
		if p.StoreHealthy() {
			return 0
		}
		return 1
	})
	m.rejected = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogcard_render_rejected_total", Help: "Requests answered 503 because every render worker was busy."})
	m.fallbacks = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogcard_fallbacks_total", Help: "Cards drawn with a fallback picture or a missing glyph (served briefly, never stored)."})
	m.fetchFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_fetch_failures_total", Help: "Pictures that could not be loaded, by reason (blocked, timeout, too_large, too_many_pixels, http_status, not_image, decode, network, file, other)."}, []string{"reason"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogcard_layout_reloads_total", Help: "Layout reloads by result: ok, or error (a layout has problems; its last good version serves)."}, []string{"result"})
	m.poolInUse = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogcard_render_workers_busy", Help: "Render workers in use."}, func() float64 { return float64(p.pool.inUse()) })
	m.poolWaiting = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogcard_render_queue", Help: "Requests waiting for a render worker."}, func() float64 { return float64(p.pool.waiting.Load()) })
	for _, c := range []prometheus.Collector{m.cache, m.renders, m.stage, m.outputBytes, m.storeErrors, m.storeDropped, m.storeOpen,
		m.rejected, m.fallbacks, m.fetchFailures, m.reloads, m.poolInUse, m.poolWaiting} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.cacheMemory = sync.OnceValue(func() prometheus.Counter { return m.cache.WithLabelValues(string(FromMemory)) })
	return m, nil
}
