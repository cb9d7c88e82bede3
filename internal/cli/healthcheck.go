package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// runHealthcheck asks a running `ogcard serve` for /healthz and succeeds
// only on 200. It is the container image's HEALTHCHECK: the slim runtime
// image has no curl or wget, and the probe must find the service at the
// address the service itself was given (OGCARD_ADDR).
func runHealthcheck(env *Env, args []string) error {
	fs := newFlags(env, "healthcheck", "[--url http://127.0.0.1:8080/healthz]")
	url := fs.String("url", healthURL(os.Getenv("OGCARD_ADDR")), "URL to probe (default: /healthz at OGCARD_ADDR on loopback)")
	timeout := fs.Duration("timeout", 3*time.Second, "longest the probe may take")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fmt.Errorf("%w: --url: %w", errUsage, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", *url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", *url, resp.Status)
	}
	return nil
}

// healthURL turns a listen address (":8080", "0.0.0.0:8080",
// "[::]:9000") into the URL of its /healthz on loopback; an empty or
// malformed address means serve's default, :8080.
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		host, port = "", "8080"
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}
