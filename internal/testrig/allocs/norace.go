//go:build !race

package allocs

const raceSlack = 1
