package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// The cases.
const (
	Full        = "full"
	PhotoReused = "photo_reused"
	TextOnly    = "text_only"
)

// Options say what to measure.
type Options struct {
	Runs    int             // measured cards per case and format
	Warmup  int             // cards drawn before measuring
	Formats []engine.Format // default: webp, png, jpeg
	Cases   []string        // default: all three
	Streams int             // goroutines of the throughput run; 0 skips it
	Quality int             // webp and jpeg quality; default: the layout's
	// Photos maps each picture reference in the data to its bytes, read
	// once before measuring so that no render waits on a disk or network.
	Photos map[string][]byte
}

// Result is one case in one format.
type Result struct {
	Case     string  `json:"case"`
	Format   string  `json:"format"`
	MedianMS float64 `json:"median_ms"`
	P95MS    float64 `json:"p95_ms"`
	CPUMS    float64 `json:"cpu_ms"`
	Bytes    int     `json:"bytes"`
}

// Streams is the throughput run.
type Streams struct {
	Streams    int     `json:"streams"`
	Case       string  `json:"case"`
	Format     string  `json:"format"`
	CardsPerS  float64 `json:"cards_per_s"`
	CPUPerCard float64 `json:"cpu_ms"`
}

// Report is everything measured, in the shape bench/peers/compare.js reads.
type Report struct {
	Tool      string            `json:"tool"`
	Variant   string            `json:"variant"` // native, or pure-go when no system library is used
	Versions  map[string]string `json:"versions"`
	Runs      int               `json:"runs"`
	Warmup    int               `json:"warmup"`
	Cases     []Result          `json:"cases"`
	Streams   *Streams          `json:"streams,omitempty"`
	PeakRSSMB float64           `json:"peak_rss_mb"`
	Notes     []string          `json:"notes"`
}

// Run measures t with data as opts says.
func Run(ctx context.Context, t *engine.Template, data engine.Data, opts Options) (*Report, error) {
	opts = withDefaults(opts)
	rep := &Report{Tool: "ogcard", Variant: variant(), Versions: versions(), Runs: opts.Runs, Warmup: opts.Warmup, Notes: []string{}}
	for _, c := range opts.Cases {
		d, loader, err := caseSetup(t, data, c, opts.Photos)
		if err != nil {
			rep.Notes = append(rep.Notes, err.Error())
			continue
		}
		for _, f := range opts.Formats {
			res, err := measure(ctx, t, d, loader, output(t, f, opts.Quality), opts)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", c, f, err)
			}
			res.Case = c
			rep.Cases = append(rep.Cases, res)
		}
	}
	if opts.Streams > 0 {
		s, err := streams(ctx, t, data, opts)
		if err != nil {
			return nil, fmt.Errorf("streams: %w", err)
		}
		rep.Streams = s
	}
	rep.PeakRSSMB = peakRSSMB()
	return rep, nil
}

func withDefaults(o Options) Options {
	if o.Runs <= 0 {
		o.Runs = 60
	}
	if o.Warmup < 0 {
		o.Warmup = 0
	}
	if len(o.Formats) == 0 {
		o.Formats = []engine.Format{engine.WebP, engine.PNG, engine.JPEG}
	}
	if len(o.Cases) == 0 {
		o.Cases = []string{Full, PhotoReused, TextOnly}
	}
	return o
}

func output(t *engine.Template, f engine.Format, quality int) engine.Output {
	o := t.Output
	o.Format = f
	o.MaxBytes = 0 // the budget would make cards of different sizes differ in work
	if quality > 0 {
		o.Quality = quality
	}
	return o
}

// errNoPhoto says the case needs a picture field the data does not fill.
var errNoPhoto = errors.New("no picture in the data")

// caseSetup returns the data and loader a case renders with.
func caseSetup(t *engine.Template, data engine.Data, c string, photos map[string][]byte) (engine.Data, engine.ImageLoader, error) {
	switch c {
	case Full, PhotoReused:
		if !hasPhoto(t, data) {
			return nil, nil, fmt.Errorf("%s: skipped: %w", c, errNoPhoto)
		}
		if c == Full {
			return data, decodeEveryTime(photos), nil
		}
		return data, &decodeOnce{photos: photos}, nil
	case TextOnly:
		d := maps.Clone(data)
		for _, name := range t.FieldNames() {
			if f, _ := t.Field(name); f.Type == "image" {
				d[name] = ""
			}
		}
		return d, decodeEveryTime(photos), nil
	}
	return nil, nil, fmt.Errorf("unknown case %q: use %s, %s or %s", c, Full, PhotoReused, TextOnly)
}

func hasPhoto(t *engine.Template, data engine.Data) bool {
	for _, name := range t.FieldNames() {
		if f, _ := t.Field(name); f.Type == "image" {
			if s, _ := data[name].(string); s != "" {
				return true
			}
		}
	}
	return false
}

