package engine_test

import (
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
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
