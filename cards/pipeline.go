package cards

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ogcard/ogcard/cards/fetch"
	"github.com/ogcard/ogcard/cards/storage"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/lru"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/singleflight"
)

// Config is what the pipeline is built from. The server's one validated
// configuration fills it (server.Config.Pipeline); a zero field means
// the default given beside it.
type Config struct {
	// Layouts is the folder of layout files; empty: the built-in layouts.
	Layouts string
	// Watch reloads the layouts when files in Layouts change.
	Watch bool
	// StoreURL is the card store: file://, s3:// or mem://; empty: none,
	// cards live in memory only.
	StoreURL string
	// MemoryCache is the bytes of encoded cards kept in memory (64 MiB).
	MemoryCache int64
	// Workers is how many cards render at once (1).
	Workers int
	// QueueWait is the longest a render waits for a worker before
	// ErrBusy (2 s).
	QueueWait time.Duration
	// RenderTimeout bounds one render (10 s).
	RenderTimeout time.Duration
	// MaxAge and FallbackMaxAge are the Cache-Control max-age of a card,
	// and of one drawn with a fallback picture or a missing glyph
	// (1 year, 1 minute).
	MaxAge, FallbackMaxAge time.Duration
	// PhotoCache is the bytes of decoded photos kept in memory (256 MiB),
	// each for PhotoTTL (10 minutes), so that a photo replaced at the
	// same URL is picked up.
	PhotoCache int64
	PhotoTTL   time.Duration
	// StoreQueue is how many card writes may wait for the store (256);
	// past it a write is dropped and counted: the card is served anyway.
	StoreQueue int
	// Fetch configures the picture loader (SSRF rules, caps, deadline).
	Fetch fetch.Options
}

