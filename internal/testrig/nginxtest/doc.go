// Package nginxtest runs a real nginx (Debian's package) as a caching
// reverse proxy in front of origin servers, for tests that show how
// ogcard behaves behind a CDN.
//
// Start writes an nginx.conf into a fresh temporary directory: one
// upstream of the given origins with keep-alive, a proxy_cache zone named
// "ogcard" in that directory, and one server on a free 127.0.0.1 port
// whose location proxies to the upstream and includes the given file of
// directives (the repository's deploy/nginx/cdn.conf), so the rules under
// test are the ones deployed. nginx runs in the foreground and is stopped
// when the test ends.
//
// Errors: nginx missing skips the test, or fails it when the environment
// variable CI is set (CI must never pass by skipping); a configuration
// nginx refuses, or one that does not start, fails the test with nginx's
// own error log.
//
// Concurrency: a Server's methods are safe to call from several
// goroutines.
package nginxtest
