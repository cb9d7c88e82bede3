package cards

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when no render worker frees up within the queue
// wait: the server answers 503 with Retry-After rather than queueing
// without bound.
var ErrBusy = errors.New("all render workers are busy")

// pool bounds the renders running at once. Cache hits never enter it.
type pool struct {
	slots   chan struct{}
	wait    time.Duration
	waiting atomic.Int64
}

func newPool(workers int, wait time.Duration) *pool {
	return &pool{slots: make(chan struct{}, workers), wait: wait}
}

// acquire takes a worker slot, waiting at most the queue wait.
func (p *pool) acquire(ctx context.Context) (release func(), err error) {
	select {
	case p.slots <- struct{}{}:
		return p.release, nil
	default:
	}
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return p.release, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *pool) release() { <-p.slots }

// inUse is the number of renders running.
func (p *pool) inUse() int { return len(p.slots) }

// saturated reports whether every worker is busy and requests wait.
func (p *pool) saturated() bool { return len(p.slots) == cap(p.slots) && p.waiting.Load() > 0 }
