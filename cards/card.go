package cards

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ogcard/ogcard/cards/storage"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Card is an encoded card, ready to serve. It is shared by every request
// for it and must not be modified.
type Card struct {
	Data         []byte
	ContentType  string
	ETag         string // strong: a hash of the bytes
	CacheControl string
	// Transient is set for a card drawn with a fallback picture or a
	// missing glyph: served briefly, kept in memory for FallbackMaxAge,
	// never stored.
	Transient bool

	hdr atomic.Pointer[any] // the server's pre-built response headers; see Headers
}

// Headers returns the value built by build for this card, building it on
// the first call: the server keeps its per-card response headers here so
// that a hit allocates nothing.
func (c *Card) Headers(build func(*Card) any) any {
	if h := c.hdr.Load(); h != nil {
		return *h
	}
	h := build(c)
	c.hdr.CompareAndSwap(nil, &h)
	return *c.hdr.Load()
}

// Result says where a card came from, for logs and metrics.
type Result string

const (
	// FromMemory is a card held in memory.
	FromMemory Result = "memory"
	// FromStore is a card read from the card store.
	FromStore Result = "store"
	// Rendered is a card drawn for this request.
	Rendered Result = "miss"
	// Shared is a card another request was reading or drawing at the
	// same time, which this one waited for.
	Shared Result = "shared"
)

// fetched is one flight's answer.
type fetched struct {
	card   *Card
	result Result
}

// Card returns the card for data in out's format: from memory, from the
// store, or rendered. Identical concurrent calls share one store read and
// at most one render (singleflight); the shared work is detached from the
// caller's context, so a client hanging up does not fail the others.
func (p *Pipeline) Card(ctx context.Context, t *engine.Template, data engine.Data, out engine.Output) (*Card, Result, error) {
	key, err := p.keys.cacheKey(t, data, out)
	if err != nil {
		return nil, "", err
	}
	if c, ok := p.hot.Get(key); ok {
		p.metrics.cacheMemory().Inc()
		return c, FromMemory, nil
	}
	ctx, span := telemetry.Tracer().Start(ctx, "cache")
	defer span.End()
	led := false // set when this call does the work; the others share it
	v, err, _ := p.flight.Do(key, func() (any, error) {
		led = true
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.RenderTimeout)
		defer cancel()
		if c := p.fromStore(work, key); c != nil {
			p.hot.Put(key, c, int64(len(c.Data)), 0)
			return fetched{c, FromStore}, nil
		}
		c, err := p.render(work, key, t, data, out)
		return fetched{c, Rendered}, err
	})
	if err != nil {
		return nil, "", err
	}
	f := v.(fetched)
	if !led {
		f.result = Shared
	}
	p.metrics.cache.WithLabelValues(string(f.result)).Inc()
	return f.card, f.result, nil
}

// fromStore reads a stored card; a store that is down counts as a miss.
func (p *Pipeline) fromStore(ctx context.Context, key string) *Card {
	if p.store == nil {
		return nil
	}
	data, meta, err := p.store.get(ctx, key)
	if err != nil {
		p.metrics.storeErrors.WithLabelValues("get").Inc()
		p.log.Warn("card store read failed; rendering instead", "err", err)
		return nil
	}
	if data == nil {
		return nil
	}
	return &Card{Data: data, ContentType: meta.ContentType, ETag: etagOf(data), CacheControl: meta.CacheControl}
}

// render draws and encodes one card on a worker, then keeps it: in
// memory, and in the store once the worker is free again.
func (p *Pipeline) render(ctx context.Context, key string, t *engine.Template, data engine.Data, out engine.Output) (*Card, error) {
	c, err := p.renderOnWorker(ctx, t, data, out)
	if err != nil {
		return nil, err
	}
	if c.Transient {
		p.hot.Put(key, c, int64(len(c.Data)), p.cfg.FallbackMaxAge)
		return c, nil
	}
	p.hot.Put(key, c, int64(len(c.Data)), 0)
	if p.store != nil {
		p.store.put(key, c.Data, storage.Meta{ContentType: c.ContentType, CacheControl: c.CacheControl})
	}
	return c, nil
}

