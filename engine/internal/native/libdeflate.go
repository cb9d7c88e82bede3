package native

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"
)

var deflate struct {
	once sync.Once
	err  error

	alloc    func(level int32) uintptr
	free     func(c uintptr)
	zlib     func(c uintptr, in unsafe.Pointer, n uintptr, out unsafe.Pointer, avail uintptr) uintptr
	bound    func(c uintptr, n uintptr) uintptr
	raw      func(c uintptr, in unsafe.Pointer, n uintptr, out unsafe.Pointer, avail uintptr) uintptr
	rawBound func(c uintptr, n uintptr) uintptr
	adler32  func(adler uint32, in unsafe.Pointer, n uintptr) uint32

	// A compressor holds tables sized for its level, costly to allocate
	// for each card; idle ones are kept, a few per level.
	mu   sync.Mutex
	idle map[int][]uintptr
}

// maxIdleCompressors bounds the compressors kept per level: one per
// render slot of a large machine.
const maxIdleCompressors = 16

func loadDeflate() error {
	deflate.once.Do(func() {
		lib, err := open("libdeflate.so.0", "libdeflate.so", "libdeflate.dylib")
		if err != nil {
			deflate.err = fmt.Errorf("libdeflate: %w", err)
			return
		}
		deflate.idle = map[int][]uintptr{}
		deflate.err = bind(lib, map[string]any{
			"libdeflate_alloc_compressor":       &deflate.alloc,
			"libdeflate_free_compressor":        &deflate.free,
			"libdeflate_zlib_compress":          &deflate.zlib,
			"libdeflate_zlib_compress_bound":    &deflate.bound,
			"libdeflate_deflate_compress":       &deflate.raw,
			"libdeflate_deflate_compress_bound": &deflate.rawBound,
			"libdeflate_adler32":                &deflate.adler32,
		})
		if deflate.err != nil {
			deflate.err = fmt.Errorf("libdeflate: %w", deflate.err)
		}
	})
	return deflate.err
}

// Libdeflate reports whether libdeflate is in use and, if not, why not.
func Libdeflate() error { return loadDeflate() }

// Zlib compresses in as one zlib stream at level 1-12, appending it to dst.
func Zlib(dst, in []byte, level int) ([]byte, error) {
	if err := loadDeflate(); err != nil {
		return nil, err
	}
	return compressWith(deflate.zlib, deflate.bound, dst, in, level)
}

// Deflate compresses in as a raw deflate stream (no zlib header or
// checksum) at level 1-12, appending it to dst: for a caller that writes
// the start of the stream itself.
func Deflate(dst, in []byte, level int) ([]byte, error) {
	if err := loadDeflate(); err != nil {
		return nil, err
	}
	return compressWith(deflate.raw, deflate.rawBound, dst, in, level)
}

// Adler32 continues the Adler-32 checksum adler (1 for none yet) over p,
// with libdeflate's vectorized loop. It needs libdeflate (see Libdeflate).
func Adler32(adler uint32, p []byte) uint32 {
	if len(p) == 0 || loadDeflate() != nil {
		return adler
	}
	return deflate.adler32(adler, unsafe.Pointer(unsafe.SliceData(p)), uintptr(len(p)))
}

func compressWith(compress func(uintptr, unsafe.Pointer, uintptr, unsafe.Pointer, uintptr) uintptr, bound func(uintptr, uintptr) uintptr, dst, in []byte, level int) ([]byte, error) {
	level = min(max(level, 1), 12)
	c, err := takeCompressor(level)
	if err != nil {
		return nil, err
	}
	defer putCompressor(level, c)
	need := int(bound(c, uintptr(len(in))))
	start := len(dst)
	if cap(dst)-start < need {
		dst = append(dst[:start:start], make([]byte, need)...)
	}
	dst = dst[:start+need]
	var src unsafe.Pointer
	if len(in) > 0 {
		src = unsafe.Pointer(unsafe.SliceData(in))
	}
	n := compress(c, src, uintptr(len(in)), unsafe.Pointer(&dst[start]), uintptr(need))
	if n == 0 {
		return nil, errors.New("libdeflate: output did not fit its bound")
	}
	return dst[:start+int(n)], nil
}

func takeCompressor(level int) (uintptr, error) {
	deflate.mu.Lock()
	if idle := deflate.idle[level]; len(idle) > 0 {
		c := idle[len(idle)-1]
		deflate.idle[level] = idle[:len(idle)-1]
		deflate.mu.Unlock()
		return c, nil
	}
	deflate.mu.Unlock()
	c := deflate.alloc(int32(level))
	if c == 0 {
		return 0, errors.New("libdeflate: cannot allocate a compressor")
	}
	return c, nil
}

func putCompressor(level int, c uintptr) {
	deflate.mu.Lock()
	defer deflate.mu.Unlock()
	if len(deflate.idle[level]) < maxIdleCompressors {
		deflate.idle[level] = append(deflate.idle[level], c)
		return
	}
	deflate.free(c)
}
