package cards

import (
	"context"
	"image"
	"strconv"
	"time"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/lru"
	"github.com/ogcard/ogcard/internal/telemetry"
	"golang.org/x/sync/singleflight"
)

// photoCache keeps decoded pictures in memory, bounded by their pixel
// bytes, so re-rendering an article (another format, a changed headline)
// does not fetch and decode its photo again. Entries expire so that a
// photo replaced at the same URL is picked up within the TTL.
type photoCache struct {
	next    engine.ImageLoader
	failed  func(error)         // told of every failed load (metrics, alerts)
	fetched func(time.Duration) // told how long every load took
	cache   *lru.Cache[string, image.Image]
	ttl     time.Duration
	flight  singleflight.Group
}

var _ engine.ImageLoader = (*photoCache)(nil)

func newPhotoCache(next engine.ImageLoader, maxBytes int64, ttl time.Duration, failed func(error), fetched func(time.Duration)) *photoCache {
	return &photoCache{next: next, cache: lru.New[string, image.Image](maxBytes), ttl: ttl, failed: failed, fetched: fetched}
}

// LoadImage returns the decoded picture for ref, loading it once however
// many renders ask at the same time. A picture is kept per size it was
// decoded for: a photo drawn by two layouts of different sizes is two
// entries, each the size its card needs.
func (p *photoCache) LoadImage(ctx context.Context, ref string, hint engine.DecodeHint) (image.Image, error) {
	key := ref
	if hint != (engine.DecodeHint{}) {
		key = ref + "\x00" + strconv.Itoa(hint.Width) + "x" + strconv.Itoa(hint.Height) + hint.Fit
	}
	if img, ok := p.cache.Get(key); ok {
		return img, nil
	}
	ctx, span := telemetry.Tracer().Start(ctx, "fetch")
	defer span.End()
	v, err, _ := p.flight.Do(key, func() (any, error) {
		start := time.Now()
		img, err := p.next.LoadImage(ctx, ref, hint)
		p.fetched(time.Since(start))
		if err != nil {
			p.failed(err)
			return nil, err // failures are not cached: the fallback card is short-lived anyway
		}
		b := img.Bounds()
		p.cache.Put(key, img, int64(b.Dx())*int64(b.Dy())*4, p.ttl)
		return img, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(image.Image), nil
}
