package engine

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
)

// parseColor reads a colour as the schema describes it, returned
// premultiplied.
func parseColor(s string) (color.RGBA, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "transparent":
		return color.RGBA{}, nil
	case "white":
		return color.RGBA{255, 255, 255, 255}, nil
	case "black":
		return color.RGBA{0, 0, 0, 255}, nil
	}
	if strings.HasPrefix(s, "#") {
		return parseHex(s[1:])
	}
	lower := strings.ToLower(s)
	if args, ok := cutFunc(lower, "rgba"); ok {
		return parseRGBFunc(s, args, 4)
	}
	if args, ok := cutFunc(lower, "rgb"); ok {
		return parseRGBFunc(s, args, 3)
	}
	return color.RGBA{}, fmt.Errorf("invalid colour %q: use #rrggbb, #rrggbbaa, rgba(r, g, b, a) or transparent", s)
}

func cutFunc(s, name string) (string, bool) {
	rest, ok := strings.CutPrefix(s, name+"(")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, ")")
}

func parseHex(orig string) (color.RGBA, error) {
	h := orig
	if len(h) == 3 || len(h) == 4 {
		var b strings.Builder
		for _, c := range h {
			b.WriteRune(c)
			b.WriteRune(c)
		}
		h = b.String()
	}
	if len(h) == 6 {
		h += "ff"
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 8 || err != nil {
		return color.RGBA{}, fmt.Errorf("invalid colour #%s: want 3, 4, 6 or 8 hex digits", orig)
	}
	return premultiply(uint8(v>>24), uint8(v>>16), uint8(v>>8), uint8(v)), nil
}

func parseRGBFunc(orig, args string, n int) (color.RGBA, error) {
	parts := strings.Split(args, ",")
	bad := fmt.Errorf("invalid colour %q: want rgb(r, g, b) or rgba(r, g, b, a) with r, g, b 0-255 and a 0-1", orig)
	if len(parts) != n {
		return color.RGBA{}, bad
	}
	var rgb [3]uint8
	for i := range 3 {
		v, err := strconv.Atoi(strings.TrimSpace(parts[i]))
		if err != nil || v < 0 || v > 255 {
			return color.RGBA{}, bad
		}
		rgb[i] = uint8(v)
	}
	a := 1.0
	if n == 4 {
		var err error
		a, err = strconv.ParseFloat(strings.TrimSpace(parts[3]), 64)
		if err != nil || a < 0 || a > 1 {
			return color.RGBA{}, bad
		}
	}
	return premultiply(rgb[0], rgb[1], rgb[2], uint8(a*255+0.5)), nil
}

func premultiply(r, g, b, a uint8) color.RGBA {
	m := func(c uint8) uint8 { return uint8((uint32(c)*uint32(a) + 127) / 255) }
	return color.RGBA{m(r), m(g), m(b), a}
}

// fade scales a premultiplied colour by an opacity in [0, 1].
func fade(c color.RGBA, opacity float64) color.RGBA {
	if opacity >= 1 {
		return c
	}
	f := func(v uint8) uint8 { return uint8(float64(v)*opacity + 0.5) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), f(c.A)}
}
