// Command loadgen sends a bounded load of GET requests to an ogcard
// server and reports requests per second and latency percentiles. It is
// how the closing notes' load figures are measured:
//
//	go run ./cmd/loadgen -url http://127.0.0.1:8080/api/v1/og/news/budget-2025.webp -c 16 -d 10s
//	go run ./cmd/loadgen -urls urls.txt -c 4 -n 200     # one URL per line, each used once in turn
//
// It refuses targets other than loopback: load tests stay on this machine.
//
// It shares the machine with the server it measures, so it is kept cheap:
// each of the -c workers owns one HTTP/1.1 keep-alive connection per
// target address, writes a request it built once, and parses the response
// itself (status line, Content-Length or chunked body, Connection: close),
// reading every body to the end. net/http's client would cost several
// times the CPU per request, in goroutine hand-offs and allocations, and
// that CPU would be taken from the server. Each worker keeps its own
// results, merged at the end. Only http:// targets are supported.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// responseTimeout bounds how long a response may take after the run
// ends: a connection's deadline is the end of the run plus this.
const responseTimeout = 30 * time.Second

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
	if *conc < 1 {
		fmt.Fprintln(os.Stderr, "loadgen: -c must be at least 1")
		os.Exit(2)
	}
	res := run(urls, *conc, *dur, *limit)
	res.print(os.Stdout)
}

