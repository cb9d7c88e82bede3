package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Layout is a layout file as written: the strict decoding of a document
// that passed the schema. Optional numbers are pointers so that "left out"
// and "zero" stay apart; Compile fills in defaults.
type Layout struct {
	Schema      string           `json:"$schema,omitempty"`
	Name        string           `json:"name,omitempty"`
	Description string           `json:"description,omitempty"`
	Canvas      CanvasSpec       `json:"canvas"`
	Fields      map[string]Field `json:"fields,omitempty"`
	Output      OutputSpec       `json:"output"`
	// Alt is the og:image:alt template; empty: {{title}} if declared.
	Alt string `json:"alt,omitempty"`
	// Variants are named sizes of the card; see variants.go.
	Variants map[string]VariantSpec `json:"variants,omitempty"`
	Fonts    []FontFile             `json:"fonts,omitempty"`
	Layers   []LayerSpec            `json:"layers"`
}

// CanvasSpec is the card's size and background.
type CanvasSpec struct {
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
	Background string `json:"background,omitempty"`
}

// Field declares one data field of a layout.
type Field struct {
	Type        string `json:"type"` // string, image, color, number
	Required    bool   `json:"required,omitempty"`
	Default     Scalar `json:"default,omitempty"`
	Sample      Scalar `json:"sample,omitempty"`
	MaxLength   int    `json:"maxLength,omitempty"`
	Description string `json:"description,omitempty"`
}

// OutputSpec is a layout's default encoding.
type OutputSpec struct {
	Format   string `json:"format,omitempty"`
	Quality  int    `json:"quality,omitempty"`
	MaxBytes int    `json:"maxBytes,omitempty"`
	// CrawlerFormat is what a client that does not name image/webp gets
	// (png or jpeg); empty: Format if it is one of them, else jpeg.
	CrawlerFormat string `json:"crawlerFormat,omitempty"`
}

// FontFile is a font shipped next to a layout.
type FontFile struct {
	Src    string `json:"src"`
	Family string `json:"family,omitempty"`
}

// LayerSpec is one layer as written. Which fields apply depends on Type;
// the schema has already rejected fields that do not belong to it.
type LayerSpec struct {
	Type    string    `json:"type"`
	Name    string    `json:"name,omitempty"`
	When    *WhenSpec `json:"when,omitempty"`
	Opacity *float64  `json:"opacity,omitempty"`
	Box     *BoxSpec  `json:"box,omitempty"`

	// image, svg
	Src      string        `json:"src,omitempty"`
	Fit      string        `json:"fit,omitempty"`
	Focus    *FocusSpec    `json:"focus,omitempty"`
	Radius   *Length       `json:"radius,omitempty"` // image, rect, tag: pixels, or "50%" for circles and ellipses
	Fallback *FallbackSpec `json:"fallback,omitempty"`
	Fill     Paint         `json:"fill,omitzero"` // rect (colour or gradient), svg (colour)

	// gradient
	Angle *float64   `json:"angle,omitempty"`
	Stops []StopSpec `json:"stops,omitempty"`

	// rect
	Border *BorderSpec `json:"border,omitempty"`

	// text, tag
	Text          string     `json:"text,omitempty"`
	Spans         []SpanSpec `json:"spans,omitempty"` // instead of text: rich text
	Font          *FontSpec  `json:"font,omitempty"`
	Size          float64    `json:"size,omitempty"`
	MinSize       float64    `json:"minSize,omitempty"`
	Color         Paint      `json:"color,omitzero"`
	LetterSpacing float64    `json:"letterSpacing,omitempty"`
	LineHeight    float64    `json:"lineHeight,omitempty"`
	Align         string     `json:"align,omitempty"`
	VAlign        string     `json:"valign,omitempty"`
	MaxLines      int        `json:"maxLines,omitempty"`
	Shadow        Shadows    `json:"shadow,omitzero"` // text: one; image, rect, tag: one or a list

	// tag
	Background Paint        `json:"background,omitzero"`
	Padding    *PaddingSpec `json:"padding,omitempty"`
	Anchor     string       `json:"anchor,omitempty"`
	X          *Length      `json:"x,omitempty"`
	Y          *Length      `json:"y,omitempty"`
	MaxWidth   *Length      `json:"maxWidth,omitempty"`

	// stack (also Align, Padding, Fill, Radius)
	Layers    []LayerSpec `json:"layers,omitempty"`
	Direction string      `json:"direction,omitempty"`
	Gap       *float64    `json:"gap,omitempty"`
	Justify   string      `json:"justify,omitempty"`
	Wrap      bool        `json:"wrap,omitempty"`
	Dir       string      `json:"dir,omitempty"`
	Separator *LayerSpec  `json:"separator,omitempty"`
	// effects (see layout_effects.go)
	Blur  *float64 `json:"blur,omitempty"`  // image
	Blend string   `json:"blend,omitempty"` // image, rect
}

