package cli

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// gcPercent is the collector's headroom when GOGC is not set: the heap
// may grow to 1.5 times what was live after the last collection, instead
// of Go's default 2 times. A card's heap is mostly pixel buffers (no
// pointers, nothing to scan), so collecting more often costs little CPU,
// while the headroom was a third of the peak RSS of `ogcard bench`.
const gcPercent = 50

// memoryRatio is the share of a container's memory limit given to the Go
// heap (GOMEMLIMIT). The rest is for what Go does not count: the C
// libraries' buffers (libwebp, libjpeg-turbo, libdeflate; two malloc
// arenas of about 4 MB), thread stacks and the binary's own pages.
const memoryRatio = 0.8

// tuneGC sets the collector's headroom, unless GOGC says otherwise.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// setMemoryLimit sets Go's soft memory limit: GOMEMLIMIT when it is set,
// else memoryRatio of the cgroup's memory limit (automemlimit reads
// cgroup v1 and v2), else none. It logs which, and returns the limit in
// bytes (math.MaxInt64 for none).
func setMemoryLimit(log *slog.Logger) int64 {
	limit, err := memlimit.Set(memlimit.WithRatio(memoryRatio), memlimit.WithProvider(memlimit.FromCgroup))
	mb := func(n int64) int64 { return n >> 20 }
	switch {
	case os.Getenv("GOMEMLIMIT") != "":
		log.Info("memory limit", "from", "GOMEMLIMIT", "go_limit_mb", mb(limit), "gc_percent", gcSetting())
	case err != nil:
		log.Warn("memory limit not set: no cgroup limit could be read", "err", err, "gc_percent", gcSetting())
	case limit == math.MaxInt64:
		log.Info("memory limit", "from", "none (no cgroup limit)", "gc_percent", gcSetting())
	default:
		log.Info("memory limit", "from", "cgroup", "go_limit_mb", mb(limit), "ratio", memoryRatio, "gc_percent", gcSetting())
	}
	return limit
}

// gcSetting is the GOGC in force, for the log.
func gcSetting() string {
	if v := os.Getenv("GOGC"); v != "" {
		return v
	}
	return strconv.Itoa(gcPercent)
}
