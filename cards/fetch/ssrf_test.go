package fetch

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/ogcard/ogcard/engine"
)

// testNames points test names at addresses in place of DNS.
var testNames = map[string]string{
	"internal.test": "10.0.0.5",
	"loop.test":     "127.0.0.1",
	"meta.test":     "169.254.169.254",
	"mapped.test":   "::ffff:127.0.0.1",
	"nat64.test":    "64:ff9b::7f00:1",
	"public.test":   "127.0.0.1", // admitted only where a test's allowDial says so
}

// listenIPv6Loopback starts a counting server on [::1], or skips.
func listenIPv6Loopback(t *testing.T) *hitServer {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	s := &hitServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { s.hits.Add(1) }))
	_ = s.Listener.Close()
	s.Listener = ln
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func TestSSRFBlocked(t *testing.T) {
	srv := newHitServer(t, servePNG(t))
	p := srv.port()
	l := newLoader(Options{Timeout: 3 * time.Second}, testHooks{hosts: testNames})
	for _, ref := range []string{
		"http://127.0.0.1:" + p + "/",
		"http://127.0.0.2:" + p + "/",
		"http://localhost:" + p + "/",
		"http://LocalHost.:" + p + "/",
		"http://photos.localhost:" + p + "/",
		"http://0.0.0.0:" + p + "/",
		"http://[::ffff:127.0.0.1]:" + p + "/",
		"http://[::ffff:7f00:1]:" + p + "/",
		"http://[64:ff9b::7f00:1]:" + p + "/",
		"http://[2002:7f00:1::1]:" + p + "/",
		"http://[::]:" + p + "/",
		"http://2130706433:" + p + "/",
		"http://0177.0.0.1:" + p + "/",
		"http://0x7f.0.0.1:" + p + "/",
		"http://0x7f000001:" + p + "/",
		"http://127.1:" + p + "/",
		"http://loop.test:" + p + "/",
		"http://mapped.test:" + p + "/",
		"http://nat64.test:" + p + "/",
		"http://10.0.0.1/",
		"http://172.16.0.1/",
		"http://192.168.1.1/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://100.64.0.1/",
		"http://100.100.100.200/latest/meta-data/",
		"http://198.18.0.1/",
		"http://192.0.2.1/",
		"http://224.0.0.1/",
		"http://255.255.255.255/",
		"http://[fe80::1%25lo]/",
		"http://[fc00::1]/",
		"http://[ff02::1]/",
		"http://internal.test/",
		"http://meta.test/latest/meta-data/",
	} {
		start := time.Now()
		_, err := l.LoadImage(context.Background(), ref, engine.DecodeHint{})
		wantReason(t, ref, err, ReasonBlocked)
		// Refused before connect: an attempt to reach 10.0.0.1 would
		// hang until the 3s deadline instead.
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v, want refusal before any connection", ref, d)
		}
	}
	if n := srv.hits.Load(); n != 0 {
		t.Errorf("%d blocked requests reached the loopback server", n)
	}
}

func TestSSRFBlockedIPv6Loopback(t *testing.T) {
	srv := listenIPv6Loopback(t)
	l := New(Options{Timeout: 3 * time.Second})
	_, err := l.LoadImage(context.Background(), "http://[::1]:"+srv.port()+"/", engine.DecodeHint{})
	wantReason(t, "[::1]", err, ReasonBlocked)
	if n := srv.hits.Load(); n != 0 {
		t.Errorf("[::1]: %d requests reached the server", n)
	}
	// The same server is reachable when loopback is allowed: the check
	// above failed for the right reason.
	if _, err := New(Options{AllowLoopback: true}).LoadImage(context.Background(), "http://[::1]:"+srv.port()+"/", engine.DecodeHint{}); srv.hits.Load() != 1 {
		t.Errorf("[::1] with AllowLoopback: not reached (%v)", err)
	}
}

