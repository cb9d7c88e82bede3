package fetch

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/engine"
)

func TestHostList(t *testing.T) {
	h := newHostList([]string{"cdn.example.com", "*.img.example.org", "Photos.Example.NET.", "2001:DB8:0::1", "203.0.113.5"})
	for host, want := range map[string]bool{
		"cdn.example.com":            true,
		"photos.example.net":         true,
		"a.img.example.org":          true,
		"a.b.img.example.org":        true,
		"img.example.org":            false, // the pattern needs a label in front
		"evilimg.example.org":        false,
		"img.example.org.evil.com":   false,
		"a.img.example.org.evil.com": false,
		"cdn.example.com.evil.com":   false,
		"evilcdn.example.com":        false,
		"example.com":                false,
		"www.cdn.example.com":        false, // exact means exact
		"":                           false,
		"2001:db8::1":                true, // the spelling net/url gives, judged as the same address
		"203.0.113.5":                true,
		"203.0.113.6":                false,
	} {
		host, err := canonicalHost(host)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.allows(host); got != want {
			t.Errorf("allows(%q) = %v, want %v", host, got, want)
		}
	}
	for _, entries := range [][]string{{"cdn.example.com:443"}, {"*"}, {"a.*.com"}, {"http://cdn.example.com"}, {""}} {
		if newHostList(entries).allows("cdn.example.com") {
			t.Errorf("invalid entries %q allow cdn.example.com: a typo must not open the list", entries)
		}
	}
	if !newHostList(nil).allows("anything.example") {
		t.Error("an empty list must allow any host")
	}
}

func TestAllowHosts(t *testing.T) {
	srv := newHitServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		servePNG(t).ServeHTTP(w, r)
	}))
	p := srv.port()
	names := map[string]string{}
	for _, n := range []string{"cdn.example.com", "a.img.example.org", "img.example.org", "evil.test", "cdn.example.com.evil.test", "evilcdn.example.com", "evilimg.example.org"} {
		names[n] = "127.0.0.1"
	}
	l := newLoader(Options{Timeout: 3 * time.Second, AllowLoopback: true, AllowHosts: []string{"cdn.example.com", "*.img.example.org"}},
		testHooks{hosts: names})
	for ref, ok := range map[string]bool{
		"http://cdn.example.com:" + p + "/":                                true,
		"http://CDN.Example.COM.:" + p + "/":                               true,
		"http://ｃｄｎ.example.com:" + p + "/":                                true, // IDNA maps it to the host it dials
		"http://a.img.example.org:" + p + "/":                              true,
		"http://evil.test@cdn.example.com:" + p + "/":                      true, // userinfo is not the host
		"http://cdn.example.com@evil.test:" + p + "/":                      false,
		"http://cdn.example.com:x@evil.test:" + p + "/":                    false,
		"http://img.example.org:" + p + "/":                                false,
		"http://evilimg.example.org:" + p + "/":                            false,
		"http://evilcdn.example.com:" + p + "/":                            false,
		"http://cdn.example.com.evil.test:" + p + "/":                      false,
		"http://cdn.example.com:" + p + "/?to=http://evil.test:" + p + "/": false, // redirects stay on the list
	} {
		before := srv.hits.Load()
		_, err := l.LoadImage(context.Background(), ref, engine.DecodeHint{})
		hits := srv.hits.Load() - before
		switch {
		case ok && err != nil:
			t.Errorf("%s: %v, want loaded", ref, err)
		case !ok:
			wantReason(t, ref, err, ReasonBlocked)
			if strings.Contains(ref, "?to=") {
				hits-- // the allowed first hop
			}
			if hits != 0 {
				t.Errorf("%s: reached the server, want refused before connecting", ref)
			}
		}
	}
}