func targets(one, file string) ([]*request, error) {
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
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("give -url or -urls")
	}
	reqs := make([]*request, 0, len(urls))
	for _, u := range urls {
		r, err := newRequest(u)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// request is one target, its bytes on the wire built once.
type request struct {
	url  string
	addr string // host:port to dial
	wire []byte
}

func newRequest(u string) (*request, error) {
	p, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	if p.Scheme != "http" {
		return nil, fmt.Errorf("%s: only http:// targets", u)
	}
	ip := net.ParseIP(p.Hostname())
	if p.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s: only loopback targets", u)
	}
	port := p.Port()
	if port == "" {
		port = "80"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ogcard-loadgen\r\n\r\n", p.RequestURI(), p.Host)
	return &request{url: u, addr: net.JoinHostPort(p.Hostname(), port), wire: b.Bytes()}, nil
}

type result struct {
	lat      []time.Duration
	failed   int64
	statuses map[int]int // 0: no response
	elapsed  time.Duration
	bytes    int64
}

func (r *result) add(o *result) {
	r.lat = append(r.lat, o.lat...)
	r.failed += o.failed
	r.bytes += o.bytes
	for s, n := range o.statuses {
		r.statuses[s] += n
	}
}

func run(reqs []*request, conc int, dur time.Duration, limit int) *result {
	var next atomic.Int64
	start := time.Now()
	deadline := start.Add(dur)
	parts := make([]*result, conc)
	var wg sync.WaitGroup
	for w := range conc {
		wg.Go(func() {
			res := &result{statuses: map[int]int{}}
			parts[w] = res
			cl := &client{conns: map[string]*conn{}, deadline: deadline.Add(responseTimeout)}
			defer cl.close()
			for now := time.Now(); now.Before(deadline); {
				i := next.Add(1) - 1
				if limit > 0 && i >= int64(limit) {
					return
				}
				n, status := cl.get(reqs[i%int64(len(reqs))])
				end := time.Now()
				res.lat = append(res.lat, end.Sub(now))
				res.bytes += n
				res.statuses[status]++
				if status != http.StatusOK {
					res.failed++
				}
				now = end
			}
		})
	}
	wg.Wait()
	res := &result{statuses: map[int]int{}}
	for _, p := range parts {
		res.add(p)
	}
	res.elapsed = time.Since(start)
	return res
}

// client is one worker's connections, one per address.
type client struct {
	conns    map[string]*conn
	deadline time.Time // no read or write may block past it
}

type conn struct {
	net.Conn
	r *bufio.Reader
}

func (cl *client) close() {
	for _, c := range cl.conns {
		_ = c.Close()
	}
}

// get sends r and reads the whole response: the body size and the
// status, 0 when there was no (complete) response. A connection that
// failed or that the server closes is dropped, and the next request dials
// a new one.
func (cl *client) get(r *request) (int64, int) {
	c, err := cl.conn(r.addr)
	if err != nil {
		return 0, 0
	}
	n, status, keep, err := c.roundTrip(r.wire)
	if err != nil || !keep {
		_ = c.Close()
		delete(cl.conns, r.addr)
	}
	if err != nil {
		return 0, 0
	}
	return n, status
}

func (cl *client) conn(addr string) (*conn, error) {
	if c, ok := cl.conns[addr]; ok {
		return c, nil
	}
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	// "localhost" is checked by what it resolved to.
	if ta, ok := nc.RemoteAddr().(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
		_ = nc.Close()
		return nil, fmt.Errorf("%s: not a loopback address", nc.RemoteAddr())
	}
	if err := nc.SetDeadline(cl.deadline); err != nil {
		_ = nc.Close()
		return nil, err
	}
	c := &conn{Conn: nc, r: bufio.NewReaderSize(nc, 32<<10)}
	cl.conns[addr] = c
	return c, nil
}

var (
	errMalformed  = errors.New("malformed response")
	errBadLength  = errors.New("bad Content-Length")
	errBadChunked = errors.New("bad chunked encoding")
	errEncoding   = errors.New("unsupported Transfer-Encoding")
)

// roundTrip writes a GET request and reads its response to the end. keep
// is false when the connection cannot carry another request.
func (c *conn) roundTrip(wire []byte) (n int64, status int, keep bool, err error) {
	if _, err := c.Write(wire); err != nil {
		return 0, 0, false, err
	}
	for {
		status, length, chunked, closes, err := readHead(c.r)
		if err != nil {
			return 0, 0, false, err
		}
		if status >= 100 && status < 200 && status != http.StatusSwitchingProtocols {
			continue // an interim response; the real one follows
		}
		switch {
		case status == http.StatusNoContent || status == http.StatusNotModified || status < 200:
			// No body, whatever the headers say (RFC 9112 section 6.3).
		case chunked:
			n, err = discardChunked(c.r)
		case length >= 0:
			var d int
			d, err = c.r.Discard(int(length))
			n = int64(d)
		default:
			// No length: the body runs to the end of the connection.
			n, err = io.Copy(io.Discard, c.r)
			closes = true
		}
		if err != nil {
			return n, 0, false, err
		}
		return n, status, !closes, nil
	}
}

// readHead reads a status line and headers. length is -1 when there is
// no Content-Length.
func readHead(r *bufio.Reader) (status int, length int64, chunked, closes bool, err error) {
	line, err := readLine(r)
	if err != nil {
		return 0, 0, false, false, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return 0, 0, false, false, errMalformed
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil || status < 100 {
		return 0, 0, false, false, errMalformed
	}
	closes = line[7] == '0' // HTTP/1.0 closes unless it says keep-alive
	length = -1
	for {
		line, err := readLine(r)
		if err != nil {
			return 0, 0, false, false, err
		}
		if len(line) == 0 {
			return status, length, chunked, closes, nil
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, 0, false, false, errMalformed
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			v, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || v < 0 || (length >= 0 && v != length) {
				return 0, 0, false, false, errBadLength
			}
			length = v
		case asciiEqualFold(name, "transfer-encoding"):
			if !asciiEqualFold(value, "chunked") {
				return 0, 0, false, false, errEncoding
			}
			chunked = true
		case asciiEqualFold(name, "connection"):
			for tok := range bytes.SplitSeq(value, []byte(",")) {
				tok = bytes.TrimSpace(tok)
				if asciiEqualFold(tok, "close") {
					closes = true
				} else if asciiEqualFold(tok, "keep-alive") {
					closes = false
				}
			}
		}
	}
}

// discardChunked reads a chunked body and its trailers, returning the
// body's size.
func discardChunked(r *bufio.Reader) (int64, error) {
	var n int64
	for {
		line, err := readLine(r)
		if err != nil {
			return n, err
		}
		size, _, _ := bytes.Cut(line, []byte(";")) // chunk extensions
		sz, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		if err != nil || sz < 0 {
			return n, errBadChunked
		}
		if sz == 0 {
			for { // trailers, up to an empty line
				line, err := readLine(r)
				if err != nil {
					return n, err
				}
				if len(line) == 0 {
					return n, nil
				}
			}
		}
		d, err := r.Discard(int(sz))
		n += int64(d)
		if err != nil {
			return n, err
		}
		if crlf, err := readLine(r); err != nil || len(crlf) != 0 {
			return n, errBadChunked
		}
	}
}

// readLine returns a line without its CRLF (or LF), valid until the next
// read. A line longer than the reader's buffer is an error.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, io.EOF) && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, nil
}

// asciiEqualFold reports whether b equals the lower-case ASCII s, ignoring
// case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
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
