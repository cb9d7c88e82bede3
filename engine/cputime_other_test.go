//go:build !unix

package engine_test

// processCPU is not measured off unix; the cpu-ms/op metric reads 0.
func processCPU() float64 { return 0 }
