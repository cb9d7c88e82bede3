package engine

import "image"

// blendMode is how a layer's colours mix with what is under it: the
// separable modes of the W3C Compositing and Blending spec, composited
// source-over.
type blendMode uint8

const (
	blendNormal blendMode = iota
	blendMultiply
	blendScreen
	blendOverlay
)

var blendModes = map[string]blendMode{"": blendNormal, "normal": blendNormal, "multiply": blendMultiply, "screen": blendScreen, "overlay": blendOverlay}

func (c *compiler) blend(ptr, name string) blendMode {
	m, ok := blendModes[name]
	if !ok {
		c.errorf(ptr, "unknown blend mode %q: use multiply, screen or overlay", name)
	}
	return m
}

// blended runs draw with the layer drawn onto a transparent scratch card
// instead of the card, then blends the scratch onto the card. Any drawer
// can be wrapped this way; the scratch comes from the card pool.
func (st *renderState) blended(mode blendMode, draw func() error) error {
	if mode == blendNormal {
		return draw()
	}
	card, ras := st.dst, st.ras
	layer := canvasPool.rgba(card.Rect)
	clear(layer.Pix)
	st.dst, st.ras = layer, nil
	err := draw()
	st.dst, st.ras = card, ras
	if err == nil {
		blendImage(card, layer, mode)
	}
	canvasPool.put(layer)
	return err
}

// blendImage blends src onto dst, both premultiplied and of the same
// bounds (the scratch is made from the card's).
func blendImage(dst, src *image.RGBA, mode blendMode) {
	d, s := dst.Pix, src.Pix
	for i := 0; i+3 < len(s); i += 4 {
		if s[i+3] == 0 {
			continue
		}
		blendPixel(d[i:i+4:i+4], s[i:i+4:i+4], mode)
	}
}

// blendPixel is the spec's general formula in premultiplied terms, with
// αs, αb the alphas and cs, cb the premultiplied colours of source and
// backdrop:
//
//	co = cs·(1 − αb) + cb·(1 − αs) + αs·αb·B(Cb, Cs)
//	αo = αs + αb·(1 − αs)
//
// where αs·αb·B(Cb, Cs) is, per mode,
//
//	multiply  cs·cb
//	screen    cs·αb + cb·αs − cs·cb
//	overlay   2·cs·cb                       when 2·cb ≤ αb
//	          αs·αb − 2·(αb − cb)·(αs − cs) otherwise
//
// Values are bytes, so products are in units of 255² and divided back
// with rounding.
func blendPixel(d, s []uint8, mode blendMode) {
	as, ab := int32(s[3]), int32(d[3])
	for c := range 3 {
		cs, cb := int32(s[c]), int32(d[c])
		var mix int32 // αs·αb·B(Cb, Cs), in units of 255²
		switch mode {
		case blendMultiply:
			mix = cs * cb
		case blendScreen:
			mix = cs*ab + cb*as - cs*cb
		case blendOverlay:
			if 2*cb <= ab {
				mix = 2 * cs * cb
			} else {
				mix = as*ab - 2*(ab-cb)*(as-cs)
			}
		}
		v := (cs*(255-ab) + cb*(255-as) + mix + 127) / 255
		d[c] = uint8(min(max(v, 0), 255))
	}
	d[3] = uint8(as + (ab*(255-as)+127)/255)
	for c := range 3 { // keep colours premultiplied whatever the rounding
		d[c] = min(d[c], d[3])
	}
}
