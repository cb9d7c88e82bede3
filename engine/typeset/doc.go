// Package typeset breaks text into lines that fit a box: it wraps at the
// line-break opportunities of Unicode UAX #14, breaks inside a word (between
// grapheme clusters) only when the word alone is wider than the box, clamps
// to a number of lines with an ellipsis, and can shrink the font size to
// fit (auto-fit) before it resorts to the ellipsis.
//
// A paragraph may be made of [Run]s (rich text): byte ranges of the text,
// each measured by its own Measurer at its own scale and letter spacing,
// wrapped, clamped and auto-fitted as one; [Block.Pieces] cuts a line back
// into its runs.
//
// It only measures: widths come from a [Measurer] (a shaped font), and the
// result is a [Block] of lines with their widths in pixels, which package
// engine turns into glyph outlines. Measuring is done once per distinct
// piece of text at 1 em and scaled, so trying many sizes is cheap.
//
// Errors come only from the measurer (a font that fails to shape).
// Layout is a pure function and safe for concurrent use when the measurer is.
package typeset
