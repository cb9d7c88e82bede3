package cards

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ogcard/ogcard/cards/fetch"
	"github.com/ogcard/ogcard/cards/storage"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/source"
)

// WarmOptions says what a warm run pre-renders.
type WarmOptions struct {
	// Layout is the layout whose cards are warmed.
	Layout string
	// Variant is the layout's named size to warm; empty: the layout's own.
	Variant string
	// Source names a configured data source, whose every row is a card
	// (it must implement source.Lister); when no source has that name,
	// it is the path of a JSONL file, one JSON object of field values
	// per line.
	Source string
	// Formats are the formats each card is warmed in; empty: those an
	// extension-less URL serves, the layout's own for browsers and its
	// crawler format for link crawlers.
	Formats []engine.Format
	// Jobs is how many cards are drawn at once; below 1, GOMAXPROCS.
	Jobs int
	// Sources are the configured data sources, by name.
	Sources map[string]source.Source
	// Shard, when it has a Count above 1, warms only this shard's part of
	// the cards, so that several machines warm one site together.
	Shard Shard
}

// WarmProgress is a snapshot of a warm run. Its counts are of cards, one
// per row and format.
type WarmProgress struct {
	Total    int64 // -1 until known (or when the source cannot count)
	Rendered int64 // drawn and stored by this run
	Skipped  int64 // already in the store
	Failed   int64
	// Elsewhere are the cards of other shards, left to their runs.
	Elsewhere int64
	Elapsed   time.Duration
}

// Done is how many cards are dealt with, one way or another.
func (p WarmProgress) Done() int64 { return p.Rendered + p.Skipped + p.Failed + p.Elsewhere }

// WarmReport is what a warm run did.
type WarmReport struct {
	WarmProgress
	// Failures groups the failed cards by reason, most frequent first.
	Failures []WarmFailure
	// Interrupted is set when the run stopped before every card was
	// dealt with (its context ended, or Run also returns why): a rerun
	// resumes, skipping the cards stored.
	Interrupted bool
}

// WarmFailure is one reason cards failed, with a few of them.
type WarmFailure struct {
	Reason   string
	Count    int64
	Examples []string // "line 12: detail" or "slug: detail"
}

// maxExamples is how many cards a failure reason lists: enough to find
// the pattern, few enough for a terminal.
const maxExamples = 3

// storeFailureLimit is how many cards in a row may fail to reach the
// store before a run stops: a store that went away mid-run would
// otherwise cost a render per remaining card, all thrown away.
const storeFailureLimit = 10

// probeTimeout bounds the store check at the start of a run: the S3 SDK
// retries a refused connection for a long time.
const probeTimeout = 15 * time.Second

// errStoreDown stops a run whose store keeps failing.
var errStoreDown = errors.New("the card store failed for every one of the last cards")

// Warm is one pre-rendering run: every card of a source or a JSONL file
// drawn, encoded and stored under the key the server computes for the
// same data, so that the server answers them from the store. Progress
// may be read from any goroutine while Run runs.
type Warm struct {
	p     *Pipeline
	t     *engine.Template
	outs  []engine.Output
	feed  feed
	jobs  int
	store string
	shard Shard

	start                                atomic.Pointer[time.Time] // nil until Run starts
	total                                atomic.Int64              // -1 until counted
	rendered, skipped, failed, elsewhere atomic.Int64
	storeFailures                        atomic.Int64 // in a row
	malformed                            atomic.Int64 // lines that are not cards of any format
	stop                                 context.CancelCauseFunc

	mu       sync.Mutex
	failures map[string]*WarmFailure // by reason
}

