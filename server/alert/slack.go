package alert

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for the zero fields of Options.
const (
	DefaultMinInterval = 5 * time.Minute
	DefaultTimeout     = 5 * time.Second
	DefaultQueue       = 16
)

// Options tune a Slack notifier; the zero value is ready to use.
type Options struct {
	// MinInterval is the least time between two alerts of one kind; the
	// ones in between are counted and mentioned in the next that goes.
	// Zero means DefaultMinInterval; negative turns the limit off.
	MinInterval time.Duration
	// Timeout bounds each POST to the webhook, and Close's wait for the
	// queue to drain. Zero means DefaultTimeout.
	Timeout time.Duration
	// Client posts to the webhook; nil means a client of the notifier's own.
	Client *http.Client
	// Queue is how many alerts may wait for delivery; more are dropped.
	// Zero means DefaultQueue.
	Queue int
	// Log, if set, gets one line per failed delivery.
	Log *slog.Logger
}

// Stats counts what became of the alerts given to a Slack notifier.
type Stats struct {
	Sent       int64 // posted, and the webhook answered 2xx
	Failed     int64 // posted, but the webhook failed or did not answer
	Dropped    int64 // the queue was full, the notifier was closed, or Close gave up
	Suppressed int64 // within MinInterval of the last of their kind
}

// Slack posts alerts to a Slack incoming webhook from a single background
// goroutine, so that whoever raises an alert never waits for Slack. A nil
// *Slack is valid and does nothing. Its methods are safe for concurrent
// use.
type Slack struct {
	url     string
	opts    Options
	ownsCli bool
	queue   chan string

	mu     sync.Mutex
	kinds  map[string]*kindState // guarded by mu
	closed bool                  // guarded by mu

	closing   chan struct{}      // closed by Close: drain, then stop
	cancel    context.CancelFunc // aborts the POST in flight
	stopped   chan struct{}      // closed when the worker has returned
	closeOnce sync.Once

	sent, failed, dropped, suppressed atomic.Int64
	abandoned                         atomic.Int64     // posts cut short by Close
	now                               func() time.Time // a seam for tests
}

// kindState is the rate limit of one alert kind.
type kindState struct {
	last       time.Time // when the last alert of the kind was queued
	suppressed int       // alerts of the kind held back since
}

// NewSlack returns a notifier posting to webhookURL, and starts its
// delivery goroutine; Close stops it. An empty webhookURL returns nil, the
// notifier that does nothing, so an unconfigured alert channel needs no
// special case.
func NewSlack(webhookURL string, opts Options) *Slack {
	if webhookURL == "" {
		return nil
	}
	opts = withDefaults(opts)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Slack{
		url: webhookURL, opts: opts, ownsCli: opts.Client == nil,
		queue: make(chan string, opts.Queue), kinds: map[string]*kindState{},
		closing: make(chan struct{}), cancel: cancel, stopped: make(chan struct{}),
		now: time.Now,
	}
	if s.ownsCli {
		s.opts.Client = &http.Client{}
	}
	go s.run(ctx)
	return s
}

func withDefaults(o Options) Options {
	if o.MinInterval == 0 {
		o.MinInterval = DefaultMinInterval
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Queue <= 0 {
		o.Queue = DefaultQueue
	}
	return o
}

// Alert queues text for the webhook and returns at once. Kind names what
// the alert is about ("fetch-failures", "store-down") and is the unit of
// rate limiting: use a fixed set of kinds, never request data, as each
// kind seen is remembered. An alert within MinInterval of the last of its
// kind is held back and counted; one that finds the queue full is dropped
// and counted.
func (s *Slack) Alert(kind, text string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.dropped.Add(1)
		return
	}
	now := s.now()
	k := s.kinds[kind]
	if k == nil {
		k = &kindState{}
		s.kinds[kind] = k
	}
	if s.opts.MinInterval > 0 && !k.last.IsZero() && now.Sub(k.last) < s.opts.MinInterval {
		k.suppressed++
		s.suppressed.Add(1)
		return
	}
	if k.suppressed > 0 {
		text += fmt.Sprintf("\n(%d more %q alerts held back since the last one)", k.suppressed, kind)
	}
	select {
	case s.queue <- text:
		// The slot is spent only when the alert is queued: a dropped one
		// leaves the next of its kind free to go.
		k.last, k.suppressed = now, 0
	default:
		s.dropped.Add(1)
	}
}

// Stats returns the counts so far; a nil *Slack has none.
func (s *Slack) Stats() Stats {
	if s == nil {
		return Stats{}
	}
	return Stats{Sent: s.sent.Load(), Failed: s.failed.Load(), Dropped: s.dropped.Load(), Suppressed: s.suppressed.Load()}
}

// Close stops taking alerts, delivers those queued for up to
// Options.Timeout, then abandons the rest and returns once the delivery
// goroutine has ended. It returns an error naming how many queued alerts
// were not delivered. Calling it again returns nil at once.
func (s *Slack) Close() error {
	if s == nil {
		return nil
	}
	first := false
	s.closeOnce.Do(func() {
		first = true
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.closing)
	})
	if !first {
		return nil
	}
	timer := time.NewTimer(s.opts.Timeout)
	defer timer.Stop()
	select {
	case <-s.stopped:
	case <-timer.C:
		s.cancel() // a hanging webhook must not hold up shutdown
		<-s.stopped
	}
	s.cancel()
	if s.ownsCli {
		s.opts.Client.CloseIdleConnections()
	}
	left := int64(len(s.queue))
	s.dropped.Add(left)
	if n := left + s.abandoned.Load(); n > 0 {
		return fmt.Errorf("alert: closed with %d alerts undelivered", n)
	}
	return nil
}

// run delivers queued alerts one at a time until Close: then it drains
// the queue, stopping early if Close gives up waiting.
func (s *Slack) run(ctx context.Context) {
	defer close(s.stopped)
	for ctx.Err() == nil {
		select {
		case text := <-s.queue:
			s.deliver(ctx, text)
		case <-s.closing:
			s.drain(ctx)
			return
		}
	}
}

func (s *Slack) drain(ctx context.Context) {
	for ctx.Err() == nil {
		select {
		case text := <-s.queue:
			s.deliver(ctx, text)
		default:
			return
		}
	}
}

// deliver posts one alert and counts the outcome. A failed alert is not
// retried: alerts are advice, and a retry loop against a failing webhook
// would only delay the ones behind it.
func (s *Slack) deliver(ctx context.Context, text string) {
	err := s.post(ctx, text)
	if err == nil {
		s.sent.Add(1)
		return
	}
	if ctx.Err() != nil {
		// Abandoned by Close, which also counts what is left in the queue.
		s.dropped.Add(1)
		s.abandoned.Add(1)
		return
	}
	s.failed.Add(1)
	if s.opts.Log != nil {
		s.opts.Log.Warn("slack alert not delivered", "err", err)
	}
}
