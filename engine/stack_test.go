package engine

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// stackOf compiles a layout whose first layer is a stack and lays it out
// for data, as a render would.
func stackOf(t *testing.T, layers string, data Data) (*renderState, *stackRun, rect) {
	t.Helper()
	doc := `{"fields": {"a": {"type": "string"}, "b": {"type": "string"}}, "layers": [` + layers + `]}`
	tp, err := Compile("t.json", []byte(doc), &CompileOptions{Assets: os.DirFS("../testdata/layouts")})
	if err != nil {
		t.Fatal(err)
	}
	vals, err := tp.bind(data)
	if err != nil {
		t.Fatal(err)
	}
	st := &renderState{ctx: context.Background(), t: tp, vals: vals, info: &RenderInfo{}}
	run, box, err := tp.layers[0].drawer.(*stackLayer).layout(st)
	if err != nil {
		t.Fatal(err)
	}
	return st, run, box
}

func near(a, b rect) bool {
	const tol = 0.01
	return math.Abs(a.X-b.X) < tol && math.Abs(a.Y-b.Y) < tol && math.Abs(a.W-b.W) < tol && math.Abs(a.H-b.H) < tol
}

func rects(sizes ...string) string {
	var out []string
	for _, s := range sizes {
		out = append(out, `{"type": "rect", "fill": "#000", "box": {`+s+`}}`)
	}
	return strings.Join(out, ",")
}

// TestStackGeometry checks where children land, with a tolerance, for each
// sizing, alignment and direction.
func TestStackGeometry(t *testing.T) {
	two := rects(`"width": 100, "height": 50`, `"width": 60, "height": 30`)
	for _, tc := range []struct {
		name  string
		stack string // the stack's properties, before its layers
		kids  string
		data  Data
		box   rect
		want  []rect
	}{
		{"row hugs both axes", `"gap": 10, "padding": 20, "box": {"left": 40, "top": 30}`, two, nil,
			rect{40, 30, 210, 90}, []rect{{60, 50, 100, 50}, {170, 50, 60, 30}}},
		{"hug from the right and bottom edges", `"box": {"right": 40, "bottom": 10}`, two, nil,
			rect{1000, 570, 160, 50}, []rect{{1000, 570, 100, 50}, {1100, 570, 60, 30}}},
		{"grow shares what is left", `"gap": 10, "box": {"left": 0, "top": 0, "width": 400, "height": 40}`,
			rects(`"width": 100`, `"width": "grow"`, `"width": 50`), nil,
			rect{0, 0, 400, 40}, []rect{{0, 0, 100, 0}, {110, 0, 230, 0}, {350, 0, 50, 0}}},
		{"two grows share equally", `"box": {"left": 0, "top": 0, "width": 300, "height": 40}, "align": "stretch"`,
			rects(`"width": "grow"`, `"width": "grow"`, `"width": 100`), nil,
			rect{0, 0, 300, 40}, []rect{{0, 0, 100, 40}, {100, 0, 100, 40}, {200, 0, 100, 40}}},
		{"justify end, align center", `"justify": "end", "align": "center", "box": {"left": 0, "top": 0, "width": 300, "height": 100}`, two, nil,
			rect{0, 0, 300, 100}, []rect{{140, 25, 100, 50}, {240, 35, 60, 30}}},
		{"justify center, align end", `"justify": "center", "align": "end", "box": {"left": 0, "top": 0, "width": 300, "height": 100}`, two, nil,
			rect{0, 0, 300, 100}, []rect{{70, 50, 100, 50}, {170, 70, 60, 30}}},
		{"space-between", `"justify": "space-between", "box": {"left": 0, "top": 0, "width": 300, "height": 50}`,
			rects(`"width": 50, "height": 10`, `"width": 50, "height": 10`, `"width": 50, "height": 10`), nil,
			rect{0, 0, 300, 50}, []rect{{0, 0, 50, 10}, {125, 0, 50, 10}, {250, 0, 50, 10}}},
		{"column stretches across", `"direction": "column", "gap": 5, "align": "stretch", "box": {"left": 10, "top": 10, "width": 200}`,
			rects(`"height": 20`, `"width": 50, "height": 30`), nil,
			rect{10, 10, 200, 55}, []rect{{10, 10, 200, 20}, {10, 35, 50, 30}}},
		{"right to left mirrors the row", `"dir": "rtl", "gap": 10, "box": {"left": 0, "top": 0, "width": 300, "height": 50}`, two, nil,
			rect{0, 0, 300, 50}, []rect{{200, 0, 100, 50}, {130, 0, 60, 30}}},
		{"wrap starts a new line", `"wrap": true, "gap": 10, "box": {"left": 0, "top": 0, "width": 250}`,
			rects(`"width": 100, "height": 20`, `"width": 100, "height": 30`, `"width": 100, "height": 20`), nil,
			rect{0, 0, 250, 60}, []rect{{0, 0, 100, 20}, {110, 0, 100, 30}, {0, 40, 100, 20}}},
		{"a hidden child takes no room and no gap", `"gap": 10, "box": {"left": 0, "top": 0}`,
			`{"type": "rect", "box": {"width": 10, "height": 10}}, {"type": "rect", "when": "a", "box": {"width": 10, "height": 10}}, {"type": "rect", "box": {"width": 10, "height": 10}}`,
			Data{"a": ""}, rect{0, 0, 30, 10}, []rect{{0, 0, 10, 10}, {20, 0, 10, 10}}},
		{"separators only between drawn children", `"gap": 4, "box": {"left": 0, "top": 0}, "separator": {"type": "svg", "src": "assets/icon-star.svg", "box": {"width": 6, "height": 6}}`,
			`{"type": "rect", "when": "a", "box": {"width": 10, "height": 10}}, {"type": "rect", "box": {"width": 10, "height": 10}}, {"type": "rect", "when": "b", "box": {"width": 10, "height": 10}}, {"type": "rect", "box": {"width": 10, "height": 10}}`,
			Data{"a": "", "b": ""}, rect{0, 0, 34, 10}, []rect{{0, 0, 10, 10}, {14, 0, 6, 6}, {24, 0, 10, 10}}},
		{"nested stack hugs inside a column", `"direction": "column", "box": {"left": 0, "top": 0}`,
			`{"type": "stack", "gap": 5, "padding": 5, "layers": [` + two + `]}`, nil,
			rect{0, 0, 175, 60}, []rect{{0, 0, 175, 60}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			layer := `{"type": "stack", ` + tc.stack + `, "layers": [` + tc.kids + `]}`
			_, run, box := stackOf(t, layer, tc.data)
			if !near(box, tc.box) {
				t.Errorf("stack box %+v, want %+v", box, tc.box)
			}
			if len(run.placed) != len(tc.want) {
				t.Fatalf("%d children placed, want %d", len(run.placed), len(tc.want))
			}
			for i, n := range run.placed {
				if !near(n.box, tc.want[i]) {
					t.Errorf("child %d at %+v, want %+v", i, n.box, tc.want[i])
				}
			}
		})
	}
}

