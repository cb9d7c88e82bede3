package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ogcard/ogcard/internal/testrig/nginxtest"
	"github.com/ogcard/ogcard/internal/testrig/s3test"
	"github.com/ogcard/ogcard/sign"
)

var httpClient = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 16},
}

// signingKey signs the /og/ URLs the CDN test requests.
const signingKey = "cdn-test-signing-key-0123456789"

// fallbackMaxAge is the replicas' --fallback-max-age: short, so the test
// sees a fallback card expire from the cache.
const fallbackMaxAge = 2 * time.Second

// nginx with deploy/nginx/cdn.conf in front of two `ogcard serve`
// processes sharing one versitygw bucket, as compose.yaml and the README
// set it up. The subtests run in order and build on each other's state.
func TestCDN(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs nginx, versitygw and two servers")
	}
	addrA, addrB := freeAddr(t), freeAddr(t)
	cdn := nginxtest.Start(t, nginxtest.Config{Upstreams: []string{addrA, addrB}, Include: filepath.Join("nginx", "cdn.conf")})
	defer func() {
		if t.Failed() {
			t.Logf("nginx error log:\n%s", cdn.ErrorLog())
		}
	}()
	s3 := s3test.Start(t)
	bin := ogcardBinary(t)
	photo := newFlakyPhoto(t)
	data := t.TempDir() // shared, so the demo articles' photo paths, and so the cache keys, match
	a := startReplica(t, bin, addrA, s3, data)
	b := startReplica(t, bin, addrB, s3, data)
	replicas := []*replica{a, b}

	t.Run("hits reach no origin", func(t *testing.T) { testHitsReachNoOrigin(t, cdn.URL, replicas) })
	t.Run("Vary Accept", func(t *testing.T) { testVaryAccept(t, cdn.URL, replicas) })
	t.Run("fallback expires", func(t *testing.T) { testFallbackExpires(t, cdn.URL, photo) })
	t.Run("stopping a replica loses no request", func(t *testing.T) { testStopReplica(t, cdn.URL, a, b) })
}

// After the first request, the card comes from nginx's cache: no further
// request reaches either replica.
func testHitsReachNoOrigin(t *testing.T, cdn string, replicas []*replica) {
	const hits = 50
	url := cdn + "/api/v1/og/news/budget-2025.jpg"
	before := originRequests(t, replicas)
	first := get(t, url, "")
	if first.cache != "MISS" {
		t.Errorf("first request: X-Cache-Status %q, want MISS", first.cache)
	}
	if n := originRequestsAtLeast(t, replicas, before+1) - before; n != 1 {
		t.Fatalf("first request: %d requests reached ogcard, want 1", n)
	}
	for range hits {
		r := get(t, url, "")
		if r.cache != "HIT" || r.etag != first.etag {
			t.Fatalf("repeat: X-Cache-Status %q, ETag %s; want HIT of %s", r.cache, r.etag, first.etag)
		}
	}
	origin := originRequests(t, replicas) - before - 1
	if origin != 0 {
		t.Errorf("%d requests reached ogcard while the card was cached, want 0", origin)
	}
	t.Logf("CDN: %d hits served with %d origin requests (1 miss reached ogcard)", hits, origin)
}

// An extension-less URL answers by Accept and says Vary: Accept, so nginx
// keeps a copy per Accept: each client gets, from the cache, the format
// it asked for first.
func testVaryAccept(t *testing.T, cdn string, replicas []*replica) {
	url := cdn + "/api/v1/og/news/budget-2025"
	before := originRequests(t, replicas)
	etags := map[string]string{}
	accepts := []string{"image/webp", "image/jpeg", "image/png"}
	for _, accept := range accepts {
		r := get(t, url, accept)
		if r.contentType != accept || !strings.Contains(r.header.Get("Vary"), "Accept") || r.cache != "MISS" {
			t.Fatalf("Accept %s: Content-Type %s, Vary %q, X-Cache-Status %s; want %s, Accept, MISS",
				accept, r.contentType, r.header.Get("Vary"), r.cache, accept)
		}
		etags[accept] = r.etag
	}
	for range 3 {
		for _, accept := range accepts {
			r := get(t, url, accept)
			if r.cache != "HIT" || r.contentType != accept || r.etag != etags[accept] {
				t.Errorf("Accept %s again: %s %s %s; want a HIT of %s %s", accept, r.cache, r.contentType, r.etag, accept, etags[accept])
			}
		}
	}
	if etags["image/webp"] == etags["image/jpeg"] {
		t.Error("WebP and JPEG answers have one ETag")
	}
	if n := originRequestsAtLeast(t, replicas, before+len(accepts)) - before; n != len(accepts) {
		t.Errorf("%d requests reached ogcard, want %d: one per Accept", n, len(accepts))
	}
}

