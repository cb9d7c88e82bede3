package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/fetch"
	"github.com/ogcard/ogcard/schema"
	"github.com/ogcard/ogcard/server/alert"
	"github.com/ogcard/ogcard/server/source"
	"github.com/ogcard/ogcard/server/storage"
	"golang.org/x/sync/singleflight"
)

// Server is ogcard's HTTP service: it finds a card's data, renders the
// card once, keeps it in memory and in the store, and serves it.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	metrics *metrics

	live    atomic.Pointer[layoutSet] // the layouts served; swapped whole on reload
	sources map[string]source.Source  // by layout name
	store   *storage.Store            // nil: memory only
	hot     *lru[*card]
	keys    keyMemo // CacheKey answers, so that a hit skips its work
	photos  engine.ImageLoader
	pool    *pool
	flight  singleflight.Group

	alerts     *alert.Slack         // nil: alerts off
	fetchFails *alert.SpikeDetector // picture fetch failures in the last minute

	renders atomic.Int64 // cards rendered, for tests
	// beforeRender, when set by a test, runs inside every render (with a
	// worker held): to hold workers busy or to panic.
	beforeRender func()
	warned       sync.Map // warnings already logged
	ready        atomic.Bool

	subsMu    sync.Mutex
	subs      map[chan int64]struct{} // reload subscribers (the preview's event streams)
	stopWatch context.CancelFunc
}

