// Package resample scales images into *image.RGBA with a separable
// Catmull-Rom filter.
//
// # Job
//
// ogcard draws a background photo (usually a JPEG decoded to *image.YCbCr)
// into a 1200x630 card. This package does that one step with the quality of
// golang.org/x/image/draw's CatmullRom kernel at a fraction of its cost:
//
//   - The filter is Catmull-Rom (a = -0.5, support 2). When shrinking, the
//     support is widened by the scale factor so every source pixel
//     contributes and fine detail does not alias. When enlarging, the plain
//     kernel is used, which keeps edges sharp.
//   - Per-column and per-row weights are computed once per call in 12- or
//     14-bit fixed point, each run summing to exactly one, so solid colours
//     are reproduced exactly and an identity scale is an exact copy.
//   - Near the edges of the source rectangle, taps that would fall outside
//     it are dropped and the remaining weights renormalised (as x/image/draw
//     does), so borders neither darken nor ring.
//   - Work is separable and streamed: each needed source row is converted
//     once (fast paths for *image.YCbCr of every subsample ratio,
//     *image.RGBA, *image.NRGBA, *image.Gray and *image.Paletted; any other
//     image.Image goes through RGBA64At or At), filtered horizontally into a
//     small ring of rows, and output rows are filtered vertically from that
//     ring, so the intermediate image is never materialised.
//   - The filters are integer and limited by the multiplier, so channels
//     share multiplies by living in lanes of one int64. Opaque sources (all
//     JPEGs) drop alpha and carry R, G and B in one word; sources with
//     transparency are premultiplied and carry two channels per word. See
//     lanes.go for the arithmetic and its overflow bounds.
//
// Results are within 2 levels of x/image/draw's CatmullRom at every pixel
// (mean difference about 0.15 of a level) at roughly a sixth of its cost;
// YCbCr conversion matches the standard library bit for bit.
//
// # Errors
//
// There are none to report. Scale and ScaleF never panic on any rectangle:
// empty, inverted, out-of-bounds or NaN rectangles simply draw nothing, and
// rectangles that partly leave the destination or source bounds are clipped.
//
// # Concurrency
//
// The package has no mutable global state apart from a sync.Pool of scratch
// buffers (its lookup tables are built at init and only read), so Scale and
// ScaleF may be called from many goroutines at once, sharing sources, as
// long as calls do not write overlapping parts of the same destination.
// Each call runs on the calling goroutine only; it never starts goroutines,
// so its CPU cost is attributable to the caller.
package resample
