// Package fetch loads the pictures that cards are drawn with: http(s)
// URLs anyone may put in a request, and, when the options allow, local
// files and file:// URLs. A [Loader] implements engine.ImageLoader.
//
// # Limits
//
// Every load runs under one deadline (Options.Timeout, default 10s) from
// connect to last byte, so a server trickling a byte a second holds a
// worker no longer than that; a byte cap (MaxBytes, default 15 MB)
// checked against Content-Length and again while reading; and a pixel
// cap (MaxPixels) checked by engine.DecodeImage from the header, before
// any pixel is decoded. JPEG, PNG, GIF (first frame) and WebP decode;
// anything else is refused by its content, whatever its Content-Type.
//
// # Server-side request forgery
//
// The default client connects through a dialer whose Control function
// sees the address of every socket just before connect(2), after DNS:
// for the first request, for each of at most 3 redirects, and for each
// address Happy Eyeballs tries. Only public addresses pass. Denied are
// loopback, private (RFC 1918, CGNAT, unique local), link-local
// (including the metadata service at 169.254.169.254), multicast,
// unspecified, broadcast, benchmarking, documentation and other IANA
// special-purpose ranges, and IPv4-mapped, NAT64 and 6to4 IPv6 forms of
// denied IPv4 addresses. Judging the connected address, not the URL,
// defeats DNS rebinding, names that resolve inward, redirects inward and
// odd spellings of addresses alike. No proxy from the environment is
// used (it would be dialed instead of the target), HTTP/2 is off so a
// connection never serves a host it was not dialed for, and TLS
// certificates are verified.
//
// Before connecting, each URL (redirects included) must be http or https
// and name a host on Options.AllowHosts when that is set (judged by the
// real host: "http://cdn.example.com@evil.com/" is evil.com). Names that
// are loopback by definition ("localhost") and numeric spellings that
// resolvers disagree on ("2130706433", "0x7f.1") are refused outright.
// AllowLoopback and AllowPrivate open the matching ranges for tests and
// intranets; both are unsafe on a public server. A custom Options.Client
// keeps the URL checks but must do its own address checks.
//
// # Errors
//
// Errors are short phrases fit for a log line and for the reason of a
// fallback ("http 404", "blocked: 10.0.0.5 is a private address").
// [Reason] sorts every one into a fixed set of words for metrics:
// blocked, timeout, too_large, too_many_pixels, http_status, not_image,
// decode, network, file, other. The kinds are also sentinels and types
// for errors.Is and errors.As: [ErrBlocked], [ErrTimeout], [ErrTooLarge],
// engine.ErrTooManyPixels, [StatusError], engine.ErrUnsupportedImage,
// [ErrDecode], [ErrNetwork], [ErrFile].
//
// # Concurrency
//
// A Loader is safe for concurrent use and should be shared: its client
// pools connections across calls. It keeps no other state.
package fetch