// TestStackNestedBoxes checks that a nested stack's children are placed
// inside it, after its padding.
func TestStackNestedBoxes(t *testing.T) {
	two := rects(`"width": 100, "height": 50`, `"width": 60, "height": 30`)
	_, run, _ := stackOf(t, `{"type": "stack", "direction": "column", "padding": 7, "box": {"left": 10, "top": 20}, "layers": [
		{"type": "rect", "box": {"width": 20, "height": 20}},
		{"type": "stack", "gap": 5, "padding": 5, "layers": [`+two+`]}]}`, nil)
	inner := run.placed[1].run.placed
	want := []rect{{22, 52, 100, 50}, {127, 52, 60, 30}}
	for i, n := range inner {
		if !near(n.box, want[i]) {
			t.Errorf("nested child %d at %+v, want %+v", i, n.box, want[i])
		}
	}
}

// TestStackTextWrapsAtColumnWidth checks that a text in a fixed-width
// column wraps at its width and that what follows moves by its height.
func TestStackTextWrapsAtColumnWidth(t *testing.T) {
	_, run, _ := stackOf(t, `{"type": "stack", "direction": "column", "gap": 10, "box": {"left": 0, "top": 0, "width": 200}, "layers": [
		{"type": "text", "text": "{{a}}", "size": 20, "lineHeight": 1.5, "maxLines": 3},
		{"type": "rect", "box": {"width": 10, "height": 10}}]}`, Data{"a": strings.Repeat("word ", 40)})
	text, rule := run.placed[0], run.placed[1]
	if got := len(text.block.Lines); got != 3 || !text.block.Truncated {
		t.Fatalf("%d lines (truncated %v), want 3 with an ellipsis", got, text.block.Truncated)
	}
	if text.box.W > 200.01 || longestLine(text.block) > 200.01 {
		t.Errorf("text %v wide in a 200px column", text.box.W)
	}
	if want := 3*30.0 + 10; math.Abs(rule.box.Y-want) > 0.01 {
		t.Errorf("the rect after the text at y %v, want %v", rule.box.Y, want)
	}
}

