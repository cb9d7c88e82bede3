// Package s3test runs a real S3-compatible server, versitygw, for tests.
//
// Start launches one versitygw process per call, listening on a free
// 127.0.0.1 port with a fresh temporary directory as its POSIX backend,
// creates one bucket in it and stops the process when the test ends.
// Tests that only need an s3:// URL for storage.Open call BucketURL;
// tests that run several clients (say two `ogcard serve` processes)
// against one bucket call Start and hand Server.URL and Server.Env to
// each client.
//
// The binary is looked up on PATH, then in $(go env GOBIN) and
// $(go env GOPATH)/bin. Where it is missing the test is skipped, except
// when the environment variable CI is set, where a missing server is a
// failure: CI must never pass by skipping the S3 tests. Install it with
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
//
// Start sets the AWS credentials for the test with t.Setenv, because the
// AWS SDK behind gocloud.dev's s3blob reads them from the environment
// only (an s3:// URL has no place for them). t.Setenv panics in a test
// that called t.Parallel, so tests using this package must not be
// parallel.
package s3test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is the name of the versitygw executable.
const Binary = "versitygw"

// Region is the region the server is started with and the URL names;
// SigV4 signatures only verify when both sides agree on it.
const Region = "us-east-1"

// startTimeout bounds how long a fresh server may take to answer.
const startTimeout = 15 * time.Second

// Server is one running versitygw process with one bucket.
type Server struct {
	// URL opens the bucket with storage.Open (gocloud.dev s3blob), e.g.
	// s3://ogcard-test?endpoint=http://127.0.0.1:PORT&region=us-east-1&use_path_style=true.
	URL string
	// Endpoint is the server's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Bucket is the name of the bucket created at start.
	Bucket string
	// AccessKey and SecretKey are the root credentials the server accepts.
	AccessKey string
	SecretKey string
	// Dir is the POSIX backend's root: the bucket is Dir/Bucket and an
	// object key a/b is the file Dir/Bucket/a/b.
	Dir string

	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has been reaped
	log      *lockedBuffer
	stopOnce sync.Once
}

// BucketURL starts a server (see Start) and returns its bucket's URL.
func BucketURL(t testing.TB) string {
	t.Helper()
	return Start(t).URL
}

// Start runs a versitygw server for the rest of the test, creates its
// bucket and sets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and
// AWS_EC2_METADATA_DISABLED, so the SDK never probes the EC2 metadata
// address) with t.Setenv. It skips the test, or fails it under CI, when
// versitygw is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := lookBinary()
	if err != nil {
		missing(t, err)
		return nil
	}
	s := &Server{
		Bucket:    "ogcard-test",
		AccessKey: "ogcardtestaccess",
		SecretKey: "ogcardtestsecret0123456789",
		Dir:       t.TempDir(),
	}
	// The POSIX backend treats every top-level directory as a bucket, so
	// creating one needs no S3 client (and no direct AWS SDK import).
	if err := os.Mkdir(filepath.Join(s.Dir, s.Bucket), 0o755); err != nil {
		t.Fatalf("s3test: create bucket: %v", err)
	}
	if err := s.launch(bin); err != nil {
		t.Fatalf("s3test: %v", err)
	}
	t.Cleanup(s.Stop)
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return s
}

// missing skips t, or fails it when CI is set, for a missing binary.
func missing(t testing.TB, err error) {
	t.Helper()
	const hint = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
	if os.Getenv("CI") != "" {
		t.Fatalf("s3test: %v (CI is set, so the S3 tests must run: %s)", err, hint)
	}
	t.Skipf("s3test: %v; skipping the S3 tests (%s)", err, hint)
}

// Env returns the environment a client process needs to reach the
// server: the credentials, and the EC2 metadata probe turned off.
// Append it to os.Environ() for an exec.Cmd.
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Stop kills the server and waits for it to exit. Requests made after
// it fail as a store that is down would. Calling Stop again is a no-op.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Kill() // fails only if it already exited
		<-s.exited
	})
}

