package schema

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Problem is one thing wrong with a layout file, with its place in the file.
type Problem struct {
	File    string `json:"file"`    // path of the layout file as given
	Line    int    `json:"line"`    // 1-based; 0 when unknown
	Column  int    `json:"column"`  // 1-based, in bytes; 0 when unknown
	Pointer string `json:"pointer"` // JSON Pointer of the member at fault ("" for the whole document)
	Message string `json:"message"`
}

// Error formats the problem as file:line:column: pointer: message.
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
	}
	ptr := p.Pointer
	if ptr == "" {
		ptr = "/"
	}
	fmt.Fprintf(&b, ": %s: %s", ptr, p.Message)
	return b.String()
}

// Problems is every problem found in one or more files. It is an error
// whose message has one problem per line.
type Problems []Problem

// Error lists the problems, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by file, then position, then pointer.
func (ps Problems) Sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Pointer, b.Pointer),
		)
	})
}

// Err returns ps as an error, or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// Locator turns JSON Pointers into line:column positions in one document.
// It indexes the document on first use, at most once, in time and memory
// linear in its size; a document with no problems is never indexed.
type Locator struct {
	file string
	data []byte

	once sync.Once
	idx  *index
}

// NewLocator returns a locator for data, a JSON document read from file. A
// document that is not valid JSON gets a locator that still places
// problems, at 0:0 (or at the syntax error, see [SyntaxProblem]).
func NewLocator(file string, data []byte) *Locator {
	return &Locator{file: file, data: data}
}

func (l *Locator) positions() *index {
	l.once.Do(func() { l.idx = newIndex(l.data) })
	return l.idx
}

// Problem returns a problem at pointer. When pointer itself is not in the
// document (a required member left out), the nearest existing ancestor is
// used for the position; the pointer stays as given.
func (l *Locator) Problem(pointer, format string, args ...any) Problem {
	p := Problem{File: l.file, Pointer: pointer, Message: fmt.Sprintf(format, args...)}
	if off, ok := l.positions().offset(pointer); ok {
		p.Line, p.Column = lineCol(l.data, off)
	}
	return p
}

// ProblemAtOffset returns a problem at a byte offset, for decoders that
// report offsets rather than pointers. It needs no index.
func (l *Locator) ProblemAtOffset(offset int64, pointer, format string, args ...any) Problem {
	p := Problem{File: l.file, Pointer: pointer, Message: fmt.Sprintf(format, args...)}
	p.Line, p.Column = lineCol(l.data, int(offset))
	return p
}

// lineCol converts a byte offset to a 1-based line and column. It works on
// the bytes in place: a copy per problem would make many problems in a big
// document cost its size squared.
func lineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = off + 1
	if nl := bytes.LastIndexByte(data[:off], '\n'); nl >= 0 {
		col = off - nl
	}
	return line, col
}
