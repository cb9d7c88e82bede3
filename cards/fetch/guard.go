package fetch

import (
	"net/netip"
)

// addrClass sorts an IP address for the connect-time check.
type addrClass int

const (
	classPublic   addrClass = iota // globally routable: always allowed
	classLoopback                  // allowed only with AllowLoopback
	classPrivate                   // allowed only with AllowPrivate
	classDenied                    // never allowed
)

func (c addrClass) String() string {
	return [...]string{"public", "loopback", "private", "special-purpose"}[c]
}

// rangeClass maps special-purpose ranges (IANA's IPv4 and IPv6
// special-purpose registries, RFC 6890 and successors) to their class.
type rangeClass struct {
	prefix netip.Prefix
	class  addrClass
}

var specialRanges = []rangeClass{
	{netip.MustParsePrefix("0.0.0.0/8"), classDenied},       // "this network": 0.0.0.0 reaches the local host on Linux
	{netip.MustParsePrefix("10.0.0.0/8"), classPrivate},     // RFC 1918
	{netip.MustParsePrefix("100.64.0.0/10"), classPrivate},  // carrier-grade NAT, also VPN meshes
	{netip.MustParsePrefix("127.0.0.0/8"), classLoopback},   // loopback
	{netip.MustParsePrefix("169.254.0.0/16"), classDenied},  // link-local, incl. cloud metadata 169.254.169.254
	{netip.MustParsePrefix("172.16.0.0/12"), classPrivate},  // RFC 1918
	{netip.MustParsePrefix("192.0.0.0/24"), classDenied},    // IETF protocol assignments (DS-Lite, NAT64 discovery, Oracle metadata)
	{netip.MustParsePrefix("192.0.2.0/24"), classDenied},    // TEST-NET-1 documentation
	{netip.MustParsePrefix("192.88.99.0/24"), classDenied},  // deprecated 6to4 relay anycast
	{netip.MustParsePrefix("192.168.0.0/16"), classPrivate}, // RFC 1918
	{netip.MustParsePrefix("198.18.0.0/15"), classDenied},   // benchmarking
	{netip.MustParsePrefix("198.51.100.0/24"), classDenied}, // TEST-NET-2 documentation
	{netip.MustParsePrefix("203.0.113.0/24"), classDenied},  // TEST-NET-3 documentation
	{netip.MustParsePrefix("224.0.0.0/4"), classDenied},     // multicast
	{netip.MustParsePrefix("240.0.0.0/4"), classDenied},     // reserved, incl. broadcast 255.255.255.255
	{netip.MustParsePrefix("::/96"), classDenied},           // unspecified, deprecated IPv4-compatible (::1 is matched first)
	{netip.MustParsePrefix("64:ff9b:1::/48"), classDenied},  // local-use NAT64: the embedded IPv4 means whatever the site wants
	{netip.MustParsePrefix("100::/64"), classDenied},        // discard-only
	{netip.MustParsePrefix("2001::/23"), classDenied},       // IETF protocol assignments, incl. Teredo (2001::/32) and benchmarking
	{netip.MustParsePrefix("2001:db8::/32"), classDenied},   // documentation
	{netip.MustParsePrefix("3fff::/20"), classDenied},       // documentation (RFC 9637)
	{netip.MustParsePrefix("5f00::/16"), classDenied},       // SRv6 segment identifiers
	{netip.MustParsePrefix("fc00::/7"), classPrivate},       // unique local addresses
	{netip.MustParsePrefix("fec0::/10"), classDenied},       // deprecated site-local
	{netip.MustParsePrefix("fe80::/10"), classDenied},       // link-local
	{netip.MustParsePrefix("ff00::/8"), classDenied},        // multicast
}

// metadataAddrs are cloud metadata services that sit inside ranges
// AllowPrivate opens (CGNAT, unique local): they stay denied, since they
// hand out credentials to whoever asks from inside the instance.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
}

var (
	loopback6 = netip.MustParseAddr("::1")
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64 prefix: the last 32 bits are an IPv4 address
	sixToFour = netip.MustParsePrefix("2002::/16")    // 6to4: bits 16-47 are an IPv4 address
)

// classify returns the class of a. IPv6 forms that carry an IPv4 address
// (mapped, NAT64, 6to4) take the class of that address, except that only
// the mapped form (the same socket, not a gateway) can be loopback or
// private: a translated form of a non-public address is denied.
func classify(a netip.Addr) addrClass {
	a = a.WithZone("").Unmap()
	if a == loopback6 {
		return classLoopback
	}
	if v4, ok := embeddedIPv4(a); ok {
		if classify(v4) == classPublic {
			return classPublic
		}
		return classDenied
	}
	for _, m := range metadataAddrs {
		if a == m {
			return classDenied
		}
	}
	for _, r := range specialRanges {
		if r.prefix.Contains(a) {
			return r.class
		}
	}
	if !a.IsGlobalUnicast() { // belt and braces for anything the table misses
		return classDenied
	}
	return classPublic
}

// embeddedIPv4 returns the IPv4 address inside a NAT64 or 6to4 address.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case !a.Is6():
		return netip.Addr{}, false
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return netip.Addr{}, false
}

// addrPolicy says which addresses a Loader may connect to.
type addrPolicy struct {
	allowLoopback bool
	allowPrivate  bool
}

// check returns nil if the policy allows connecting to a, else an
// ErrBlocked error naming the address and its class.
func (p addrPolicy) check(a netip.Addr) error {
	c := classify(a)
	switch {
	case c == classPublic,
		c == classLoopback && p.allowLoopback,
		c == classPrivate && p.allowPrivate:
		return nil
	}
	return blockedf("%s is a %s address", a, c)
}