func TestSchemesBlocked(t *testing.T) {
	l := New(Options{AllowLoopback: true})
	for _, ref := range []string{"ftp://example.com/a.png", "gopher://example.com:70/_x", "file:///etc/passwd", "data:image/png;base64,AAAA", "dict://127.0.0.1:11211/stat", "/etc/passwd"} {
		_, err := l.LoadImage(context.Background(), ref, engine.DecodeHint{})
		wantReason(t, ref, err, ReasonBlocked)
	}
}

func TestAllowLoopbackIsOnlyLoopback(t *testing.T) {
	l := newLoader(Options{Timeout: 3 * time.Second, AllowLoopback: true}, testHooks{hosts: testNames})
	for _, ref := range []string{"http://internal.test/", "http://meta.test/latest/meta-data/", "http://nat64.test/", "http://192.168.1.1/"} {
		_, err := l.LoadImage(context.Background(), ref, engine.DecodeHint{})
		wantReason(t, ref+" with AllowLoopback", err, ReasonBlocked)
	}
}

// TestRedirectInwardBlocked lets the first hop through by its exact
// address and port, so that only the redirect's target is judged.
func TestRedirectInwardBlocked(t *testing.T) {
	target := newHitServer(t, servePNG(t))
	front := newHitServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	frontAddr := netip.MustParseAddrPort(front.Listener.Addr().String())
	l := newLoader(Options{Timeout: 3 * time.Second}, testHooks{
		hosts:     testNames,
		allowDial: func(ap netip.AddrPort) bool { return ap == frontAddr },
	})
	tp := target.port()
	for i, to := range []string{
		"http://127.0.0.1:" + tp + "/a.png",
		"http://loop.test:" + tp + "/a.png",
		"http://[::ffff:127.0.0.1]:" + tp + "/a.png",
		"http://localhost:" + tp + "/a.png",
		"http://169.254.169.254/latest/meta-data/",
		"file:///etc/passwd",
		"ftp://example.com/a.png",
	} {
		ref := "http://public.test:" + front.port() + "/?to=" + to
		_, err := l.LoadImage(context.Background(), ref, engine.DecodeHint{})
		wantReason(t, "redirect to "+to, err, ReasonBlocked)
		if n := front.hits.Load(); n != int64(i+1) {
			t.Fatalf("redirect to %s: the first hop was not made (%d hits): the test proves nothing", to, n)
		}
	}
	if n := target.hits.Load(); n != 0 {
		t.Errorf("%d redirects reached the loopback target", n)
	}
}

func TestNoProxyFromEnvironment(t *testing.T) {
	proxy := newHitServer(t, http.NotFoundHandler())
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	target := newHitServer(t, servePNG(t))
	l := newLoader(Options{AllowLoopback: true}, testHooks{hosts: testNames})
	if _, err := l.LoadImage(context.Background(), "http://public.test:"+target.port()+"/", engine.DecodeHint{}); err != nil {
		t.Fatal(err)
	}
	if proxy.hits.Load() != 0 || target.hits.Load() != 1 {
		t.Errorf("proxy hits %d, target hits %d: want the target reached directly", proxy.hits.Load(), target.hits.Load())
	}
}

func TestTLSVerified(t *testing.T) {
	var hits int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer srv.Close()
	_, err := New(Options{AllowLoopback: true}).LoadImage(context.Background(), srv.URL+"/", engine.DecodeHint{})
	wantReason(t, "self-signed certificate", err, ReasonNetwork)
	if hits != 0 {
		t.Errorf("a request went over an unverified TLS connection")
	}
}

func TestControlFailsClosed(t *testing.T) {
	g := newDialGuard(addrPolicy{allowLoopback: true, allowPrivate: true}, testHooks{}, time.Second)
	for _, addr := range []string{"not-an-address", "example.com:80", "127.0.0.1"} {
		err := g.control(context.Background(), "tcp", addr, nil)
		wantReason(t, "control("+strconv.Quote(addr)+")", err, ReasonBlocked)
	}
}
