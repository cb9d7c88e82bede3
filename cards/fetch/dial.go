package fetch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// testHooks let tests point names at local servers and admit one exact
// address, so that SSRF cases run offline against httptest servers while
// the real policy stays on. Production Loaders have none.
type testHooks struct {
	// hosts maps host names to IP addresses in place of DNS; a name
	// missing from a non-nil map fails to resolve.
	hosts map[string]string
	// allowDial, if set and true for an address, admits it whatever
	// the policy says.
	allowDial func(netip.AddrPort) bool
}

// dialGuard connects to hosts, refusing at connect time any address the
// policy denies.
type dialGuard struct {
	policy addrPolicy
	hooks  testHooks
	dialer net.Dialer
}

func newDialGuard(policy addrPolicy, hooks testHooks, timeout time.Duration) *dialGuard {
	g := &dialGuard{policy: policy, hooks: hooks}
	g.dialer = net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, ControlContext: g.control}
	return g
}

// control runs after DNS, for every address the dialer tries (each
// candidate of Happy Eyeballs, each redirect hop, each new connection),
// just before connect(2). Checking here rather than the URL's host
// defeats DNS rebinding and every spelling trick: it sees the address
// the socket is about to reach and nothing else.
func (g *dialGuard) control(_ context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return blockedf("unparsable address %q on %s", address, network)
	}
	if g.hooks.allowDial == nil || !g.hooks.allowDial(ap) {
		if err := g.policy.check(ap.Addr()); err != nil {
			return err
		}
	}
	if testsOnlyLoopback.Load() && !ap.Addr().Unmap().IsLoopback() {
		// A safety net for this package's tests: whatever a bug in the
		// policy lets through, no test opens a connection off this
		// machine. It is not a "blocked" error, so the SSRF tests still
		// fail when the policy is wrong.
		return fmt.Errorf("test guard: the policy let %s through; tests stay on loopback", address)
	}
	return nil
}

// testsOnlyLoopback is set by this package's TestMain.
var testsOnlyLoopback atomic.Bool

// DialContext is the Transport's dial function.
func (g *dialGuard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if g.hooks.hosts != nil {
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		if _, err := netip.ParseAddr(host); err != nil {
			ip, ok := g.hooks.hosts[strings.TrimSuffix(strings.ToLower(host), ".")]
			if !ok {
				return nil, &net.DNSError{Err: "no such host (test resolver)", Name: host, IsNotFound: true}
			}
			address = net.JoinHostPort(ip, port)
		}
	}
	return g.dialer.DialContext(ctx, network, address) // *net.OpError already names the address
}
