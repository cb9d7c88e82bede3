package engine_test

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

// The reference card (README, Performance; drawn by the peers in bench/peers): the same photo, font and
// headline, the photo decoded on every render as for a new article.
var referenceData = engine.Data{
	"title":    "Scientists discover a glowing deep-sea octopus near the Mariana Trench, raising new questions about bioluminescence and how life adapts to crushing pressure",
	"imageUrl": "testdata/bg.jpg",
	"brand":    "NewsDaily",
}

func BenchmarkCompile(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(root, "layouts/news.json"))
	if err != nil {
		b.Fatal(err)
	}
	opts := &engine.CompileOptions{Assets: os.DirFS(filepath.Join(root, "layouts"))}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Compile("news.json", data, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// bytesLoader decodes the same bytes on every call: a fresh photo per
// render, without disk reads in the measurement.
type bytesLoader []byte

func (l bytesLoader) LoadImage(_ context.Context, _ string, hint engine.DecodeHint) (image.Image, error) {
	return engine.DecodeImageFor(bytes.NewReader(l), 0, hint)
}

func BenchmarkRender(b *testing.B) {
	photo, err := os.ReadFile(filepath.Join(root, "testdata/bg.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	tp := load(b, "layouts/news.json")
	textOnly := engine.Data{"title": referenceData["title"], "brand": referenceData["brand"]}
	for _, bc := range []struct {
		name string
		data engine.Data
	}{{"photo", referenceData}, {"text-only", textOnly}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := tp.Render(context.Background(), bc.data, engine.RenderOptions{Images: bytesLoader(photo)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncode encodes already drawn cards: the news card with its
// photo, the same card text-only, and the repository card, so the encoders'
// share of a card's CPU reads against BenchmarkReferenceCard and the
// peers' whole cards (cpu-ms/op counts libwebp's threads too).
func BenchmarkEncode(b *testing.B) {
	news := load(b, "layouts/news.json")
	repo := load(b, "layouts/repo.json")
	textOnly := engine.Data{"title": referenceData["title"], "brand": referenceData["brand"]}
	for _, card := range []struct {
		name string
		tp   *engine.Template
		data engine.Data
	}{
		{"photo", news, referenceData},
		{"text-only", news, textOnly},
		{"repo", repo, sampleData(repo, "layouts")},
	} {
		img, _, err := card.tp.Render(context.Background(), card.data, engine.RenderOptions{Images: loader})
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range []engine.Format{engine.WebP, engine.PNG, engine.JPEG} {
			b.Run(card.name+"/"+string(f), func(b *testing.B) {
				b.ReportAllocs()
				var n int
				cpu := processCPU()
				for b.Loop() {
					enc, err := engine.Encode(img, engine.Output{Format: f, Quality: 80})
					if err != nil {
						b.Fatal(err)
					}
					n = len(enc.Data)
				}
				b.ReportMetric((processCPU()-cpu)*1000/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(n), "bytes")
			})
		}
	}
}

// BenchmarkReferenceCard is what the closing notes compare with the peers
// of the reference card (bench/peers): decode the photo, render, encode, all in one, as
// for a new article. cpu-ms/op is process CPU time over all threads, the
// garbage collector's included, as the peer benchmark measures it.
func BenchmarkReferenceCard(b *testing.B) {
	photo, err := os.ReadFile(filepath.Join(root, "testdata/bg.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	tp := load(b, "layouts/news.json")
	textOnly := engine.Data{"title": referenceData["title"], "brand": referenceData["brand"]}
	for _, bc := range []struct {
		name   string
		data   engine.Data
		format engine.Format
	}{
		{"full-webp", referenceData, engine.WebP},
		{"full-png", referenceData, engine.PNG},
		{"text-png", textOnly, engine.PNG},
		{"text-webp", textOnly, engine.WebP},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			cpu := processCPU()
			for b.Loop() {
				img, _, err := tp.Render(context.Background(), bc.data, engine.RenderOptions{Images: bytesLoader(photo)})
				if err != nil {
					b.Fatal(err)
				}
				enc, err := engine.Encode(img, engine.Output{Format: bc.format, Quality: 80})
				if err != nil {
					b.Fatal(err)
				}
				size = len(enc.Data)
			}
			b.ReportMetric((processCPU()-cpu)*1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// BenchmarkScripts renders the reference card (photo decoded every time,
// WebP q80) with headlines in other scripts, for the ratio against the
// Latin one: fallback fonts, bidi and emoji bitmaps are what it measures.
func BenchmarkScripts(b *testing.B) {
	photo, err := os.ReadFile(filepath.Join(root, "testdata/bg.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	tp := load(b, "layouts/news.json")
	for _, bc := range []struct{ name, title string }{
		{"latin", referenceData["title"].(string)},
		{"arabic", "العلماء يكتشفون أخطبوطاً متوهجاً في أعماق البحر قرب خندق ماريانا، ما يثير أسئلة جديدة حول التلألؤ الحيوي وكيف تتكيف الحياة مع الضغط الساحق"},
		{"emoji", "Scientists discover a glowing 🐙 deep-sea octopus 🌊 near the Mariana Trench 🔬, raising new questions 🤔 about bioluminescence ✨ and how life adapts 💪🏽 to crushing pressure 👨‍🔬🇯🇵"},
	} {
		data := engine.Data{"title": bc.title, "imageUrl": "testdata/bg.jpg", "brand": "NewsDaily"}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				img, _, err := tp.Render(context.Background(), data, engine.RenderOptions{Images: bytesLoader(photo)})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := engine.Encode(img, engine.Output{Format: engine.WebP, Quality: 80}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((processCPU()-cpu)*1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkStackCards renders each example card written with stacks, with
// its sample data: the measure and arrange passes plus drawing.
func BenchmarkStackCards(b *testing.B) {
	for _, name := range []string{"repo", "blog", "product", "podcast", "speaker", "docs"} {
		b.Run(name, func(b *testing.B) {
			tp := load(b, "layouts/"+name+".json")
			data := sampleData(tp, "layouts")
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := tp.Render(context.Background(), data, engine.RenderOptions{Images: loader}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEffects renders each effects case of testdata/cases (photo
// decoded on every render), beside the news card in the same run, so the
// cost of shadows, blur, blend modes and gradient fills reads as a ratio.
func BenchmarkEffects(b *testing.B) {
	photo, err := os.ReadFile(filepath.Join(root, "testdata/bg.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct{ name, layout string }{{"news", "layouts/news.json"}}
	for _, n := range []string{"shadow", "blur", "blend", "gradient", "circle"} {
		cases = append(cases, struct{ name, layout string }{n, "testdata/layouts/effects-" + n + ".json"})
	}
	for _, bc := range cases {
		tp := load(b, bc.layout)
		data := engine.Data{"title": referenceData["title"], "brand": "NewsDaily", "imageUrl": "testdata/bg.jpg", "photo": "testdata/bg.jpg"}
		if bc.name == "shadow" {
			data["imageUrl"] = "" // its cutout falls back; the photo field is what costs
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				img, _, err := tp.Render(context.Background(), data, engine.RenderOptions{Images: bytesLoader(photo)})
				if err != nil {
					b.Fatal(err)
				}
				engine.Recycle(img)
			}
			b.ReportMetric((processCPU()-cpu)*1000/float64(b.N), "cpu-ms/op")
		})
	}
}
