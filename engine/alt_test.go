package engine_test

import (
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

func TestAlt(t *testing.T) {
	const layers = `"layers": [{"type": "text", "text": "{{title}}", "box": {"left": 0, "top": 0, "width": 100, "height": 50}, "size": 20}]`
	for doc, want := range map[string]string{
		`{"fields": {"title": {"type": "string"}, "brand": {"type": "string"}}, "alt": "{{title}} — {{brand | upper}}", ` + layers + `}`: "Hello — DAILY",
		`{"fields": {"title": {"type": "string"}}, ` + layers + `}`:                                                                      "Hello",
	} {
		tp, err := engine.Compile("alt.json", []byte(doc), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := tp.Alt(engine.Data{"title": "Hello", "brand": "daily"}); got != want || err != nil {
			t.Errorf("%s: alt %q (%v), want %q", doc, got, err, want)
		}
	}
	_, err := engine.Compile("alt.json", []byte(`{"fields": {"title": {"type": "string"}}, "alt": "{{nope}}", `+layers+`}`), nil)
	if err == nil {
		t.Error("an alt naming no field compiled")
	} else if want := "/alt"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
}
