package cli

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/ogcard/ogcard/server"
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

// Shares of the Go memory limit the two in-memory caches may fill at
// most. Both are LRUs that fill up and stay full, so in a small container
// their defaults (64 MiB of cards, 256 MiB of photos) would be live heap
// the collector cannot free, and the cards in flight would push the
// process past its cgroup limit (the 256 MiB container test was
// OOM-killed with 56 decoded photos held). The rest of the limit is for
// the workers' cards in flight.
const (
	photoCacheShare  = 0.20
	memoryCacheShare = 0.10
)

// fitCaches lowers the photo and card caches to their shares of the Go
// memory limit, when there is one and they exceed it, and logs what it
// did: an operator who sized them for a larger machine sees why they are
// smaller.
func fitCaches(cfg *server.Config, goLimit int64, log *slog.Logger) {
	if goLimit <= 0 || goLimit == math.MaxInt64 {
		return
	}
	fit := func(name string, v *int64, share float64) {
		if most := int64(float64(goLimit) * share); *v > most {
			log.Info("cache lowered to fit the memory limit", "cache", name, "from_mb", *v>>20, "to_mb", most>>20, "share_of_limit", share)
			*v = most
		}
	}
	fit("photo", &cfg.PhotoCache, photoCacheShare)
	fit("memory", &cfg.MemoryCache, memoryCacheShare)
}

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
