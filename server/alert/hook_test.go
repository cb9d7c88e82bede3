package alert

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"
)

// hook is a stand-in for a Slack incoming webhook: it records the text of
// each POST, and can answer an error or hang.
type hook struct {
	*httptest.Server
	texts   chan string   // every text received, in order
	status  int           // the answer; 0 means 200
	hang    bool          // never answer, until the client gives up
	release chan struct{} // closed at cleanup, to free hanging handlers
	mu      sync.Mutex
	bad     []string // malformed requests
}

func newHook(t *testing.T, configure func(*hook)) *hook {
	t.Helper()
	h := &hook{texts: make(chan string, 1000), release: make(chan struct{})}
	if configure != nil {
		configure(h)
	}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(func() {
		close(h.release)
		h.Close()
	})
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		Text string `json:"text"`
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&msg) != nil {
		h.mu.Lock()
		h.bad = append(h.bad, r.Method+" "+r.Header.Get("Content-Type"))
		h.mu.Unlock()
	}
	h.texts <- msg.Text
	if h.hang {
		select {
		case <-r.Context().Done():
		case <-h.release:
		}
		return
	}
	if h.status != 0 {
		http.Error(w, "invalid_payload", h.status)
		return
	}
	_, _ = w.Write([]byte("ok"))
}

// received returns the texts received so far, and fails the test on any
// malformed request.
func (h *hook) received(t *testing.T) []string {
	t.Helper()
	h.mu.Lock()
	if len(h.bad) > 0 {
		t.Errorf("malformed webhook requests: %v", h.bad)
	}
	h.mu.Unlock()
	var out []string
	for {
		select {
		case text := <-h.texts:
			out = append(out, text)
		default:
			return out
		}
	}
}

// next waits for the next text received.
func (h *hook) next(t *testing.T) string {
	t.Helper()
	select {
	case text := <-h.texts:
		return text
	case <-time.After(5 * time.Second):
		t.Fatal("the webhook received nothing")
		return ""
	}
}

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// settles waits for the goroutine count to fall back to before.
func settles(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