// NewWarm checks opts and prepares a run; it reads nothing yet.
func (p *Pipeline) NewWarm(opts WarmOptions) (*Warm, error) {
	t, err := p.warmLayout(opts.Layout)
	if err != nil {
		return nil, err
	}
	if v, ok := t.Variant(opts.Variant); ok {
		t = v
	} else {
		return nil, fmt.Errorf("layout %q has no variant %q (variants: %s)", t.Name, opts.Variant, strings.Join(t.VariantNames(), ", "))
	}
	store := p.cfg.StoreURL
	if u, err := url.Parse(store); p.store == nil || (err == nil && u.Scheme == "mem") {
		return nil, fmt.Errorf("the card store is %q, this process's memory: nothing to warm into; set --cache-url to the store ogcard serve uses (file:// or s3://)", store)
	}
	f, err := warmFeed(opts.Source, opts.Sources, t)
	if err != nil {
		return nil, err
	}
	w := &Warm{p: p, t: t, feed: f, jobs: opts.Jobs, store: store, shard: opts.Shard, failures: map[string]*WarmFailure{}}
	if w.jobs < 1 {
		w.jobs = runtime.GOMAXPROCS(0)
	}
	w.outs = warmOutputs(t, opts.Formats)
	w.total.Store(-1)
	return w, nil
}

// warmLayout finds the layout to warm, naming the others when it is not
// one.
func (p *Pipeline) warmLayout(name string) (*engine.Template, error) {
	set := p.Layouts()
	if t, ok := set.Template(name); ok {
		return t, nil
	}
	_, where := p.LayoutFS()
	return nil, fmt.Errorf("no layout %q in %s (layouts: %s)", name, where, strings.Join(set.Names(), ", "))
}

// warmOutputs is the layout's output in each format asked for, once
// each, in the order given: the outputs the server's routes build.
func warmOutputs(t *engine.Template, formats []engine.Format) []engine.Output {
	if len(formats) == 0 {
		if crawler := t.Output.ForCrawler(); crawler != t.Output {
			return []engine.Output{t.Output, crawler}
		}
		return []engine.Output{t.Output}
	}
	var outs []engine.Output
	for _, f := range formats {
		out := t.Output
		out.Format = f
		if !slices.Contains(outs, out) {
			outs = append(outs, out)
		}
	}
	return outs
}

// warmFeed picks what lists the cards: the configured source of that
// name, or else the JSONL file at that path.
func warmFeed(name string, sources map[string]source.Source, t *engine.Template) (feed, error) {
	if name == "" {
		return nil, errors.New("no source: name a configured source or a JSONL file")
	}
	if src, ok := sources[name]; ok {
		lister, ok := src.(source.Lister)
		if !ok {
			return nil, fmt.Errorf("source %q cannot list its cards (an HTTP API has no listing): warm from a JSONL file of their data instead", name)
		}
		return &listerFeed{name: name, lister: lister, lookup: src, fields: t.FieldNames()}, nil
	}
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no source is named %q (sources: %s) and there is no such JSONL file", name, sourceNames(sources))
	case err != nil:
		return nil, fmt.Errorf("JSONL file: %w", err)
	case st.IsDir():
		return nil, fmt.Errorf("JSONL file %s is a folder", name)
	}
	return &jsonlFeed{path: name}, nil
}

func sourceNames(sources map[string]source.Source) string {
	if len(sources) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(sources)), ", ")
}

// Store is the URL of the store the run fills.
func (w *Warm) Store() string { return w.store }

// LayoutsFrom says where the layouts come from: a folder, or the
// built-in layouts.
func (w *Warm) LayoutsFrom() string {
	_, where := w.p.LayoutFS()
	return where
}

// Formats are the formats every card is warmed in.
func (w *Warm) Formats() []engine.Format {
	fs := make([]engine.Format, len(w.outs))
	for i, o := range w.outs {
		fs[i] = o.Format
	}
	return fs
}

// Jobs is how many cards are drawn at once.
func (w *Warm) Jobs() int { return w.jobs }

// Progress is a snapshot of the run so far.
func (w *Warm) Progress() WarmProgress {
	p := WarmProgress{
		Total: w.total.Load(), Rendered: w.rendered.Load(),
		Skipped: w.skipped.Load(), Failed: w.failed.Load(), Elsewhere: w.elsewhere.Load(),
	}
	if p.Total >= 0 {
		p.Total -= w.malformed.Load() * int64(len(w.outs)-1)
	}
	if start := w.start.Load(); start != nil {
		p.Elapsed = time.Since(*start)
	}
	return p
}

