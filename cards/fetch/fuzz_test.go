package fetch

import (
	"net/netip"
	"net/url"
	"testing"
)

// FuzzCheckURL feeds picture URLs to the checks made before any
// connection: they never panic, their host spelling is canonical (a
// second pass changes nothing), and a host they pass is an IP literal
// (judged again by the dialer) or a name that cannot be read as a number.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"http://example.com/a.jpg", "https://127.0.0.1/x", "http://2130706433/", "http://0177.0.0.1/",
		"http://0x7f.1/", "http://[::ffff:127.0.0.1]/", "http://localhost./", "http://ｃｄｎ.example.com/",
		"http://[fe80::1%25eth0]/", "ftp://example.com/", "http://a.b.c.0x/", "http://xn--nxasmq6b.com/",
	} {
		f.Add(s)
	}
	l := New(Options{})
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		if host, err := canonicalHost(u.Hostname()); err == nil {
			if again, err := canonicalHost(host); err != nil || again != host {
				t.Fatalf("canonicalHost is not idempotent: %q → %q → %q (%v)", u.Hostname(), host, again, err)
			}
		}
		if l.checkURL(u) != nil {
			return
		}
		host, _ := canonicalHost(u.Hostname())
		if _, err := netip.ParseAddr(host); err != nil && numericLooking(host) {
			t.Fatalf("%q passed with the numeric host %q", raw, host)
		}
	})
}

// FuzzClassify checks the address classes on any 16 bytes: a public
// address is never loopback, private, link-local, multicast or
// unspecified in any spelling (IPv4-mapped, NAT64, 6to4), and the
// mapped form of an IPv4 address is judged as that address.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "10.1.2.3", "169.254.169.254", "::ffff:192.168.0.1", "64:ff9b::a00:1", "2002:7f00:1::", "8.8.8.8", "2001:4860::8888", "::", "fe80::1"} {
		a := netip.MustParseAddr(s).As16()
		f.Add(a[:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != 16 {
			return
		}
		a := netip.AddrFrom16([16]byte(b))
		c := classify(a)
		u := a.Unmap()
		if c == classPublic && (u.IsLoopback() || u.IsPrivate() || u.IsLinkLocalUnicast() || u.IsMulticast() || u.IsUnspecified()) {
			t.Fatalf("%s classified public", a)
		}
		if v4, ok := embeddedIPv4(u); ok && c == classPublic && classify(v4) != classPublic {
			t.Fatalf("%s carries %s (%v) but is public", a, v4, classify(v4))
		}
		if a.Is4In6() && c != classify(u) {
			t.Fatalf("mapped %s is %v, its IPv4 %s is %v", a, c, u, classify(u))
		}
	})
}
