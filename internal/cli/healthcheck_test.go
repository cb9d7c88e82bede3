package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080/healthz",
		":9000":          "http://127.0.0.1:9000/healthz",
		"0.0.0.0:8081":   "http://127.0.0.1:8081/healthz",
		"[::]:8082":      "http://127.0.0.1:8082/healthz",
		"127.0.0.2:8083": "http://127.0.0.2:8083/healthz",
		"nonsense":       "http://127.0.0.1:8080/healthz",
	} {
		if got := healthURL(addr); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// The probe exits 0 on 200 and 1 otherwise, as a HEALTHCHECK needs.
func TestHealthcheckCommand(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		status int
		want   int
	}{{http.StatusOK, 0}, {http.StatusServiceUnavailable, 1}} {
		status = tc.status
		var stderr bytes.Buffer
		if got := Main([]string{"healthcheck", "--url", srv.URL + "/healthz"}, &bytes.Buffer{}, &stderr); got != tc.want {
			t.Errorf("server answering %d: exit %d, want %d (%s)", tc.status, got, tc.want, stderr.String())
		}
	}
	srv.Close()
	if got := Main([]string{"healthcheck", "--url", srv.URL + "/healthz"}, &bytes.Buffer{}, &bytes.Buffer{}); got != 1 {
		t.Errorf("server gone: exit %d, want 1", got)
	}
}
