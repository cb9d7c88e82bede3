package server

import (
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ogcard/ogcard/internal/testrig/s3test"
)

// A card store that goes down costs no request: with the real S3 server
// killed (connections refused) or stopped (connections hang), 200 new
// cards at concurrency 8 on 2 workers are all rendered and served, and
// once the store is back, new cards reach it again.
func TestStoreOutageCostsNoRequest(t *testing.T) {
	for _, mode := range []string{"killed", "stopped"} {
		t.Run(mode, func(t *testing.T) {
			s3 := s3test.Start(t)
			_, ts := newTestServer(t, func(c *Config) {
				c.CacheURL = s3.URL
				c.Workers = 2
				// The pool is not what is tested: a loaded machine must
				// not turn a slow render into a 503 here.
				c.QueueWait, c.RenderTimeout = time.Minute, time.Minute
				c.Demo, c.Watch, c.Preview = false, false, false
			})
			card := func(name string, i int) int {
				resp, body := get(t, "GET", ts.URL+signed(t, fmt.Sprintf("/og/news.webp?title=%s+%d&brand=Outage", name, i), testKey))
				if resp.StatusCode != http.StatusOK {
					t.Logf("%s %d: %d %s", name, i, resp.StatusCode, body)
				}
				return resp.StatusCode
			}
			if code := card("before", 0); code != http.StatusOK {
				t.Fatalf("with the store up: %d", code)
			}
			waitFor(t, "the first card in the bucket", func() bool { return objects(t, s3) == 1 })

			if mode == "killed" {
				s3.Stop()
			} else {
				s3.Freeze()
			}
			statuses := map[int]int{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			next := make(chan int)
			for range 8 {
				wg.Go(func() {
					for i := range next {
						code := card("during", i)
						mu.Lock()
						statuses[code]++
						mu.Unlock()
					}
				})
			}
			for i := range 200 {
				next <- i
			}
			close(next)
			wg.Wait()
			if statuses[http.StatusOK] != 200 {
				t.Fatalf("store %s: statuses %v; want 200 × 200", mode, statuses)
			}

			if mode == "killed" {
				s3.Restart(t)
			} else {
				s3.Thaw()
			}
			// The breaker probes the store again after a pause: keep
			// asking for new cards until one is written.
			before := objects(t, s3)
			deadline := time.Now().Add(60 * time.Second)
			for i := 0; objects(t, s3) == before; i++ {
				if time.Now().After(deadline) {
					t.Fatalf("no card reached the store within a minute of it coming back")
				}
				if code := card("after", i); code != http.StatusOK {
					t.Fatalf("after the store came back: %d", code)
				}
				time.Sleep(200 * time.Millisecond)
			}
		})
	}
}

// objects counts the files in the S3 server's bucket folder.
func objects(t *testing.T, s3 *s3test.Server) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(s3.Dir, s3.Bucket), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