// Run warms every card, w.Jobs at a time, and reports what it did. A
// card already in the store is skipped, so a rerun resumes an
// interrupted run. When ctx ends Run takes no new card, finishes those
// in hand and returns a report marked Interrupted. An error means the
// run could not start or the cards could not all be listed (the report,
// if any, says what was done before).
func (w *Warm) Run(ctx context.Context) (*WarmReport, error) {
	if err := w.probe(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	w.start.Store(&start)
	intake, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	w.stop = stop
	counted := w.count(intake)
	items := make(chan item)
	var feedErr error
	go func() {
		defer close(items)
		feedErr = w.feed.each(intake, func(it item) error {
			select {
			case items <- it:
				return nil
			case <-intake.Done():
				return context.Cause(intake)
			}
		})
	}()
	// Cards in hand are finished however the run ends: a card is drawn
	// and stored whole, or not at all.
	work := context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	for range w.jobs {
		wg.Go(func() {
			for it := range items {
				if intake.Err() == nil {
					w.warmOne(work, it)
				}
			}
		})
	}
	wg.Wait()
	stop(nil)
	<-counted
	return w.finish(ctx, intake, feedErr)
}

// finish builds the report and says why the run stopped early, if it did.
func (w *Warm) finish(ctx, intake context.Context, feedErr error) (*WarmReport, error) {
	r := &WarmReport{WarmProgress: w.Progress(), Failures: w.failureList()}
	switch {
	case ctx.Err() != nil:
		r.Interrupted = true
		return r, nil
	case errors.Is(context.Cause(intake), errStoreDown):
		r.Interrupted = true
		return r, fmt.Errorf("stopped: %w", context.Cause(intake))
	case feedErr != nil:
		r.Interrupted = true
		return r, fmt.Errorf("listing the cards: %w", feedErr)
	}
	if r.Total < 0 {
		r.Total = r.Done()
	}
	return r, nil
}

// probe checks that the store answers before any card is drawn: a wrong
// bucket or missing credentials is one clear error, not a failure per
// card.
func (w *Warm) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	if _, err := w.p.store.st.Exists(ctx, "warm-probe"); err != nil {
		return fmt.Errorf("card store %s: %w", w.store, err)
	}
	return nil
}

// count finds the total in the background, so a slow COUNT delays only
// the progress bar's total; the channel closes when it is done.
func (w *Warm) count(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		n, err := w.feed.count(ctx)
		if err != nil {
			w.p.log.Debug("warm: total unknown", "err", err)
			return
		}
		w.total.Store(n * int64(len(w.outs)))
	}()
	return done
}

// warmOne deals with one row: every format already stored is skipped,
// the others are drawn once, encoded in each format and stored.
func (w *Warm) warmOne(ctx context.Context, it item) {
	if it.err != nil {
		// A line that is not JSON is one failure, not one per format:
		// Progress takes its other formats out of the total.
		w.malformed.Add(1)
		w.fail(1, "malformed line", it.err.Error())
		return
	}
	keys, err := w.keys(it.data)
	if err != nil {
		w.failData(len(w.outs), it.label, err)
		return
	}
	if !w.shard.Owns(keys[0]) {
		w.elsewhere.Add(int64(len(keys)))
		return
	}
	missing := w.missing(ctx, it.label, keys)
	if len(missing) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, w.p.cfg.RenderTimeout)
	defer cancel()
	photos := &recordingLoader{next: w.p.photos}
	img, info, err := w.p.draw(ctx, w.t, it.data, photos)
	if img != nil {
		defer engine.Recycle(img) // after every format is encoded
	}
	switch {
	case err != nil:
		w.failData(len(missing), it.label, err)
		return
	case info.Transient():
		// Never stored, as the server never stores it: the picture
		// may load next time, and the card would be wrong for a year.
		reason, detail := photos.why(info)
		w.fail(len(missing), reason, it.label+": "+detail)
		return
	}
	for _, i := range missing {
		w.encodeAndStore(ctx, it.label, keys[i], img, info, w.outs[i])
	}
}

