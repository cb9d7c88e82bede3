// Package native reaches two C libraries that are much faster than their
// pure-Go counterparts at the two costliest steps of a card: libjpeg-turbo
// (through its TurboJPEG API) to decode the photo and encode JPEG cards,
// and libdeflate to compress PNG cards.
//
// Neither is linked: both are opened at run time with purego, as
// gen2brain/webp opens libwebp, so the binary builds and runs without them
// (Debian: libturbojpeg0 and libdeflate0) and the engine falls back to the
// standard library. Building with -tags nodynamic leaves them out, for
// measuring or testing the pure-Go path on a machine that has them.
//
// With glibc, the package also caps malloc arenas at two when it loads
// (malloc.go): the libraries' buffers otherwise fill an arena per OS
// thread that calls them.
//
// Every call creates and frees its own C handle or takes one from a
// bounded free list, so the functions are safe for concurrent use.
package native
