package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/cards/fetch"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/schema"
	"github.com/ogcard/ogcard/server/alert"
	"github.com/ogcard/ogcard/source"
	"github.com/prometheus/client_golang/prometheus"
)

// Server is ogcard's HTTP service: it finds a card's data, gets the card
// from the pipeline (package cards), and serves it.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	metrics *metrics
	cards   *cards.Pipeline
	sources map[string]source.Source // by layout name

	alerts     *alert.Slack         // nil: alerts off
	fetchFails *alert.SpikeDetector // picture fetch failures in the last minute
	ready      atomic.Bool
	// lookupTime is ogcard_stage_seconds{stage="lookup"}, resolved on
	// first use.
	lookupTime func() prometheus.Observer
	// beforeRender, when a test sets it, runs inside every render with
	// a worker held: to hold workers busy or to panic.
	beforeRender atomic.Pointer[func()]
}

func (s *Server) runBeforeRender() {
	if f := s.beforeRender.Load(); f != nil {
		(*f)()
	}
}

// New builds a server from a validated configuration: it builds the card
// pipeline (layouts, store), opens the data sources, and wires the routes.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log}
	s.metrics = newMetrics()
	s.alerts = alert.NewSlack(cfg.SlackWebhook, alert.Options{Log: log})
	s.fetchFails = alert.NewSpikeDetector(fetchSpikeThreshold, time.Minute)
	if cfg.FetchLoopback {
		log.Warn("picture URLs may reach localhost (--fetch-allow-loopback): for local testing only")
	}
	pcfg, err := cfg.Pipeline()
	if err != nil {
		return nil, err
	}
	s.cards, err = cards.New(ctx, pcfg, cards.Options{Log: log, Registry: s.metrics.reg,
		FetchFailed: s.fetchFailed, RenderFailed: s.renderFailed, BeforeRender: s.runBeforeRender})
	if err != nil {
		return nil, err
	}
	s.lookupTime = sync.OnceValue(func() prometheus.Observer { return s.cards.ObserveStage("lookup") })
	s.logLayouts(s.cards.Layouts())
	s.sources, err = OpenSources(cfg, s.cards.Layouts())
	if err != nil {
		s.Close()
		return nil, err
	}
	if _, configured := cfg.Sources["news"]; !configured && s.sources["news"] != nil {
		log.Info("serving the demo database for the news layout", "data-dir", cfg.DataDir, "try", "/api/v1/og/news/budget-2025.png")
	}
	s.echo = s.routes()
	if cfg.Preview && cfg.PreviewToken == "" {
		s.log.Warn("/preview is on without a token: anyone who can reach this server can render any text with it; in production set --preview-token or --preview=false")
	}
	s.ready.Store(true)
	return s, nil
}

// logLayouts says what is served and what is not, once at start.
func (s *Server) logLayouts(set *cards.Set) {
	_, where := s.cards.LayoutFS()
	s.log.Info("layouts loaded", "from", where, "layouts", strings.Join(set.Names(), ", "))
	for _, st := range set.Status() {
		if !st.OK {
			s.log.Error("layout not served", "file", st.File, "problems", schema.Problems(st.Problems).Error())
		}
	}
}

// Handler is the server's http.Handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Renders is the number of cards rendered so far.
func (s *Server) Renders() int64 { return s.cards.Renders() }

// OpenSources opens the configured data sources, by layout name, and the
// demo database for the news layout when nothing else is configured for
// it and set serves a news layout (the demo is in DataDir/demo.db). `ogcard serve` and `ogcard warm` both
// open them here, so warm lists what serve looks up.
func OpenSources(cfg Config, set *cards.Set) (map[string]source.Source, error) {
	srcs := map[string]source.Source{}
	closeAll := func() {
		for _, src := range srcs {
			_ = src.Close()
		}
	}
	for name, sc := range cfg.Sources {
		src, err := source.Open(sc)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("sources.%s: %w", name, err)
		}
		srcs[name] = src
	}
	if _, news := set.Template("news"); srcs["news"] != nil || !cfg.Demo || !news {
		return srcs, nil
	}
	dsn, err := source.CreateDemo(cfg.DataDir)
	if err == nil {
		srcs["news"], err = source.NewSQL(source.SQLConfig{Driver: "sqlite", DSN: dsn, Query: source.DemoQuery, ListQuery: source.DemoListQuery})
	}
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("demo database: %w", err)
	}
	return srcs, nil
}

// fetchSpikeThreshold is how many picture fetch failures in a minute
// make an alert: a few are normal (dead links), a spike means a CDN or a
// network is down.
const fetchSpikeThreshold = 20

// fetchFailed alerts on a spike of failed picture fetches (the pipeline
// counts them by reason).
func (s *Server) fetchFailed(err error) {
	if s.fetchFails.Add() {
		s.alerts.Alert("fetch-failures", fmt.Sprintf("ogcard: %d picture fetches failed in the last minute (latest: %s: %v)", s.fetchFails.Count(), fetch.Reason(err), err))
	}
}

// renderFailed alerts on a render that failed for the operator's reasons.
func (s *Server) renderFailed(t *engine.Template, err error) {
	s.alerts.Alert("render-failed:"+t.Name, fmt.Sprintf("ogcard: rendering a %s card failed: %v", t.Name, err))
}

// Close releases the sources and the store, writing the cards still
// queued for the store for up to a few seconds.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs := []error{s.alerts.Close()}
	for _, src := range s.sources {
		errs = append(errs, src.Close())
	}
	if s.cards != nil {
		errs = append(errs, s.cards.Close(ctx))
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
		MaxHeaderBytes:    s.cfg.MaxURLBytes + 32<<10, // so that limitURL answers long URLs, in JSON
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
