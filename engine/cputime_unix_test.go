//go:build unix

package engine_test

import "syscall"

// processCPU is the process's user+system CPU time in seconds, over all
// threads (the garbage collector's included): the figure node's
// process.cpuUsage() gives for the peers.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
