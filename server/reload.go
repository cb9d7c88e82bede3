package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
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

// layoutSet is an immutable set of compiled layouts. A reload builds a
// whole new set beside the live one and swaps one pointer, as Caddy swaps
// its config: a request sees the old set or the new one, never a mix.
type layoutSet struct {
	templates map[string]*engine.Template // by name
	byFile    map[string]*engine.Template // by file, for keeping the last good version
	status    []LayoutStatus              // sorted by file
	gen       int64
}

// layouts returns the live set.
func (s *Server) layouts() *layoutSet { return s.live.Load() }

// layoutFS is where layouts and their assets are read from.
func (s *Server) layoutFS() (fs.FS, string) {
	if s.cfg.Layouts != "" {
		return os.DirFS(s.cfg.Layouts), s.cfg.Layouts
	}
	return layouts.FS, "built-in layouts"
}

// fileName is the name a layout file is reported under.
func (s *Server) fileName(f string) string {
	if s.cfg.Layouts != "" {
		return filepath.Join(s.cfg.Layouts, f)
	}
	return f
}

// buildSet compiles every layout file. A file that fails keeps its last
// good version from prev, if any; a new file that fails is not served.
func (s *Server) buildSet(prev *layoutSet) (*layoutSet, error) {
	fsys, where := s.layoutFS()
	files, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	next := &layoutSet{templates: map[string]*engine.Template{}, byFile: map[string]*engine.Template{}}
	for _, f := range files {
		next.add(s.compileFile(fsys, f, prev))
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

func (s *Server) compileFile(fsys fs.FS, f string, prev *layoutSet) compiled {
	name := s.fileName(f)
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

func (set *layoutSet) add(c compiled) {
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
func (set *layoutSet) sameAs(other *layoutSet) bool {
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

// reload rebuilds the layout set and swaps it in if anything changed.
func (s *Server) reload() {
	prev := s.layouts()
	next, err := s.buildSet(prev)
	if err != nil {
		s.metrics.reloads.WithLabelValues("error").Inc()
		s.log.Error("layout reload failed; the previous layouts keep serving", "err", err)
		return
	}
	if next.sameAs(prev) {
		return
	}
	s.live.Store(next)
	result := "ok"
	for _, st := range next.status {
		if !st.OK {
			result = "error"
			s.log.Error("layout has problems; its last good version keeps serving", "file", st.File, "serving", st.Serving, "problems", schema.Problems(st.Problems).Error())
		}
	}
	s.metrics.reloads.WithLabelValues(result).Inc()
	s.log.Info("layouts reloaded", "generation", next.gen, "layouts", len(next.templates))
	s.notify(next.gen)
}

// subscribe returns a channel that receives the generation after every
// reload. The channel is buffered and a slow reader misses generations
// rather than blocking the reloader.
func (s *Server) subscribe() (<-chan int64, func()) {
	ch := make(chan int64, 1)
	s.subsMu.Lock()
	s.subs[ch] = struct{}{}
	s.subsMu.Unlock()
	return ch, func() {
		s.subsMu.Lock()
		delete(s.subs, ch)
		s.subsMu.Unlock()
	}
}

func (s *Server) notify(gen int64) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- gen:
		default: // the reader has an undelivered generation: it will reload anyway
		}
	}
}

// reloadDebounce is how long the watcher waits after the last file event
// before reloading: an editor's save is several events (write a temp
// file, rename it over the old one, chmod), and a batch reloads once.
const reloadDebounce = 150 * time.Millisecond

// watch reloads the layouts whenever a file in the layout folder or its
// subfolders (assets, fonts) changes, until ctx ends. Errors from the
// watcher are logged and it goes on: it never stops after a bad file.
func (s *Server) watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := addTree(w, s.cfg.Layouts); err != nil {
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
				timer = time.After(reloadDebounce)
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				s.log.Warn("layout watcher", "err", err)
			case <-timer:
				timer = nil
				s.reload()
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

// layoutSource returns the bytes of a layout file the server knows.
func (s *Server) layoutSource(file string) ([]byte, error) {
	if !s.knownFile(file) {
		return nil, notFound("no layout file %q", file)
	}
	fsys, _ := s.layoutFS()
	return fs.ReadFile(fsys, filepath.Base(file))
}

// errSaveOff is returned when saving layouts from the preview is not allowed.
var errSaveOff = errors.New("saving layouts is off: start ogcard with --preview-save and --layouts")

// saveLayout writes a known layout file atomically (a temp file renamed
// over it), when the configuration allows writes; the watcher reloads it.
func (s *Server) saveLayout(file string, data []byte) error {
	if !s.cfg.PreviewSave || s.cfg.Layouts == "" {
		return errSaveOff
	}
	if !s.knownFile(file) {
		return notFound("no layout file %q", file)
	}
	path := filepath.Join(s.cfg.Layouts, filepath.Base(file))
	tmp, err := os.CreateTemp(s.cfg.Layouts, ".ogcard-save-*")
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

// compileLayout compiles a layout document with the layout folder's
// assets, as a reload would, without serving it.
func (s *Server) compileLayout(file string, data []byte) (*engine.Template, error) {
	fsys, _ := s.layoutFS()
	return engine.Compile(file, bytes.Clone(data), &engine.CompileOptions{Assets: fsys})
}

func (s *Server) knownFile(file string) bool {
	for _, st := range s.layouts().status {
		if st.File == file {
			return true
		}
	}
	return false
}
