package alert

import (
	"sync"
	"time"
)

// spikeBuckets is how finely a SpikeDetector's window slides: the window
// moves a bucket at a time, so an event counts for between nine and ten
// tenths of the window, for one counter per bucket.
const spikeBuckets = 10

// SpikeDetector counts events, such as picture fetch failures, over a
// sliding window and reports when the count reaches a threshold. It
// reports once per spike: it re-arms only when the count has fallen back
// under the threshold. Memory is fixed (one counter per bucket) however
// many events arrive. A nil *SpikeDetector never reports. Its methods are
// safe for concurrent use.
type SpikeDetector struct {
	threshold int
	width     time.Duration // of one bucket
	start     time.Time     // bucket numbers count from here
	now       func() time.Time

	mu     sync.Mutex
	counts [spikeBuckets]int // ring of per-bucket counts; guarded by mu
	head   int64             // number of the newest bucket; guarded by mu
	total  int               // sum of counts; guarded by mu
	fired  bool              // reported this spike; guarded by mu
}

// NewSpikeDetector returns a detector that reports when threshold events
// happen within window. A threshold under 1 counts as 1; a window under
// spikeBuckets nanoseconds is raised to that.
func NewSpikeDetector(threshold int, window time.Duration) *SpikeDetector {
	return newSpikeDetector(threshold, window, time.Now)
}

func newSpikeDetector(threshold int, window time.Duration, now func() time.Time) *SpikeDetector {
	width := window / spikeBuckets
	if width < 1 {
		width = 1 // a zero width would divide by zero
	}
	return &SpikeDetector{threshold: max(threshold, 1), width: width, start: now(), now: now}
}

// Add counts one event and reports whether it made the count within the
// window reach the threshold: true once per spike, false for the events
// after it until the count has fallen back under the threshold.
func (d *SpikeDetector) Add() (spike bool) {
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.advance()
	d.counts[d.head%spikeBuckets]++
	d.total++
	if d.total >= d.threshold && !d.fired {
		d.fired = true
		return true
	}
	return false
}

// Count returns the number of events within the window.
func (d *SpikeDetector) Count() int {
	if d == nil {
		return 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.advance()
	return d.total
}

// advance moves the window to now: buckets that slid out of it are
// emptied, and a count back under the threshold re-arms the detector.
// The caller holds d.mu.
func (d *SpikeDetector) advance() {
	// time.Time.Sub uses the monotonic clock: a wall-clock jump neither
	// empties the window nor freezes it.
	bucket := int64(d.now().Sub(d.start) / d.width)
	switch {
	case bucket <= d.head:
		// Still in the newest bucket.
	case bucket-d.head >= spikeBuckets:
		d.counts, d.total = [spikeBuckets]int{}, 0
	default:
		for b := d.head + 1; b <= bucket; b++ {
			d.total -= d.counts[b%spikeBuckets]
			d.counts[b%spikeBuckets] = 0
		}
	}
	d.head = max(d.head, bucket)
	if d.total < d.threshold {
		d.fired = false
	}
}
