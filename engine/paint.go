package engine

import (
	"image/color"
)

// colorValue is a colour written in a layout: a literal, or a {{field}} of
// type color resolved at render time.
type colorValue struct {
	literal color.RGBA
	field   string
}

// resolve returns the colour for this render. Field values were checked
// when the data was bound, so a parse error cannot happen here; an empty
// value falls back to the literal (the default colour).
func (v colorValue) resolve(vals map[string]string) color.RGBA {
	if v.field == "" {
		return v.literal
	}
	c, err := parseColor(vals[v.field])
	if err != nil {
		return v.literal
	}
	return c
}

// color compiles a colour property; def is used when s is empty.
func (c *compiler) color(pointer, s, def string) colorValue {
	if s == "" {
		s = def
	}
	t, err := parseTemplate(s)
	if err == nil {
		if _, lit := t.literal(); !lit {
			field, ok := t.soleField()
			if !ok {
				c.errorf(pointer, "a colour is a literal or exactly one {{field}}, not %q", s)
				return colorValue{}
			}
			c.checkField(pointer, field, "color")
			dc, _ := parseColor(def)
			return colorValue{literal: dc, field: field}
		}
	}
	return colorValue{literal: c.literalColor(pointer, s)}
}

func (c *compiler) literalColor(pointer, s string) color.RGBA {
	col, err := parseColor(s)
	if err != nil {
		c.errorf(pointer, "%v", err)
	}
	return col
}
