package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/server/storage"
	"github.com/ogcard/ogcard/server/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// storeTimeout bounds a card store read.
const storeTimeout = time.Second

// card is an encoded card, ready to serve.
type card struct {
	data         []byte
	contentType  string
	etag         string // strong: a hash of the bytes
	cacheControl string
	fallback     bool // a picture failed to load: cached briefly, never stored

	hdr atomic.Pointer[cardHeaders] // built on first serve; see routes.go
}

// cacheResult says where a card came from, for logs and metrics.
type cacheResult string

const (
	fromMemory cacheResult = "memory"
	fromStore  cacheResult = "store"
	rendered   cacheResult = "miss"
)

// card returns the card for data in out's format: from memory, from the
// store, or rendered, once, however many requests want it at the same time.
func (s *Server) card(ctx context.Context, t *engine.Template, data engine.Data, out engine.Output) (*card, cacheResult, error) {
	key, err := s.keys.cacheKey(t, data, out)
	if err != nil {
		return nil, "", err
	}
	ctx, span := telemetry.Tracer().Start(ctx, "cache")
	defer span.End()
	if c, ok := s.hot.get(key); ok {
		s.metrics.cacheMemory.get().Inc()
		return c, fromMemory, nil
	}
	if c := s.fromStore(ctx, key); c != nil {
		s.hot.put(key, c, int64(len(c.data)), 0)
		s.metrics.cache.WithLabelValues(string(fromStore)).Inc()
		return c, fromStore, nil
	}
	v, err, shared := s.flight.Do(key, func() (any, error) {
		return s.render(ctx, key, t, data, out)
	})
	if err != nil {
		return nil, "", err
	}
	result := rendered
	if shared {
		result = fromMemory // waited for another request's render
	}
	s.metrics.cache.WithLabelValues(string(result)).Inc()
	return v.(*card), result, nil
}

// fromStore reads a stored card; a store that is down counts as a miss.
func (s *Server) fromStore(ctx context.Context, key string) *card {
	if s.store == nil {
		return nil
	}
	// A store that is down must cost a request a second at most: the SDK
	// retries a refused connection for longer.
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	data, meta, err := s.store.Get(ctx, key)
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) {
			s.metrics.storeErrors.WithLabelValues("get").Inc()
			s.log.Warn("card store read failed; rendering instead", "err", err)
		}
		return nil
	}
	return &card{data: data, contentType: meta.ContentType, etag: etagOf(data), cacheControl: meta.CacheControl}
}

// render draws, encodes and keeps one card. It runs once per key at a
// time (singleflight), detached from the request that started it, so a
// crawler hanging up does not fail the others waiting for the same card.
func (s *Server) render(reqCtx context.Context, key string, t *engine.Template, data engine.Data, out engine.Output) (*card, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), s.cfg.RenderTimeout)
	defer cancel()
	queued := time.Now()
	release, err := s.pool.acquire(ctx)
	if err != nil {
		if errors.Is(err, errBusy) {
			s.metrics.rejected.Inc()
		}
		return nil, err
	}
	defer release()
	s.metrics.renderTime.WithLabelValues("queue").Observe(time.Since(queued).Seconds())

	img, info, err := s.drawCard(ctx, t, data, s.photos)
	if err != nil {
		return nil, err
	}
	c, err := s.encodeCard(ctx, t, img, info, out)
	engine.Recycle(img) // nothing holds the picture once it is encoded
	if err != nil {
		return nil, err
	}
	if c.fallback {
		s.hot.put(key, c, int64(len(c.data)), s.cfg.FallbackMaxAge)
		return c, nil
	}
	s.hot.put(key, c, int64(len(c.data)), 0)
	s.keep(ctx, key, c)
	return c, nil
}

