package cli

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogcard/ogcard/internal/testrig/cgroup"
	"github.com/ogcard/ogcard/server"
	"github.com/ogcard/ogcard/sign"
)

// runAsOgcard makes the test binary run as the ogcard command, for tests
// that need a process of their own (a serve under a memory limit).
const runAsOgcard = "OGCARD_CLI_TEST_RUN_AS_OGCARD"

func TestMain(m *testing.M) {
	if os.Getenv(runAsOgcard) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// containerLimit is the container the test puts serve in.
const containerLimit = 256 << 20

// A serve process in a 256 MiB container, with the render workers the
// README's sizing gives it (140 MB + 22 MB a worker: 4), under a burst of
// distinct cards with photos to fetch and decode, answers only 200s and
// 503s, is not killed, and took its Go memory limit from the cgroup. (With
// 16 workers it was OOM-killed once in two runs: the Go limit is soft, and
// 16 cards in flight are more than 256 MiB.)
//
// It needs root and a writable cgroup file system: skipped where the
// machine cannot, and failed in CI (CI=true) only when the machine could
// (root, cgroup mounted) but creating the group still failed.
func TestServeInAMemoryLimitedContainerSurvivesOverload(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a service and renders 120 cards")
	}
	if raceEnabled {
		t.Skip("the race detector multiplies memory use several times: a 256 MiB limit would measure it, not ogcard (run without -race)")
	}
	g := newContainer(t)
	photos := photoServer(t)
	key := "memlimit-test-key"
	addr := freeAddr(t)
	var logs syncBuffer
	cmd := g.Command(os.Args[0], "serve", "--addr", addr, "--data-dir", t.TempDir(),
		"--signing-keys", key, "--render-workers", "4", "--render-queue-wait", "2s",
		"--rate-limit", "0", "--fetch-allow-loopback", "--preview=false")
	cmd.Env = append(os.Environ(), runAsOgcard+"=1", "GOMEMLIMIT=", "GOGC=")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1) // read once, by whoever sees the exit first
	done := make(chan struct{})
	go func() { exited <- cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) //nolint:errcheck // it may have exited
		<-done
		g.Remove() //nolint:errcheck // best effort: the kernel frees it once empty
	})
	base := "http://" + addr
	waitReady(t, base, exited, &logs)

	counts := overload(t, base, photos, key, 120)
	if counts[200]+counts[503] != 120 || counts[200] == 0 {
		t.Errorf("statuses %v: want only 200s and 503s, some 200s", counts)
	}
	select {
	case err := <-exited:
		t.Fatalf("serve exited during the overload (%v); log:\n%s", err, logs.String())
	default:
	}
	if kills, err := g.OOMKills(); err != nil || kills != 0 {
		t.Errorf("OOM kills in the container: %d (%v)", kills, err)
	}
	if !strings.Contains(logs.String(), `msg="cache lowered to fit the memory limit" cache=photo`) {
		t.Errorf("serve did not lower its photo cache to fit 256 MiB; log:\n%s", logs.String())
	}
	ratio := memoryRatio // as automemlimit computes it: bytes, rounded down
	if want := fmt.Sprintf("from=cgroup go_limit_mb=%d", int64(ratio*(256<<20))>>20); !strings.Contains(logs.String(), want) {
		t.Errorf("serve did not log a Go memory limit of %v x 256 MiB from the cgroup (%s); log:\n%s", memoryRatio, want, logs.String())
	}
	peak, _ := g.Peak()
	t.Logf("statuses %v; container peak %d MiB of %d", counts, peak>>20, containerLimit>>20)
}

func newContainer(t *testing.T) *cgroup.Group {
	t.Helper()
	g, err := cgroup.New(fmt.Sprintf("ogcard-memlimit-test-%d", os.Getpid()), containerLimit)
	if err == nil {
		return g
	}
	_, statErr := os.Stat("/sys/fs/cgroup")
	if os.Getenv("CI") == "true" && os.Geteuid() == 0 && statErr == nil {
		t.Fatalf("CI runs as root with cgroups mounted, yet: %v", err)
	}
	t.Skipf("no memory-limited container here: %v", err)
	return nil
}

// photoServer serves testdata/bg.jpg at any path, so every card fetches
// and decodes a photo of its own.
func photoServer(t *testing.T) string {
	t.Helper()
	jpg, err := os.ReadFile(filepath.Join(repoRoot, "testdata/bg.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(jpg) //nolint:errcheck // the client sees a short read
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitReady(t *testing.T, base string, exited <-chan error, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("serve exited before it was ready (%v); log:\n%s", err, logs.String())
		default:
		}
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("serve not ready after a minute; log:\n%s", logs.String())
}

// overload asks for n distinct cards at once, each with its own photo,
// and counts the statuses.
func overload(t *testing.T, base, photos, key string, n int) map[int]int {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Minute}
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			q := url.Values{"title": {fmt.Sprintf("Overload %d in a small container", i)}, "imageUrl": {fmt.Sprintf("%s/photo-%d.jpg", photos, i)}}
			path, err := sign.Sign("/og/news.webp?"+q.Encode(), key)
			if err != nil {
				t.Error(err)
				return
			}
			status := -1 // no response at all
			if resp, err := client.Get(base + path); err == nil {
				io.Copy(io.Discard, resp.Body) //nolint:errcheck // the status is what is counted
				resp.Body.Close()
				status = resp.StatusCode
			}
			mu.Lock()
			counts[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return counts
}

// syncBuffer is a bytes.Buffer the child's stdout and stderr share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Under a memory limit the caches are lowered to their shares of it, and
// without one they keep what they were given.
func TestFitCachesToTheMemoryLimit(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := server.DefaultConfig()
	fitCaches(&cfg, math.MaxInt64, log)
	if cfg.PhotoCache != 256<<20 || cfg.MemoryCache != 64<<20 {
		t.Errorf("no limit: caches %d, %d; want the defaults", cfg.PhotoCache, cfg.MemoryCache)
	}
	fitCaches(&cfg, 200<<20, log)
	if cfg.PhotoCache != 40<<20 || cfg.MemoryCache != 20<<20 {
		t.Errorf("200 MiB limit: caches %d, %d; want 40 MiB and 20 MiB", cfg.PhotoCache, cfg.MemoryCache)
	}
	cfg.PhotoCache, cfg.MemoryCache = 8<<20, 4<<20
	fitCaches(&cfg, 200<<20, log)
	if cfg.PhotoCache != 8<<20 || cfg.MemoryCache != 4<<20 {
		t.Errorf("small caches were changed: %d, %d", cfg.PhotoCache, cfg.MemoryCache)
	}
}
