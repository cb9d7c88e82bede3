package ferrettest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/build"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EnvBinary names the variable that points the tests at a FerretDB binary.
const EnvBinary = "OGCARD_TEST_FERRETDB"

// startTimeout bounds the wait for a started server to answer a ping.
const startTimeout = 30 * time.Second

// Server is one running (or stopped) FerretDB process.
type Server struct {
	// URI is a mongodb:// URI for the server, stable across restarts.
	URI string
	// Addr is its host:port on 127.0.0.1.
	Addr string

	t   testing.TB
	bin string
	dir string
	cmd *exec.Cmd
	log *bytes.Buffer
}

// Start starts a FerretDB for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := binary()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ferrettest: %v (run the FerretDB lines of .ci/run)", err)
		}
		t.Skipf("ferrettest: %v (set %s to test against one)", err, EnvBinary)
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatalf("ferrettest: %v", err)
	}
	s := &Server{URI: "mongodb://" + addr + "/", Addr: addr, t: t, bin: bin, dir: t.TempDir()}
	t.Cleanup(s.Stop)
	s.Restart()
	return s
}

// binary finds the FerretDB binary.
func binary() (string, error) {
	if env := os.Getenv(EnvBinary); env != "" {
		// Set on purpose: another binary would test the wrong server.
		if _, err := os.Stat(env); err != nil {
			return "", fmt.Errorf("%s: %w", EnvBinary, err)
		}
		return env, nil
	}
	if p, err := exec.LookPath("ferretdb"); err == nil {
		return p, nil
	}
	p := filepath.Join(build.Default.GOPATH, "bin", "ferretdb")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("no ferretdb binary on PATH or in GOPATH/bin")
	}
	return p, nil
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Restart starts the server again, after Stop, on the same address and
// with the same data, and waits until it answers.
func (s *Server) Restart() {
	s.t.Helper()
	if s.cmd != nil {
		s.t.Fatal("ferrettest: Restart of a running server")
	}
	s.log = new(bytes.Buffer)
	cmd := exec.Command(s.bin,
		"--handler=sqlite",
		"--sqlite-url=file:"+s.dir+"/",
		"--state-dir="+s.dir,
		"--listen-addr="+s.Addr,
		"--debug-addr=-", // the default, a fixed port, would collide between servers
		"--telemetry=disable",
		"--log-level=warn",
	)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("ferrettest: start %s: %v", s.bin, err)
	}
	s.cmd = cmd
	if err := s.waitReady(); err != nil {
		s.Stop()
		s.t.Fatalf("ferrettest: %v; its log:\n%s", err, s.log)
	}
}

// waitReady pings until the server answers or startTimeout passes.
func (s *Server) waitReady() error {
	client, err := mongo.Connect(options.Client().ApplyURI(s.URI).SetServerSelectionTimeout(time.Second))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.Background()) //nolint:errcheck // a probe client
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = client.Ping(ctx, nil)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ferretdb on %s did not answer within %v: %w", s.Addr, startTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop kills the server, as a crash or a lost host would, and waits for
// it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait() // "signal: killed" is the expected outcome
	s.cmd = nil
}

// Client returns a client of the server for the test to fill
// collections with, disconnected when the test ends.
func (s *Server) Client() *mongo.Client {
	s.t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(s.URI))
	if err != nil {
		s.t.Fatalf("ferrettest: %v", err)
	}
	s.t.Cleanup(func() { client.Disconnect(context.Background()) }) //nolint:errcheck // test cleanup
	return client
}