// A card whose photo failed carries a short max-age: nginx serves it
// until then, fetches it again after, and gets the card with the photo.
func testFallbackExpires(t *testing.T, cdn string, photo *flakyPhoto) {
	q := url.Values{"title": {"Fallback first, photo after"}, "brand": {"CDN"}, "imageUrl": {photo.URL}}
	signed, err := sign.Sign("/og/news.jpg?"+q.Encode(), signingKey)
	if err != nil {
		t.Fatal(err)
	}
	url := cdn + signed
	photo.fail.Store(true)
	fallback := get(t, url, "")
	if !strings.Contains(fallback.header.Get("Cache-Control"), "max-age=2") || fallback.cache != "MISS" {
		t.Fatalf("photo failing: Cache-Control %q, X-Cache-Status %s; want max-age=2, MISS",
			fallback.header.Get("Cache-Control"), fallback.cache)
	}
	if photo.failed.Load() == 0 {
		t.Fatal("the photo server was never asked: the card did not try the photo")
	}
	if d := colourDistance(t, fallback.body, fallbackColour); d > 12 {
		t.Fatalf("the fallback card is %.0f away from the layout's fallback colour: did the photo load?", d)
	}
	photo.fail.Store(false)
	// Until max-age runs out nginx answers from its cache; then it asks
	// ogcard again, which now loads the photo.
	start := time.Now()
	deadline := start.Add(fallbackMaxAge + 30*time.Second)
	var fresh response
	for {
		fresh = get(t, url, "")
		if fresh.etag != fallback.etag {
			break
		}
		if fresh.cache != "HIT" {
			t.Fatalf("the fallback card came back with X-Cache-Status %s: ogcard served it again", fresh.cache)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fallback card (max-age %s) was still served from the cache %s later", fallbackMaxAge, time.Since(start).Round(time.Second))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if fresh.cache != "EXPIRED" && fresh.cache != "MISS" {
		t.Errorf("the new card: X-Cache-Status %s, want EXPIRED (refetched after max-age)", fresh.cache)
	}
	if cc := fresh.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("the card with its photo: Cache-Control %q, want the long max-age", cc)
	}
	if d := colourDistance(t, fresh.body, fallbackColour); d < 30 {
		t.Errorf("the refetched card is %.0f from the fallback colour: it does not show the photo", d)
	}
	if again := get(t, url, ""); again.cache != "HIT" || again.etag != fresh.etag {
		t.Errorf("after the refetch: %s %s, want a HIT of %s", again.cache, again.etag, fresh.etag)
	}
}

// Under a steady stream of cache misses, one replica is stopped (SIGTERM,
// as Kubernetes does): nginx hands its requests to the other, and every
// request gets its card.
func testStopReplica(t *testing.T, cdn string, a, b *replica) {
	const total, workers, stopAfter = 120, 4, 30
	urls := make(chan string, total)
	for i := range total {
		q := url.Values{"quote": {fmt.Sprintf("Load test quote number %d, drawn once", i)}, "author": {"nginx"}}
		signed, err := sign.Sign("/og/quote.jpg?"+q.Encode(), signingKey)
		if err != nil {
			t.Fatal(err)
		}
		urls <- cdn + signed
	}
	close(urls)
	servedByB := originRequests(t, []*replica{b})
	var (
		done, afterStop atomic.Int64
		stopped         atomic.Bool
		stopOnce        sync.Once
		wg              sync.WaitGroup
		mu              sync.Mutex
		failures        []string
	)
	stopDone := make(chan struct{})
	for range workers {
		wg.Go(func() {
			for u := range urls {
				wasStopped := stopped.Load()
				status, err := fetchStatus(u)
				if err != nil || status != 200 {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%d %v", status, err))
					mu.Unlock()
				}
				if wasStopped {
					afterStop.Add(1)
				}
				if done.Add(1) == stopAfter {
					stopOnce.Do(func() {
						go func() { a.stop(t); stopped.Store(true); close(stopDone) }()
					})
				}
			}
		})
	}
	wg.Wait()
	<-stopDone
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed while a replica stopped: %q", len(failures), total, failures)
	}
	if n := afterStop.Load(); n < 20 {
		t.Errorf("only %d requests were sent after the replica had stopped: the test did not load the survivor", n)
	}
	if n := originRequestsAtLeast(t, []*replica{b}, servedByB+int(afterStop.Load())) - servedByB; n < int(afterStop.Load()) {
		t.Errorf("the surviving replica answered %d requests, fewer than the %d sent after the other stopped", n, afterStop.Load())
	}
	t.Logf("stopping a replica: %d requests, %d after it had exited, %d failed", total, afterStop.Load(), len(failures))
}

