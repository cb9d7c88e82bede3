package fonts

import "testing"

// The fingerprint is part of every card's key, so it must be the same in
// every process with the same fonts, whatever order they were registered
// in (system fonts come in map order), and differ when a face is added.
func TestFingerprintNamesTheFontSet(t *testing.T) {
	files := []string{"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSerif-Regular.ttf"}
	build := func(order []int) *Registry {
		r := NewRegistry()
		for _, i := range order {
			data, err := embedded.ReadFile(files[i])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Add("", data); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	a, b := build([]int{0, 1, 2}), build([]int{2, 1, 0})
	if a.Fingerprint() != b.Fingerprint() {
		t.Errorf("same fonts, another order: %s and %s", a.Fingerprint(), b.Fingerprint())
	}
	if fewer := build([]int{0, 1}); fewer.Fingerprint() == a.Fingerprint() {
		t.Error("a registry without Noto Serif has the same fingerprint")
	}
}
