// Command loadgen sends a bounded load of GET requests to an ogcard
// server and reports requests per second and latency percentiles. It is
// how the closing notes' load figures are measured:
//
//	go run ./internal/cmd/loadgen -url http://127.0.0.1:8080/api/v1/og/news/budget-2025.webp -c 16 -d 10s
//	go run ./internal/cmd/loadgen -urls urls.txt -c 4 -n 200     # one URL per line, each used once in turn
//
// It refuses targets other than loopback: load tests stay on this machine.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	target := flag.String("url", "", "URL to request repeatedly")
	list := flag.String("urls", "", "file of URLs, one per line, requested in turn")
	conc := flag.Int("c", 8, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "stop after this long")
	limit := flag.Int("n", 0, "stop after this many requests (0: only -d bounds the run)")
	flag.Parse()
	urls, err := targets(*target, *list)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	res := run(urls, *conc, *dur, *limit)
	res.print(os.Stdout)
}

func targets(one, file string) ([]string, error) {
	var urls []string
	if one != "" {
		urls = append(urls, one)
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := sc.Text(); line != "" {
				urls = append(urls, line)
			}
		}
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("give -url or -urls")
	}
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil {
			return nil, err
		}
		ip := net.ParseIP(p.Hostname())
		if p.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("%s: only loopback targets", u)
		}
	}
	return urls, nil
}

type result struct {
	lat      []time.Duration
	failed   int64
	statuses map[int]int // 0: no response
	elapsed  time.Duration
	bytes    int64
}

func run(urls []string, conc int, dur time.Duration, limit int) *result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}, Timeout: 30 * time.Second}
	var next atomic.Int64
	var mu sync.Mutex
	res := &result{statuses: map[int]int{}}
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				i := next.Add(1) - 1
				if limit > 0 && i >= int64(limit) {
					return
				}
				t0 := time.Now()
				n, status := fetch(client, urls[i%int64(len(urls))])
				d := time.Since(t0)
				mu.Lock()
				res.lat = append(res.lat, d)
				res.bytes += n
				res.statuses[status]++
				if status != http.StatusOK {
					res.failed++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// fetch returns the body size and status; status 0 means no response.
func fetch(c *http.Client, u string) (int64, int) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	return n, resp.StatusCode
}

func (r *result) print(w io.Writer) {
	slices.Sort(r.lat)
	pct := func(p float64) time.Duration {
		if len(r.lat) == 0 {
			return 0
		}
		return r.lat[min(int(float64(len(r.lat))*p), len(r.lat)-1)]
	}
	fmt.Fprintf(w, "requests %d, not 200: %d, %.1f req/s over %v, statuses %v\n", len(r.lat), r.failed, float64(len(r.lat))/r.elapsed.Seconds(), r.elapsed.Round(time.Millisecond), r.statuses)
	fmt.Fprintf(w, "latency p50 %v, p90 %v, p99 %v, max %v\n", pct(0.5), pct(0.9), pct(0.99), pct(1))
	fmt.Fprintf(w, "mean response %d bytes\n", r.bytes/int64(max(len(r.lat), 1)))
}
