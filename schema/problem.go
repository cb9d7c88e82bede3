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
// It reads the document only to place problems, and only the parts on the
// paths of their pointers, each at most once (see index): a document with
// no problems is never read, and placing problems costs time and memory
// linear in the document's size.
type Locator struct {
	file string
	data []byte

	mu       sync.Mutex // guards idx, which grows as problems are placed, and newlines
	idx      *index
	newlines []int // offsets of the line ends, listed on first use
}

// NewLocator returns a locator for data, a JSON document read from file. A
// document that is not valid JSON gets a locator that still places
// problems, as near as the JSON before the error allows (or at the syntax
// error, see [SyntaxProblem]).
func NewLocator(file string, data []byte) *Locator {
	return &Locator{file: file, data: data}
}

// offset returns where pointer, or its nearest existing ancestor, starts.
func (l *Locator) offset(pointer string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.idx == nil {
		l.idx = newIndex(l.data)
	}
	return l.idx.offset(pointer)
}

// Problem returns a problem at pointer. When pointer itself is not in the
// document (a required member left out), the nearest existing ancestor is
// used for the position; the pointer stays as given.
func (l *Locator) Problem(pointer, format string, args ...any) Problem {
	p := Problem{File: l.file, Pointer: pointer, Message: fmt.Sprintf(format, args...)}
	if off, ok := l.offset(pointer); ok {
		p.Line, p.Column = l.lineCol(off)
	}
	return p
}

// ProblemAtOffset returns a problem at a byte offset, for decoders that
// report offsets rather than pointers. It needs no index.
func (l *Locator) ProblemAtOffset(offset int64, pointer, format string, args ...any) Problem {
	p := Problem{File: l.file, Pointer: pointer, Message: fmt.Sprintf(format, args...)}
	p.Line, p.Column = l.lineCol(int(offset))
	return p
}

// lineCol converts a byte offset to a 1-based line and column. It finds
// the line among the document's line ends, listed once: counting them
// again for every problem would make many problems in a big document cost
// its size squared.
func (l *Locator) lineCol(off int) (line, col int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.newlines == nil {
		l.newlines = lineEnds(l.data)
	}
	off = min(max(off, 0), len(l.data))
	before, _ := slices.BinarySearch(l.newlines, off) // line ends before off
	line, col = before+1, off+1
	if before > 0 {
		col = off - l.newlines[before-1]
	}
	return line, col
}

// lineEnds lists the offsets of the newlines in data; never nil.
func lineEnds(data []byte) []int {
	ends := []int{}
	for i := 0; ; i++ {
		n := bytes.IndexByte(data[i:], '\n')
		if n < 0 {
			return ends
		}
		i += n
		ends = append(ends, i)
	}
}
