package server

import (
	"net/http"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// The load tool the README measures with (vegeta, a tool in go.mod)
// drives the real server: a bounded burst of cache hits on loopback, all
// answered 200 with the card's bytes.
func TestVegetaDrivesCacheHits(t *testing.T) {
	_, ts := newTestServer(t)
	url := ts.URL + "/api/v1/og/news/budget-2025.webp"
	first, body := get(t, "GET", url)
	if first.StatusCode != http.StatusOK {
		t.Fatalf("warm-up: %d %s", first.StatusCode, body)
	}
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: url})
	attacker := vegeta.NewAttacker(vegeta.Workers(4), vegeta.MaxWorkers(4), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	for res := range attacker.Attack(targeter, vegeta.Rate{Freq: 100, Per: time.Second}, 2*time.Second, "hits") {
		m.Add(res)
	}
	m.Close()
	if m.Requests < 100 || m.Success != 1 || m.StatusCodes["200"] != int(m.Requests) {
		t.Fatalf("%d requests, success %.3f, statuses %v, errors %v; want every one a 200", m.Requests, m.Success, m.StatusCodes, m.Errors)
	}
	if want := uint64(len(body)) * m.Requests; m.BytesIn.Total != want {
		t.Errorf("%d bytes in, want %d (the card, every time)", m.BytesIn.Total, want)
	}
}
