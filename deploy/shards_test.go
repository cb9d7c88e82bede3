package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/ogcard/ogcard/internal/testrig/s3test"
)

// Three `ogcard warm --shard I/3` processes, as the chart's indexed Job
// runs them, warm one site into one real S3 bucket together: every card
// is rendered by exactly one of them (the split, and the card keys it
// hashes, are the same in every process), and a rerun renders nothing.
func TestWarmShardsAcrossProcesses(t *testing.T) {
	bin := ogcardBinary(t)
	s3 := s3test.Start(t)
	const n = 60
	lines := make([]byte, 0, n*80)
	for i := range n {
		row, _ := json.Marshal(map[string]string{"slug": fmt.Sprintf("shard-%02d", i), "title": fmt.Sprintf("A story for shard test %d", i), "brand": "Medial"})
		lines = append(append(lines, row...), '\n')
	}
	data := t.TempDir()
	rows := filepath.Join(data, "rows.jsonl")
	if err := os.WriteFile(rows, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	warm := func(shard string) string {
		args := []string{"warm", "--layout", "news", "--source", rows, "--data-dir", data, "--cache-url", s3.URL, "--format", "webp", "--demo=false", "--log-level=error"}
		if shard != "" {
			args = append(args, "--shard", shard)
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), s3.Env()...)
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("warm %s: %v\n%s", shard, err, out)
		}
		return string(out)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	rendered := 0
	for i := range 3 {
		wg.Go(func() {
			out := warm(fmt.Sprintf("%d/3", i))
			mu.Lock()
			defer mu.Unlock()
			rendered += count(t, out, "rendered")
		})
	}
	wg.Wait()
	if rendered != n {
		t.Errorf("three shards rendered %d cards, want each of the %d exactly once", rendered, n)
	}
	out := warm("")
	if r, s := count(t, out, "rendered"), count(t, out, "skipped"); r != 0 || s != n {
		t.Errorf("unsharded rerun: rendered %d, skipped %d; want 0 and %d\n%s", r, s, n, out)
	}
}

// count reads one line of warm's summary, such as "  rendered  20  (…)".
func count(t *testing.T, summary, what string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+` + what + `\s+(\d+)`).FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("no %q line in:\n%s", what, summary)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