// measure draws and encodes the card Warmup+Runs times.
func measure(ctx context.Context, t *engine.Template, data engine.Data, loader engine.ImageLoader, out engine.Output, opts Options) (Result, error) {
	res := Result{Format: string(out.Format)}
	for range opts.Warmup {
		if _, err := card(ctx, t, data, loader, out); err != nil {
			return res, err
		}
	}
	runtime.GC() // start every case from the same heap
	walls := make([]float64, 0, opts.Runs)
	cpu0 := processCPU()
	for range opts.Runs {
		start := time.Now()
		n, err := card(ctx, t, data, loader, out)
		if err != nil {
			return res, err
		}
		walls = append(walls, ms(time.Since(start)))
		res.Bytes = n
	}
	res.CPUMS = ms(processCPU()-cpu0) / float64(opts.Runs)
	res.MedianMS, res.P95MS = quantile(walls, 0.5), quantile(walls, 0.95)
	return res, nil
}

// card renders and encodes once, returning the encoded size.
func card(ctx context.Context, t *engine.Template, data engine.Data, loader engine.ImageLoader, out engine.Output) (int, error) {
	img, info, err := t.Render(ctx, data, engine.RenderOptions{Images: loader})
	if err != nil {
		return 0, err
	}
	for _, fb := range info.Fallbacks { // a fallback is not the card being measured
		if fb.Reason != engine.ReasonMissing {
			return 0, fmt.Errorf("picture not drawn: %s", fb.Reason)
		}
	}
	enc, err := engine.Encode(img, out)
	engine.Recycle(img) // as the server does after encoding
	if err != nil {
		return 0, err
	}
	return len(enc.Data), nil
}

// streams renders full cards in the first format on opts.Streams
// goroutines at once, Runs cards each.
func streams(ctx context.Context, t *engine.Template, data engine.Data, opts Options) (*Streams, error) {
	c := Full
	if !hasPhoto(t, data) {
		c = TextOnly
	}
	d, loader, err := caseSetup(t, data, c, opts.Photos)
	if err != nil {
		return nil, err
	}
	out := output(t, opts.Formats[0], opts.Quality)
	runtime.GC()
	var wg sync.WaitGroup
	errs := make([]error, opts.Streams)
	cpu0, start := processCPU(), time.Now()
	for i := range opts.Streams {
		wg.Go(func() {
			for range opts.Runs {
				if _, err := card(ctx, t, d, loader, out); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	n := float64(opts.Streams * opts.Runs)
	return &Streams{Streams: opts.Streams, Case: c, Format: string(out.Format),
		CardsPerS: n / time.Since(start).Seconds(), CPUPerCard: ms(processCPU()-cpu0) / n}, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// quantile is the nearest-rank quantile, as the peers' harness computes it.
func quantile(v []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(v))
	i := int(float64(len(s))*q+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// decodeEveryTime decodes the photo from its bytes on every render, as
// for a photo never seen before.
type decodeEveryTime map[string][]byte

func (p decodeEveryTime) LoadImage(_ context.Context, ref string, hint engine.DecodeHint) (image.Image, error) {
	data, ok := p[ref]
	if !ok {
		return nil, fmt.Errorf("%q was not read before measuring", ref)
	}
	return engine.DecodeImageFor(bytes.NewReader(data), 0, hint)
}

// decodeOnce keeps each decoded photo, as the server's photo cache does.
type decodeOnce struct {
	photos map[string][]byte
	mu     sync.Mutex
	cache  map[string]image.Image
}

func (p *decodeOnce) LoadImage(ctx context.Context, ref string, hint engine.DecodeHint) (image.Image, error) {
	key := fmt.Sprintf("%s\x00%+v", ref, hint)
	p.mu.Lock()
	defer p.mu.Unlock()
	if img, ok := p.cache[key]; ok {
		return img, nil
	}
	img, err := decodeEveryTime(p.photos).LoadImage(ctx, ref, hint)
	if err != nil {
		return nil, err
	}
	if p.cache == nil {
		p.cache = map[string]image.Image{}
	}
	p.cache[key] = img
	return img, nil
}

// variant is "native" when any system library does the work, else "pure-go".
func variant() string {
	w, _ := engine.NativeWebP()
	j, _ := engine.NativeJPEG()
	d, _ := engine.NativeDeflate()
	if w || j || d {
		return "native"
	}
	return "pure-go"
}

func versions() map[string]string {
	v := map[string]string{"go": runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v["ogcard"] = bi.Main.Version
	}
	for name, f := range map[string]func() (bool, error){"libwebp": engine.NativeWebP, "libturbojpeg": engine.NativeJPEG, "libdeflate": engine.NativeDeflate} {
		if ok, _ := f(); ok {
			v[name] = "system"
		} else {
			v[name] = "not used"
		}
	}
	return v
}