// New builds a server from a validated configuration: it loads the
// layouts, opens the data sources and the card store, and wires the routes.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, sources: map[string]source.Source{}, pool: newPool(cfg.Workers, cfg.QueueWait), subs: map[chan int64]struct{}{}}
	s.metrics = newMetrics(s.pool)
	s.hot = newLRU[*card](cfg.MemoryCache)
	s.alerts = alert.NewSlack(cfg.SlackWebhook, alert.Options{Log: log})
	s.fetchFails = alert.NewSpikeDetector(fetchSpikeThreshold, time.Minute)
	loader := fetch.New(fetch.Options{
		FileRoot: cfg.DataDir, AllowHosts: cfg.FetchHosts, AllowLoopback: cfg.FetchLoopback,
		Timeout: cfg.FetchTimeout, MaxBytes: cfg.FetchMaxBytes,
	})
	if cfg.FetchLoopback {
		log.Warn("picture URLs may reach localhost (--fetch-allow-loopback): for local testing only")
	}
	s.photos = newPhotoCache(loader, 256<<20, 10*time.Minute, s.fetchFailed, func(d time.Duration) {
		s.metrics.renderTime.WithLabelValues("fetch").Observe(d.Seconds())
	})
	set, err := s.buildSet(nil)
	if err != nil {
		return nil, err
	}
	s.live.Store(set)
	s.logLayouts(set)
	if err := s.openSources(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.openStore(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.echo = s.routes()
	if cfg.Layouts != "" && cfg.Watch {
		watchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		s.stopWatch = cancel
		if err := s.watch(watchCtx); err != nil {
			s.log.Warn("not watching layouts: edits need a restart", "err", err)
		}
	}
	if cfg.Preview && cfg.PreviewToken == "" {
		s.log.Warn("/preview is on without a token: anyone who can reach this server can render any text with it; in production set --preview-token or --preview=false")
	}
	s.ready.Store(true)
	return s, nil
}

// logLayouts says what is served and what is not, once at start.
func (s *Server) logLayouts(set *layoutSet) {
	names := make([]string, 0, len(set.templates))
	for n := range set.templates {
		names = append(names, n)
	}
	slices.Sort(names)
	_, where := s.layoutFS()
	s.log.Info("layouts loaded", "from", where, "layouts", strings.Join(names, ", "))
	for _, st := range set.status {
		if !st.OK {
			s.log.Error("layout not served", "file", st.File, "problems", schema.Problems(st.Problems).Error())
		}
	}
}

// Handler is the server's http.Handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Renders is the number of cards rendered so far.
func (s *Server) Renders() int64 { return s.renders.Load() }

// openSources opens the configured data sources, and the demo database
// for the news layout when nothing else is configured for it.
func (s *Server) openSources() error {
	for name, sc := range s.cfg.Sources {
		src, err := openSource(sc)
		if err != nil {
			return fmt.Errorf("sources.%s: %w", name, err)
		}
		s.sources[name] = src
	}
	if _, ok := s.sources["news"]; ok || !s.cfg.Demo || s.layouts().templates["news"] == nil {
		return nil
	}
	dsn, err := source.CreateDemo(s.cfg.DataDir)
	if err != nil {
		return fmt.Errorf("demo database: %w", err)
	}
	src, err := source.NewSQL(source.SQLConfig{Driver: "sqlite", DSN: dsn, Query: source.DemoQuery, ListQuery: source.DemoListQuery})
	if err != nil {
		return fmt.Errorf("demo database: %w", err)
	}
	s.sources["news"] = src
	s.log.Info("serving the demo database for the news layout", "dsn", dsn, "try", "/api/v1/og/news/budget-2025.png")
	return nil
}

func openSource(sc SourceConfig) (source.Source, error) {
	switch sc.Type {
	case "sql":
		return source.NewSQL(source.SQLConfig{Driver: sc.Driver, DSN: sc.DSN, Query: sc.Query, ListQuery: sc.ListQuery, Timeout: sc.Timeout})
	case "http":
		return source.NewHTTP(source.HTTPConfig{URL: sc.URL, Fields: sc.Fields, Headers: sc.Headers, Timeout: sc.Timeout})
	case "mongodb":
		return openMongoDB(sc)
	}
	return nil, fmt.Errorf("unknown source type %q", sc.Type)
}

// openStore opens the card store. A store that cannot be opened at start
// is a configuration error; one that fails later only costs renders.
func (s *Server) openStore(ctx context.Context) error {
	url, err := s.cfg.storeURL()
	if err != nil {
		return err
	}
	bucket, err := storage.Open(ctx, url)
	if err != nil {
		return fmt.Errorf("cache-url %s: %w", url, err)
	}
	s.store = storage.NewStore(bucket, "cards/")
	return nil
}

// storeURL is the card store's URL: --cache-url, else the cards folder
// in the data folder (ogcard warm must fill the store serve reads).
func (c Config) storeURL() (string, error) {
	if c.CacheURL != "" {
		return c.CacheURL, nil
	}
	abs, err := filepath.Abs(filepath.Join(c.DataDir, "cards"))
	if err != nil {
		return "", err
	}
	return "file://" + abs, nil
}

// fetchSpikeThreshold is how many picture fetch failures in a minute
// make an alert: a few are normal (dead links), a spike means a CDN or a
// network is down.
const fetchSpikeThreshold = 20

// fetchFailed counts a failed picture fetch by reason, and alerts on a spike.
func (s *Server) fetchFailed(err error) {
	reason := fetch.Reason(err)
	s.metrics.fetchFailures.WithLabelValues(reason).Inc()
	if s.fetchFails.Add() {
		s.alerts.Alert("fetch-failures", fmt.Sprintf("ogcard: %d picture fetches failed in the last minute (latest: %s: %v)", s.fetchFails.Count(), reason, err))
	}
}

// warnOnce runs log the first time key is seen: one line per layout and
// problem, not one per request.
func (s *Server) warnOnce(key string, log func()) {
	if _, seen := s.warned.LoadOrStore(key, true); !seen {
		log()
	}
}

// Close releases the sources and the store.
func (s *Server) Close() error {
	if s.stopWatch != nil {
		s.stopWatch()
	}
	errs := []error{s.alerts.Close()}
	for _, src := range s.sources {
		errs = append(errs, src.Close())
	}
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	return errors.Join(errs...)
}

// ListenAndServe serves on the configured address until ctx ends, then
// shuts down gracefully: it stops accepting, lets in-flight requests
// (and their renders) finish for up to the render timeout, and returns.
func (s *Server) ListenAndServe(ctx context.Context) error {
	srv := &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s.echo,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      s.cfg.RenderTimeout + s.cfg.QueueWait + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	s.log.Info("ogcard listening", "addr", s.cfg.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.RenderTimeout+5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
