package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/ogcard/ogcard/cards/fetch"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/fonts"
)

// renderFlags are the flags of ogcard render.
type renderFlags struct {
	layout  string
	variant string
	data    string
	out     string
	format  string
	quality int
	sets    multiFlag
	verbose bool
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runRender(env *Env, args []string) error {
	var f renderFlags
	fs := newFlags(env, "render", "--layout layouts/news.json [--data data.json | --data '{...}'] [--set field=value...] -o card.webp")
	fs.StringVar(&f.layout, "layout", "", "layout `file` (required)")
	fs.StringVar(&f.variant, "variant", "", "the layout's named size to draw (its \"variants\"); default: the layout's own")
	fs.StringVar(&f.data, "data", "", "data as a JSON `file` or inline JSON object; default: the layout's sample data")
	fs.Var(&f.sets, "set", "set one `field=value` (repeatable, applied after --data)")
	fs.StringVar(&f.out, "o", "", "output `file`, its extension choosing the format; - for stdout (required)")
	fs.StringVar(&f.format, "format", "", "output format (webp, png, jpeg); default: from -o's extension, else the layout's")
	fs.IntVar(&f.quality, "quality", 0, "webp/jpeg quality 1-100; default: the layout's")
	fs.BoolVar(&f.verbose, "v", false, "also log which fonts and encoders are used")
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.layout == "" || f.out == "" {
		return fmt.Errorf("%w: --layout and -o are required", errUsage)
	}
	if f.out == "-" && f.format == "" {
		return fmt.Errorf("%w: -o - (standard output) needs --format webp, png or jpeg: there is no file extension to choose it, and the layout's default would not show in a name like card.png", errUsage)
	}
	env = quietUnlessVerbose(env, f.verbose)
	t, err := engine.LoadFile(f.layout)
	if err != nil {
		printLayoutError(env, "ogcard render: ", err)
		return errReported
	}
	if v, ok := t.Variant(f.variant); ok {
		t = v
	} else {
		return fmt.Errorf("%w: layout %q has no variant %q (variants: %s)", errUsage, t.Name, f.variant, strings.Join(t.VariantNames(), ", "))
	}
	logFontCoverage(env)
	data, err := renderData(t, f)
	if err != nil {
		return err
	}
	out, err := outputFor(t, f)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The command line runs for a trusted user on their own machine:
	// local files, localhost and the intranet are fair sources here.
	loader := fetch.New(fetch.Options{AllowFiles: true, AllowLoopback: true, AllowPrivate: true})
	img, info, err := t.Render(ctx, data, engine.RenderOptions{Images: loader})
	if err != nil {
		return err
	}
	reportRender(env, info)
	if out.Format == engine.WebP {
		logWebPBackend(env)
	}
	enc, err := engine.Encode(img, out)
	if err != nil {
		return err
	}
	reportBudget(env, enc, out)
	return writeOutput(env, f.out, enc.Data)
}

// quietUnlessVerbose keeps render's stderr to warnings and errors: the
// informational lines (fonts, encoder) appear only with -v.
func quietUnlessVerbose(env *Env, verbose bool) *Env {
	if verbose {
		return env
	}
	quiet := *env
	quiet.Log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return &quiet
}

// renderData builds the data: samples, or --data, then --set on top.
func renderData(t *engine.Template, f renderFlags) (engine.Data, error) {
	var data engine.Data
	switch {
	case f.data == "":
		data = sampleData(t)
	case strings.HasPrefix(strings.TrimSpace(f.data), "{"):
		if err := decodeData([]byte(f.data), &data); err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
	default:
		b, err := os.ReadFile(f.data)
		if err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
		if err := decodeData(b, &data); err != nil {
			return nil, fmt.Errorf("--data %s: %w", f.data, err)
		}
	}
	if data == nil {
		data = engine.Data{}
	}
	for _, s := range f.sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("%w: --set %q: want field=value", errUsage, s)
		}
		data[k] = v
	}
	return data, nil
}

func decodeData(b []byte, data *engine.Data) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(data); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	return nil
}

// sampleData is the layout's sample data, with relative image paths made
// relative to the layout's folder, where the samples live.
func sampleData(t *engine.Template) engine.Data {
	data := t.SampleData()
	for _, name := range t.FieldNames() {
		f, _ := t.Field(name)
		v, ok := data[name].(string)
		if f.Type != "image" || !ok || v == "" {
			continue
		}
		if u, err := url.Parse(v); err == nil && u.Scheme == "" && !filepath.IsAbs(v) {
			data[name] = filepath.Join(filepath.Dir(t.File), v)
		}
	}
	return data
}

// outputFor picks the format: --format, else -o's extension, else the layout's.
func outputFor(t *engine.Template, f renderFlags) (engine.Output, error) {
	out := t.Output
	name := f.format
	if name == "" && f.out != "-" {
		name = filepath.Ext(f.out)
	}
	if name != "" {
		format, err := engine.ParseFormat(name)
		if err != nil {
			return out, fmt.Errorf("%w: %w", errUsage, err)
		}
		out.Format = format
	}
	if f.quality != 0 {
		if f.quality < 1 || f.quality > 100 {
			return out, fmt.Errorf("%w: --quality must be 1-100", errUsage)
		}
		out.Quality = f.quality
	}
	return out, nil
}

func reportRender(env *Env, info *engine.RenderInfo) {
	for _, w := range info.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	for _, fb := range info.Fallbacks {
		fmt.Fprintf(env.Stderr, "warning: layer %s: no picture (%s), drew its fallback\n", fb.Layer, fb.Reason)
	}
}

func reportBudget(env *Env, enc *engine.Encoded, out engine.Output) {
	switch {
	case !enc.OverBudget:
	case enc.Format == engine.PNG:
		fmt.Fprintf(env.Stderr, "warning: the png card is %d bytes, over the layout's budget of %d bytes (png has no quality to lower: use webp or jpeg where size matters)\n", len(enc.Data), out.MaxBytes)
	default:
		fmt.Fprintf(env.Stderr, "warning: the %s card is %d bytes, over the layout's budget of %d bytes even at quality %d\n", enc.Format, len(enc.Data), out.MaxBytes, enc.Quality)
	}
}

// logFontCoverage says once which scripts no font covers, so a card of
// tofu boxes has an explanation before it is drawn.
func logFontCoverage(env *Env) {
	reg, err := fonts.Default()
	if err != nil {
		return
	}
	for _, s := range reg.MissingScripts() {
		env.Log.Info("fonts: no font for " + s)
	}
}

func logWebPBackend(env *Env) {
	if ok, err := engine.NativeWebP(); ok {
		env.Log.Info("webp: using the system libwebp")
	} else {
		env.Log.Info("webp: system libwebp not found, using the slower built-in encoder (install libwebp-dev)", "reason", err)
	}
}

func writeOutput(env *Env, path string, data []byte) error {
	if path == "-" {
		_, err := env.Stdout.Write(data)
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
