package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ogcard/ogcard/engine"
)

// readAll returns what ReadJSONL passes fn, one "line: data or error"
// string per call.
func readAll(t *testing.T, input string) []string {
	t.Helper()
	var got []string
	err := ReadJSONL(context.Background(), strings.NewReader(input), func(line int, data engine.Data, err error) error {
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Line != line || data != nil {
				t.Errorf("line %d: error %v with data %v; want a *LineError for that line and no data", line, err, data)
			}
			got = append(got, err.Error())
			return nil
		}
		got = append(got, fmt.Sprintf("line %d: %v", line, map[string]any(data)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := CountJSONL(context.Background(), strings.NewReader(input))
	if err != nil || n != int64(len(got)) {
		t.Errorf("CountJSONL = %d, %v; want %d, the lines ReadJSONL passed on", n, err, len(got))
	}
	return got
}

func TestReadJSONL(t *testing.T) {
	input := "\xef\xbb\xbf{\"title\": \"bom\"}\r\n" +
		"\n" +
		"  \t \n" +
		`{"title": "x", "n": 3}` + "\n" +
		`{"title": ` + "\n" +
		`"just a string"` + "\n" +
		`null` + "\n" +
		`{"a": 1} trailing` + "\n" +
		`{"last": "no newline"}`
	want := []string{
		"line 1: map[title:bom]",
		"line 4: map[n:3 title:x]",
		"line 5: not JSON: unexpected EOF",
		"line 6: a string, not a JSON object of field values",
		"line 7: null, not a JSON object of field values",
		"line 8: text after the JSON object (one object per line)",
		"line 9: map[last:no newline]",
	}
	got := readAll(t, input)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Numbers stay json.Number: the card key binds 3 and "3" alike.
func TestReadJSONLKeepsNumbersExact(t *testing.T) {
	err := ReadJSONL(context.Background(), strings.NewReader(`{"n": 12345678901234567890}`), func(_ int, data engine.Data, err error) error {
		if err != nil || fmt.Sprint(data["n"]) != "12345678901234567890" {
			t.Errorf("data %v, %v; want the number as written", data, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadJSONLLongLine(t *testing.T) {
	long := `{"title": "` + strings.Repeat("x", MaxJSONLLine) + `"}`
	got := readAll(t, long+"\n"+`{"title": "after"}`+"\n")
	want := []string{fmt.Sprintf("line 1: longer than %d bytes", MaxJSONLLine), "line 2: map[title:after]"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestReadJSONLStops(t *testing.T) {
	stop := errors.New("enough")
	calls := 0
	err := ReadJSONL(context.Background(), strings.NewReader("{}\n{}\n"), func(int, engine.Data, error) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ReadJSONL = %v after %d calls; want fn's error after 1", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ReadJSONL(ctx, strings.NewReader("{}\n"), func(int, engine.Data, error) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadJSONL with a cancelled context = %v", err)
	}
}
