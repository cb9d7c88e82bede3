//go:build race

package allocs

// raceSlack scales every bound under the race detector, which drops items
// from sync.Pool at random and so allocates about twice as much.
const raceSlack = 3
