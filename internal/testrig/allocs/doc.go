// Package allocs measures what a call allocates on the heap, so tests can
// bound the memory a parser spends on hostile input by the input's size
// instead of timing it: a count of bytes does not change with the load on
// the machine, and a cost that grows with the square of the input shows
// within a few kilobytes.
//
// Errors: [Linear.Check] returns an error that says which bound was passed
// and by how much.
//
// Concurrency: a measurement counts every goroutine's allocations, so it
// is only exact when nothing else allocates meanwhile; do not measure from
// parallel tests.
package allocs
