package engine_test

import (
	"context"
	"encoding/json"
	"image"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ogcard/ogcard/cards/fetch"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/engine/internal/imagetest"
	"github.com/ogcard/ogcard/fonts"
)

// root is the repository root, seen from this package's folder.
const root = ".."

// rootLoader loads pictures by paths relative to the repository root, as
// the cases in testdata/cases name them.
type rootLoader struct{ l *fetch.Loader }

func (r rootLoader) LoadImage(ctx context.Context, ref string, hint engine.DecodeHint) (image.Image, error) {
	if u, err := url.Parse(ref); err == nil && u.Scheme == "" && !filepath.IsAbs(ref) {
		ref = filepath.Join(root, ref)
	}
	return r.l.LoadImage(ctx, ref, hint)
}

var loader = rootLoader{fetch.New(fetch.Options{AllowFiles: true})}

// renderCase is a file of testdata/cases: a layout, data and what to expect.
type renderCase struct {
	Description string      `json:"description"`
	Layout      string      `json:"layout"`
	Data        engine.Data `json:"data"`
	Fallbacks   int         `json:"fallbacks"`
	SystemFonts bool        `json:"systemFonts"` // needs Noto Sans CJK and colour emoji from the system
}

// requireSystemFonts skips a case that needs system fonts the machine
// lacks, except in CI, which installs them (.ci/run) and must not skip.
func requireSystemFonts(t *testing.T) {
	t.Helper()
	reg, err := fonts.Default()
	if err != nil {
		t.Fatal(err)
	}
	if missing := reg.MissingScripts(); len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have every font: no font for %s", strings.Join(missing, "; "))
		}
		t.Skipf("no font for %s", strings.Join(missing, "; "))
	}
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*engine.Template{}
)

// load compiles a layout once per test binary.
func load(t testing.TB, rel string) *engine.Template {
	t.Helper()
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if tp, ok := templates[rel]; ok {
		return tp
	}
	tp, err := engine.LoadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	templates[rel] = tp
	return tp
}

// TestGoldenCases renders every case in testdata/cases and compares it
// with testdata/golden/<case>.png. Refresh with: go test ./engine -update
func TestGoldenCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "testdata/cases/*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := readCase(t, file)
			if c.SystemFonts {
				requireSystemFonts(t)
			}
			img, info, err := load(t, c.Layout).Render(context.Background(), c.Data, engine.RenderOptions{Images: loader})
			if err != nil {
				t.Fatal(err)
			}
			if len(info.Fallbacks) != c.Fallbacks {
				t.Errorf("%d fallbacks (%+v), want %d", len(info.Fallbacks), info.Fallbacks, c.Fallbacks)
			}
			if len(info.Warnings) > 0 {
				t.Errorf("unexpected warnings: %v", info.Warnings)
			}
			imagetest.AssertGolden(t, filepath.Join(root, "testdata/golden", name+".png"), img, goldenTolerance(t))
		})
	}
}

// TestGoldenLayouts renders every shipped layout with its sample data.
func TestGoldenLayouts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "layouts/*.json"))
	if err != nil || len(files) < 3 {
		t.Fatalf("want at least 3 example layouts, found %d (%v)", len(files), err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rel, _ := filepath.Rel(root, file)
			tp := load(t, rel)
			img, info, err := tp.Render(context.Background(), sampleData(tp, filepath.Dir(rel)), engine.RenderOptions{Images: loader})
			if err != nil {
				t.Fatal(err)
			}
			if len(info.Fallbacks) > 0 || len(info.Warnings) > 0 {
				t.Errorf("samples should render cleanly: fallbacks %+v, warnings %v", info.Fallbacks, info.Warnings)
			}
			imagetest.AssertGolden(t, filepath.Join(root, "testdata/golden", "layout-"+name+".png"), img, goldenTolerance(t))
			for _, vn := range tp.VariantNames() {
				v, _ := tp.Variant(vn)
				img, info, err := v.Render(context.Background(), sampleData(v, filepath.Dir(rel)), engine.RenderOptions{Images: loader})
				if err != nil {
					t.Fatalf("variant %s: %v", vn, err)
				}
				if len(info.Fallbacks) > 0 || len(info.Warnings) > 0 {
					t.Errorf("variant %s: samples should render cleanly: fallbacks %+v, warnings %v", vn, info.Fallbacks, info.Warnings)
				}
				if b := img.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
					t.Errorf("variant %s: %v, want %dx%d", vn, b, v.Width, v.Height)
				}
				imagetest.AssertGolden(t, filepath.Join(root, "testdata/golden", "layout-"+name+"-"+vn+".png"), img, goldenTolerance(t))
			}
		})
	}
}

// sampleData is the layout's samples with image paths made relative to
// the repository root.
func sampleData(tp *engine.Template, dir string) engine.Data {
	d := tp.SampleData()
	for _, name := range tp.FieldNames() {
		f, _ := tp.Field(name)
		if v, ok := d[name].(string); ok && f.Type == "image" && !strings.Contains(v, "://") {
			d[name] = filepath.Join(dir, v)
		}
	}
	return d
}

func readCase(t testing.TB, file string) renderCase {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c renderCase
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return c
}

// goldenTolerance is the default, with libjpeg-turbo. The goldens are drawn
// with it, decoding each photo at the scale its box needs; without it
// image/jpeg decodes photos whole and the resampler shrinks them, which
// differs by up to half a pixel of crop on about 1.5% of a photo's pixels.
func goldenTolerance(t *testing.T) imagetest.Tolerance {
	if ok, _ := engine.NativeJPEG(); ok {
		return imagetest.DefaultTolerance
	}
	t.Log("libjpeg-turbo is not installed (Debian: libturbojpeg0): photos compared with a looser tolerance")
	return imagetest.Tolerance{PixelDelta: imagetest.DefaultTolerance.PixelDelta, MaxDiffPixels: 0.03}
}