func (c *Config) setDefaults() {
	c.MemoryCache = cmpOr(c.MemoryCache, 64<<20)
	c.Workers = cmpOr(c.Workers, 1)
	c.QueueWait = cmpOr(c.QueueWait, 2*time.Second)
	c.RenderTimeout = cmpOr(c.RenderTimeout, 10*time.Second)
	c.MaxAge = cmpOr(c.MaxAge, 365*24*time.Hour)
	c.FallbackMaxAge = cmpOr(c.FallbackMaxAge, time.Minute)
	c.PhotoCache = cmpOr(c.PhotoCache, 256<<20)
	c.PhotoTTL = cmpOr(c.PhotoTTL, 10*time.Minute)
	c.StoreQueue = cmpOr(c.StoreQueue, 256)
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Options are the pipeline's connections to the rest of the process; nil
// fields are off.
type Options struct {
	// Log receives the pipeline's logs (slog.Default when nil).
	Log *slog.Logger
	// Registry is where the pipeline's Prometheus series are registered
	// (a private registry when nil).
	Registry prometheus.Registerer
	// FetchFailed is told of every picture that could not be loaded
	// (the server alerts on spikes).
	FetchFailed func(error)
	// RenderFailed is told of every render that failed for a reason
	// other than the data or a cancelled request.
	RenderFailed func(t *engine.Template, err error)
	// BeforeRender runs inside every render with a worker held: for
	// tests that hold workers busy or make a render panic.
	BeforeRender func()
}

// Pipeline turns a layout and data into an encoded card: from memory,
// from the store, or rendered on the pool, once however many callers
// want the same card at the same time.
type Pipeline struct {
	cfg     Config
	opts    Options
	log     *slog.Logger
	metrics *metrics

	live   atomic.Pointer[Set] // the layouts served; swapped whole on reload
	store  *guardedStore       // nil: memory only
	hot    *lru.Cache[string, *Card]
	keys   keyMemo // CacheKey answers, so that a hit skips its work
	photos *photoCache
	pool   *pool
	flight singleflight.Group

	renders atomic.Int64 // cards rendered, for tests
	warned  sync.Map     // warnings already logged

	subsMu    sync.Mutex
	subs      map[chan int64]struct{} // reload subscribers (the preview's event streams)
	stopWatch context.CancelFunc
}

// New builds the pipeline: it compiles the layouts, opens the card store
// and starts watching the layout folder when asked to.
func New(ctx context.Context, cfg Config, opts Options) (*Pipeline, error) {
	cfg.setDefaults()
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	p := &Pipeline{cfg: cfg, opts: opts, log: opts.Log, subs: map[chan int64]struct{}{}}
	p.pool = newPool(cfg.Workers, cfg.QueueWait)
	m, err := newMetrics(opts.Registry, p)
	if err != nil {
		return nil, err
	}
	p.metrics = m
	p.hot = lru.New[string, *Card](cfg.MemoryCache)
	loader := fetch.New(cfg.Fetch)
	p.photos = newPhotoCache(loader, cfg.PhotoCache, cfg.PhotoTTL, p.fetchFailed, func(d time.Duration) {
		p.metrics.stage.WithLabelValues("fetch").Observe(d.Seconds())
	})
	set, err := p.buildSet(nil)
	if err != nil {
		return nil, err
	}
	p.live.Store(set)
	if err := p.openStore(ctx); err != nil {
		return nil, err
	}
	if cfg.Layouts != "" && cfg.Watch {
		watchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		p.stopWatch = cancel
		if err := p.watch(watchCtx); err != nil {
			p.log.Warn("not watching layouts: edits need a restart", "err", err)
		}
	}
	return p, nil
}

// openStore opens the card store. A store that cannot be opened at start
// is a configuration error; one that fails later only costs renders.
func (p *Pipeline) openStore(ctx context.Context) error {
	if p.cfg.StoreURL == "" {
		return nil
	}
	bucket, err := storage.Open(ctx, p.cfg.StoreURL)
	if err != nil {
		return fmt.Errorf("cache-url %s: %w", p.cfg.StoreURL, err)
	}
	p.store = newGuardedStore(storage.NewStore(bucket, "cards/"), p.cfg.StoreQueue, p.metrics, p.log)
	return nil
}

// StoreURL is the card store's URL; empty when cards live in memory only.
func (p *Pipeline) StoreURL() string { return p.cfg.StoreURL }

// Renders is the number of cards rendered so far.
func (p *Pipeline) Renders() int64 { return p.renders.Load() }

// HotBytes is the bytes of encoded cards held in memory.
func (p *Pipeline) HotBytes() int64 { return p.hot.Cost() }

// Acquire takes a render worker, waiting at most the queue wait
// (ErrBusy): for work that must be bounded like renders but does not go
// through Card, such as the preview's compiles and draws.
func (p *Pipeline) Acquire(ctx context.Context) (release func(), err error) {
	release, err = p.pool.acquire(ctx)
	if errors.Is(err, ErrBusy) {
		p.metrics.rejected.Inc()
	}
	return release, err
}

// Saturated reports whether every worker is busy and requests wait: the
// server's readiness turns red.
func (p *Pipeline) Saturated() bool { return p.pool.saturated() }

// Photos is the pipeline's picture loader (the photo cache over the
// SSRF-safe fetcher), for callers that draw outside Card.
func (p *Pipeline) Photos() engine.ImageLoader { return p.photos }

// StoreHealthy reports whether the card store is answering (its circuit
// is closed); true when there is no store.
func (p *Pipeline) StoreHealthy() bool { return p.store == nil || p.store.healthy() }

// ObserveStage records time spent in a stage outside the pipeline (the
// server's data lookup) in the same ogcard_stage_seconds histogram.
func (p *Pipeline) ObserveStage(stage string) prometheus.Observer {
	return p.metrics.stage.WithLabelValues(stage)
}

// fetchFailed counts a failed picture fetch by reason and passes it on.
func (p *Pipeline) fetchFailed(err error) {
	p.metrics.fetchFailures.WithLabelValues(fetch.Reason(err)).Inc()
	if p.opts.FetchFailed != nil {
		p.opts.FetchFailed(err)
	}
}

// warnOnce runs log the first time key is seen: one line per layout and
// problem, not one per request.
func (p *Pipeline) warnOnce(key string, log func()) {
	if _, seen := p.warned.LoadOrStore(key, true); !seen {
		log()
	}
}

// Close stops watching, writes the cards still queued for the store
// (for at most ctx's life) and closes the store.
func (p *Pipeline) Close(ctx context.Context) error {
	if p.stopWatch != nil {
		p.stopWatch()
	}
	if p.store != nil {
		return p.store.close(ctx)
	}
	return nil
}
