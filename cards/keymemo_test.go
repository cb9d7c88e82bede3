package cards

import (
	"maps"
	"math"
	"strconv"
	"testing"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/layouts"
)

// newsTemplate is the built-in news layout, compiled.
func newsTemplate(t testing.TB) *engine.Template {
	t.Helper()
	data, err := layouts.FS.ReadFile("news.json")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := engine.Compile("news.json", data, &engine.CompileOptions{Assets: layouts.FS})
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// The memo answers what CacheKey answers, and a hash collision costs a
// CacheKey call, never another card's key.
func TestKeyMemoIsCacheKey(t *testing.T) {
	tpl := newsTemplate(t)
	out := tpl.Output
	var memo keyMemo
	cases := []engine.Data{
		{"title": "A headline", "brand": "Medial"},
		{"title": "A headline", "brand": "Medial", "unused": int64(3)},
		{"title": "A headline", "brand": "Medial", "unused": 0.0},
		{"title": "A headline", "brand": "Medial", "unused": math.Copysign(0, -1)},
		{"title": "A headline", "brand": "Medial", "unused": true},
		{"title": "A headline", "brand": "Medial", "unused": nil},
		{"title": "Another", "brand": "Medial"},
		{"title": "A headline", "brand": "Medial", "nested": map[string]any{"a": 1}}, // not memoised
	}
	for round := range 2 {
		for _, data := range cases {
			want, err := tpl.CacheKey(data, out)
			if err != nil {
				t.Fatal(err)
			}
			got, err := memo.cacheKey(tpl, maps.Clone(data), out)
			if err != nil || got != want {
				t.Errorf("round %d, %v: %s, %v; want %s", round, data, got, err, want)
			}
		}
	}
	png := out
	png.Format = engine.PNG
	if a, _ := memo.cacheKey(tpl, cases[0], out); a == mustKey(t, &memo, tpl, cases[0], png) {
		t.Error("the output format is not part of the memo's key")
	}
	// A forged collision: another card's entry under this data's hash.
	h, _ := memoHash(tpl.Hash, cases[6], out)
	memo.m[h] = &memoEntry{layoutHash: tpl.Hash, out: out, data: cases[0], key: "another card"}
	if got := mustKey(t, &memo, tpl, cases[6], out); got == "another card" {
		t.Error("a hash collision returned another card's key")
	}
	// Bad data is an error every time, never memoised.
	for range 2 {
		if _, err := memo.cacheKey(tpl, engine.Data{"brand": "no title"}, out); err == nil {
			t.Error("missing title: no error")
		}
	}
}

func mustKey(t *testing.T, k *keyMemo, tpl *engine.Template, data engine.Data, out engine.Output) string {
	t.Helper()
	key, err := k.cacheKey(tpl, data, out)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestKeyMemoIsBounded(t *testing.T) {
	tpl := newsTemplate(t)
	var memo keyMemo
	for i := range keyMemoSize + 100 {
		mustKey(t, &memo, tpl, engine.Data{"title": strconv.Itoa(i)}, tpl.Output)
	}
	if len(memo.m) > keyMemoSize {
		t.Errorf("%d entries, want at most %d", len(memo.m), keyMemoSize)
	}
}
