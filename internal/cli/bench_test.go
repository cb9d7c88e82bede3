package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBenchJSON(t *testing.T) {
	code, out, errOut := run(t, "bench", "-n", "1", "--warmup", "0", "--streams", "0", "--formats", "jpeg", "--cases", "full,text_only", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Tool  string
		Cases []struct {
			Case, Format string
			Bytes        int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Tool != "ogcard" || len(rep.Cases) != 2 || rep.Cases[0].Case != "full" || rep.Cases[1].Case != "text_only" || rep.Cases[0].Bytes <= 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestBenchTableFromALayoutFile(t *testing.T) {
	code, out, errOut := run(t, "bench", "--layout", "testdata/layouts/reference.json", "-n", "1", "--warmup", "0", "--streams", "0", "--formats", "png", "--cases", "photo_reused")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "reference (1200x630)") || !strings.Contains(out, "photo_reused") || !strings.Contains(out, "peak RSS") {
		t.Errorf("table:\n%s", out)
	}
}

func TestBenchSetAppliesToTheBuiltInLayout(t *testing.T) {
	code, out, errOut := run(t, "bench", "--set", "imageUrl=", "-n", "1", "--warmup", "0", "--streams", "0", "--formats", "jpeg", "--cases", "full,text_only")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "full: skipped") || strings.Contains(out, "  full ") {
		t.Errorf("--set imageUrl= should leave no photo to measure:\n%s", out)
	}
	code, _, errOut = run(t, "bench", "--set", "imageUrl=testdata/bg.jpg", "-n", "1", "--warmup", "0", "--streams", "0", "--formats", "jpeg", "--cases", "full")
	if code != 0 {
		t.Errorf("a photo on disk with the built-in layout: exit %d: %s", code, errOut)
	}
}

func TestBenchUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--cases", "everything"},
		{"bench", "--formats", "gif"},
		{"bench", "-n", "0"},
	} {
		if code, _, errOut := run(t, args...); code != 2 || !strings.Contains(errOut, "ogcard bench:") {
			t.Errorf("%v: exit %d, %q; want a one-line usage error and exit 2", args, code, errOut)
		}
	}
}