// drawCard draws a card's picture, timed and traced. It is the step a
// request's miss shares with Warm, which draws once and encodes it for
// every format it warms; images is the loader pictures come through.
func (s *Server) drawCard(ctx context.Context, t *engine.Template, data engine.Data, images engine.ImageLoader) (*image.RGBA, *engine.RenderInfo, error) {
	if s.beforeRender != nil {
		s.beforeRender()
	}
	start := time.Now()
	rctx, span := telemetry.Tracer().Start(ctx, "render", trace.WithAttributes(attribute.String("layout", t.Name)))
	img, info, err := t.Render(rctx, data, engine.RenderOptions{Images: images})
	span.End()
	if err != nil {
		s.renderFailed(t, err)
		return nil, nil, err
	}
	s.metrics.renderTime.WithLabelValues("render").Observe(time.Since(start).Seconds())
	return img, info, nil
}

// encodeCard encodes a drawn card in out's format, counts it as
// rendered, and says how long it may be cached: a card drawn with a
// fallback picture is served briefly and never stored.
func (s *Server) encodeCard(ctx context.Context, t *engine.Template, img *image.RGBA, info *engine.RenderInfo, out engine.Output) (*card, error) {
	start := time.Now()
	_, span := telemetry.Tracer().Start(ctx, "encode", trace.WithAttributes(attribute.String("format", string(out.Format))))
	enc, err := engine.Encode(img, out)
	span.End()
	if err != nil {
		s.renderFailed(t, err)
		return nil, err
	}
	s.metrics.renderTime.WithLabelValues("encode").Observe(time.Since(start).Seconds())
	s.metrics.renders.Inc()
	s.renders.Add(1)
	s.metrics.outputBytes.Observe(float64(len(enc.Data)))
	s.noteRender(t, info, enc, out)

	c := &card{data: enc.Data, contentType: out.Format.ContentType(), etag: etagOf(enc.Data), fallback: info.Transient()}
	if c.fallback {
		s.metrics.fallbacks.Inc()
		c.cacheControl = cacheControl(s.cfg.FallbackMaxAge, false)
	} else {
		c.cacheControl = cacheControl(s.cfg.MaxAge, true)
	}
	return c, nil
}

// renderFailed alerts on a render that failed for a reason other than the
// data or the client (which are 4xx and not the operator's problem).
func (s *Server) renderFailed(t *engine.Template, err error) {
	var de *engine.DataError
	if errors.As(err, &de) || errors.Is(err, context.Canceled) {
		return
	}
	s.alerts.Alert("render-failed:"+t.Name, fmt.Sprintf("ogcard: rendering a %s card failed: %v", t.Name, err))
}

// keep writes a card to the store; failing to is logged and counted, not
// an error: the card is served anyway.
func (s *Server) keep(ctx context.Context, key string, c *card) {
	if s.store == nil {
		return
	}
	if err := s.storeCard(ctx, key, c); err != nil {
		s.metrics.storeErrors.WithLabelValues("put").Inc()
		s.log.Warn("card store write failed; served uncached", "err", err)
	}
}

// storeCard writes a card to the store, within the store's time bound.
func (s *Server) storeCard(ctx context.Context, key string, c *card) error {
	meta := storage.Meta{ContentType: c.contentType, CacheControl: c.cacheControl}
	ctx, cancel := context.WithTimeout(ctx, 2*storeTimeout)
	defer cancel()
	return s.store.Put(ctx, key, c.data, meta)
}

// noteRender logs what a designer or operator should know about a render.
func (s *Server) noteRender(t *engine.Template, info *engine.RenderInfo, enc *engine.Encoded, out engine.Output) {
	for _, fb := range info.Fallbacks {
		s.log.Info("picture not drawn, fallback used", "layout", t.Name, "layer", fb.Layer, "reason", fb.Reason)
	}
	for _, w := range info.Warnings {
		s.warnOnce(t.Name+"\x00"+w, func() { s.log.Warn(w, "layout", t.Name) })
	}
	if enc.OverBudget && out.Format != engine.PNG { // png cannot shrink: asking for it is a choice
		s.log.Warn("card over the layout's byte budget", "layout", t.Name, "bytes", len(enc.Data), "budget", out.MaxBytes)
	}
}

func etagOf(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

func cacheControl(maxAge time.Duration, immutable bool) string {
	s := "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
	if immutable {
		s += ", immutable"
	}
	return s
}
