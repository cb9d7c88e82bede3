package nginxtest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ogcard/ogcard/internal/testrig/nginxtest"
)

// The rig's nginx proxies to the origin through its "ogcard" cache zone
// and applies the included directives: a cacheable answer is fetched
// from the origin once.
func TestStartCachesThroughZone(t *testing.T) {
	var hits atomic.Int64
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("Cache-Control", "public, max-age=60")
		io.WriteString(w, "hello from the origin")
	}))
	defer origin.Close()
	include := filepath.Join(t.TempDir(), "rules.conf")
	rules := "proxy_cache ogcard;\nadd_header X-Cache-Status $upstream_cache_status always;\n"
	if err := os.WriteFile(include, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	s := nginxtest.Start(t, nginxtest.Config{Upstreams: []string{strings.TrimPrefix(origin.URL, "http://")}, Include: include})
	for i, want := range []string{"MISS", "HIT"} {
		resp, err := http.Get(s.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "hello from the origin" || resp.Header.Get("X-Cache-Status") != want {
			t.Errorf("request %d: %s %q X-Cache-Status %q, want 200 from the origin, %s", i+1, resp.Status, body, resp.Header.Get("X-Cache-Status"), want)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the origin was asked %d times, want 1", n)
	}
}
