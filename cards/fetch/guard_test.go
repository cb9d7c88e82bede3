package fetch

import (
	"net/netip"
	"testing"
)

func TestClassify(t *testing.T) {
	for addr, want := range map[string]addrClass{
		"8.8.8.8":                classPublic,
		"1.1.1.1":                classPublic,
		"2606:4700:4700::1111":   classPublic,
		"64:ff9b::808:808":       classPublic, // NAT64 of 8.8.8.8: IPv6-only hosts reach the world this way
		"2002:808:808::1":        classPublic, // 6to4 of 8.8.8.8
		"::ffff:8.8.8.8":         classPublic,
		"127.0.0.1":              classLoopback,
		"127.255.255.254":        classLoopback,
		"::1":                    classLoopback,
		"::ffff:127.0.0.1":       classLoopback, // the same socket as 127.0.0.1
		"10.0.0.1":               classPrivate,
		"172.16.0.1":             classPrivate,
		"172.31.255.255":         classPrivate,
		"192.168.1.1":            classPrivate,
		"100.64.0.1":             classPrivate,
		"fc00::1":                classPrivate,
		"fd12:3456::1":           classPrivate,
		"::ffff:10.0.0.1":        classPrivate,
		"172.32.0.1":             classPublic, // just past 172.16/12
		"100.128.0.1":            classPublic, // just past 100.64/10
		"0.0.0.0":                classDenied,
		"0.1.2.3":                classDenied,
		"::":                     classDenied,
		"::127.0.0.1":            classDenied, // deprecated IPv4-compatible
		"169.254.169.254":        classDenied,
		"::ffff:169.254.169.254": classDenied,
		"fe80::1":                classDenied,
		"fe80::1%eth0":           classDenied,
		"fec0::1":                classDenied,
		"224.0.0.1":              classDenied,
		"239.255.255.250":        classDenied,
		"ff02::1":                classDenied,
		"255.255.255.255":        classDenied,
		"240.0.0.1":              classDenied,
		"198.18.0.1":             classDenied,
		"198.19.255.255":         classDenied,
		"192.0.2.1":              classDenied,
		"198.51.100.1":           classDenied,
		"203.0.113.1":            classDenied,
		"192.0.0.192":            classDenied, // Oracle Cloud metadata
		"2001:db8::1":            classDenied,
		"3fff::1":                classDenied,
		"2001::1":                classDenied, // Teredo
		"64:ff9b::7f00:1":        classDenied, // NAT64 of loopback: not loopback, a gateway's idea of it
		"64:ff9b::a00:1":         classDenied, // NAT64 of 10.0.0.1
		"64:ff9b::a9fe:a9fe":     classDenied, // NAT64 of 169.254.169.254
		"64:ff9b:1::808:808":     classDenied, // local-use NAT64
		"2002:7f00:1::1":         classDenied, // 6to4 of 127.0.0.1
		"2002:c0a8:101::1":       classDenied, // 6to4 of 192.168.1.1
		"2002:a9fe:a9fe::":       classDenied, // 6to4 of 169.254.169.254
		"100.100.100.200":        classDenied, // Alibaba metadata, inside CGNAT
		"fd00:ec2::254":          classDenied, // AWS IPv6 metadata, inside fc00::/7
	} {
		if got := classify(netip.MustParseAddr(addr)); got != want {
			t.Errorf("classify(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestPolicy(t *testing.T) {
	strict, loop, private := addrPolicy{}, addrPolicy{allowLoopback: true}, addrPolicy{allowPrivate: true}
	for _, c := range []struct {
		p     addrPolicy
		addr  string
		allow bool
	}{
		{strict, "8.8.8.8", true},
		{strict, "127.0.0.1", false},
		{strict, "10.0.0.1", false},
		{loop, "127.0.0.1", true},
		{loop, "::1", true},
		{loop, "::ffff:127.0.0.1", true},
		{loop, "10.0.0.1", false},
		{loop, "169.254.169.254", false},
		{private, "10.0.0.1", true},
		{private, "fd12::1", true},
		{private, "100.64.0.1", true},
		{private, "127.0.0.1", false},
		{private, "169.254.169.254", false},
		{private, "100.100.100.200", false},
		{private, "fd00:ec2::254", false},
		{addrPolicy{allowLoopback: true, allowPrivate: true}, "0.0.0.0", false},
	} {
		err := c.p.check(netip.MustParseAddr(c.addr))
		if (err == nil) != c.allow {
			t.Errorf("%+v check(%s) = %v, want allowed %v", c.p, c.addr, err, c.allow)
		}
		if err != nil && Reason(err) != ReasonBlocked {
			t.Errorf("check(%s): Reason %q, want blocked", c.addr, Reason(err))
		}
	}
}