// fetchStatus GETs u and reads the whole body.
func fetchStatus(u string) (int, error) {
	resp, err := httpClient.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode == 200 && n < 1000 {
		err = fmt.Errorf("%d bytes", n)
	}
	return resp.StatusCode, err
}

// response is one answer through the CDN.
type response struct {
	header      http.Header
	body        []byte
	etag        string
	contentType string
	cache       string // X-Cache-Status
}

// get requests url with the Accept header (when not empty) and fails the
// test on anything but 200 with an image.
func get(t *testing.T, url, accept string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || len(body) < 1000 {
		t.Fatalf("GET %s: %s, %d bytes, %v: %s", url, resp.Status, len(body), err, body[:min(len(body), 200)])
	}
	return response{header: resp.Header, body: body, etag: resp.Header.Get("ETag"),
		contentType: resp.Header.Get("Content-Type"), cache: resp.Header.Get("X-Cache-Status")}
}

// fallbackColour is the news layout's photo fallback, #1b2433.
var fallbackColour = [3]float64{0x1b, 0x24, 0x33}

// colourDistance is how far the mean colour of the card's upper middle
// (photo only: the headline is at the bottom, the brand top left) is
// from c.
func colourDistance(t *testing.T, card []byte, c [3]float64) float64 {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(card))
	if err != nil {
		t.Fatalf("the card is not a JPEG: %v", err)
	}
	var sum [3]float64
	r := image.Rect(450, 150, 750, 300)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sum[0] += float64(cr >> 8)
			sum[1] += float64(cg >> 8)
			sum[2] += float64(cb >> 8)
		}
	}
	n := float64(r.Dx() * r.Dy())
	var d float64
	for i := range sum {
		d = max(d, abs(sum[i]/n-c[i]))
	}
	return d
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// flakyPhoto serves a photo on loopback, or 500 while fail is set.
type flakyPhoto struct {
	URL    string
	fail   atomic.Bool
	failed atomic.Int64
}

func newFlakyPhoto(t *testing.T) *flakyPhoto {
	jpg, err := os.ReadFile(filepath.Join(repoRoot, "layouts", "assets", "sample-photo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	p := &flakyPhoto{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if p.fail.Load() {
			p.failed.Add(1)
			http.Error(w, "photo store down", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(jpg)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL + "/photo.jpg"
	return p
}

// replica is one `ogcard serve` process behind the CDN.
type replica struct {
	base     string
	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// startReplica runs `ogcard serve` on addr against the bucket, with
// loopback pictures allowed (the photo server) and a short fallback
// max-age, and returns once it is ready.
func startReplica(t *testing.T, bin, addr string, s3 *s3test.Server, dataDir string) *replica {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr="+addr, "--data-dir="+dataDir, "--cache-url="+s3.URL,
		"--signing-keys="+signingKey, "--fetch-allow-loopback", "--fallback-max-age="+fallbackMaxAge.String(),
		"--preview=false", "--log-level=error")
	cmd.Env = append(os.Environ(), s3.Env()...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{base: "http://" + addr, cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() { r.stop(t) })
	waitReady(t, r.base)
	return r
}

// stop sends SIGTERM, as Kubernetes does, and waits for the process to
// finish its requests in flight and exit.
func (r *replica) stop(t *testing.T) {
	r.stopOnce.Do(func() {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.exited:
		case <-time.After(30 * time.Second):
			t.Errorf("%s did not exit within 30s of SIGTERM", r.base)
			_ = r.cmd.Process.Kill()
			<-r.exited
		}
	})
}

// originRequests is the number of card requests the replicas have
// answered, from their ogcard_requests_total.
// originRequestsAtLeast is originRequests once it reaches want, or after
// five seconds: a replica counts a request after its response has gone,
// so nginx can hand the response to the client first.
func originRequestsAtLeast(t *testing.T, replicas []*replica, want int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := originRequests(t, replicas)
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func originRequests(t *testing.T, replicas []*replica) int {
	t.Helper()
	total := 0
	for _, r := range replicas {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/metrics", nil)
		resp, err := httpClient.Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		for _, line := range strings.Split(string(body), "\n") {
			cardRoute := strings.Contains(line, `route="/api/v1/og/`) || strings.Contains(line, `route="/og/`)
			if !strings.HasPrefix(line, "ogcard_requests_total{") || !cardRoute {
				continue
			}
			v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if err != nil {
				t.Fatalf("/metrics: %q: %v", line, err)
			}
			total += int(v)
		}
	}
	return total
}
