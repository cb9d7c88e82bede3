// Package emoji draws colour emoji from a bitmap emoji font such as Noto
// Color Emoji (CBDT/CBLC, PNG strikes), which the outline text renderer
// (tdewolff/canvas) cannot load.
//
// A headline is first split into grapheme clusters (github.com/rivo/uniseg);
// IsEmojiCluster picks the clusters to draw as colour emoji. Runs of them are
// shaped with Font.Shape, which uses go-text/typesetting's HarfBuzz port so
// that ZWJ sequences, skin tones, flags and keycaps become one glyph each
// through the font's GSUB ligatures. Each glyph is then drawn with
// Font.Image: the strike's PNG scaled to the text size, with its offset from
// the pen position on the baseline. Advances are in em; multiply by the font
// size in pixels. Nothing is fetched from the network.
//
// Errors: Load wraps ErrNoColorBitmaps for a font without colour bitmaps;
// Image wraps ErrNoBitmap for a glyph without one (ID 0, which Shape yields
// for an emoji the font lacks, so the caller can fall back to text). Panics
// inside go-text are recovered and returned as errors.
//
// Concurrency: a *Font is safe for concurrent use. go-text faces are not, so
// each call borrows one from a small free list. Images returned by Image are
// shared through a bounded cache and must not be modified.
package emoji
