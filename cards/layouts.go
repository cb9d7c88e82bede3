package cards

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/layouts"
	"github.com/ogcard/ogcard/schema"
)

// LayoutStatus is one layout file's state, for logs and the preview.
type LayoutStatus struct {
	File     string           `json:"file"`               // path as loaded, e.g. layouts/news.json
	Name     string           `json:"name"`               // layout name (its URL name)
	OK       bool             `json:"ok"`                 // the file on disk compiles now
	Serving  bool             `json:"serving"`            // a version is served (the last good one if !OK)
	Problems []schema.Problem `json:"problems,omitempty"` // when !OK: every problem found
}

// Set is an immutable set of compiled layouts. A reload builds a
// whole new set beside the live one and swaps one pointer, as Caddy swaps
// its config: a request sees the old set or the new one, never a mix.
type Set struct {
	templates map[string]*engine.Template // by name
	byFile    map[string]*engine.Template // by file, for keeping the last good version
	status    []LayoutStatus              // sorted by file
	gen       int64
}

// Template returns the layout served under name.
func (set *Set) Template(name string) (*engine.Template, bool) {
	t, ok := set.templates[name]
	return t, ok
}

// ByFile returns the layout served from a file, maybe its last good
// version.
func (set *Set) ByFile(file string) *engine.Template { return set.byFile[file] }

// Names lists the layouts served, sorted.
func (set *Set) Names() []string { return slices.Sorted(maps.Keys(set.templates)) }

// Status is every layout file's state, sorted by file. It must not be
// modified.
func (set *Set) Status() []LayoutStatus { return set.status }

// Generation counts reloads: 1 for the set loaded at start.
func (set *Set) Generation() int64 { return set.gen }

// Layouts returns the live set.
func (p *Pipeline) Layouts() *Set { return p.live.Load() }

// LayoutFS is where layouts and their assets are read from.
func (p *Pipeline) LayoutFS() (fs.FS, string) {
	if p.cfg.Layouts != "" {
		return os.DirFS(p.cfg.Layouts), p.cfg.Layouts
	}
	return layouts.FS, "built-in layouts"
}

// fileName is the name a layout file is reported under.
func (p *Pipeline) fileName(f string) string {
	if p.cfg.Layouts != "" {
		return filepath.Join(p.cfg.Layouts, f)
	}
	return f
}

// buildSet compiles every layout file. A file that fails keeps its last
// good version from prev, if any; a new file that fails is not served.
func (p *Pipeline) buildSet(prev *Set) (*Set, error) {
	fsys, where := p.LayoutFS()
	files, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	next := &Set{templates: map[string]*engine.Template{}, byFile: map[string]*engine.Template{}}
	for _, f := range files {
		next.add(p.compileFile(fsys, f, prev))
	}
	if prev == nil && len(next.templates) == 0 {
		return nil, fmt.Errorf("no valid layout in %s", where)
	}
	next.gen = 1
	if prev != nil {
		next.gen = prev.gen + 1
	}
	sort.Slice(next.status, func(i, j int) bool { return next.status[i].File < next.status[j].File })
	return next, nil
}

// compiled is one file's outcome.
type compiled struct {
	file   string
	t      *engine.Template // the version to serve, maybe the last good one
	status LayoutStatus
}

func (p *Pipeline) compileFile(fsys fs.FS, f string, prev *Set) compiled {
	name := p.fileName(f)
	st := LayoutStatus{File: name}
	data, err := fs.ReadFile(fsys, f)
	var t *engine.Template
	if err == nil {
		t, err = engine.Compile(name, data, &engine.CompileOptions{Assets: fsys})
	}
	if err == nil {
		st.OK, st.Serving, st.Name = true, true, t.Name
		return compiled{name, t, st}
	}
	var ps schema.Problems
	if !errors.As(err, &ps) {
		ps = schema.Problems{{File: name, Message: err.Error()}}
	}
	st.Problems = ps
	if prev != nil && prev.byFile[name] != nil {
		t = prev.byFile[name]
		st.Serving, st.Name = true, t.Name
	}
	return compiled{name, t, st}
}

func (set *Set) add(c compiled) {
	if c.t != nil {
		if other, dup := set.templates[c.t.Name]; dup {
			c.status.OK, c.status.Serving = false, false
			c.status.Problems = append(c.status.Problems, schema.Problem{File: c.file,
				Message: fmt.Sprintf("layout name %q is already used by %s", c.t.Name, other.File)})
			c.t = nil
		} else {
			set.templates[c.t.Name] = c.t
			set.byFile[c.file] = c.t
		}
	}
	set.status = append(set.status, c.status)
}

// sameAs reports whether two sets serve the same layouts with the same
// statuses: an event that changed nothing (an editor touching a file)
// is not a reload.
func (set *Set) sameAs(other *Set) bool {
	if len(set.status) != len(other.status) || len(set.templates) != len(other.templates) {
		return false
	}
	for i, st := range set.status {
		o := other.status[i]
		if st.File != o.File || st.OK != o.OK || st.Serving != o.Serving || !slices.Equal(st.Problems, o.Problems) {
			return false
		}
		a, b := set.byFile[st.File], other.byFile[st.File]
		if (a == nil) != (b == nil) || (a != nil && a.Hash != b.Hash) {
			return false
		}
	}
	return true
}

