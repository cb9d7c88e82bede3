package pngenc

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"sync"

	kflate "github.com/klauspost/compress/flate"

	"github.com/ogcard/ogcard/engine/internal/native"
)

// A flat card's zlib stream is written in segments of rows, one after the
// other, each ending on a byte boundary so the next can follow:
//
//   - runs of one-colour rows: the hand-written blocks of uniform.go;
//   - the largest run of other rows, with every row after it: libdeflate,
//     whose stream ends the whole (its last block is marked final, and it
//     cannot be told otherwise), at the level Encode chose;
//   - any run of other rows before that: klauspost/compress's deflate, ended
//     with a sync flush (a non-final block), from a fresh window.
//
// No segment refers back into another, and the Adler-32 is carried across
// them, so any inflater reads the stream as one. On the text-only card
// this gives libdeflate a third of the rows (the headline's and the margin
// below) and leaves the bytes within 2%; klauspost's encoder at level 1
// was 2-4 times faster than libdeflate's at level 2 on these rows but
// 13-24% larger, so it gets only the smaller runs before the largest (a
// tag above the headline).

// minUniformRows is the fewest one-colour rows worth a segment of their
// own: each segment adds a block's code table (about 80 bytes) and the
// empty stored block that aligns it (four more), so a few rows are
// cheaper left in the stream around them.
const minUniformRows = 16

// segment is rows [from, to) of a card; uniform says every row is one
// colour.
type segment struct {
	from, to int
	uniform  bool
}

// planSegments splits img's rows into segments, or returns nil when it has
// no run of at least minUniformRows one-colour rows (one stream then does).
// Shorter runs join the rows around them; everything after the largest
// segment of other rows joins it.
func planSegments(img *image.RGBA) []segment {
	b := img.Bounds()
	var segs []segment
	runStart := -1 // start of the current run of one-colour rows
	flush := func(y int) {
		if runStart < 0 {
			return
		}
		segs = appendSegment(segs, segment{runStart, y, y-runStart >= minUniformRows})
		runStart = -1
	}
	for y := range b.Dy() {
		if uniformRow(img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):][:4*b.Dx()]) {
			if runStart < 0 {
				runStart = y
			}
			continue
		}
		flush(y)
		segs = appendSegment(segs, segment{y, y + 1, false})
	}
	flush(b.Dy())
	// The largest run of other rows goes to libdeflate, for its smaller
	// output, and so takes every row after it.
	if k := largestOther(segs); k >= 0 {
		segs[k].to = b.Dy()
		segs = segs[:k+1]
	}
	if !hasUniform(segs) {
		return nil
	}
	return segs
}

// appendSegment appends s, merging it into the last segment when both are
// of other rows.
func appendSegment(segs []segment, s segment) []segment {
	if n := len(segs); n > 0 && !s.uniform && !segs[n-1].uniform {
		segs[n-1].to = s.to
		return segs
	}
	return append(segs, s)
}

// largestOther returns the index of the segment of most rows that are not
// one colour, the first of equals; -1 if there is none.
func largestOther(segs []segment) int {
	k := -1
	for i, s := range segs {
		if !s.uniform && (k < 0 || s.to-s.from > segs[k].to-segs[k].from) {
			k = i
		}
	}
	return k
}

func hasUniform(segs []segment) bool {
	for _, s := range segs {
		if s.uniform {
			return true
		}
	}
	return false
}

// finishSegments is finish for a flat card planned into segments.
func finishSegments(dst []byte, img *image.RGBA, segs []segment, bpp int, opaque bool, level int) ([]byte, error) {
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0, 'I', 'D', 'A', 'T')
	dst = append(dst, 0x78, 0x5e) // zlib header: deflate, 32 KB window
	sum := uint32(1)
	for i, s := range segs {
		last := i == len(segs)-1
		if s.uniform {
			dst, sum = appendUniformRows(dst, img, s.from, s.to, bpp, opaque, last, sum)
			continue
		}
		raw := unfiltered(img, bpp, opaque, s.from, s.to)
		var err error
		if last {
			dst, err = native.Deflate(dst, *raw, level)
		} else {
			dst, err = syncFlushed(dst, *raw)
		}
		sum = native.Adler32(sum, *raw)
		rawPool.Put(raw)
		if err != nil {
			return nil, err
		}
	}
	dst = binary.BigEndian.AppendUint32(dst, sum)
	binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-8))
	dst = binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[at+4:]))
	return chunk(dst, "IEND", nil), nil
}

// syncLevel is klauspost's level for the runs before the last: its
// fastest, as they are small.
const syncLevel = 1

var syncWriters = sync.Pool{New: func() any {
	w, _ := kflate.NewWriter(nil, syncLevel) // cannot fail at a valid level
	return w
}}

// syncFlushed appends raw deflated from a fresh window and ended with a
// sync flush: non-final blocks, then an empty stored block.
func syncFlushed(dst, raw []byte) ([]byte, error) {
	fw := syncWriters.Get().(*kflate.Writer)
	defer syncWriters.Put(fw)
	buf := bytes.NewBuffer(dst)
	fw.Reset(buf)
	if _, err := fw.Write(raw); err != nil {
		return nil, err
	}
	if err := fw.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
