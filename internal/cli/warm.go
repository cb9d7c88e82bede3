package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/server"
)

// warmFlags are ogcard warm's own flags. The service's settings come
// with them, so that a warm run fills the very store, with the very
// layouts and sources, that ogcard serve reads.
type warmFlags struct {
	layout  string
	variant string
	source  string
	formats string
	jobs    int
	shard   string
	every   time.Duration
}

func (f *warmFlags) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("warm", flag.ContinueOnError)
	fs.StringVar(&f.layout, "layout", "", "`name` of the layout whose cards to warm (required)")
	fs.StringVar(&f.variant, "variant", "", "the layout's named size to warm (its \"variants\"); default: the layout's own")
	fs.StringVar(&f.source, "source", "", "a configured source `name` (default: the layout's), or a JSONL file of card data, one JSON object per line")
	fs.StringVar(&f.formats, "format", "", "comma-separated `formats` to warm each card in: webp, png, jpeg (default: what an extension-less URL serves: the layout's format for browsers and its crawler format)")
	fs.IntVar(&f.jobs, "jobs", runtime.GOMAXPROCS(0), "cards drawn at once")
	fs.StringVar(&f.shard, "shard", "", "warm only part `I/N` of the cards (0 <= I < N), split by card key, so N machines warm one site together")
	fs.DurationVar(&f.every, "progress-every", 5*time.Second, "how often to print a progress line when stderr is not a terminal; 0: never")
	return fs
}

// options checks the flags and turns them into the server's options.
func (f *warmFlags) options() (cards.WarmOptions, error) {
	opts := cards.WarmOptions{Layout: f.layout, Variant: f.variant, Source: f.source, Jobs: f.jobs}
	if f.layout == "" {
		return opts, fmt.Errorf("%w: --layout is required", errUsage)
	}
	if opts.Source == "" {
		opts.Source = f.layout // sources are configured per layout
	}
	if f.jobs < 1 {
		return opts, fmt.Errorf("%w: --jobs must be at least 1, not %d", errUsage, f.jobs)
	}
	if f.every < 0 {
		return opts, fmt.Errorf("%w: --progress-every must not be negative", errUsage)
	}
	formats, err := parseFormats("--format", f.formats)
	if err != nil {
		return opts, err
	}
	opts.Formats = formats
	if f.shard != "" {
		if opts.Shard, err = cards.ParseShard(f.shard); err != nil {
			return opts, fmt.Errorf("%w: --%w", errUsage, err)
		}
	}
	return opts, nil
}

func runWarm(env *Env, args []string) error {
	var f warmFlags
	extra := f.flagSet()
	if slices.Contains(args, "-h") || slices.Contains(args, "-help") || slices.Contains(args, "--help") {
		warmUsage(env.Stderr, extra)
		return flag.ErrHelp
	}
	cfg, err := server.LoadWith(args, os.Getenv, extra)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	opts, err := f.options()
	if err != nil {
		return err
	}
	cfg = warmConfig(cfg, opts.Source)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newProgress(env.Stderr, f.every)
	log := newLogger(&Env{Stderr: bar}, cfg)
	logWebPBackend(&Env{Stdout: env.Stdout, Stderr: bar, Log: log})
	w, closeAll, err := newWarm(ctx, cfg, log, opts)
	if err != nil {
		return err
	}
	defer closeAll()
	shard := ""
	if opts.Shard.Count > 1 {
		shard = ", shard " + opts.Shard.String()
	}
	fmt.Fprintf(bar, "warming %s cards (%s) from %s into %s%s, %d at a time, layouts from %s\n", opts.Layout, formatList(w.Formats()), opts.Source, w.Store(), shard, w.Jobs(), w.LayoutsFrom())
	finished := make(chan struct{})
	go onInterrupt(ctx, finished, stop, bar)
	bar.start(w.Progress)
	report, err := w.Run(ctx)
	close(finished)
	bar.finish(w.Progress())
	return warmResult(env, opts.Layout, report, err)
}

// warmResult prints the summary and picks the exit status: 1 for any
// failed card, an interruption or an error.
func warmResult(env *Env, layout string, report *cards.WarmReport, err error) error {
	if report != nil {
		printWarmReport(env.Stdout, layout, report)
	}
	switch {
	case err != nil:
		return err
	case report.Interrupted:
		fmt.Fprintln(env.Stderr, "ogcard warm: interrupted; run the same command again to resume (cards already stored are skipped)")
		return errReported
	case report.Failed > 0:
		return errReported
	}
	return nil
}

