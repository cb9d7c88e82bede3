package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRateLimitPerClientIgnoresSpoofedHeaders(t *testing.T) {
	_, ts := newTestServer(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 3 }) // no refill within the test, however slow
	url := ts.URL + "/api/v1/og/news/budget-2025.png"
	codes := map[int]int{}
	for i := range 8 {
		// A client rotating X-Forwarded-For must not get a fresh budget:
		// no proxy is trusted, so the connection's address is the identity.
		resp, _ := get(t, "GET", url, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		codes[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if codes[200] != 3 || codes[429] != 5 {
		t.Errorf("statuses %v: want 3 served (the burst) and 5 refused", codes)
	}
	if resp, _ := get(t, "GET", ts.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("health checks must not be rate limited: %d", resp.StatusCode)
	}
}

func TestPanicInRenderIsRecovered(t *testing.T) {
	srv, ts := newTestServer(t)
	srv.beforeRender.Store(hook(func() { panic("boom") }))
	resp, body := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png")
	if resp.StatusCode != http.StatusInternalServerError || string(body) != "{\"error\":\"internal error\"}\n" {
		t.Errorf("panic: %d %s, want 500 with a generic message", resp.StatusCode, body)
	}
	srv.beforeRender.Store(nil)
	if resp, _ := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png"); resp.StatusCode != 200 {
		t.Errorf("after a panic the server answered %d, want it alive and serving", resp.StatusCode)
	}
}

// SIGTERM with renders in flight: they finish, new connections are refused.
func TestGracefulShutdownFinishesInFlightRenders(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv, _ := newTestServer(t, func(c *Config) { c.Addr = addr })
	started := make(chan struct{})
	var once sync.Once
	srv.beforeRender.Store(hook(func() { once.Do(func() { close(started) }); time.Sleep(500 * time.Millisecond) }))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	waitReady(t, "http://"+addr)
	result := make(chan int, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/api/v1/og/news/budget-2025.png")
		if err != nil {
			result <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	<-started
	stop() // as SIGTERM does
	if code := <-result; code != 200 {
		t.Errorf("the render in flight got %d, want it finished with 200", code)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	for range 100 {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server did not become ready")
}

// Far more distinct renders than the pool holds: every answer is a 200 or
// a quick 503, cache hits keep answering fast, memory stays bounded.
func TestOverload(t *testing.T) {
	srv, ts := newTestServer(t, func(c *Config) { c.Workers = 2; c.QueueWait = 100 * time.Millisecond })
	hit := ts.URL + "/api/v1/og/news/budget-2025.webp"
	if resp, _ := get(t, "GET", hit); resp.StatusCode != 200 {
		t.Fatal("warm-up failed")
	}
	// Requests from goroutines report through t.Error (t.Fatal must not
	// be called outside the test's goroutine).
	fetchStatus := func(url string) (int, time.Duration) {
		start := time.Now()
		resp, err := http.Get(url)
		if err != nil {
			t.Error(err)
			return 0, 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	var mu sync.Mutex
	counts := map[int]int64{}
	var renderLatencies []time.Duration
	var wg sync.WaitGroup
	const distinct = 80
	for i := range distinct {
		url := ts.URL + signed(t, fmt.Sprintf("/og/news.webp?title=Overload+%d", i), testKey)
		wg.Go(func() {
			code, d := fetchStatus(url)
			mu.Lock()
			defer mu.Unlock()
			counts[code]++
			if code == 200 {
				renderLatencies = append(renderLatencies, d)
			}
		})
	}
	var hitLatencies []time.Duration
	stopHits := make(chan struct{})
	var hitsDone sync.WaitGroup
	hitsDone.Go(func() {
		for {
			select {
			case <-stopHits:
				return
			default:
			}
			code, d := fetchStatus(hit)
			if code != 200 {
				t.Errorf("a cache hit got %d during overload", code)
				return
			}
			hitLatencies = append(hitLatencies, d)
		}
	})
	wg.Wait()
	close(stopHits)
	hitsDone.Wait()
	if counts[200]+counts[503] != distinct || counts[503] == 0 || counts[200] == 0 {
		t.Fatalf("statuses %v: want only 200s and 503s, some of each", counts)
	}
	if len(hitLatencies) == 0 {
		t.Fatal("no cache hit completed during the overload")
	}
	slices.Sort(hitLatencies)
	slices.Sort(renderLatencies)
	hitP99 := hitLatencies[len(hitLatencies)*99/100]
	renderP50 := renderLatencies[len(renderLatencies)/2]
	// Hits never wait for a render worker: even their slowest percent is
	// faster than a typical render in the same run, however loaded the
	// machine is (both are measured under the same load).
	if hitP99 >= renderP50 {
		t.Errorf("cache hits' p99 %v is not below the renders' median %v: hits waited behind renders", hitP99, renderP50)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("overload: %d distinct requests: %v; %d cache hits meanwhile, p99 %v (renders' p50 %v); heap %d MB", distinct, counts, len(hitLatencies), hitP99, renderP50, ms.HeapAlloc>>20)
	if ms.HeapAlloc > 512<<20 {
		t.Errorf("heap %d MB during overload: not bounded", ms.HeapAlloc>>20)
	}
	if resp, _ := get(t, "GET", ts.URL+"/readyz"); resp.StatusCode != 200 {
		t.Errorf("after the overload /readyz is %d", resp.StatusCode)
	}
	_ = srv
}

// A URL over --max-url-bytes gets a JSON 414 from the one error mapping,
// not net/http's plain-text 431.
func TestLongURLIsJSON414(t *testing.T) {
	_, ts := newTestServer(t, func(c *Config) { c.MaxURLBytes = 1024 })
	resp, body := get(t, "GET", ts.URL+"/api/v1/og/news/"+strings.Repeat("a", 2000))
	if resp.StatusCode != http.StatusRequestURITooLong || resp.Header.Get("Content-Type") != "application/json" || !strings.Contains(string(body), `"error":"URL too long`) {
		t.Errorf("long URL: %d %s %s; want a JSON 414", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp, _ := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025.png"); resp.StatusCode != http.StatusOK {
		t.Errorf("a short URL after it: %d", resp.StatusCode)
	}
}
