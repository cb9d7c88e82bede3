//go:build race

package cli

// raceEnabled says the test binary runs under the race detector, which
// multiplies memory use several times.
const raceEnabled = true
