// Package fonts ships ogcard's embedded typefaces and the registry that
// layouts look them up in.
//
// The embedded set (Noto Sans in light 300, regular 400, medium 500,
// semibold 600, bold 700 and extra bold 800, with italics at 400 and 700,
// Noto Serif in regular and bold, and Noto Sans for Arabic, Hebrew, the
// Indic scripts, Thai and a dozen more, Noto Sans Symbols2 and Noto Sans
// Math, and Noto Color Emoji, all under the SIL Open Font License in
// OFL.txt) is registered once, on first use of [Default], which also finds
// Noto Sans CJK (and a newer colour emoji font) on the system or in
// $OGCARD_FONTS_DIR; script, symbols, CJK and emoji fonts are parsed
// lazily, when a text first needs them.
// A layout may add font files of its own; they are registered into a copy
// of the default registry with [Registry.Clone] and [Registry.Add], so no
// layout can change what another one sees.
//
// Text is set through a [Stack]: the requested face, then the fallbacks for
// other scripts and symbols, then colour emoji, chosen per grapheme
// cluster, with runs ordered by the Unicode bidirectional algorithm (the Go
// port of GNU FriBidi, conformant to BidiCharacterTest.txt and
// BidiTest.txt) and shaped one by one, by go-text's HarfBuzz with one
// buffer per font, so shape plans are compiled once. A [Line] holds each
// glyph's outline in font units (parsed once per font and kept, up to a
// thousand glyphs) with its position and scale; the engine rasterizes them
// where they stand, so no path is built or copied for a line.
//
// A weight a family lacks falls back as CSS font matching says (see
// [Registry.Lookup]): 300 to the nearest lighter face, else heavier; 600 and
// up to the nearest heavier, else lighter.
//
// Only static fonts are supported: outlines come from tdewolff/font, which
// reads just the default instance of a variable font, so ship one file per
// weight.
//
// Concurrency: a [Registry] is read-only once built and safe for concurrent
// lookups. A [Font] guards its shaper, its buffer and its outline cache with
// a mutex (HarfBuzz buffers and caches are not safe for concurrent use);
// every method of Font may be called from many goroutines, and the
// outlines a Line shares are never written once cached.
//
// Errors: loading reports a font file that cannot be parsed; shaping never
// panics into the caller (a panic inside the shaper is returned as an error).
package fonts
