package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogcard/ogcard/cards"
)

// copyLayouts copies the repository's layouts folder to a temporary one
// the test may edit.
func copyLayouts(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	src := "../layouts"
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(path, ".go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hasLayout(s *Server, name string) bool {
	_, ok := s.cards.Layouts().Template(name)
	return ok
}

func statusOf(s *Server, file string) cards.LayoutStatus {
	for _, st := range s.cards.Layouts().Status() {
		if filepath.Base(st.File) == file {
			return st
		}
	}
	return cards.LayoutStatus{}
}

func TestReloadKeepsLastGoodLayout(t *testing.T) {
	dir := copyLayouts(t)
	srv, ts := newTestServer(t, func(c *Config) { c.Layouts = dir })
	card := ts.URL + signed(t, "/og/news.png?title=Reload&brand=Brand", testKey)
	resp, _ := get(t, "GET", card)
	before := resp.Header.Get("ETag")
	news := filepath.Join(dir, "news.json")
	good, _ := os.ReadFile(news)

	broken := strings.Replace(string(good), `"maxLines": 3`, `"maxLines": 0`, 1)
	if err := os.WriteFile(news, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the broken layout to be noticed", func() bool { return !statusOf(srv, "news.json").OK })
	st := statusOf(srv, "news.json")
	if !st.Serving || len(st.Problems) == 0 || st.Problems[0].Line == 0 || !strings.Contains(st.Problems[0].Error(), "/maxLines: must be >= 1") {
		t.Errorf("status %+v: want not OK, still serving, the problem located", st)
	}
	if resp, _ := get(t, "GET", card); resp.StatusCode != 200 || resp.Header.Get("ETag") != before {
		t.Errorf("while broken: %d, ETag %s; want the last good card", resp.StatusCode, resp.Header.Get("ETag"))
	}

	// Fix it with a visible change, saved the way vim and VS Code do: a
	// temp file renamed over the original.
	fixed := strings.Replace(string(good), `"#e11d48"`, `"#2563eb"`, 1)
	tmp := filepath.Join(dir, ".news.json.swp")
	if err := os.WriteFile(tmp, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, news); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the fixed layout", func() bool { return statusOf(srv, "news.json").OK })
	resp, _ = get(t, "GET", card)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == before {
		t.Errorf("after the fix: %d, ETag unchanged %v; want the new card (content-addressed key)", resp.StatusCode, resp.Header.Get("ETag") == before)
	}
}

func TestReloadAddsAndRemovesLayouts(t *testing.T) {
	dir := copyLayouts(t)
	srv, ts := newTestServer(t, func(c *Config) { c.Layouts = dir })
	quote, _ := os.ReadFile(filepath.Join(dir, "quote.json"))
	added := strings.Replace(string(quote), `"$schema"`, `"name": "quote-two", "$schema"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "quote-two.json"), []byte(added), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new layout", func() bool { return hasLayout(srv, "quote-two") })
	if resp, _ := get(t, "GET", ts.URL+signed(t, "/og/quote-two.png?quote=Hi", testKey)); resp.StatusCode != 200 {
		t.Errorf("new layout: %d", resp.StatusCode)
	}
	if err := os.Remove(filepath.Join(dir, "quote-two.json")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deleted layout to go", func() bool { return !hasLayout(srv, "quote-two") })
	if resp, _ := get(t, "GET", ts.URL+signed(t, "/og/quote-two.png?quote=Hi", testKey)); resp.StatusCode != 404 {
		t.Errorf("deleted layout: %d, want 404", resp.StatusCode)
	}
}

// A burst of saves reloads a few times, not once per event, and ends on
// the last version.
func TestReloadBatchesBursts(t *testing.T) {
	dir := copyLayouts(t)
	srv, _ := newTestServer(t, func(c *Config) { c.Layouts = dir })
	gen := srv.cards.Layouts().Generation()
	news := filepath.Join(dir, "news.json")
	good, _ := os.ReadFile(news)
	for i := range 30 {
		v := strings.Replace(string(good), `"size": 22`, `"size": `+strconv.Itoa(20+i%5), 1)
		if err := os.WriteFile(news, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	final := strings.Replace(string(good), `"size": 22`, `"size": 30`, 1)
	if err := os.WriteFile(news, []byte(final), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * cards.ReloadDebounce)
	waitFor(t, "the last version", func() bool { return srv.cards.Layouts().Generation() > gen })
	time.Sleep(3 * cards.ReloadDebounce)
	if n := srv.cards.Layouts().Generation() - gen; n > 3 {
		t.Errorf("%d reloads for one burst of saves, want at most 3", n)
	}
	src, _ := srv.cards.LayoutSource(filepath.Join(dir, "news.json"))
	if !strings.Contains(string(src), `"size": 30`) {
		t.Error("the served source is not the last version")
	}
}

// Reloading in a loop while requests run: no request fails.
func TestNoRequestFailsDuringReloads(t *testing.T) {
	dir := copyLayouts(t)
	srv, ts := newTestServer(t, func(c *Config) { c.Layouts = dir })
	var failed, served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				resp, _ := get(t, "GET", ts.URL+signed(t, "/og/news.webp?title=Req+"+strconv.Itoa(w)+"+"+strconv.Itoa(i%3), testKey))
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
				served.Add(1)
			}
		})
	}
	news := filepath.Join(dir, "news.json")
	good, _ := os.ReadFile(news)
	for i := range 10 {
		v := strings.Replace(string(good), `"size": 22`, `"size": `+strconv.Itoa(18+i), 1)
		if i%3 == 1 {
			v = "{ broken" // a bad save in the middle
		}
		_ = os.WriteFile(news, []byte(v), 0o644)
		srv.cards.Reload() // as the watcher would, without waiting for it
		time.Sleep(30 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if failed.Load() > 0 || served.Load() == 0 {
		t.Errorf("%d of %d requests failed during reloads", failed.Load(), served.Load())
	}
}
