package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/internal/testrig/s3test"
)

// Two `ogcard serve` processes share one S3 bucket (a real S3-compatible
// server): a card rendered by the first is served by the second from the
// bucket, without rendering again. This is the scale-out story: stateless
// renderers, one shared store.
func TestTwoProcessesShareOneBucket(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two servers")
	}
	s3 := s3test.Start(t)
	bin := filepath.Join(t.TempDir(), "ogcard")
	build := exec.Command("go", "build", "-o", bin, "github.com/ogcard/ogcard")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := t.TempDir() // shared, so the demo articles' photo paths (and so the cache keys) match
	a := startServe(t, bin, s3, data)
	const card = "/api/v1/og/news/budget-2025.png"
	etagA := fetchCard(t, a+card)
	if n := metric(t, a, "ogcard_renders_total"); n != "1" {
		t.Fatalf("first process rendered %s cards, want 1", n)
	}
	b := startServe(t, bin, s3, data)
	etagB := fetchCard(t, b+card)
	if etagA != etagB {
		t.Errorf("the two processes served different cards: %s vs %s", etagA, etagB)
	}
	if n := metric(t, b, "ogcard_renders_total"); n != "0" {
		t.Errorf("second process rendered %s cards, want 0: it should have found the card in the bucket", n)
	}
	if n := metric(t, b, `ogcard_cache_total{result="store"}`); n != "1" {
		t.Errorf("second process: %s store hits, want 1", n)
	}
}

// startServe runs `ogcard serve` on a free loopback port against the
// bucket and returns its base URL once it is ready.
func startServe(t *testing.T, bin string, s3 *s3test.Server, dataDir string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", addr, "--data-dir", dataDir, "--cache-url", s3.URL, "--log-level", "warn")
	cmd.Env = append(os.Environ(), s3.Env()...)
	cmd.Env = append(cmd.Env, "AWS_EC2_METADATA_DISABLED=true")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("ogcard serve on %s did not become ready", addr)
	return ""
}

func fetchCard(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || len(body) < 1000 {
		t.Fatalf("%s: %d, %d bytes", url, resp.StatusCode, len(body))
	}
	return resp.Header.Get("ETag")
}

// metric reads one series' value from /metrics.
func metric(t *testing.T, base, series string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return fmt.Sprintf("(no %s)", series)
}
