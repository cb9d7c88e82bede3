package bench

import (
	"context"
	"io/fs"
	"testing"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/layouts"
)

func newsLayout(t *testing.T) (*engine.Template, engine.Data, map[string][]byte) {
	t.Helper()
	src, err := fs.ReadFile(layouts.FS, "news.json")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := engine.Compile("news.json", src, &engine.CompileOptions{Assets: layouts.FS})
	if err != nil {
		t.Fatal(err)
	}
	data := tp.SampleData()
	photo, err := fs.ReadFile(layouts.FS, data["imageUrl"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return tp, data, map[string][]byte{data["imageUrl"].(string): photo}
}

func TestRunMeasuresEveryCaseAndFormat(t *testing.T) {
	tp, data, photos := newsLayout(t)
	rep, err := Run(context.Background(), tp, data, Options{Runs: 2, Warmup: 1, Streams: 2, Photos: photos,
		Formats: []engine.Format{engine.WebP, engine.PNG}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cases) != 6 {
		t.Fatalf("%d rows, want 3 cases x 2 formats: %+v", len(rep.Cases), rep.Cases)
	}
	bytes := map[string]int{}
	for _, r := range rep.Cases {
		if r.Bytes <= 0 || r.MedianMS <= 0 || r.P95MS < r.MedianMS || r.CPUMS <= 0 {
			t.Errorf("implausible row %+v", r)
		}
		bytes[r.Case+"/"+r.Format] = r.Bytes
	}
	// The photo makes the card bigger; reusing it changes nothing drawn.
	if bytes["full/png"] != bytes["photo_reused/png"] || bytes["text_only/png"] >= bytes["full/png"] {
		t.Errorf("bytes per case look wrong: %v", bytes)
	}
	if s := rep.Streams; s == nil || s.Streams != 2 || s.CardsPerS <= 0 || s.Format != "webp" {
		t.Errorf("streams: %+v", rep.Streams)
	}
	if rep.PeakRSSMB <= 0 || rep.Tool != "ogcard" || rep.Variant == "" {
		t.Errorf("report: %+v", rep)
	}
}

func TestRunWithoutAPictureSkipsThePhotoCases(t *testing.T) {
	tp, data, photos := newsLayout(t)
	data["imageUrl"] = ""
	rep, err := Run(context.Background(), tp, data, Options{Runs: 1, Photos: photos, Formats: []engine.Format{engine.JPEG}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cases) != 1 || rep.Cases[0].Case != TextOnly || len(rep.Notes) != 2 {
		t.Errorf("cases %+v, notes %q: want text_only only, and a note per skipped case", rep.Cases, rep.Notes)
	}
}

func TestRunReportsAPictureItCannotDraw(t *testing.T) {
	tp, data, _ := newsLayout(t)
	_, err := Run(context.Background(), tp, data, Options{Runs: 1, Cases: []string{Full}, Formats: []engine.Format{engine.JPEG},
		Photos: map[string][]byte{data["imageUrl"].(string): []byte("not a picture")}})
	if err == nil {
		t.Fatal("a card drawn with its fallback was measured as if it had its photo")
	}
}

func TestQuantile(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	if q := quantile(v, 0.5); q != 5 {
		t.Errorf("median %v, want 5", q)
	}
	if q := quantile(v, 0.95); q != 10 {
		t.Errorf("p95 %v, want 10", q)
	}
}