// BoxSpec places a layer; see the schema for the rules.
type BoxSpec struct {
	X      *Length `json:"x,omitempty"`
	Y      *Length `json:"y,omitempty"`
	Left   *Length `json:"left,omitempty"`
	Top    *Length `json:"top,omitempty"`
	Right  *Length `json:"right,omitempty"`
	Bottom *Length `json:"bottom,omitempty"`
	Width  *Length `json:"width,omitempty"`
	Height *Length `json:"height,omitempty"`
}

// FocusSpec is the point of a cover-fitted picture kept in view.
type FocusSpec struct {
	X *float64 `json:"x,omitempty"`
	Y *float64 `json:"y,omitempty"`
}

// FallbackSpec is drawn when a picture cannot be had.
type FallbackSpec struct {
	Color string `json:"color,omitempty"`
	Src   string `json:"src,omitempty"`
}

// StopSpec is one gradient colour stop.
type StopSpec struct {
	Color string  `json:"color"`
	At    float64 `json:"at"`
}

// BorderSpec is a rectangle's border.
type BorderSpec struct {
	Width float64 `json:"width"`
	Color string  `json:"color"`
}

// FontSpec selects a font.
type FontSpec struct {
	Family string `json:"family,omitempty"`
	Weight int    `json:"weight,omitempty"`
	Style  string `json:"style,omitempty"`
}

// ShadowSpec is a shadow: under text, or under a layer's shape (which
// alone takes a spread).
type ShadowSpec struct {
	Color  string   `json:"color,omitempty"`
	X      *float64 `json:"x,omitempty"`
	Y      *float64 `json:"y,omitempty"`
	Blur   *float64 `json:"blur,omitempty"`
	Spread *float64 `json:"spread,omitempty"`
}

// PaddingSpec is a tag's or a stack's padding. A stack also takes one
// number for every side, and top, right, bottom, left.
type PaddingSpec struct {
	X      *float64 `json:"x,omitempty"`
	Y      *float64 `json:"y,omitempty"`
	Top    *float64 `json:"top,omitempty"`
	Right  *float64 `json:"right,omitempty"`
	Bottom *float64 `json:"bottom,omitempty"`
	Left   *float64 `json:"left,omitempty"`
}

// UnmarshalJSON accepts 24 (every side) or an object, strictly.
func (p *PaddingSpec) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var v float64
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*p = PaddingSpec{X: &v, Y: &v}
		return nil
	}
	type plain PaddingSpec // without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(p))
}

// Length is a distance in pixels or in percent of a canvas dimension.
// Grow is the width or height "grow" of a layer in a stack: a share of the
// room its siblings leave.
type Length struct {
	Value   float64
	Percent bool
	Grow    bool
}

// UnmarshalJSON accepts 48, "48px", "40%" and "grow".
func (l *Length) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		return json.Unmarshal(b, &l.Value)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "grow" {
		*l = Length{Grow: true}
		return nil
	}
	num, pct := strings.CutSuffix(s, "%")
	if !pct {
		num = strings.TrimSuffix(s, "px")
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return fmt.Errorf("length %q: want a number, \"48px\" or \"40%%\"", s)
	}
	*l = Length{Value: v, Percent: pct}
	return nil
}

// MarshalJSON writes the length back as it would be written by hand.
func (l Length) MarshalJSON() ([]byte, error) {
	if l.Grow {
		return json.Marshal("grow")
	}
	if l.Percent {
		return json.Marshal(strconv.FormatFloat(l.Value, 'f', -1, 64) + "%")
	}
	return json.Marshal(l.Value)
}

// Resolve returns the length in pixels, taking percentages of whole.
func (l Length) Resolve(whole float64) float64 {
	if l.Percent {
		return l.Value * whole / 100
	}
	return l.Value
}

// Scalar is a field value written in a layout: a string or a number, kept
// as text (numbers as written).
type Scalar struct {
	Set   bool
	Value string
}

// UnmarshalJSON accepts a string or a number.
func (s *Scalar) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		s.Set = true
		return json.Unmarshal(b, &s.Value)
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*s = Scalar{Set: true, Value: n.String()}
	return nil
}

// MarshalJSON writes the value as a JSON string.
func (s Scalar) MarshalJSON() ([]byte, error) {
	if !s.Set {
		return []byte("null"), nil
	}
	return json.Marshal(s.Value)
}
