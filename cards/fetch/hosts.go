package fetch

import (
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// hostList is the AllowHosts allow-list: exact names and "*.suffix"
// patterns, in canonicalHost form.
type hostList struct {
	anyHost  bool // no list: any host
	exact    map[string]bool
	suffixes []string // ".example.com" for "*.example.com"
}

// newHostList parses AllowHosts entries: names, IP addresses, "*." and a
// name. An entry that is none of these (a port, a scheme, a "*" in the
// middle) matches nothing, so a typo narrows the list rather than
// opening it.
func newHostList(entries []string) hostList {
	h := hostList{anyHost: len(entries) == 0, exact: map[string]bool{}}
	for _, e := range entries {
		wild := strings.HasPrefix(e, "*.")
		name, err := canonicalHost(strings.TrimPrefix(e, "*."))
		switch {
		case err != nil || !validEntry(name):
			continue
		case wild:
			h.suffixes = append(h.suffixes, "."+name)
		default:
			h.exact[name] = true
		}
	}
	return h
}

// validEntry reports whether a canonical entry is an IP address or a
// name with nothing of a URL or a pattern left in it.
func validEntry(name string) bool {
	if _, err := netip.ParseAddr(name); err == nil {
		return true
	}
	return name != "" && !strings.ContainsAny(name, "*:/@[]%")
}

// allows reports whether the canonical host is on the list. A suffix
// pattern needs at least one more label, so "*.example.com" does not
// admit "example.com" itself, nor "evilexample.com".
func (h hostList) allows(host string) bool {
	if h.anyHost || h.exact[host] {
		return true
	}
	for _, s := range h.suffixes {
		if strings.HasSuffix(host, s) && len(host) > len(s) {
			return true
		}
	}
	return false
}

// canonicalHost returns host as net/http will dial it: a non-ASCII name
// IDNA-mapped the way the Transport maps it (so "ｃｄｎ.example.com" is
// judged as the "cdn.example.com" it connects to), then lower case and
// without a trailing dot; an IP address in its standard spelling.
func canonicalHost(host string) (string, error) {
	if !isASCII(host) {
		var err error
		if host, err = idna.Lookup.ToASCII(host); err != nil {
			return "", err
		}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.String(), nil
	}
	return strings.TrimSuffix(strings.ToLower(host), "."), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkURL applies the checks that need no connection to a request's URL,
// the first one and every redirect: the scheme, the allow-list, and names
// that are loopback or ambiguous by their spelling alone.
func (l *Loader) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return blockedf("unsupported URL scheme %q", u.Scheme)
	}
	host, err := canonicalHost(u.Hostname())
	if err != nil || host == "" {
		return blockedf("invalid host %q", u.Hostname())
	}
	if !l.hosts.allows(host) {
		return blockedf("host %s is not in the allow-list", host)
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil // a literal address: the dialer judges it like any other
	}
	if numericLooking(host) {
		// 2130706433, 0177.0.0.1, 0x7f.1: resolvers disagree on what these
		// mean (getaddrinfo reads them as 127.0.0.1), and no real name
		// has a numeric top-level label.
		return blockedf("ambiguous numeric host %q", host)
	}
	if (host == "localhost" || strings.HasSuffix(host, ".localhost")) && !l.dial.policy.allowLoopback {
		return blockedf("%s is a loopback name", host) // RFC 6761: never sent to DNS
	}
	return nil
}

// numericLooking reports whether the last label of host is a number, in
// decimal or in hex.
func numericLooking(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if strings.HasPrefix(last, "0x") {
		last = last[2:]
		return last == "" || strings.Trim(last, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}
