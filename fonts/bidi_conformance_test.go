package fonts

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/benoitkugler/textprocessing/fribidi"
)

// The Unicode conformance files for UAX #9 ship with the FriBidi port
// (Unicode 11.0.0, the version of its character tables).
const bidiConformanceDir = "fribidi/test/unicode-conformance"

// TestBidiConformance runs every case of BidiCharacterTest.txt and
// BidiTest.txt through the calls bidiRuns makes, and fails on any case
// whose levels or visual order differ from the file's.
func TestBidiConformance(t *testing.T) {
	dir := filepath.Join(moduleDir(t, "github.com/benoitkugler/textprocessing"), bidiConformanceDir)
	t.Run("BidiCharacterTest.txt", func(t *testing.T) {
		checkConformance(t, filepath.Join(dir, "BidiCharacterTest.txt"), bidiCharacterCases)
	})
	t.Run("BidiTest.txt", func(t *testing.T) {
		checkConformance(t, filepath.Join(dir, "BidiTest.txt"), bidiTestCases)
	})
}

// moduleDir is where the go command keeps a module of the build list.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Fatalf("go list -m %s: %v (run go mod download)", module, err)
	}
	return dir
}

// bidiCase is one paragraph to resolve and what the file expects.
type bidiCase struct {
	line     int
	types    []fribidi.CharType
	brackets []fribidi.BracketType // nil in BidiTest.txt, which has no brackets
	base     fribidi.ParType       // LTR, RTL or ON (resolve it)
	levels   []int                 // -1 where the character is removed by rule X9
	order    []int                 // logical indexes in visual order, X9-removed ones left out
}

// checkConformance counts the cases a file's parser yields that fail, and
// reports the first few.
func checkConformance(t *testing.T, path string, parse func(path string, yield func(bidiCase)) error) {
	cases, failures := 0, 0
	err := parse(path, func(c bidiCase) {
		cases++
		if msg := checkCase(c); msg != "" {
			failures++
			if failures <= 10 {
				t.Errorf("line %d: %s", c.line, msg)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if cases == 0 {
		t.Fatalf("%s: no cases", path)
	}
	t.Logf("%s: %d cases, %d failures", filepath.Base(path), cases, failures)
	if failures > 0 {
		t.Errorf("%d of %d cases fail", failures, cases)
	}
}

func checkCase(c bidiCase) string {
	base := c.base
	levels, visual := reorderLine(c.types, c.brackets, &base)
	for i, want := range c.levels {
		if want >= 0 && int(levels[i]) != want {
			return fmt.Sprintf("level of character %d is %d, want %d", i, levels[i], want)
		}
	}
	var order []int
	for _, i := range visual {
		if !removedByX9(c.types[i]) {
			order = append(order, i)
		}
	}
	if fmt.Sprint(order) != fmt.Sprint(c.order) {
		return fmt.Sprintf("visual order %v, want %v", order, c.order)
	}
	return ""
}

// removedByX9 is true for embedding and override controls and boundary
// neutrals, which the files leave out of the visual order.
func removedByX9(t fribidi.CharType) bool {
	switch t {
	case fribidi.LRE, fribidi.RLE, fribidi.LRO, fribidi.RLO, fribidi.PDF, fribidi.BN:
		return true
	}
	return false
}

// bidiCharacterCases parses BidiCharacterTest.txt: code points; paragraph
// direction (0 LTR, 1 RTL, 2 auto); resolved level; levels; visual order.
func bidiCharacterCases(path string, yield func(bidiCase)) error {
	return eachLine(path, func(n int, line string) error {
		f := strings.Split(line, ";")
		if len(f) < 5 {
			return fmt.Errorf("want 5 fields")
		}
		var runes []rune
		for _, hex := range strings.Fields(f[0]) {
			r, err := strconv.ParseUint(hex, 16, 32)
			if err != nil {
				return err
			}
			runes = append(runes, rune(r))
		}
		c := bidiCase{line: n, types: bidiTypes(runes)}
		c.brackets = bracketTypes(runes, c.types)
		c.base = []fribidi.ParType{fribidi.LTR, fribidi.RTL, fribidi.ON}[atoi(f[1])%3]
		var err error
		if c.levels, err = ints(f[3]); err != nil {
			return err
		}
		if c.order, err = ints(f[4]); err != nil {
			return err
		}
		yield(c)
		return nil
	})
}

// bidiTestCases parses BidiTest.txt: @Levels and @Reorder lines set the
// expectation for the lines of bidi classes that follow, each with a
// bitset of paragraph directions (1 auto, 2 LTR, 4 RTL).
func bidiTestCases(path string, yield func(bidiCase)) error {
	var levels, order []int
	return eachLine(path, func(n int, line string) error {
		var err error
		switch {
		case strings.HasPrefix(line, "@Levels:"):
			levels, err = ints(strings.TrimPrefix(line, "@Levels:"))
			return err
		case strings.HasPrefix(line, "@Reorder:"):
			order, err = ints(strings.TrimPrefix(line, "@Reorder:"))
			return err
		case strings.HasPrefix(line, "@"):
			return nil
		}
		classes, set, ok := strings.Cut(line, ";")
		if !ok {
			return fmt.Errorf("want classes; bitset")
		}
		var types []fribidi.CharType
		for _, name := range strings.Fields(classes) {
			ct, ok := bidiClassNames[name]
			if !ok {
				return fmt.Errorf("unknown bidi class %q", name)
			}
			types = append(types, ct)
		}
		bits := atoi(strings.TrimSpace(set))
		for i, base := range []fribidi.ParType{fribidi.ON, fribidi.LTR, fribidi.RTL} {
			if bits&(1<<i) != 0 {
				yield(bidiCase{line: n, types: types, base: base, levels: levels, order: order})
			}
		}
		return nil
	})
}

var bidiClassNames = map[string]fribidi.CharType{
	"L": fribidi.LTR, "R": fribidi.RTL, "AL": fribidi.AL, "EN": fribidi.EN, "AN": fribidi.AN,
	"ES": fribidi.ES, "ET": fribidi.ET, "CS": fribidi.CS, "NSM": fribidi.NSM, "BN": fribidi.BN,
	"B": fribidi.BS, "S": fribidi.SS, "WS": fribidi.WS, "ON": fribidi.ON,
	"LRE": fribidi.LRE, "RLE": fribidi.RLE, "LRO": fribidi.LRO, "RLO": fribidi.RLO, "PDF": fribidi.PDF,
	"LRI": fribidi.LRI, "RLI": fribidi.RLI, "FSI": fribidi.FSI, "PDI": fribidi.PDI,
}

// eachLine calls fn with every line that is not blank or a comment, and
// locates its error.
func eachLine(path string, fn func(n int, line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := fn(n, line); err != nil {
			return fmt.Errorf("%s:%d: %w", filepath.Base(path), n, err)
		}
	}
	return sc.Err()
}

// ints parses space-separated integers; "x" (a removed character) is -1.
func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Fields(s) {
		if f == "x" {
			out = append(out, -1)
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func atoi(s string) int {
	v, _ := strconv.Atoi(strings.TrimSpace(s))
	return v
}
