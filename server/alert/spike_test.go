package alert

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSpikeFiresOnceAndRearms(t *testing.T) {
	clock := newFakeClock()
	d := newSpikeDetector(3, time.Second, clock.now)
	want := []bool{false, false, true, false, false}
	for i, w := range want {
		if got := d.Add(); got != w {
			t.Fatalf("Add #%d = %v, want %v", i+1, got, w)
		}
	}
	// Still over the threshold half a window later: no second report.
	clock.advance(500 * time.Millisecond)
	if d.Add() {
		t.Error("reported twice in one spike")
	}
	// Once the window has emptied, the detector is armed again.
	clock.advance(2 * time.Second)
	if d.Count() != 0 {
		t.Errorf("count %d after the window passed, want 0", d.Count())
	}
	for i, w := range []bool{false, false, true} {
		if got := d.Add(); got != w {
			t.Errorf("re-armed Add #%d = %v, want %v", i+1, got, w)
		}
	}
}

func TestSpikeWindowSlides(t *testing.T) {
	clock := newFakeClock()
	d := newSpikeDetector(3, time.Second, clock.now)
	// Three events 600 ms apart: never three within a second.
	for i := range 6 {
		if d.Add() {
			t.Fatalf("event %d reported a spike; events were 600 ms apart", i+1)
		}
		clock.advance(600 * time.Millisecond)
	}
	// Old events leave bucket by bucket: after 950 ms, the first of two
	// events has gone and the second is still counted.
	d = newSpikeDetector(10, time.Second, clock.now)
	d.Add()
	clock.advance(500 * time.Millisecond)
	d.Add()
	clock.advance(550 * time.Millisecond)
	if n := d.Count(); n != 1 {
		t.Errorf("count %d, want 1: the first event is over a window old", n)
	}
}

func TestSpikeConcurrentFiresOnce(t *testing.T) {
	d := NewSpikeDetector(50, time.Hour)
	var spikes atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if d.Add() {
					spikes.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if spikes.Load() != 1 || d.Count() != 800 {
		t.Errorf("%d spikes and count %d; want 1 and 800", spikes.Load(), d.Count())
	}
}

func TestSpikeEdgeCases(t *testing.T) {
	var nilD *SpikeDetector
	if nilD.Add() || nilD.Count() != 0 {
		t.Error("a nil detector must do nothing")
	}
	d := NewSpikeDetector(0, 0) // clamped to 1 event within 10 ns
	if !d.Add() {
		t.Error("threshold 0 counts as 1: the first event is a spike")
	}
}