// renderOnWorker holds a worker for the draw and the encode only.
func (p *Pipeline) renderOnWorker(ctx context.Context, t *engine.Template, data engine.Data, out engine.Output) (*Card, error) {
	queued := time.Now()
	release, err := p.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	p.metrics.stage.WithLabelValues("queue").Observe(time.Since(queued).Seconds())
	img, info, err := p.draw(ctx, t, data, p.photos)
	if err != nil {
		return nil, err
	}
	defer engine.Recycle(img) // nothing holds the picture once it is encoded
	return p.encode(ctx, t, img, info, out)
}

// draw draws a card's picture, timed and traced. It is the step a miss
// shares with Warm, which draws once and encodes for every format it
// warms; images is the loader pictures come through.
func (p *Pipeline) draw(ctx context.Context, t *engine.Template, data engine.Data, images engine.ImageLoader) (*image.RGBA, *engine.RenderInfo, error) {
	if p.opts.BeforeRender != nil {
		p.opts.BeforeRender()
	}
	start := time.Now()
	rctx, span := telemetry.Tracer().Start(ctx, "render", trace.WithAttributes(attribute.String("layout", t.Name)))
	img, info, err := t.Render(rctx, data, engine.RenderOptions{Images: images})
	span.End()
	if err != nil {
		p.renderFailed(t, err)
		return nil, nil, err
	}
	p.metrics.stage.WithLabelValues("render").Observe(time.Since(start).Seconds())
	return img, info, nil
}

// encode encodes a drawn card in out's format, counts it as rendered, and
// says how long it may be cached: a transient card (a fallback picture,
// a missing glyph) is served briefly and never stored.
func (p *Pipeline) encode(ctx context.Context, t *engine.Template, img *image.RGBA, info *engine.RenderInfo, out engine.Output) (*Card, error) {
	start := time.Now()
	_, span := telemetry.Tracer().Start(ctx, "encode", trace.WithAttributes(attribute.String("format", string(out.Format))))
	enc, err := engine.Encode(img, out)
	span.End()
	if err != nil {
		p.renderFailed(t, err)
		return nil, err
	}
	p.metrics.stage.WithLabelValues("encode").Observe(time.Since(start).Seconds())
	p.metrics.renders.Inc()
	p.renders.Add(1)
	p.metrics.outputBytes.Observe(float64(len(enc.Data)))
	p.noteRender(t, info, enc, out)

	c := &Card{Data: enc.Data, ContentType: enc.Format.ContentType(), ETag: etagOf(enc.Data), Transient: info.Transient()}
	if c.Transient {
		p.metrics.fallbacks.Inc()
		c.CacheControl = cacheControl(p.cfg.FallbackMaxAge, false)
	} else {
		c.CacheControl = cacheControl(p.cfg.MaxAge, true)
	}
	return c, nil
}

// renderFailed passes on a render that failed for a reason other than
// the data or the client (which are 4xx and not the operator's problem).
func (p *Pipeline) renderFailed(t *engine.Template, err error) {
	var de *engine.DataError
	if errors.As(err, &de) || errors.Is(err, context.Canceled) || p.opts.RenderFailed == nil {
		return
	}
	p.opts.RenderFailed(t, err)
}

// noteRender logs what a designer or operator should know about a render.
func (p *Pipeline) noteRender(t *engine.Template, info *engine.RenderInfo, enc *engine.Encoded, out engine.Output) {
	for _, fb := range info.Fallbacks {
		p.log.Info("picture not drawn, fallback used", "layout", t.Name, "layer", fb.Layer, "reason", fb.Reason)
	}
	for _, w := range info.Warnings {
		p.warnOnce(t.Name+"\x00"+w, func() { p.log.Warn(w, "layout", t.Name) })
	}
	if enc.OverBudget && out.Format != engine.PNG { // png cannot shrink: asking for it is a choice
		p.log.Warn("card over the layout's byte budget", "layout", t.Name, "bytes", len(enc.Data), "budget", out.MaxBytes)
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
