package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/schema"
)

const variantDoc = `{
  "canvas": {"width": 1200, "height": 630},
  "fields": {"title": {"type": "string"}},
  "variants": %s,
  "layers": [
    {"type": "rect", "name": "band", "box": {"left": 0, "top": 0, "width": "100%", "height": 100}, "fill": "#ff0000"},
    {"type": "text", "name": "headline", "text": "{{title}}", "box": {"left": 40, "right": 40, "top": 120, "height": 200}, "size": 40}
  ]
}`

func compileVariants(t *testing.T, variants string) (*engine.Template, error) {
	t.Helper()
	return engine.Compile("v.json", []byte(strings.Replace(variantDoc, "%s", variants, 1)), nil)
}

// TestVariantsAreTemplatesOfTheirOwn: a variant has its size, its own
// hash (so its cards have keys of their own), and the base is untouched.
func TestVariantsAreTemplatesOfTheirOwn(t *testing.T) {
	tp, err := compileVariants(t, `{"square": {"canvas": {"width": 800, "height": 800}, "layers": {"headline": {"size": 56}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	sq, ok := tp.Variant("square")
	if !ok || sq.Width != 800 || sq.Height != 800 || sq.VariantName != "square" || sq.Name != tp.Name {
		t.Fatalf("square: %v %+v", ok, sq)
	}
	if sq.Hash == tp.Hash || tp.Width != 1200 {
		t.Error("a variant must hash differently and leave its layout as it is")
	}
	if _, ok := tp.Variant("nope"); ok {
		t.Error("an unknown variant was found")
	}
	data := engine.Data{"title": "Hello"}
	k1, _ := tp.CacheKey(data, tp.Output)
	k2, _ := sq.CacheKey(data, sq.Output)
	if k1 == k2 {
		t.Error("a variant's card shares its layout's cache key")
	}
	if got := strings.Join(tp.VariantNames(), ","); got != "square" {
		t.Errorf("names %q", got)
	}
}

// TestVariantProblemsAreLocated: a variant naming no layer, or making the
// layout invalid, is reported at the variant, with the layer or property.
func TestVariantProblemsAreLocated(t *testing.T) {
	for variants, want := range map[string][]string{
		`{"sq": {"layers": {"nope": {"size": 10}}}}`:             {"/variants/sq/layers/nope", `no layer is named "nope"`},
		`{"sq": {"layers": {"headline": {"size": "big"}}}}`:      {"/variants/sq", "/layers/1/size"},
		`{"sq": {"canvas": {"width": 5}}}`:                       {"/variants/sq/canvas/width"},
		`{"meta": {}}`:                                           {"/variants/meta", "a route of its own"},
		`{"Bad Name": {}}`:                                       {"/variants"},
		`{"sq": {"layers": {"band": {"fill": "not-a-colour"}}}}`: {"/variants/sq", "fill"},
	} {
		_, err := compileVariants(t, variants)
		if err == nil {
			t.Errorf("%s: compiled", variants)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not name %q", variants, err, w)
			}
		}
	}
}

// TestVariantIsAReservedFieldName: a signed /og/ URL takes variant= as the
// size and never passes it on, so a layout declaring or using a field
// named variant could never receive it: each place is a located problem.
// Names that merely contain the word are fine.
func TestVariantIsAReservedFieldName(t *testing.T) {
	doc := `{
  "fields": {"title": {"type": "string"}},
  "layers": [
    {"type": "text", "text": "{{title}}", "size": 40, "when": "variant"}
  ]
}`
	_, err := engine.Compile("r.json", []byte(doc), nil)
	var ps schema.Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("got %v, want one problem", err)
	}
	if p := ps[0]; p.Pointer != "/layers/0/when" || p.Line != 4 || p.Column == 0 ||
		!strings.Contains(p.Message, `the field name "variant" is reserved for size variants`) {
		t.Errorf("problem %+v: want it at /layers/0/when, line 4, saying the name is reserved", p)
	}
	// Declared, it is refused at its declaration too (and for a variant's
	// sake, the base layout's problem is the one reported).
	declared := strings.Replace(doc, `{"title": {"type": "string"}}`, `{"title": {"type": "string"}, "variant": {"type": "string"}}`, 1)
	declared = strings.Replace(declared, `"layers": [`, `"variants": {"square": {"canvas": {"width": 800, "height": 800}}},
  "layers": [`, 1)
	_, err = engine.Compile("r.json", []byte(declared), nil)
	if !errors.As(err, &ps) || len(ps) != 2 || ps[0].Pointer != "/fields/variant" || ps[0].Line != 2 || ps[1].Pointer != "/layers/0/when" {
		t.Fatalf("declared: got %v, want /fields/variant (line 2) and /layers/0/when", err)
	}
	ok := strings.NewReplacer(`"title"`, `"variantName"`, `{{title}}`, `{{variantName}}`, `"when": "variant"`, `"when": "variantName"`).Replace(doc)
	if _, err := engine.Compile("r.json", []byte(ok), nil); err != nil {
		t.Errorf("a field named variantName: %v", err)
	}
}
