package deploy_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/sign"
	"gopkg.in/yaml.v3"
)

// atomicWriter lays files out in a folder the way kubelet mounts a
// ConfigMap: the files live in a timestamped folder, ..data links to it,
// and each file name links through ..data. An update writes a new
// folder, swaps ..data with a rename and deletes the old folder.
type atomicWriter struct {
	dir string
	gen int
}

func (w *atomicWriter) write(t *testing.T, files map[string]string) {
	t.Helper()
	w.gen++
	ts := "..2026_12_04_00_00_0" + string(rune('0'+w.gen))
	must(t, os.Mkdir(filepath.Join(w.dir, ts), 0o755))
	for name, body := range files {
		must(t, os.WriteFile(filepath.Join(w.dir, ts, name), []byte(body), 0o644))
	}
	old, _ := os.Readlink(filepath.Join(w.dir, "..data"))
	must(t, os.Symlink(ts, filepath.Join(w.dir, "..data_tmp")))
	must(t, os.Rename(filepath.Join(w.dir, "..data_tmp"), filepath.Join(w.dir, "..data")))
	for name := range files {
		link := filepath.Join(w.dir, name)
		if _, err := os.Lstat(link); os.IsNotExist(err) {
			must(t, os.Symlink(filepath.Join("..data", name), link))
		}
	}
	if old != "" {
		must(t, os.RemoveAll(filepath.Join(w.dir, old)))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Layouts mounted from a ConfigMap reload when kubelet swaps the mounted
// folder, as the chart promises (values.yaml, layouts): a card drawn
// after the swap uses the new layout, without a restart. The layout is
// the chart's own example, from ci/full-values.yaml.
func TestConfigMapLayoutsReload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server")
	}
	var values struct {
		Layouts map[string]string `yaml:"layouts"`
	}
	b, err := os.ReadFile(filepath.Join(chartDir, "ci", "full-values.yaml"))
	must(t, err)
	must(t, yaml.Unmarshal(b, &values))
	layout := values.Layouts["hello.json"]
	if layout == "" || !strings.Contains(layout, "#1b2433") {
		t.Fatal("ci/full-values.yaml: want layouts.hello.json with background #1b2433")
	}

	mount := &atomicWriter{dir: t.TempDir()}
	mount.write(t, map[string]string{"hello.json": layout})
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, ogcardBinary(t), "serve", "--addr="+addr, "--layouts="+mount.dir,
		"--data-dir="+t.TempDir(), "--cache-url=mem://", "--demo=false", "--preview=false",
		"--signing-keys="+signingKey, "--log-level=warn")
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	defer func() { cancel(); _ = cmd.Wait() }()
	base := "http://" + addr
	waitReady(t, base)

	signed, err := sign.Sign("/og/hello.jpg?"+url.Values{"title": {"Reloaded from a ConfigMap"}}.Encode(), signingKey)
	must(t, err)
	before := get(t, base+signed, "")
	if d := colourDistance(t, before.body, fallbackColour); d > 12 {
		t.Fatalf("the card before the update is %.0f from the layout's background #1b2433", d)
	}
	mount.write(t, map[string]string{"hello.json": strings.Replace(layout, "#1b2433", "#7a1f1f", 1)})
	deadline := time.Now().Add(20 * time.Second)
	for {
		after := get(t, base+signed, "")
		if after.etag != before.etag {
			if d := colourDistance(t, after.body, [3]float64{0x7a, 0x1f, 0x1f}); d > 12 {
				t.Errorf("the card after the update is %.0f from the new background #7a1f1f", d)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the card still uses the old layout 20s after the ConfigMap folder was swapped")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