// TestStackSetsEachTextOnce counts how often texts are shaped and wrapped:
// once each when the row has room, as the measure pass promises.
func TestStackSetsEachTextOnce(t *testing.T) {
	text := func(s string) string { return fmt.Sprintf(`{"type": "text", "text": %q, "size": 24}`, s) }
	layers := `{"type": "stack", "direction": "column", "gap": 10, "box": {"left": 40, "top": 40, "width": 800}, "layers": [` +
		text("A title that wraps in the column when it is long enough to need two lines, at least") + `,` +
		text("An excerpt") + `,
		{"type": "stack", "gap": 8, "align": "baseline", "separator": {"type": "text", "text": "·", "size": 24}, "layers": [` +
		text("Amara Okafor") + `,` + text("12 March") + `,` + text("5 min read") + `]},
		{"type": "stack", "justify": "space-between", "box": {"width": "grow"}, "layers": [` + text("left") + `,{"type": "rect", "box": {"width": "grow"}},` + text("right") + `]}]}`
	st, run, _ := stackOf(t, layers, nil)
	if run == nil {
		t.Fatal("nothing laid out")
	}
	if want := 8; st.textSets != want { // 7 texts and the separator, set once for its two places
		t.Errorf("texts set %d times, want %d", st.textSets, want)
	}
}

// TestStackShrinksOverflowingRow checks that texts in a row too narrow for
// them give back room in proportion and end with an ellipsis.
func TestStackShrinksOverflowingRow(t *testing.T) {
	_, run, box := stackOf(t, `{"type": "stack", "gap": 10, "box": {"left": 0, "top": 0, "width": 300}, "layers": [
		{"type": "text", "text": "{{a}}", "size": 20, "maxLines": 1},
		{"type": "rect", "box": {"width": 50, "height": 10}},
		{"type": "text", "text": "{{b}}", "size": 20, "maxLines": 1}]}`,
		Data{"a": strings.Repeat("long ", 20), "b": strings.Repeat("longer ", 20)})
	right := 0.0
	for _, n := range run.placed {
		right = max(right, n.box.X+n.box.W)
	}
	if right > box.W+0.01 {
		t.Errorf("children reach x %v in a %vpx row", right, box.W)
	}
	for _, i := range []int{0, 2} {
		if b := run.placed[i].block; !b.Truncated || len(b.Lines) != 1 {
			t.Errorf("text %d: %d lines, truncated %v; want one line with an ellipsis", i, len(b.Lines), b.Truncated)
		}
	}
}

// TestStackReportsChildBoxes checks that a render reports every child's
// box for the preview, nested ones included.
func TestStackReportsChildBoxes(t *testing.T) {
	doc := `{"layers": [{"type": "stack", "name": "outer", "box": {"left": 10, "top": 10}, "layers": [
		{"type": "rect", "name": "r", "box": {"width": 20, "height": 20}},
		{"type": "stack", "layers": [{"type": "rect", "name": "inner", "box": {"width": 5, "height": 5}}]}]}]}`
	tp, err := Compile("t.json", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, info, err := tp.Render(context.Background(), nil, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range info.Layers {
		got = append(got, fmt.Sprintf("%s %s %v", l.Name, l.Kind, l.Box))
	}
	want := []string{
		`"r" (/layers/0/layers/0) rect (10,10)-(30,30)`,
		`/layers/0/layers/1 stack (30,10)-(35,15)`,
		`"inner" (/layers/0/layers/1/layers/0) rect (30,10)-(35,15)`,
		`"outer" (/layers/0) stack (10,10)-(35,30)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("layers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestStackNestedBaseline checks that a nested column lines its first
// text up with the texts of a baseline row.
func TestStackNestedBaseline(t *testing.T) {
	_, run, _ := stackOf(t, `{"type": "stack", "align": "baseline", "gap": 10, "box": {"left": 0, "top": 0}, "layers": [
		{"type": "text", "text": "Big", "size": 48},
		{"type": "stack", "direction": "column", "padding": 10, "layers": [
			{"type": "text", "text": "small", "size": 20},
			{"type": "text", "text": "second line", "size": 20}]}]}`, nil)
	big, col := run.placed[0], run.placed[1]
	small := col.run.placed[0]
	if a, b := big.box.Y+big.base, small.box.Y+small.base; math.Abs(a-b) > 0.01 {
		t.Errorf("baselines at y %v and %v, want one line", a, b)
	}
}
