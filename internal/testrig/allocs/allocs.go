package allocs

import (
	"fmt"
	"runtime"
)

// Cost is what one call allocated.
type Cost struct {
	Bytes   uint64 // heap bytes allocated, freed or not
	Objects uint64 // heap objects allocated
}

// Measure runs f once and returns what it allocated.
func Measure(f func()) Cost {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return Cost{
		Bytes:   after.TotalAlloc - before.TotalAlloc,
		Objects: after.Mallocs - before.Mallocs,
	}
}

// Linear bounds the cost of reading n bytes of input by Base + PerByte*n,
// for bytes and objects each.
type Linear struct {
	Base, PerByte Cost
}

// Max is the most a call on n bytes of input may allocate; under the race
// detector, raceSlack times that.
func (b Linear) Max(n int) Cost {
	return Cost{
		Bytes:   raceSlack * (b.Base.Bytes + b.PerByte.Bytes*uint64(n)),
		Objects: raceSlack * (b.Base.Objects + b.PerByte.Objects*uint64(n)),
	}
}

// Check returns an error when c, the cost of a call on n bytes of input,
// is over the bound.
func (b Linear) Check(n int, c Cost) error {
	limit := b.Max(n)
	if c.Bytes > limit.Bytes || c.Objects > limit.Objects {
		return fmt.Errorf("%d bytes of input allocated %d bytes in %d objects; the bound is %d bytes, %d objects (%.1f bytes and %.2f objects per input byte)",
			n, c.Bytes, c.Objects, limit.Bytes, limit.Objects, float64(c.Bytes)/float64(max(n, 1)), float64(c.Objects)/float64(max(n, 1)))
	}
	return nil
}