// Restart starts the server again after Stop, on the same port and
// folder, so the URL and every stored object stay valid: a store that
// comes back after an outage.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	bin, err := lookBinary()
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}
	u, err := url.Parse(s.Endpoint)
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}
	s.Stop()
	s.stopOnce = sync.Once{}
	if err := s.run(bin, port); err != nil {
		t.Fatalf("s3test: restart: %v", err)
	}
}

// Freeze suspends the server (SIGSTOP): the kernel still accepts
// connections, but nothing answers, as with a hung or overloaded store.
// Thaw resumes it. A frozen server is thawed before Stop kills it.
func (s *Server) Freeze() { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (s *Server) Thaw() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }

// launch starts the process on a free port and waits until it answers.
// A port taken between choosing and binding it makes versitygw exit at
// once, so that case is retried on another port.
func (s *Server) launch(bin string) error {
	var err error
	for range 3 {
		var port int
		if port, err = freePort(); err != nil {
			return err
		}
		if err = s.run(bin, port); err == nil {
			return nil
		}
	}
	return err
}

// run starts versitygw on port and waits for it to serve; on failure the
// process is gone when it returns.
func (s *Server) run(bin string, port int) error {
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s.Endpoint = "http://" + addr
	s.URL = bucketURL(s.Bucket, s.Endpoint)
	s.log = &lockedBuffer{}
	s.exited = make(chan struct{})
	// Credentials go in the environment, not flags, to stay out of ps.
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", s.Dir)
	cmd.Env = []string{
		"ROOT_ACCESS_KEY=" + s.AccessKey,
		"ROOT_SECRET_KEY=" + s.SecretKey,
		"VGW_REGION=" + Region,
		"HOME=" + s.Dir,
		"TMPDIR=" + os.TempDir(),
	}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	s.cmd = cmd
	exited := s.exited
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	if err := s.waitReady(); err != nil {
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("%s on %s: %w\n%s", Binary, addr, err, s.log.String())
	}
	return nil
}

// waitReady polls until the server answers HTTP. Any response counts
// (an unsigned request gets 403): it proves the S3 API is listening.
func (s *Server) waitReady() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return errors.New("exited during start")
		default:
		}
		resp, err := client.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("not answering after %v", startTimeout)
}

// bucketURL is the gocloud.dev s3blob URL of bucket at endpoint. Path
// style is needed because 127.0.0.1 has no per-bucket host names; an
// http:// endpoint is used as given, so disable_https is not needed.
func bucketURL(bucket, endpoint string) string {
	q := url.Values{}
	q.Set("endpoint", endpoint)
	q.Set("region", Region)
	q.Set("use_path_style", "true")
	return (&url.URL{Scheme: "s3", Host: bucket, RawQuery: q.Encode()}).String()
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lookBinary finds versitygw on PATH, else where `go install` puts it.
func lookBinary() (string, error) {
	if p, err := exec.LookPath(Binary); err == nil {
		return p, nil
	}
	dirs, err := goBinDirs()
	if err != nil {
		return "", fmt.Errorf("%s not on PATH and %w", Binary, err)
	}
	for _, dir := range dirs {
		p := filepath.Join(dir, Binary)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH nor in %s", Binary, strings.Join(dirs, ", "))
}

// goBinDirs returns GOBIN and GOPATH/bin as the go command sees them.
func goBinDirs() ([]string, error) {
	out, err := exec.Command("go", "env", "-json", "GOBIN", "GOPATH").Output()
	if err != nil {
		return nil, fmt.Errorf("go env failed: %w", err)
	}
	var env struct{ GOBIN, GOPATH string }
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	var dirs []string
	if env.GOBIN != "" {
		dirs = append(dirs, env.GOBIN)
	}
	// GOPATH may list several directories; go install uses the first.
	if first, _, _ := strings.Cut(env.GOPATH, string(os.PathListSeparator)); first != "" {
		dirs = append(dirs, filepath.Join(first, "bin"))
	}
	return dirs, nil
}

// lockedBuffer collects the server's output; the process writes it from
// os/exec's copying goroutines while a failing test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
