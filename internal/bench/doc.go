// Package bench measures how fast ogcard draws one card: the runner behind
// `ogcard bench`, whose JSON the peer comparison in bench/peers reads.
//
// Each case renders and encodes the same card N times after a warm-up:
// "full" decodes the photo from its bytes on every render (a new article),
// "photo_reused" keeps the decoded photo between renders (the same
// article again, in another format or with a new headline), and
// "text_only" draws the card with its picture fields left empty. A case
// reports the median and 95th percentile wall time of a card, the process
// CPU time per card (all threads, garbage collection included, so a
// parallel encoder cannot hide its cost) and the output's bytes. A last
// run renders full cards on Streams goroutines at once for throughput,
// and the peak RSS of the process is read after it.
package bench
