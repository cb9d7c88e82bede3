package cli

import (
	"log/slog"
	"math"
	"os"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/ogcard/ogcard/server"
)

// memoryRatio is the share of a container's memory limit given to the Go
// heap (GOMEMLIMIT). The rest is for what Go does not count: the C
// libraries' buffers (libwebp, libjpeg-turbo, libdeflate; two malloc
// arenas of about 4 MB), thread stacks and the binary's own pages. Under
// overload the heap grows to the limit (GOGC is Go's default), and in the
// 256 MiB container test the process peaked 17 to 33 MiB above it: 0.8
// (limit 204 MiB) peaked at 221-224 MiB, 0.7 (179 MiB) at 203-212.
const memoryRatio = 0.7

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

// gcSetting is the GOGC in force, for the log. ogcard keeps Go's default
// of 100: GOGC=50 took 20 MB off the peak RSS of ogcard bench but cost 15
// to 25% more CPU per photo card and 40% per text-only PNG (measured side
// by side), and in a container the memory limit above already makes the
// collector work harder only when memory is short.
func gcSetting() string {
	if v := os.Getenv("GOGC"); v != "" {
		return v
	}
	return "100"
}
