package cards

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ogcard/ogcard/cards/storage"
	"github.com/ogcard/ogcard/engine"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// newTestPipeline is a pipeline over the built-in layouts with an
// in-memory store, closed with the test.
func newTestPipeline(t testing.TB) *Pipeline {
	t.Helper()
	p, err := New(context.Background(), Config{StoreURL: "mem://", Workers: 2, QueueWait: time.Minute, RenderTimeout: time.Minute},
		Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

func newsOf(t testing.TB, p *Pipeline) *engine.Template {
	t.Helper()
	tpl, ok := p.Layouts().Template("news")
	if !ok {
		t.Fatal("no news layout")
	}
	return tpl
}

// A card with a character no font has is drawn with an empty box: like a
// card with a fallback picture it is served briefly and never stored, so
// a replica that has the font draws it right.
func TestMissingGlyphCardIsTransient(t *testing.T) {
	p := newTestPipeline(t)
	tpl := newsOf(t, p)
	data := engine.Data{"title": "Private use \ue000 character", "brand": "Medial"}
	c, result, err := p.Card(context.Background(), tpl, data, tpl.Output)
	if err != nil {
		t.Fatal(err)
	}
	if result != Rendered || !c.Transient || !strings.Contains(c.CacheControl, "max-age=60") || strings.Contains(c.CacheControl, "immutable") {
		t.Fatalf("result %s, transient %v, Cache-Control %q; want a transient render with max-age=60", result, c.Transient, c.CacheControl)
	}
	p.store.flush(context.Background())
	key, _ := tpl.CacheKey(data, tpl.Output)
	if ok, err := p.store.st.Exists(context.Background(), key); err != nil || ok {
		t.Errorf("a card with a missing glyph was stored (exists %v, %v)", ok, err)
	}
}

// A plain card is stored once the render worker is free, and a second
// pipeline on the same store (another replica) serves it without a render.
func TestCardIsStoredAfterRender(t *testing.T) {
	p := newTestPipeline(t)
	tpl := newsOf(t, p)
	data := engine.Data{"title": "Stored after the render", "brand": "Medial"}
	if _, result, err := p.Card(context.Background(), tpl, data, tpl.Output); err != nil || result != Rendered {
		t.Fatalf("first call: %s, %v", result, err)
	}
	key, _ := tpl.CacheKey(data, tpl.Output)
	p.store.flush(context.Background())
	if ok, err := p.store.st.Exists(context.Background(), key); err != nil || !ok {
		t.Fatalf("the card never reached the store (exists %v, %v)", ok, err)
	}
	p.hot.Clear()
	if _, result, err := p.Card(context.Background(), tpl, data, tpl.Output); err != nil || result != FromStore {
		t.Errorf("after the memory was cleared: %s, %v; want it from the store", result, err)
	}
}

// countingStore counts the calls that reach a real store and can hold
// reads until released.
type countingStore struct {
	Store
	gets atomic.Int64
	hold chan struct{} // nil: reads go straight through
}

func (s *countingStore) Get(ctx context.Context, key string) ([]byte, storage.Meta, error) {
	s.gets.Add(1)
	if s.hold != nil {
		<-s.hold
	}
	return s.Store.Get(ctx, key)
}

// Identical concurrent misses make one store read, not one each: the
// store read sits inside the same singleflight as the render.
func TestConcurrentMissesShareOneStoreRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := New(context.Background(), Config{StoreURL: "mem://", Workers: 2},
			Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close(context.Background())
		tpl := newsOf(t, p)
		data := engine.Data{"title": "Read once", "brand": "Medial"}
		key, _ := tpl.CacheKey(data, tpl.Output)
		stored := []byte("a stored card")
		if err := p.store.st.Put(context.Background(), key, stored, storage.Meta{ContentType: "image/webp", CacheControl: "public, max-age=60"}); err != nil {
			t.Fatal(err)
		}
		cs := &countingStore{Store: p.store.st, hold: make(chan struct{})}
		p.store.st = cs

		const n = 16
		results := make([]Result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c, r, err := p.Card(context.Background(), tpl, data, tpl.Output)
				if err != nil || string(c.Data) != string(stored) {
					t.Errorf("call %d: %v", i, err)
				}
				results[i] = r
			})
		}
		synctest.Wait() // every call is blocked: one in the read, the rest waiting for it
		close(cs.hold)
		wg.Wait()
		if got := cs.gets.Load(); got != 1 {
			t.Errorf("%d store reads for %d identical concurrent misses, want 1", got, n)
		}
		var fromStore, shared int
		for _, r := range results {
			switch r {
			case FromStore:
				fromStore++
			case Shared:
				shared++
			}
		}
		if fromStore != 1 || shared != n-1 {
			t.Errorf("results %v: want one from the store and %d shared", results, n-1)
		}
	})
}

// A caller that hangs up while the shared store read runs does not fail
// it: the read is detached from any one request, and it is no store error.
func TestHangUpDuringStoreReadIsNoStoreError(t *testing.T) {
	p := newTestPipeline(t)
	tpl := newsOf(t, p)
	data := engine.Data{"title": "Hang up", "brand": "Medial"}
	cs := &countingStore{Store: p.store.st, hold: make(chan struct{})}
	p.store.st = cs
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := p.Card(ctx, tpl, data, tpl.Output)
		done <- err
	}()
	for cs.gets.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	close(cs.hold)
	if err := <-done; err != nil {
		t.Errorf("Card after the caller hung up: %v; the shared work should finish", err)
	}
	if got := testutil.ToFloat64(p.metrics.storeErrors.WithLabelValues("get")); got != 0 {
		t.Errorf("%v store read errors counted for a caller that hung up", got)
	}
}
