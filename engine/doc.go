// Package engine compiles ogcard layouts and renders cards from them.
//
// [Compile] (or [LoadFile]) takes a layout document through three checks,
// the JSON Schema of package schema, a strict decode into [Layout] (unknown
// fields are errors) and semantic checks (fonts and assets exist, boxes are
// not empty, every {{field}} is declared, every filter and "when" condition
// parses and fits its field's type), and returns every problem found as
// schema.Problems, each placed at file:line:column and JSON Pointer (and,
// inside a template or a condition, at the character). What passes becomes
// a [Template]: immutable, with assets decoded, SVGs normalized and
// rasterized, templates and conditions parsed and fonts resolved once.
//
// [Template.Render] draws the layers bottom to top into a fresh
// *image.RGBA: photos (through [ImageLoader], so the engine never does
// HTTP itself) and gradients straight into the pixels, text and shapes
// through tdewolff/canvas paths. A stack layer lays its own layers out in
// a row or a column in two passes per render: measure (each text set once,
// at the width it gets) and arrange; its per-render state (stackRun) is
// kept apart from the compiled stackLayer. [Encode] turns the result into WebP, PNG
// or JPEG within an optional byte budget.
//
// Rich text (spans.go, richdraw.go): a text or tag layer's spans become
// one paragraph of runs, measured by typeset with each run's font, scale
// and letter spacing; each line is cut into pieces per span and ordered by
// the bidi algorithm over the whole line, then drawn in the spans' inks,
// with icon spans (icon.go) rasterized once per pixel size and placed on
// the baseline like glyphs.
//
// Effects follow shapes: a layer's shadows are cast from a shape (its box
// with its corners, or a picture's alpha), grown by a spread and blurred
// by the one box blur of blur.go; gradient fills paint a shape's coverage
// mask with the gradient layer's loop; a blend mode draws the layer onto
// a scratch card and blends it in. Nothing of it is kept between renders.
//
// Errors: Render returns a *[DataError] when the data does not fit the
// layout's fields, and the context's error when it ends (checked between
// layers). A picture that cannot be loaded is not an error: the layer draws
// its fallback and [RenderInfo] says why.
//
// Concurrency: a Template is safe for any number of concurrent renders;
// all per-render state lives in an unexported renderState, as
// text/template keeps its execution state apart from the template.
package engine
