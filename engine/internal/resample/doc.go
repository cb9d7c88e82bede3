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
//   - Per-column and per-row weights are computed once per call in 14-bit
//     fixed point, normalised to sum exactly to 1<<14, so solid colours are
//     reproduced exactly and an identity scale is an exact copy.
//   - Near the edges of the source rectangle, taps that would fall outside
//     it are dropped and the remaining weights renormalised (as x/image/draw
//     does), so borders neither darken nor ring.
//   - Work is separable and streamed: each needed source row is converted to
//     premultiplied RGBA (fast paths for *image.YCbCr of every subsample
//     ratio, *image.RGBA, *image.NRGBA, *image.Gray and *image.Paletted; any
//     other image.Image goes through RGBA64At or At), filtered horizontally
//     into a small ring of rows, and output rows are filtered vertically from
//     that ring. Two colour channels are packed into each int64 so each tap
//     costs two multiplies per pixel instead of four.
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
// buffers, so Scale and ScaleF may be called from many goroutines at once,
// as long as calls do not write overlapping parts of the same destination.
// Each call runs on the calling goroutine only; it never starts goroutines,
// so its CPU cost is attributable to the caller.
package resample
