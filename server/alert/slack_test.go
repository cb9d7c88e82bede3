package alert

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAlertArrives(t *testing.T) {
	h := newHook(t, nil)
	s := NewSlack(h.URL, Options{})
	s.Alert("fetch-failures", "pictures failing")
	s.Alert("store-down", "<!channel> store & cache down")
	if got := h.next(t); got != "pictures failing" {
		t.Errorf("text %q", got)
	}
	if got, want := h.next(t), "&lt;!channel&gt; store &amp; cache down"; got != want {
		t.Errorf("text %q, want %q: Slack markup must be escaped", got, want)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if st := s.Stats(); st != (Stats{Sent: 2}) {
		t.Errorf("stats %+v", st)
	}
	h.received(t)
}

func TestRateLimitPerKind(t *testing.T) {
	h := newHook(t, nil)
	clock := newFakeClock()
	s := NewSlack(h.URL, Options{MinInterval: time.Minute})
	s.now = clock.now
	s.Alert("fetch", "first")
	s.Alert("fetch", "second, too soon")
	s.Alert("store", "other kind")
	clock.advance(30 * time.Second)
	s.Alert("fetch", "third, still too soon")
	clock.advance(31 * time.Second)
	s.Alert("fetch", "fourth")
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	got := h.received(t)
	want := []string{"first", "other kind", "fourth\n(2 more \"fetch\" alerts held back since the last one)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("received %q, want %q", got, want)
	}
	if st := s.Stats(); st.Sent != 3 || st.Suppressed != 2 {
		t.Errorf("stats %+v, want 3 sent and 2 suppressed", st)
	}
}

func TestHangingWebhookNeverBlocksAlert(t *testing.T) {
	before := runtime.NumGoroutine()
	h := newHook(t, func(h *hook) { h.hang = true })
	const timeout = 200 * time.Millisecond
	s := NewSlack(h.URL, Options{Queue: 4, Timeout: timeout, MinInterval: -1})
	kinds := make([]string, 100)
	for i := range kinds {
		kinds[i] = fmt.Sprintf("kind-%d", i)
	}
	start := time.Now()
	for _, k := range kinds {
		s.Alert(k, "webhook is slow")
	}
	// Waiting for the hanging webhook even once would cost a whole
	// timeout: that, not a guess at how fast 100 calls run on a loaded
	// machine, is the bound.
	if d := time.Since(start); d >= timeout {
		t.Errorf("100 alerts took %v, a webhook timeout or more; Alert must not wait for the webhook", d)
	}
	// The queue holds 4, and the worker may have taken one more off it.
	if d := s.Stats().Dropped; d != 95 && d != 96 {
		t.Errorf("dropped %d, want 95 or 96 of 100 with a queue of 4", d)
	}

	start = time.Now()
	if err := s.Close(); err == nil {
		t.Error("Close: want an error for the undelivered alerts")
	}
	// Close gives up on the in-flight alert after one timeout; waiting
	// for the 5 it holds one after another would take 5.
	if d := time.Since(start); d >= 4*timeout {
		t.Errorf("Close took %v with a hanging webhook; want about %v, not one timeout per queued alert", d, timeout)
	}
	if st := s.Stats(); st.Sent != 0 || st.Sent+st.Failed+st.Dropped != 100 {
		t.Errorf("stats %+v: want every alert failed or dropped", st)
	}
	h.Close()
	h.CloseClientConnections()
	settles(t, before)
}

func TestFailedDeliveryCountedAndLoggedWithoutURL(t *testing.T) {
	h := newHook(t, func(h *hook) { h.status = http.StatusBadRequest })
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/services/T000/B000/secret-token"
	down.Close() // connection refused from now on

	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	for _, url := range []string{h.URL, downURL} {
		s := NewSlack(url, Options{Log: log})
		s.Alert("fetch", "x")
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if st := s.Stats(); st != (Stats{Failed: 1}) {
			t.Errorf("%s: stats %+v, want one failure", url, st)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "400 Bad Request") || !strings.Contains(out, "(webhook URL)") {
		t.Errorf("log lacks the failures:\n%s", out)
	}
	if strings.Contains(out, "secret-token") {
		t.Errorf("log shows the webhook URL:\n%s", out)
	}
}

func TestNilAndClosedSlack(t *testing.T) {
	var s *Slack
	s.Alert("x", "nothing happens")
	if err := s.Close(); err != nil || s.Stats() != (Stats{}) {
		t.Error("a nil *Slack must do nothing")
	}
	if NewSlack("", Options{}) != nil {
		t.Error("NewSlack with no URL: want nil")
	}

	h := newHook(t, nil)
	s = NewSlack(h.URL, Options{})
	_ = s.Close()
	s.Alert("x", "after close")
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if st := s.Stats(); st != (Stats{Dropped: 1}) {
		t.Errorf("stats %+v, want the alert after Close dropped", st)
	}
}

func TestConcurrentAlerts(t *testing.T) {
	h := newHook(t, nil)
	s := NewSlack(h.URL, Options{Queue: 8, MinInterval: -1})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				s.Alert(fmt.Sprintf("kind-%d", (g+i)%3), "concurrent")
			}
		})
	}
	wg.Wait()
	_ = s.Close()
	st := s.Stats()
	if total := st.Sent + st.Failed + st.Dropped + st.Suppressed; total != 400 || st.Sent != int64(len(h.received(t))) {
		t.Errorf("stats %+v: every alert must be counted once", st)
	}
}

// syncBuffer is a bytes.Buffer safe for the notifier's goroutine to write
// while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
