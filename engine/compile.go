package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ogcard/ogcard/fonts"
	"github.com/ogcard/ogcard/schema"
)

// CompileOptions are what a layout is compiled against. The zero value
// uses the embedded fonts and allows no assets.
type CompileOptions struct {
	// Assets holds the files a layout refers to by relative path (pictures,
	// SVGs, fonts): usually os.DirFS of the layout's folder.
	Assets fs.FS
	// Fonts is the base font registry; nil means fonts.Default().
	Fonts *fonts.Registry
}

// LoadFile reads and compiles a layout file, with its folder as the assets
// root.
func LoadFile(file string) (*Template, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Compile(file, data, &CompileOptions{Assets: os.DirFS(filepath.Dir(file))})
}

// Compile checks a layout document and compiles it into a Template. Every
// problem found is returned together as schema.Problems, each with file,
// line:column and JSON Pointer: first the schema's, and only when the
// structure is right, the strict decode's and the semantic checks'.
func Compile(file string, data []byte, opts *CompileOptions) (*Template, error) {
	if opts == nil {
		opts = &CompileOptions{}
	}
	// The schema check comes first: it refuses documents nested deeper than
	// schema.MaxDepth before anything decodes them, decode below included.
	loc := schema.NewLocator(file, data)
	if ps := loc.Check(); len(ps) > 0 {
		return nil, ps
	}
	c := &compiler{file: file, loc: loc, assets: opts.Assets, hash: sha256.New()}
	c.hash.Write([]byte(Version + "\x00"))
	c.hash.Write(data)
	lay, err := c.decode(data)
	if err != nil {
		return nil, err
	}
	if c.fonts, err = c.fontRegistry(opts.Fonts, lay.Fonts); err != nil {
		return nil, err
	}
	// The fonts a card could be drawn with are part of its key: a
	// replica without the CJK fonts must not share cards with one that
	// has them.
	c.hash.Write([]byte("\x00fonts\x00" + c.fonts.Fingerprint()))
	t := c.compile(lay)
	if err := c.problems.Err(); err != nil {
		c.problems.Sort()
		return nil, c.problems
	}
	t.Hash = hex.EncodeToString(c.hash.Sum(nil))
	if len(lay.Variants) > 0 {
		if err := compileVariants(t, file, data, lay.Variants, opts, loc); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// compiler holds the state of one compilation.
type compiler struct {
	file     string
	loc      *schema.Locator
	assets   fs.FS
	fonts    *fonts.Registry
	hash     hash.Hash
	problems schema.Problems

	width, height float64
	fields        map[string]Field
}

func (c *compiler) errorf(pointer, format string, args ...any) {
	c.problems = append(c.problems, c.loc.Problem(pointer, format, args...))
}

// decode is the strict second layer: unknown fields are errors even if the
// schema let them through, so the schema and the Go types cannot drift.
func (c *compiler) decode(data []byte) (*Layout, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var lay Layout
	if err := dec.Decode(&lay); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			ptr := "/" + strings.ReplaceAll(te.Field, ".", "/")
			return nil, schema.Problems{c.loc.Problem(ptr, "must be %s, not %s", te.Type, te.Value)}
		}
		return nil, schema.Problems{c.loc.Problem("", "%v", err)}
	}
	return &lay, nil
}

// fontRegistry adds the layout's own font files to a copy of base.
func (c *compiler) fontRegistry(base *fonts.Registry, files []FontFile) (*fonts.Registry, error) {
	if base == nil {
		var err error
		if base, err = fonts.Default(); err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return base, nil
	}
	reg := base.Clone()
	for i, f := range files {
		ptr := fmt.Sprintf("/fonts/%d/src", i)
		data, ok := c.readAsset(ptr, f.Src)
		if !ok {
			continue
		}
		if _, err := reg.Add(f.Family, data); err != nil {
			c.errorf(ptr, "font %s: %v", f.Src, err)
		}
	}
	return reg, c.problems.Err()
}

