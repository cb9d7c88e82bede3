package main

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestResponses checks the hand-written HTTP/1.1 client against net/http's
// server: every kind of body is read to its end, statuses are reported,
// and connections are reused unless the server closes them.
func TestResponses(t *testing.T) {
	var conns atomic.Int64
	mux := http.NewServeMux()
	body := strings.Repeat("x", 25080)
	mux.HandleFunc("/length", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "25080")
		_, _ = w.Write([]byte(body))
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, _ *http.Request) {
		for range 3 {
			_, _ = w.Write([]byte(body[:1000]))
			w.(http.Flusher).Flush() // no Content-Length: chunked
		}
	})
	mux.HandleFunc("/notmodified", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("ETag", `"x"`)
		w.WriteHeader(http.StatusNotModified)
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = w.Write([]byte("bye"))
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	for _, tc := range []struct {
		path          string
		status        int
		bytes         int64
		reused        bool
		wantPerStatus int
	}{
		{"/length", 200, 25080, true, 20},
		{"/chunked", 200, 3000, true, 20},
		{"/notmodified", 304, 0, true, 20},
		{"/missing", 404, int64(len("404 page not found\n")), true, 20},
		{"/close", 200, 3, false, 20},
	} {
		t.Run(tc.path, func(t *testing.T) {
			before := conns.Load()
			reqs, err := targets(srv.URL+tc.path, "")
			if err != nil {
				t.Fatal(err)
			}
			res := run(reqs, 2, time.Minute, 20)
			if res.statuses[tc.status] != tc.wantPerStatus || len(res.statuses) != 1 {
				t.Errorf("statuses %v, want %d × %d", res.statuses, tc.wantPerStatus, tc.status)
			}
			if want := tc.bytes * 20; res.bytes != want {
				t.Errorf("read %d body bytes, want %d", res.bytes, want)
			}
			dialed := conns.Load() - before
			if tc.reused && dialed != 2 {
				t.Errorf("%d connections for 2 workers: keep-alive not kept", dialed)
			}
			if !tc.reused && dialed != 20 {
				t.Errorf("%d connections for 20 requests answered with Connection: close", dialed)
			}
		})
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	for _, u := range []string{"http://example.com/x", "http://10.0.0.1:8080/x", "https://127.0.0.1/x"} {
		if _, err := targets(u, ""); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if _, err := targets("http://localhost:8080/api/v1/og/news/a.webp", ""); err != nil {
		t.Errorf("localhost refused: %v", err)
	}
}

func TestReadHead(t *testing.T) {
	for _, tc := range []struct {
		head            string
		status          int
		length          int64
		chunked, closes bool
		bad             bool
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 200, 5, false, false, false},
		{"HTTP/1.1 200\r\ncontent-length:  7 \r\n\r\n", 200, 7, false, false, false},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", 200, -1, true, true, false},
		{"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", 200, 1, false, true, false},
		{"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n", 200, 1, false, false, false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, 0, false, false, true},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, 0, false, false, true},
		{"HTTP/1.1 2x0 OK\r\n\r\n", 0, 0, false, false, true},
		{"SPDY/3 200 OK\r\n\r\n", 0, 0, false, false, true},
	} {
		status, length, chunked, closes, err := readHead(bufio.NewReader(strings.NewReader(tc.head)))
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error", tc.head)
			}
			continue
		}
		if err != nil || status != tc.status || length != tc.length || chunked != tc.chunked || closes != tc.closes {
			t.Errorf("%q: got %d %d %v %v %v", tc.head, status, length, chunked, closes, err)
		}
	}
}
