package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/ogcard/ogcard/engine"
)

// MaxJSONLLine bounds one line of a JSONL file: a card's data is a few
// fields of at most 8 KB each, so a longer line is a mistake (a whole
// file on one line, a binary file), reported rather than buffered.
const MaxJSONLLine = 1 << 20

// LineError is a line of a JSONL file that is not one JSON object.
type LineError struct {
	Line int // 1-based, counting blank lines
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// ReadJSONL calls fn for every non-blank line of r, a JSONL file of card
// data (one JSON object of field values per line), with the line's
// number and its data. A line that is not one JSON object is passed to
// fn as a *LineError with nil data, and reading goes on: one bad line in
// a large file is a failed card, not a failed run. ReadJSONL stops at
// the first error fn returns, a read error, or ctx ending, and returns
// it.
func ReadJSONL(ctx context.Context, r io.Reader, fn func(line int, data engine.Data, err error) error) error {
	lr := lineReader{br: bufio.NewReaderSize(r, 64<<10)}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ok, err := lr.next()
		if err != nil {
			return fmt.Errorf("line %d: %w", lr.n+1, err)
		}
		if !ok {
			return nil
		}
		if lr.blank() {
			continue
		}
		data, err := lr.decode()
		if err != nil {
			err = &LineError{Line: lr.n, Err: err}
		}
		if err := fn(lr.n, data, err); err != nil {
			return err
		}
	}
}

// CountJSONL counts the lines ReadJSONL passes to fn: a first pass over
// a file, so that a progress bar knows its total.
func CountJSONL(ctx context.Context, r io.Reader) (int64, error) {
	lr := lineReader{br: bufio.NewReaderSize(r, 64<<10)}
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		ok, err := lr.next()
		if err != nil {
			return n, fmt.Errorf("line %d: %w", lr.n+1, err)
		}
		if !ok {
			return n, nil
		}
		if !lr.blank() {
			n++
		}
	}
}

// lineReader reads lines of at most MaxJSONLLine bytes; a longer one is
// marked and its bytes skipped, so memory stays bounded whatever the
// input.
type lineReader struct {
	br      *bufio.Reader
	n       int    // number of the line in buf
	buf     []byte // the line, with its newline
	tooLong bool
}

// next reads the next line into buf; ok is false at the end of input.
func (lr *lineReader) next() (ok bool, err error) {
	lr.buf, lr.tooLong = lr.buf[:0], false
	read := false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		read = read || len(chunk) > 0
		switch {
		case lr.tooLong:
		case len(lr.buf)+len(chunk) > MaxJSONLLine:
			lr.tooLong, lr.buf = true, lr.buf[:0]
		default:
			lr.buf = append(lr.buf, chunk...)
		}
		switch {
		case err == nil:
			lr.n++
			return true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if read {
				lr.n++
			}
			return read, nil
		default:
			return false, err
		}
	}
}

// blank reports whether the line holds only white space (and a byte
// order mark, which some editors write at the top of a file).
func (lr *lineReader) blank() bool {
	return !lr.tooLong && len(bytes.TrimSpace(bytes.TrimPrefix(lr.buf, utf8BOM))) == 0
}

var utf8BOM = []byte("\xef\xbb\xbf")

// decode parses the line as one JSON object. Numbers stay json.Number, as
// `ogcard render --data` reads them, so 3 and "3" make the same card.
func (lr *lineReader) decode() (engine.Data, error) {
	if lr.tooLong {
		return nil, fmt.Errorf("longer than %d bytes", MaxJSONLLine)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(lr.buf, utf8BOM)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s, not a JSON object of field values", jsonKind(v))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("text after the JSON object (one object per line)")
	}
	return engine.Data(obj), nil
}

// jsonKind names the kind of a decoded JSON value, for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("a %T", v)
}