// keys are the card's cache keys, one per format, as the server computes
// them for a request.
func (w *Warm) keys(data engine.Data) ([]string, error) {
	keys := make([]string, len(w.outs))
	for i, out := range w.outs {
		k, err := w.t.CacheKey(data, out)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
}

// missing returns the indexes of the keys not in the store, counting the
// others as skipped. A store that cannot say counts as a failure: better
// a card reported than one drawn for nothing.
func (w *Warm) missing(ctx context.Context, label string, keys []string) []int {
	var missing []int
	for i, key := range keys {
		sctx, cancel := context.WithTimeout(ctx, 2*storeTimeout)
		ok, err := w.p.store.st.Exists(sctx, key)
		cancel()
		switch {
		case err != nil:
			w.storeFailed("card store read failed", label, err)
		case ok:
			w.skipped.Add(1)
		default:
			missing = append(missing, i)
		}
	}
	return missing
}

// encodeAndStore encodes a drawn card in one format and stores it.
func (w *Warm) encodeAndStore(ctx context.Context, label, key string, img *image.RGBA, info *engine.RenderInfo, out engine.Output) {
	c, err := w.p.encode(ctx, w.t, img, info, out)
	if err != nil {
		w.fail(1, "encode failed ("+string(out.Format)+")", label+": "+err.Error())
		return
	}
	meta := storage.Meta{ContentType: c.ContentType, CacheControl: c.CacheControl}
	sctx, cancel := context.WithTimeout(ctx, 2*storeTimeout)
	defer cancel()
	if err := w.p.store.st.Put(sctx, key, c.Data, meta); err != nil {
		w.storeFailed("card store write failed", label, err)
		return
	}
	w.storeFailures.Store(0)
	w.rendered.Add(1)
}

// storeFailed counts a card the store failed, and stops the run when the
// store has failed for too many cards in a row.
func (w *Warm) storeFailed(reason, label string, err error) {
	w.fail(1, reason, label+": "+err.Error())
	if w.storeFailures.Add(1) >= storeFailureLimit {
		w.stop(fmt.Errorf("%w (%d in a row; last: %w)", errStoreDown, storeFailureLimit, err))
	}
}

// failData counts the cards of a row that cannot be drawn; bad data is
// grouped by field, as its detail may quote the value.
func (w *Warm) failData(n int, label string, err error) {
	var de *engine.DataError
	if errors.As(err, &de) {
		w.fail(n, fmt.Sprintf("bad data in field %q", de.Field), label+": "+de.Reason)
		return
	}
	w.fail(n, "render failed", label+": "+err.Error())
}

// fail counts n failed cards under reason, keeping example as one of
// the reason's first few.
func (w *Warm) fail(n int, reason, example string) {
	w.failed.Add(int64(n))
	w.mu.Lock()
	defer w.mu.Unlock()
	f, ok := w.failures[reason]
	if !ok {
		f = &WarmFailure{Reason: reason}
		w.failures[reason] = f
	}
	f.Count += int64(n)
	if len(f.Examples) < maxExamples {
		f.Examples = append(f.Examples, example)
	}
}

// failureList is the failures, most frequent first.
func (w *Warm) failureList() []WarmFailure {
	w.mu.Lock()
	defer w.mu.Unlock()
	list := make([]WarmFailure, 0, len(w.failures))
	for _, f := range w.failures {
		list = append(list, *f)
	}
	slices.SortFunc(list, func(a, b WarmFailure) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Reason, b.Reason))
	})
	return list
}

// recordingLoader passes pictures through the server's loader, keeping
// the errors: a fallback's reason is the error's text, and the run
// groups failures by its kind (file, blocked, timeout...).
type recordingLoader struct {
	next engine.ImageLoader
	mu   sync.Mutex
	errs []error
}