// onInterrupt says that a signal was heard, and gives Ctrl-C back its
// default meaning, so a second one quits at once instead of waiting for
// the cards in flight.
func onInterrupt(ctx context.Context, finished <-chan struct{}, stop func(), out io.Writer) {
	select {
	case <-finished:
	case <-ctx.Done():
		stop()
		fmt.Fprintln(out, "stopping: finishing the cards in flight (interrupt again to quit at once)")
	}
}

// warmConfig is the service's configuration for a warm run: no layout
// watching, preview or Slack alerts (the run reports its own failures,
// and a dead link in a batch should not page anyone), and no demo
// database when the cards come from a file.
// newWarm builds the card pipeline, with no HTTP server, and the sources,
// and prepares the run; closeAll releases them.
func newWarm(ctx context.Context, cfg server.Config, log *slog.Logger, opts cards.WarmOptions) (*cards.Warm, func(), error) {
	pcfg, err := cfg.Pipeline()
	if err != nil {
		return nil, nil, err
	}
	p, err := cards.New(ctx, pcfg, cards.Options{Log: log})
	if err != nil {
		return nil, nil, err
	}
	sources, err := server.OpenSources(cfg, p.Layouts())
	if err != nil {
		_ = p.Close(ctx)
		return nil, nil, err
	}
	closeAll := func() {
		for _, src := range sources {
			_ = src.Close()
		}
		_ = p.Close(context.WithoutCancel(ctx))
	}
	opts.Sources = sources
	w, err := p.NewWarm(opts)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return w, closeAll, nil
}

func warmConfig(cfg server.Config, src string) server.Config {
	cfg.Watch, cfg.Preview, cfg.SlackWebhook = false, false, ""
	if _, named := cfg.Sources[src]; !named && looksLikeFile(src) {
		cfg.Demo = false
	}
	return cfg
}

