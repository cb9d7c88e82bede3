package server

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

// TestPreviewReportsStackChildren checks that the preview's layer boxes
// include every child of a stack, nested ones too, each inside its stack.
func TestPreviewReportsStackChildren(t *testing.T) {
	_, base, _ := newPreviewServer(t)
	resp, body := previewDo(t, "GET", base+"/preview/api/render?layout=blog&format=png&debug=1", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("render: %d %s", resp.StatusCode, body)
	}
	var layers []engine.LayerInfo
	js, _ := url.PathUnescape(resp.Header.Get("X-Layers"))
	if err := json.Unmarshal([]byte(js), &layers); err != nil {
		t.Fatalf("X-Layers: %v %q", err, js)
	}
	boxes := map[string]engine.LayerInfo{}
	for _, l := range layers {
		boxes[l.Name] = l
	}
	byline, author := boxes[`"byline" (/layers/2)`], boxes[`"author" (/layers/2/layers/0)`]
	if byline.Kind != "stack" || author.Kind != "text" || author.FontSize != 28 {
		t.Fatalf("no byline stack with its author text in %v", names(layers))
	}
	if !author.Box.In(byline.Box) || author.Box.Empty() {
		t.Errorf("author %v is not inside the byline %v", author.Box, byline.Box)
	}
}

func names(ls []engine.LayerInfo) string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return strings.Join(out, ", ")
}
