package nginxtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"
)

// Binary is the nginx executable, looked up on PATH then in /usr/sbin.
const Binary = "nginx"

// startTimeout bounds how long nginx may take to listen.
const startTimeout = 10 * time.Second

// Config says what the proxy fronts and which rules it applies.
type Config struct {
	// Upstreams are the origins' host:port, all in one upstream group.
	Upstreams []string
	// Include is a file of directives for the proxied location.
	Include string
}

// Server is one running nginx.
type Server struct {
	// URL is the proxy's base URL, http://127.0.0.1:PORT.
	URL string
	// Dir holds the configuration, the cache and the error log.
	Dir string

	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// Start runs nginx for the rest of the test; see the package comment.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	bin, err := lookBinary()
	if err != nil {
		const hint = "apt-get install nginx-light"
		if os.Getenv("CI") != "" {
			t.Fatalf("nginxtest: %v (CI is set, so the CDN tests must run: %s)", err, hint)
		}
		t.Skipf("nginxtest: %v; skipping the CDN tests (%s)", err, hint)
	}
	include, err := filepath.Abs(cfg.Include)
	if err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	cfg.Include = include
	s := &Server{Dir: t.TempDir()}
	if err := s.launch(bin, cfg); err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Stop stops nginx and waits for it to exit; calling it again is a no-op.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(os.Interrupt) // SIGINT: nginx's fast shutdown
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

// ErrorLog returns what nginx has written to its error log.
func (s *Server) ErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "error.log"))
	return string(b)
}

func lookBinary() (string, error) {
	if p, err := exec.LookPath(Binary); err == nil {
		return p, nil
	}
	p := "/usr/sbin/" + Binary
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s not found on PATH or in /usr/sbin", Binary)
	}
	return p, nil
}

// launch starts nginx on a free port, retrying when the port was taken
// between choosing and binding it.
func (s *Server) launch(bin string, cfg Config) error {
	var err error
	for range 3 {
		var port int
		if port, err = freePort(); err != nil {
			return err
		}
		if err = s.run(bin, cfg, port); err == nil {
			return nil
		}
	}
	return err
}

func (s *Server) run(bin string, cfg Config, port int) error {
	conf := filepath.Join(s.Dir, "nginx.conf")
	if err := writeConf(conf, s.Dir, port, cfg); err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s.URL = "http://" + addr
	var out bytes.Buffer
	// -e before the configuration is read: the compiled-in error log
	// under /var/log may not be writable.
	s.cmd = exec.Command(bin, "-e", filepath.Join(s.Dir, "error.log"), "-p", s.Dir, "-c", conf)
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	s.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { _ = cmd.Wait(); close(exited) }(s.cmd, s.exited)
	if err := waitListening(addr, s.exited); err != nil {
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("nginx on %s: %w\n%s%s", addr, err, out.String(), s.ErrorLog())
	}
	return nil
}

// waitListening polls until addr accepts connections or nginx exits.
func waitListening(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("exited at start")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			_ = c.Close() // only the connect mattered
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not listening after %s", startTimeout)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

var confTemplate = template.Must(template.New("nginx.conf").Parse(`daemon off;
master_process on;
worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;
{{if .Root}}user root;{{end}}
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path {{.Dir}}/tmp/body;
	proxy_temp_path {{.Dir}}/tmp/proxy;
	fastcgi_temp_path {{.Dir}}/tmp/fastcgi;
	uwsgi_temp_path {{.Dir}}/tmp/uwsgi;
	scgi_temp_path {{.Dir}}/tmp/scgi;
	proxy_cache_path {{.Dir}}/cache levels=1:2 keys_zone=ogcard:10m max_size=256m inactive=1h use_temp_path=off;
	upstream ogcard {
{{range .Upstreams}}		server {{.}};
{{end}}		keepalive 16;
	}
	server {
		listen 127.0.0.1:{{.Port}};
		location / {
			proxy_pass http://ogcard;
			include {{.Include}};
		}
	}
}
`))

// writeConf writes the nginx.conf for cfg. Run as root, nginx would hand
// its workers to "nobody", who cannot write the test's 0700 directory, so
// the workers stay root there.
func writeConf(path, dir string, port int, cfg Config) error {
	for _, u := range cfg.Upstreams {
		if strings.ContainsAny(u, "; \n{}") {
			return fmt.Errorf("upstream %q: want host:port", u)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	err := confTemplate.Execute(&b, map[string]any{
		"Dir": dir, "Port": port, "Upstreams": cfg.Upstreams, "Include": cfg.Include, "Root": os.Geteuid() == 0,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
