package cards

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/ogcard/ogcard/cards/storage"
	"github.com/sony/gobreaker/v2"
)

// Store is what the pipeline needs of a card store; *storage.Store, over
// a gocloud.dev/blob bucket, is the one it uses.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, storage.Meta, error)
	Put(ctx context.Context, key string, data []byte, meta storage.Meta) error
	Exists(ctx context.Context, key string) (bool, error)
	Close() error
}

var _ Store = (*storage.Store)(nil)

const (
	// storeTimeout bounds a store read; a write gets twice as long.
	storeTimeout = time.Second
	// storeTrips is how many store calls in a row must fail before the
	// store is skipped.
	storeTrips = 5
	// storeProbeAfter is how long a tripped store is skipped before one
	// call probes it again.
	storeProbeAfter = 5 * time.Second
	// storeWriters is how many writes go to the store at once.
	storeWriters = 2
)

// guardedStore keeps a store outage from reaching requests: reads are
// skipped (a miss) and writes dropped while its circuit breaker is open,
// and writes go through a bounded queue after the render worker is
// released, so a slow store never holds a worker or a response.
type guardedStore struct {
	st      Store
	cb      *gobreaker.CircuitBreaker[any]
	writes  chan pendingWrite
	pending sync.WaitGroup // writes queued or in progress
	once    sync.Once      // close
	quit    chan struct{}
	stopped chan struct{}
	metrics *metrics
	log     *slog.Logger
}

type pendingWrite struct {
	key  string
	data []byte
	meta storage.Meta
}

func newGuardedStore(st Store, queue int, m *metrics, log *slog.Logger) *guardedStore {
	g := &guardedStore{st: st, writes: make(chan pendingWrite, queue), quit: make(chan struct{}), stopped: make(chan struct{}), metrics: m, log: log}
	g.cb = gobreaker.NewCircuitBreaker[any](gobreaker.Settings{
		Name:         "card-store",
		MaxRequests:  1, // one probe while half-open
		Timeout:      storeProbeAfter,
		ReadyToTrip:  func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= storeTrips },
		IsSuccessful: storeAnswered,
		OnStateChange: func(_ string, from, to gobreaker.State) {
			log.Warn("card store circuit "+to.String(), "from", from.String(), "meaning", circuitMeaning[to])
		},
	})
	done := make(chan struct{}, storeWriters)
	for range storeWriters {
		go func() { g.writeLoop(); done <- struct{}{} }()
	}
	go func() {
		for range storeWriters {
			<-done
		}
		close(g.stopped)
	}()
	return g
}

var circuitMeaning = map[gobreaker.State]string{
	gobreaker.StateOpen:     "the store failed repeatedly: skipped (cards render and serve from memory) until a probe",
	gobreaker.StateHalfOpen: "probing the store with one call",
	gobreaker.StateClosed:   "the store answers again",
}

// storeAnswered tells the breaker which errors mean the store is up: a
// miss is an answer.
func storeAnswered(err error) bool {
	return err == nil || errors.Is(err, storage.ErrNotFound)
}

func (g *guardedStore) healthy() bool { return g.cb.State() == gobreaker.StateClosed }

// get reads a card. Any failure is a miss: nil, with the error for the
// caller to count, or nil error when there was nothing to read or the
// store is being skipped.
func (g *guardedStore) get(ctx context.Context, key string) ([]byte, storage.Meta, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	var meta storage.Meta
	v, err := g.cb.Execute(func() (any, error) {
		data, m, err := g.st.Get(ctx, key)
		meta = m
		return data, err
	})
	switch {
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests), errors.Is(err, storage.ErrNotFound):
		return nil, meta, nil
	case err != nil:
		return nil, meta, err
	}
	return v.([]byte), meta, nil
}

// put queues a card for the store and returns at once. A full queue or
// an open circuit drops the write, counted: the card was served, and the
// next request for it renders it again.
func (g *guardedStore) put(key string, data []byte, meta storage.Meta) {
	if g.cb.State() == gobreaker.StateOpen {
		g.metrics.storeDropped.Inc()
		return
	}
	g.pending.Add(1)
	select {
	case <-g.quit:
	case g.writes <- pendingWrite{key, data, meta}:
		return
	default:
	}
	g.pending.Done()
	g.metrics.storeDropped.Inc()
}

// flush waits until every queued write is done, or ctx ends.
func (g *guardedStore) flush(ctx context.Context) {
	done := make(chan struct{})
	go func() { g.pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// writeLoop writes queued cards until quit, then drains what is queued.
func (g *guardedStore) writeLoop() {
	for {
		select {
		case w := <-g.writes:
			g.write(w)
		case <-g.quit:
			for {
				select {
				case w := <-g.writes:
					g.write(w)
				default:
					return
				}
			}
		}
	}
}

func (g *guardedStore) write(w pendingWrite) {
	defer g.pending.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 2*storeTimeout)
	defer cancel()
	_, err := g.cb.Execute(func() (any, error) { return nil, g.st.Put(ctx, w.key, w.data, w.meta) })
	switch {
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
		g.metrics.storeDropped.Inc()
	case err != nil:
		g.metrics.storeErrors.WithLabelValues("put").Inc()
		g.log.Warn("card store write failed; the card was served uncached", "err", err)
	}
}

// close stops taking writes, finishes the queued ones while ctx lasts,
// and closes the store.
// Calling it again does nothing.
func (g *guardedStore) close(ctx context.Context) error {
	var err error
	g.once.Do(func() {
		close(g.quit)
		select {
		case <-g.stopped:
		case <-ctx.Done():
			g.log.Warn("closing with card writes still queued; they are dropped", "queued", len(g.writes))
		}
		err = g.st.Close()
	})
	return err
}