// Reload rebuilds the layout set and swaps it in if anything changed; a
// file with problems keeps its last good version. The watcher calls it.
func (p *Pipeline) Reload() {
	prev := p.Layouts()
	next, err := p.buildSet(prev)
	if err != nil {
		p.metrics.reloads.WithLabelValues("error").Inc()
		p.log.Error("layout reload failed; the previous layouts keep serving", "err", err)
		return
	}
	if next.sameAs(prev) {
		return
	}
	p.live.Store(next)
	result := "ok"
	for _, st := range next.status {
		if !st.OK {
			result = "error"
			p.log.Error("layout has problems; its last good version keeps serving", "file", st.File, "serving", st.Serving, "problems", schema.Problems(st.Problems).Error())
		}
	}
	p.metrics.reloads.WithLabelValues(result).Inc()
	added, changed, removed := prev.diff(next)
	p.log.Info("layouts reloaded", "generation", next.gen, "layouts", len(next.templates),
		"added", strings.Join(added, ","), "changed", strings.Join(changed, ","), "removed", strings.Join(removed, ","))
	p.notify(next.gen)
}

// Subscribe returns a channel that receives the generation after every
// reload. The channel is buffered and a slow reader misses generations
// rather than blocking the reloader.
func (p *Pipeline) Subscribe() (<-chan int64, func()) {
	ch := make(chan int64, 1)
	p.subsMu.Lock()
	p.subs[ch] = struct{}{}
	p.subsMu.Unlock()
	return ch, func() {
		p.subsMu.Lock()
		delete(p.subs, ch)
		p.subsMu.Unlock()
	}
}

// Subscribers is how many reload subscriptions are open.
func (p *Pipeline) Subscribers() int {
	p.subsMu.Lock()
	defer p.subsMu.Unlock()
	return len(p.subs)
}

func (p *Pipeline) notify(gen int64) {
	p.subsMu.Lock()
	defer p.subsMu.Unlock()
	for ch := range p.subs {
		select {
		case ch <- gen:
		default: // the reader has an undelivered generation: it will reload anyway
		}
	}
}

// ReloadDebounce is how long the watcher waits after the last file event
// before reloading: an editor's save is several events (write a temp
// file, rename it over the old one, chmod), and a batch reloads once.
const ReloadDebounce = 150 * time.Millisecond

// watch reloads the layouts whenever a file in the layout folder or its
// subfolders (assets, fonts) changes, until ctx ends. Errors from the
// watcher are logged and it goes on: it never stops after a bad file.
func (p *Pipeline) watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := addTree(w, p.cfg.Layouts); err != nil {
		w.Close()
		return err
	}
	go func() {
		defer w.Close()
		var timer <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
						_ = addTree(w, ev.Name) // a new assets folder
					}
				}
				timer = time.After(ReloadDebounce)
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				p.log.Warn("layout watcher", "err", err)
			case <-timer:
				timer = nil
				p.Reload()
			}
		}
	}()
	return nil
}

// addTree watches dir and every folder below it.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return w.Add(path)
	})
}

// LayoutSource returns the bytes of a layout file the server knows.
func (p *Pipeline) LayoutSource(file string) ([]byte, error) {
	if !p.knownFile(file) {
		return nil, fmt.Errorf("%w: no layout file %q", ErrUnknownFile, file)
	}
	fsys, _ := p.LayoutFS()
	return fs.ReadFile(fsys, filepath.Base(file))
}

// ErrSaveOff is returned by SaveLayout when the layouts are the built-in
// ones, which cannot be written.
var ErrSaveOff = errors.New("saving layouts is off: start ogcard with --preview-save and --layouts")

// ErrUnknownFile is returned for a layout file the pipeline does not know.
var ErrUnknownFile = errors.New("unknown layout file")

// SaveLayout writes a known layout file atomically (a temp file renamed
// over it); the watcher reloads it. Whether a caller may save is the
// caller's decision (the server's --preview-save).
func (p *Pipeline) SaveLayout(file string, data []byte) error {
	if p.cfg.Layouts == "" {
		return ErrSaveOff
	}
	if !p.knownFile(file) {
		return fmt.Errorf("%w: no layout file %q", ErrUnknownFile, file)
	}
	path := filepath.Join(p.cfg.Layouts, filepath.Base(file))
	tmp, err := os.CreateTemp(p.cfg.Layouts, ".ogcard-save-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// CompileLayout compiles a layout document with the layout folder's
// assets, as a reload would, without serving it.
func (p *Pipeline) CompileLayout(file string, data []byte) (*engine.Template, error) {
	fsys, _ := p.LayoutFS()
	return engine.Compile(file, bytes.Clone(data), &engine.CompileOptions{Assets: fsys})
}

func (p *Pipeline) knownFile(file string) bool {
	for _, st := range p.Layouts().status {
		if st.File == file {
			return true
		}
	}
	return false
}

// diff names the layouts next serves that set did not (added), serves in
// another version (changed), and no longer serves (removed).
func (set *Set) diff(next *Set) (added, changed, removed []string) {
	for _, name := range next.Names() {
		old, ok := set.templates[name]
		switch {
		case !ok:
			added = append(added, name)
		case old.Hash != next.templates[name].Hash:
			changed = append(changed, name)
		}
	}
	for _, name := range set.Names() {
		if _, ok := next.templates[name]; !ok {
			removed = append(removed, name)
		}
	}
	return added, changed, removed
}
