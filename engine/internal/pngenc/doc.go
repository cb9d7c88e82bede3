// Package pngenc writes PNG cards fast: the image is filtered in one pass
// with a cheap per-row filter choice and compressed as a single zlib
// stream by libdeflate when the system has it (compress/flate otherwise).
// image/png tries all five filters on every row and compresses through a
// streaming writer; on a photo card this package is about three times
// faster at a similar size.
package pngenc
