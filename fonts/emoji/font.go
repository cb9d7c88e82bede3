package emoji

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"slices"
	"sync"

	"github.com/ogcard/ogcard/internal/lru"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/harfbuzz"
)

// Errors callers may want to tell apart with errors.Is.
var (
	// ErrNoColorBitmaps is returned by Load for a font without CBDT/CBLC or
	// sbix colour bitmaps (an outline font, or a black-and-white EBDT font).
	ErrNoColorBitmaps = errors.New("emoji: font has no colour bitmaps")
	// ErrNoBitmap is returned by Image for a glyph the font has no PNG bitmap
	// for, such as .notdef (ID 0), which Shape yields for unsupported emoji.
	ErrNoBitmap = errors.New("emoji: glyph has no colour bitmap")
)

// Cache budgets, in bytes of RGBA pixels. A decoded Noto Color Emoji strike
// is 136x128 (68 KiB), so the decoded budget keeps about 240 glyphs; a 50 px
// rendering is about 15 KiB, so the scaled budget keeps a few thousand.
const (
	decodedBudget = 16 << 20
	scaledBudget  = 48 << 20
	maxIdleWorker = 32 // go-text faces kept for reuse; more are garbage collected
)

// Font is a colour bitmap emoji font (CBDT/CBLC, or sbix). It is safe for
// concurrent use.
type Font struct {
	font    *font.Font
	upem    float64
	strikes []uint16 // ppem of each bitmap strike, ascending

	mu   sync.Mutex
	idle []*worker // go-text faces are not safe for concurrent use: one per call

	decoded *lru.Cache[decodedKey, *decodedGlyph]
	scaled  *lru.Cache[scaledKey, *scaledGlyph]
}

// worker is the per-call state go-text needs: a Face (which caches extents and
// holds the ppem used to choose a strike) and, once Shape ran, a HarfBuzz font
// and buffer.
type worker struct {
	face  *font.Face
	hb    *harfbuzz.Font
	buf   *harfbuzz.Buffer
	runes []rune
}

// decodedKey identifies a decoded strike bitmap.
type decodedKey struct {
	id   uint16
	ppem uint16
}

// decodedGlyph is a strike bitmap as premultiplied RGBA with its placement.
type decodedGlyph struct {
	img *image.RGBA
	ext font.GlyphExtents // in font units, y up
}

// scaledKey identifies a rendering: the size is in 1/sizeQuantum pixels.
type scaledKey struct {
	id   uint16
	size int
}

// scaledGlyph is a rendering ready to composite.
type scaledGlyph struct {
	img    *image.RGBA
	offset image.Point
}

// Load parses a font file's bytes. It returns an error wrapping
// ErrNoColorBitmaps for a font with no colour bitmaps. go-text copies the
// tables it keeps, so data may be reused or dropped afterwards.
func Load(data []byte) (f *Font, err error) {
	defer recoverInto(&err, "load")
	ld, err := ot.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("emoji: parse font: %w", err)
	}
	if !hasColorTables(ld) {
		return nil, ErrNoColorBitmaps
	}
	ft, err := font.NewFont(ld)
	if err != nil {
		return nil, fmt.Errorf("emoji: parse font: %w", err)
	}
	strikes := strikePpems(ft)
	if len(strikes) == 0 || ft.Upem() == 0 {
		return nil, fmt.Errorf("%w (no usable strike)", ErrNoColorBitmaps)
	}
	return &Font{
		font:    ft,
		upem:    float64(ft.Upem()),
		strikes: strikes,
		decoded: lru.New[decodedKey, *decodedGlyph](decodedBudget),
		scaled:  lru.New[scaledKey, *scaledGlyph](scaledBudget),
	}, nil
}

// hasColorTables reports whether the font carries CBDT/CBLC or sbix. go-text
// would otherwise fall back to EBDT/EBLC, whose bitmaps are monochrome.
func hasColorTables(ld *ot.Loader) bool {
	cb := ld.HasTable(ot.MustNewTag("CBLC")) && ld.HasTable(ot.MustNewTag("CBDT"))
	return cb || ld.HasTable(ot.MustNewTag("sbix"))
}

// strikePpems lists the distinct pixel-per-em sizes of the bitmap strikes.
func strikePpems(ft *font.Font) []uint16 {
	var out []uint16
	for _, s := range ft.BitmapSizes() {
		// go-text selects strikes by the larger of the two ppems.
		out = append(out, max(s.XPpem, s.YPpem))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Has reports whether the font has a glyph for r (cmap lookup). It does not
// say whether r alone should be drawn as an emoji: see IsEmojiCluster.
func (f *Font) Has(r rune) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, ok = f.font.Cmap.Lookup(r)
	return ok
}

// withWorker runs fn with a worker, converting a panic inside go-text into an
// error. A worker that panicked is dropped since its state may be corrupt.
func (f *Font) withWorker(what string, fn func(*worker) error) (err error) {
	w := f.getWorker()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("emoji: %s: go-text panicked: %v", what, r)
			return
		}
		f.putWorker(w)
	}()
	return fn(w)
}

// getWorker takes an idle worker or makes a new one.
func (f *Font) getWorker() *worker {
	f.mu.Lock()
	if n := len(f.idle); n > 0 {
		w := f.idle[n-1]
		f.idle = f.idle[:n-1]
		f.mu.Unlock()
		return w
	}
	f.mu.Unlock()
	return &worker{face: font.NewFace(f.font)}
}

// putWorker keeps w for reuse; a mutex-guarded list rather than sync.Pool,
// because building a HarfBuzz font (GSUB accelerators) is costly and sync.Pool
// empties on every other GC.
func (f *Font) putWorker(w *worker) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.idle) < maxIdleWorker {
		f.idle = append(f.idle, w)
	}
}

// recoverInto turns a panic into an error stored in *err. It must be deferred
// directly.
func recoverInto(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("emoji: %s: go-text panicked: %v", what, r)
	}
}
