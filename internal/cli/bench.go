package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"path"
	"runtime"
	"runtime/pprof"
	"strings"
	"text/tabwriter"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/bench"
	"github.com/ogcard/ogcard/layouts"
	"github.com/ogcard/ogcard/server"
)

// benchFlags are the flags of ogcard bench.
type benchFlags struct {
	layout  string
	data    string
	sets    multiFlag
	runs    int
	warmup  int
	formats string
	cases   string
	streams int
	quality int
	json    bool
	profile string
	memprof string
}

func runBench(env *Env, args []string) error {
	var f benchFlags
	fs := newFlags(env, "bench", "[--layout layouts/news.json] [--data data.json] [-n 60] [--json]")
	fs.StringVar(&f.layout, "layout", "", "layout `file`; default: the built-in news layout, whose sample data is the reference card of bench/peers")
	fs.StringVar(&f.data, "data", "", "data as a JSON `file` or inline JSON object; default: the layout's sample data")
	fs.Var(&f.sets, "set", "set one `field=value` (repeatable, applied after --data)")
	fs.IntVar(&f.runs, "n", 60, "cards measured per case and format")
	fs.IntVar(&f.warmup, "warmup", 10, "cards drawn before measuring, per case and format")
	fs.StringVar(&f.formats, "formats", "webp,png,jpeg", "output `formats`, comma-separated")
	fs.StringVar(&f.cases, "cases", "full,photo_reused,text_only", "`cases`: full (photo decoded every card), photo_reused, text_only")
	fs.IntVar(&f.streams, "streams", 2, "goroutines rendering full cards at once for the throughput run (0 skips it)")
	fs.IntVar(&f.quality, "quality", 0, "webp/jpeg quality 1-100; default: the layout's")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON (what bench/peers/compare.js reads)")
	fs.StringVar(&f.profile, "cpuprofile", "", "write a CPU profile of the measured renders to `file` (go tool pprof)")
	fs.StringVar(&f.memprof, "memprofile", "", "write a heap profile to `file` after measuring (go tool pprof -sample_index=alloc_space or inuse_space)")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := benchOptions(f)
	if err != nil {
		return err
	}
	t, assets, err := benchLayout(f.layout)
	if err != nil {
		printLayoutError(env, "ogcard bench: ", err)
		return errReported
	}
	data, err := renderData(t, renderFlags{data: f.data, sets: f.sets})
	if err != nil {
		return err
	}
	if opts.Photos, err = readPhotos(t, data, assets); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if f.profile != "" {
		done, err := startProfile(f.profile)
		if err != nil {
			return err
		}
		defer done()
	}
	rep, err := bench.Run(ctx, t, data, opts)
	if err != nil {
		return err
	}
	if f.memprof != "" {
		if err := writeHeapProfile(f.memprof); err != nil {
			return err
		}
	}
	if f.json {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printBench(env, t, rep)
	return nil
}

func benchOptions(f benchFlags) (bench.Options, error) {
	o := bench.Options{Runs: f.runs, Warmup: f.warmup, Streams: f.streams, Quality: f.quality}
	if f.runs < 1 || f.warmup < 0 || f.streams < 0 {
		return o, fmt.Errorf("%w: -n must be at least 1, --warmup and --streams at least 0", errUsage)
	}
	if f.quality != 0 && (f.quality < 1 || f.quality > 100) {
		return o, fmt.Errorf("%w: --quality must be 1-100", errUsage)
	}
	var err error
	if o.Formats, err = parseFormats("--formats", f.formats); err != nil {
		return o, err
	}
	for _, c := range server.SplitList(f.cases) {
		switch c {
		case bench.Full, bench.PhotoReused, bench.TextOnly:
			o.Cases = append(o.Cases, c)
		default:
			return o, fmt.Errorf("%w: unknown case %q: use full, photo_reused or text_only", errUsage, c)
		}
	}
	return o, nil
}

// benchLayout compiles the layout file, or the built-in news layout. It
// returns where the layout's relative picture paths are read from.
func benchLayout(file string) (*engine.Template, fs.FS, error) {
	if file != "" {
		t, err := engine.LoadFile(file)
		return t, nil, err
	}
	data, err := fs.ReadFile(layouts.FS, "news.json")
	if err != nil {
		return nil, nil, err
	}
	t, err := engine.Compile("news.json", data, &engine.CompileOptions{Assets: layouts.FS})
	return t, layouts.FS, err
}

// readPhotos reads every picture the data names, before measuring, so
// that the measurement is of decoding and drawing, not of a disk.
func readPhotos(t *engine.Template, data engine.Data, assets fs.FS) (map[string][]byte, error) {
	photos := map[string][]byte{}
	for _, name := range t.FieldNames() {
		f, _ := t.Field(name)
		ref, _ := data[name].(string)
		if f.Type != "image" || ref == "" {
			continue
		}
		b, err := readPhoto(ref, assets)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		photos[ref] = b
	}
	return photos, nil
}

func readPhoto(ref string, assets fs.FS) ([]byte, error) {
	if u, err := url.Parse(ref); err == nil && u.Scheme != "" && u.Scheme != "file" {
		return nil, fmt.Errorf("%q: ogcard bench reads pictures from files only, to measure drawing rather than a network", ref)
	}
	p := strings.TrimPrefix(ref, "file://")
	if assets != nil { // the built-in layout: its samples are embedded
		if b, err := fs.ReadFile(assets, path.Clean(p)); err == nil {
			return b, nil
		}
	}
	return os.ReadFile(p)
}

func printBench(env *Env, t *engine.Template, rep *bench.Report) {
	fmt.Fprintf(env.Stdout, "ogcard bench: %s (%dx%d), %d cards per row after %d warm-up; %s: libwebp %s, libturbojpeg %s, libdeflate %s\n\n",
		t.Name, t.Width, t.Height, rep.Runs, rep.Warmup, rep.Variant, rep.Versions["libwebp"], rep.Versions["libturbojpeg"], rep.Versions["libdeflate"])
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tformat\tmedian ms\tp95 ms\tCPU ms/card\tbytes\t")
	for _, r := range rep.Cases {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.1f\t%d\t\n", r.Case, r.Format, r.MedianMS, r.P95MS, r.CPUMS, r.Bytes)
	}
	tw.Flush() //nolint:errcheck // stdout
	if s := rep.Streams; s != nil {
		fmt.Fprintf(env.Stdout, "\n%d streams (%s, %s): %.1f cards/s, %.1f CPU ms/card\n", s.Streams, s.Case, s.Format, s.CardsPerS, s.CPUPerCard)
	}
	fmt.Fprintf(env.Stdout, "peak RSS: %.0f MB\n", rep.PeakRSSMB)
	for _, n := range rep.Notes {
		fmt.Fprintf(env.Stdout, "note: %s\n", n)
	}
}

// startProfile starts a CPU profile; the returned function ends it.
func startProfile(path string) (func(), error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close() //nolint:errcheck // the start error is the one to report
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close() //nolint:errcheck // written in full by StopCPUProfile
	}, nil
}

// writeHeapProfile writes the heap profile: what the measured renders
// allocated (alloc_space) and what was live at the last collection
// (inuse_space).
func writeHeapProfile(path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC() // the in-use figures are those of the last collection
	if err := pprof.Lookup("allocs").WriteTo(out, 0); err != nil {
		out.Close() //nolint:errcheck // the write error is the one to report
		return err
	}
	return out.Close()
}