// looksLikeFile reports whether --source names a file rather than a
// source (sources are named like layouts: no slashes, no extension).
func looksLikeFile(s string) bool {
	if strings.ContainsAny(s, `/\`) {
		return true
	}
	switch strings.ToLower(filepath.Ext(s)) {
	case ".jsonl", ".ndjson", ".json":
		return true
	}
	st, err := os.Stat(s)
	return err == nil && !st.IsDir()
}

func warmUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, `Usage: ogcard warm --layout NAME [--variant NAME] [--source NAME|FILE.jsonl] [--format webp,png] [--jobs N] [settings]

Renders every card of a data source, or of a JSONL file (one JSON object of
field values per line), into the card store, under the keys ogcard serve
looks for, so the service answers them without rendering. Cards already
stored are skipped: rerun after an interruption to resume. Exit status 1
if any card failed.

Flags:`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nSettings, as for ogcard serve (defaults < --config YAML file < OGCARD_* environment < flags):")
	settings := server.FlagSet()
	settings.SetOutput(w)
	settings.PrintDefaults()
}

func formatList(fs []engine.Format) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// printWarmReport writes the summary: what was rendered, skipped and
// failed, the failures grouped by reason with a few examples each.
func printWarmReport(w io.Writer, layout string, r *cards.WarmReport) {
	secs := max(r.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "warm %s: %d of %s cards in %s\n", layout, r.Done(), totalText(r.Total), r.Elapsed.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  rendered  %d  (%.1f cards/s)\n", r.Rendered, float64(r.Rendered)/secs)
	fmt.Fprintf(w, "  skipped   %d  (already in the store)\n", r.Skipped)
	if r.Elsewhere > 0 {
		fmt.Fprintf(w, "  elsewhere %d  (other shards' cards)\n", r.Elsewhere)
	}
	fmt.Fprintf(w, "  failed    %d\n", r.Failed)
	for _, f := range r.Failures {
		fmt.Fprintf(w, "    %d × %s\n", f.Count, f.Reason)
		for _, e := range f.Examples {
			fmt.Fprintf(w, "        %s\n", e)
		}
	}
	if r.Interrupted {
		fmt.Fprintln(w, "  interrupted before the end")
	}
}

func totalText(n int64) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprint(n)
}

// progress shows a warm run's progress on stderr: on a terminal a bar
// redrawn in place, else a plain line every so often (a CI log has no
// use for 200 redraws a minute). Log lines written through it appear
// above the bar rather than through it.
type progress struct {
	out   io.Writer
	tty   bool
	width int
	every time.Duration

	mu   sync.Mutex
	line string // the bar as drawn; "" while none is
	rate rateMeter
	stop chan struct{}
	done chan struct{}
}

// redrawEvery is how often the bar is redrawn on a terminal.
const redrawEvery = 200 * time.Millisecond

func newProgress(w io.Writer, every time.Duration) *progress {
	p := &progress{out: w, every: every, width: 80}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty, p.every = true, redrawEvery
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 20 {
			p.width = width
		}
	}
	return p
}

// Write writes a log line, clearing the bar first and drawing it again
// below.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.line == "" {
		return p.out.Write(b)
	}
	fmt.Fprintf(p.out, "\r\x1b[K")
	n, err := p.out.Write(b)
	fmt.Fprintf(p.out, "%s", p.line)
	return n, err
}

// start shows snapshots of the run until finish.
func (p *progress) start(snapshot func() cards.WarmProgress) {
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		if p.every <= 0 {
			<-p.stop
			return
		}
		tick := time.NewTicker(p.every)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				p.show(snapshot())
			}
		}
	}()
}

// finish stops the updates; on a terminal the bar stays, at its last
// state, on a line of its own.
func (p *progress) finish(last cards.WarmProgress) {
	close(p.stop)
	<-p.done
	if !p.tty {
		return
	}
	p.show(last)
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.out)
	p.line = ""
}

func (p *progress) show(s cards.WarmProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	status := statusText(s, p.rate.add(time.Now(), s))
	if !p.tty {
		fmt.Fprintln(p.out, "warm: "+status)
		return
	}
	p.line = barLine(s, status, p.width-1) // the last column would wrap on some terminals
	fmt.Fprintf(p.out, "\r\x1b[K%s", p.line)
}

// statusText is "1234/2000 cards (61%), 45.2 cards/s, ETA 17s, 3 failed".
func statusText(s cards.WarmProgress, rate float64) string {
	var b strings.Builder
	done := s.Done()
	if s.Total >= 0 {
		fmt.Fprintf(&b, "%d/%d cards (%d%%)", done, s.Total, percent(done, s.Total))
	} else {
		fmt.Fprintf(&b, "%d cards", done)
	}
	fmt.Fprintf(&b, ", %.1f cards/s", rate)
	if s.Total >= 0 && rate > 0 && done < s.Total {
		eta := time.Duration(float64(s.Total-done) / rate * float64(time.Second))
		fmt.Fprintf(&b, ", ETA %s", eta.Round(time.Second))
	}
	if s.Failed > 0 {
		fmt.Fprintf(&b, ", %d failed", s.Failed)
	}
	return b.String()
}

func percent(done, total int64) int64 {
	if total <= 0 {
		return 100
	}
	return min(100, done*100/total)
}

// barLine puts a bar before status when the total is known, within width
// columns.
func barLine(s cards.WarmProgress, status string, width int) string {
	room := width - len([]rune(status)) - 3
	if s.Total < 0 || room < 10 {
		return truncate(status, width)
	}
	n := min(room, 40)
	filled := int(percent(s.Done(), s.Total) * int64(n) / 100)
	return "[" + strings.Repeat("=", filled) + strings.Repeat(" ", n-filled) + "] " + status
}

func truncate(s string, width int) string {
	if r := []rune(s); len(r) > width {
		return string(r[:max(width, 0)])
	}
	return s
}

// rateMeter is the rate of cards over the last few seconds: the average
// since the start would stay inflated long after a resumed run's burst
// of skips.
type rateMeter struct {
	samples []rateSample
}

type rateSample struct {
	at   time.Time
	done int64
}

// rateWindow is how far back the rate looks.
const rateWindow = 10 * time.Second

func (m *rateMeter) add(now time.Time, s cards.WarmProgress) float64 {
	if len(m.samples) == 0 {
		m.samples = append(m.samples, rateSample{now.Add(-s.Elapsed), 0}) // the run's start
	}
	m.samples = append(m.samples, rateSample{now, s.Done()})
	for len(m.samples) > 2 && now.Sub(m.samples[1].at) >= rateWindow {
		m.samples = m.samples[1:]
	}
	first := m.samples[0]
	dt := now.Sub(first.at).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(s.Done()-first.done) / dt
}
