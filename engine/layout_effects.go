package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Paint is a fill as written: a colour string, or a gradient object. It
// is what rect fills, tag backgrounds and text colours take.
type Paint struct {
	Color    string        // a colour or a {{field}}; "" when left out
	Gradient *GradientSpec // set instead of Color for a gradient
}

// UnmarshalJSON accepts "#rrggbb" (any colour string) or a gradient
// object, whose unknown properties are errors as everywhere else.
func (p *Paint) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		*p = Paint{}
		return json.Unmarshal(b, &p.Color)
	}
	var g GradientSpec
	if err := strictUnmarshal(b, &g); err != nil {
		return fmt.Errorf("gradient: %w", err)
	}
	*p = Paint{Gradient: &g}
	return nil
}

// MarshalJSON writes the paint back as it was written.
func (p Paint) MarshalJSON() ([]byte, error) {
	if p.Gradient != nil {
		return json.Marshal(p.Gradient)
	}
	return json.Marshal(p.Color)
}

// IsZero reports a paint left out, for omitzero.
func (p Paint) IsZero() bool { return p.Color == "" && p.Gradient == nil }

// GradientSpec is a gradient fill: linear along an angle, or radial from
// a centre out to the box's farthest corner.
type GradientSpec struct {
	Type   string     `json:"type"`             // linear, radial
	Angle  *float64   `json:"angle,omitempty"`  // linear: CSS degrees
	Center *FocusSpec `json:"center,omitempty"` // radial: in fractions of the box
	Stops  []StopSpec `json:"stops"`
}

// Shadows is one shadow or a list of them: a layer's "shadow" may be
// written either way.
type Shadows struct {
	List    []ShadowSpec
	IsArray bool // written as an array (error pointers then end in /N)
}

// UnmarshalJSON accepts a shadow object or an array of them.
func (s *Shadows) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one ShadowSpec
		if err := strictUnmarshal(b, &one); err != nil {
			return err
		}
		*s = Shadows{List: []ShadowSpec{one}}
		return nil
	}
	var many []ShadowSpec
	if err := strictUnmarshal(b, &many); err != nil {
		return err
	}
	*s = Shadows{List: many, IsArray: true}
	return nil
}

// MarshalJSON writes the shadows back as they were written.
func (s Shadows) MarshalJSON() ([]byte, error) {
	if !s.IsArray && len(s.List) == 1 {
		return json.Marshal(s.List[0])
	}
	return json.Marshal(s.List)
}

// IsZero reports shadows left out, for omitzero.
func (s Shadows) IsZero() bool { return len(s.List) == 0 && !s.IsArray }

// strictUnmarshal decodes as Compile's decoder does: a custom
// UnmarshalJSON does not inherit DisallowUnknownFields, so it asks again.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