func (l *recordingLoader) LoadImage(ctx context.Context, ref string, hint engine.DecodeHint) (image.Image, error) {
	img, err := l.next.LoadImage(ctx, ref, hint)
	if err != nil {
		l.mu.Lock()
		l.errs = append(l.errs, err)
		l.mu.Unlock()
	}
	return img, err
}

// why names the failure of a card drawn with a fallback picture: the
// kind of the first failed load, and the layers' reasons.
func (l *recordingLoader) why(info *engine.RenderInfo) (reason, detail string) {
	reason = "picture not loaded"
	l.mu.Lock()
	if len(l.errs) > 0 {
		reason += " (" + fetch.Reason(l.errs[0]) + ")"
	}
	l.mu.Unlock()
	var parts []string
	for _, fb := range info.Fallbacks {
		if fb.Reason != engine.ReasonMissing {
			parts = append(parts, "layer "+fb.Layer+": "+fb.Reason)
		}
	}
	return reason, strings.Join(parts, "; ")
}

// item is one row to warm: its data, or why it has none.
type item struct {
	label string // "line 12", "line 12 (slug)", or the slug
	data  engine.Data
	err   error
}

// feed lists the rows to warm.
type feed interface {
	// each calls fn with every row, stopping at fn's first error.
	each(ctx context.Context, fn func(item) error) error
	// count is the number of rows each will list.
	count(ctx context.Context) (int64, error)
}

// jsonlFeed lists the lines of a JSONL file.
type jsonlFeed struct{ path string }

func (f *jsonlFeed) each(ctx context.Context, fn func(item) error) error {
	file, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer file.Close()
	return source.ReadJSONL(ctx, file, func(line int, data engine.Data, err error) error {
		return fn(item{label: lineLabel(line, data), data: data, err: err})
	})
}

func (f *jsonlFeed) count(ctx context.Context) (int64, error) {
	file, err := os.Open(f.path)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	return source.CountJSONL(ctx, file)
}

// lineLabel names a line in reports: its number, and its slug when the
// object has one (a key no layout needs, but handy to find the article).
func lineLabel(line int, data engine.Data) string {
	label := "line " + strconv.Itoa(line)
	if slug, ok := data["slug"].(string); ok && slug != "" {
		label += " (" + slug + ")"
	}
	return label
}

// listerFeed lists the rows of a configured source.
type listerFeed struct {
	name   string
	lister source.Lister
	lookup source.Source
	fields []string // the layout's: the only values a card's key depends on
}

func (f *listerFeed) each(ctx context.Context, fn func(item) error) error {
	row := 0
	err := f.lister.Each(ctx, func(slug string, data engine.Data) error {
		row++
		if row == 1 {
			if err := f.agree(ctx, slug, data); err != nil {
				return err
			}
		}
		label := slug
		if label == "" {
			label = "row " + strconv.Itoa(row)
		}
		return fn(item{label: label, data: data})
	})
	if err != nil {
		return fmt.Errorf("source %q: %w", f.name, err)
	}
	return nil
}

func (f *listerFeed) count(ctx context.Context) (int64, error) {
	return f.lister.Count(ctx)
}

// agree checks that the source's lookup returns, for the first listed
// slug, the data its listing does: a list query with another column or
// alias would fill the store with cards the server never asks for.
func (f *listerFeed) agree(ctx context.Context, slug string, listed engine.Data) error {
	if slug == "" {
		return nil
	}
	looked, err := f.lookup.Lookup(ctx, slug)
	if err != nil {
		return fmt.Errorf("the listing's first slug, %q, cannot be looked up: %w", slug, err)
	}
	var differ []string
	for _, k := range f.fields {
		if fmt.Sprint(listed[k]) != fmt.Sprint(looked[k]) {
			differ = append(differ, k)
		}
	}
	if len(differ) > 0 {
		return fmt.Errorf("its list query and its query disagree on slug %q (fields %s): the cards warmed would not be the ones served; select the same columns, with the same aliases, in both",
			slug, strings.Join(differ, ", "))
	}
	return nil
}