// readAsset reads a file next to the layout and adds it to the hash.
func (c *compiler) readAsset(pointer, name string) ([]byte, bool) {
	clean := path.Clean(filepath.ToSlash(name))
	if c.assets == nil {
		c.errorf(pointer, "asset %q: this layout has no asset folder", name)
		return nil, false
	}
	if !fs.ValidPath(clean) {
		c.errorf(pointer, "asset %q: must be a relative path inside the layout's folder", name)
		return nil, false
	}
	data, err := fs.ReadFile(c.assets, clean)
	if err != nil {
		c.errorf(pointer, "asset %q: %v", name, unwrapPathError(err))
		return nil, false
	}
	c.hash.Write([]byte("\x00asset\x00" + clean + "\x00"))
	c.hash.Write(data)
	return data, true
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (c *compiler) compile(lay *Layout) *Template {
	name := lay.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(c.file), filepath.Ext(c.file))
	}
	t := &Template{Name: name, File: c.file, Description: lay.Description}
	t.Width, t.Height = cmpOr(lay.Canvas.Width, 1200), cmpOr(lay.Canvas.Height, 630)
	c.width, c.height = float64(t.Width), float64(t.Height)
	t.background = c.literalColor("/canvas/background", cmpOr(lay.Canvas.Background, "#000000"))
	t.Output = c.output(lay.Output)
	c.compileFields(t, lay.Fields)
	t.alt = c.altTemplate(lay.Alt)
	for i := range lay.Layers {
		if l := c.compileLayer(i, &lay.Layers[i]); l != nil {
			t.layers = append(t.layers, l)
		}
	}
	return t
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (c *compiler) compileFields(t *Template, fields map[string]Field) {
	t.fields = map[string]Field{}
	for name, f := range fields {
		ptr := "/fields/" + name
		if name == VariantField {
			c.errorf(ptr, "%s", reservedFieldMessage)
		}
		for _, v := range []struct {
			key string
			val Scalar
		}{{"default", f.Default}, {"sample", f.Sample}} {
			if !v.val.Set || f.Type == "image" {
				continue
			}
			if err := checkValue(f, v.val.Value); err != nil {
				c.errorf(ptr+"/"+v.key, "%v", err)
			}
		}
		if f.Required && f.Default.Set {
			c.errorf(ptr+"/default", "a required field cannot have a default")
		}
		t.fields[name] = f
		t.fieldOrder = append(t.fieldOrder, name)
	}
	slices.Sort(t.fieldOrder)
	c.fields = t.fields
}

// compileLayer compiles layer i, reporting problems at its pointer.
func (c *compiler) compileLayer(i int, spec *LayerSpec) *layer {
	return c.compileLayerAt("/layers/"+strconv.Itoa(i), spec)
}

// compileLayerAt compiles the layer at JSON Pointer ptr: a top-level layer
// or a layer inside a stack.
func (c *compiler) compileLayerAt(ptr string, spec *LayerSpec) *layer {
	box, _ := spec.Box.resolve(c.width, c.height) // a bad box is reported by the layer's own compile
	l := &layer{name: ptr, kind: spec.Type, when: c.condition(ptr+"/when", spec.When), opacity: 1, box: box}
	if spec.Name != "" {
		l.name = fmt.Sprintf("%q (%s)", spec.Name, ptr)
	}
	if spec.Type == "tag" || spec.Type == "stack" {
		l.box = rect{} // a tag has no box: it sizes itself when drawn
	}
	if spec.Opacity != nil {
		l.opacity = *spec.Opacity
	}
	compile := map[string]func(string, *LayerSpec) drawer{
		"image":    c.imageLayer,
		"gradient": c.gradientLayer,
		"rect":     c.rectLayer,
		"text":     c.textLayer,
		"tag":      c.tagLayer,
		"svg":      c.svgLayer,
		"stack":    c.stackLayer,
	}[spec.Type]
	if compile == nil {
		c.errorf(ptr+"/type", "unknown layer type %q", spec.Type)
		return nil
	}
	if l.drawer = compile(ptr, spec); l.drawer == nil {
		return nil
	}
	return l
}

// VariantField is the data field name a signed /og/ URL takes as the
// size variant (variant=square), never passing it to the layout: a layout
// may neither declare nor use a field of that name, or it could never get
// its value there.
const VariantField = "variant"

const reservedFieldMessage = `the field name "variant" is reserved for size variants (a signed /og/ URL's variant= picks the size and never reaches the layout): name the field otherwise`

// checkField reports a reference to an undeclared field, and returns its
// declaration.
func (c *compiler) checkField(pointer, name string, types ...string) (Field, bool) {
	if name == VariantField {
		c.errorf(pointer, "%s", reservedFieldMessage)
		return Field{}, false
	}
	f, ok := c.fields[name]
	if !ok {
		c.errorf(pointer, "no field %q: declare it under \"fields\"%s", name, c.knownFields())
		return f, false
	}
	if len(types) > 0 && !slices.Contains(types, f.Type) {
		c.errorf(pointer, "field %q is of type %s; here it must be %s", name, f.Type, strings.Join(types, " or "))
		return f, false
	}
	return f, true
}

func (c *compiler) knownFields() string {
	if len(c.fields) == 0 {
		return ""
	}
	names := make([]string, 0, len(c.fields))
	for n := range c.fields {
		names = append(names, n)
	}
	slices.Sort(names)
	return " (declared: " + strings.Join(names, ", ") + ")"
}

// template compiles a text value and checks the fields it uses.
func (c *compiler) template(pointer, s string) *textTemplate {
	t, err := parseTemplate(s)
	if err != nil {
		c.errorf(pointer, "%v", err)
		return nil
	}
	for _, f := range t.fields() {
		c.checkField(pointer, f)
	}
	return t
}

// box resolves a layer's box on the canvas.
func (c *compiler) box(pointer string, b *BoxSpec) rect {
	r, err := b.resolve(c.width, c.height)
	if err != nil {
		c.errorf(pointer+"/box", "%v", err)
		return rect{W: c.width, H: c.height}
	}
	return r
}
