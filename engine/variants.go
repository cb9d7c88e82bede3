package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/ogcard/ogcard/schema"
)

// VariantSpec is one named size of a layout: overrides of its canvas and
// of its layers' properties, by layer name.
type VariantSpec struct {
	Description string                     `json:"description,omitempty"`
	Canvas      map[string]json.RawMessage `json:"canvas,omitempty"`
	Layers      map[string]json.RawMessage `json:"layers,omitempty"`
}

// Variant returns the template of a named size; the empty name is t.
func (t *Template) Variant(name string) (*Template, bool) {
	if name == "" {
		return t, true
	}
	v, ok := t.variants[name]
	return v, ok
}

// VariantNames lists the layout's variants in name order.
func (t *Template) VariantNames() []string {
	names := make([]string, 0, len(t.variants))
	for n := range t.variants {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// reservedVariantNames are the path segments the service's routes take
// after a slug, which a variant would be shadowed by.
var reservedVariantNames = map[string]bool{"meta": true, "render": true}

// compileVariants compiles each variant as a layout of its own: the
// document with the variant's overrides merged in. Each is an immutable
// Template with its own Hash, so its cards have keys of their own. A
// problem inside a variant is reported at the variant, naming where in
// the merged layout it arose.
func compileVariants(t *Template, file string, data []byte, variants map[string]VariantSpec, opts *CompileOptions, loc *schema.Locator) error {
	var problems schema.Problems
	names := make([]string, 0, len(variants))
	for n := range variants {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		at := "/variants/" + name
		if reservedVariantNames[name] {
			problems = append(problems, loc.Problem(at, "%q is a route of its own (/api/v1/og/{layout}/{slug}/%s): name the variant otherwise", name, name))
			continue
		}
		doc, missing, err := mergeVariant(data, variants[name])
		if err != nil {
			problems = append(problems, loc.Problem(at, "%v", err))
			continue
		}
		for _, layer := range missing {
			problems = append(problems, loc.Problem(at+"/layers/"+layer, "no layer is named %q", layer))
		}
		if len(missing) > 0 {
			continue
		}
		v, err := Compile(file, doc, opts)
		if err != nil {
			var ps schema.Problems
			if !asProblems(err, &ps) {
				return err
			}
			for _, p := range ps {
				problems = append(problems, loc.Problem(at, "in this variant, %s: %s", cmpOr(p.Pointer, "the layout"), p.Message))
			}
			continue
		}
		v.Name, v.VariantName, v.File = t.Name, name, t.File
		if t.variants == nil {
			t.variants = map[string]*Template{}
		}
		t.variants[name] = v
	}
	return problems.Err()
}

func asProblems(err error, ps *schema.Problems) bool {
	return errors.As(err, ps)
}

// mergeVariant returns the layout document with the variant merged in
// and its variants left out, and the layer names it found no layer for.
func mergeVariant(data []byte, v VariantSpec) (doc []byte, missing []string, err error) {
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers come back as written
	if err := dec.Decode(&root); err != nil {
		return nil, nil, err
	}
	delete(root, "variants")
	if len(v.Canvas) > 0 {
		canvas, _ := root["canvas"].(map[string]any)
		if canvas == nil {
			canvas = map[string]any{}
		}
		for k, raw := range v.Canvas {
			var val any
			if err := json.Unmarshal(raw, &val); err != nil {
				return nil, nil, fmt.Errorf("canvas.%s: %w", k, err)
			}
			canvas[k] = val
		}
		root["canvas"] = canvas
	}
	for name, raw := range v.Layers {
		var patch map[string]any
		if err := json.Unmarshal(raw, &patch); err != nil {
			return nil, nil, fmt.Errorf("layers.%s: %w", name, err)
		}
		if !patchLayer(root["layers"], name, patch) {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	doc, err = json.Marshal(root)
	return doc, missing, err
}

// patchLayer merges patch into every layer named name, stacks' children
// included, and reports whether it found one.
func patchLayer(layers any, name string, patch map[string]any) bool {
	list, _ := layers.([]any)
	found := false
	for _, l := range list {
		layer, ok := l.(map[string]any)
		if !ok {
			continue
		}
		if layer["name"] == name {
			mergePatch(layer, patch)
			found = true
		}
		if patchLayer(layer["layers"], name, patch) {
			found = true
		}
	}
	return found
}

// mergePatch applies an RFC 7386 merge patch: objects merge, null
// removes, anything else replaces.
func mergePatch(target, patch map[string]any) {
	for k, pv := range patch {
		switch pv := pv.(type) {
		case nil:
			delete(target, k)
		case map[string]any:
			tv, ok := target[k].(map[string]any)
			if !ok {
				tv = map[string]any{}
			}
			mergePatch(tv, pv)
			target[k] = tv
		default:
			target[k] = pv
		}
	}
}
