package schema

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// An index maps JSON Pointers to byte offsets in one document. It is a tree
// of offsets and parent links, one node per member and element, so it grows
// linearly with the document however deep it nests: a pointer string is
// never stored, only built (by the caller) for the problems reported.
type index struct {
	nodes []node
	kids  map[edge]int32 // child of a node by member name or element index
}

// node is one value of the document.
type node struct {
	start int  // offset of the member's key, or of the element itself
	array bool // the value is an array, so its children go by index
}

// edge names a child of parent: index >= 0 for an array element, else the
// member name.
type edge struct {
	parent int32
	index  int32
	name   string
}

// cursor is one open object or array while walking a document.
type cursor struct {
	node   int32
	array  bool
	next   int32 // index of the next element, for arrays
	member int32 // node of the member whose name was just read, or -1
}

// decoderOptions make the walk as lenient as encoding/json, which decodes
// the document afterwards: it must not stop where encoding/json goes on.
var decoderOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// newIndex walks a JSON document once and records, for every member and
// element, the byte offset where it starts: the key of an object member,
// the first byte of an array element. It stops quietly at a syntax error,
// keeping what it found before it.
func newIndex(data []byte) *index {
	x := &index{kids: map[edge]int32{}}
	dec := jsontext.NewDecoder(bytes.NewBuffer(data), decoderOptions...)
	var stack []cursor
	for {
		start := skipSpace(data, int(dec.InputOffset()))
		tok, err := dec.ReadToken()
		if err != nil {
			return x
		}
		kind := tok.Kind()
		if kind == '}' || kind == ']' {
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return x // only the first document counts
			}
			continue
		}
		id := x.place(stack, tok, start)
		if kind == '{' || kind == '[' {
			x.nodes[id].array = kind == '['
			stack = append(stack, cursor{node: id, array: kind == '[', member: -1})
		} else if len(stack) == 0 {
			return x // a lone scalar
		}
	}
}

// place records a token read at start inside the innermost open value and
// returns the node of the value it begins. A member name makes the
// member's node, which its value then takes.
func (x *index) place(stack []cursor, tok jsontext.Token, start int) int32 {
	if len(stack) == 0 {
		return x.add(start)
	}
	top := &stack[len(stack)-1]
	switch {
	case top.array:
		id := x.add(start)
		x.kids[edge{parent: top.node, index: top.next}] = id
		top.next++
		return id
	case top.member < 0:
		id := x.add(start)
		x.kids[edge{parent: top.node, index: -1, name: tok.String()}] = id
		top.member = id
		return id
	default:
		id := top.member
		top.member = -1
		return id
	}
}

func (x *index) add(start int) int32 {
	x.nodes = append(x.nodes, node{start: start})
	return int32(len(x.nodes) - 1)
}

// offset returns where pointer starts, or where its nearest existing
// ancestor starts when pointer itself is not in the document. ok is false
// for an empty document.
func (x *index) offset(pointer string) (off int, ok bool) {
	if len(x.nodes) == 0 {
		return 0, false
	}
	id := int32(0)
	for rest, more := strings.TrimPrefix(pointer, "/"), pointer != ""; more; {
		var tok string
		tok, rest, more = strings.Cut(rest, "/")
		child, found := x.child(id, tok)
		if !found {
			break
		}
		id = child
	}
	return x.nodes[id].start, true
}

// child finds the member or element of node id named by a pointer's
// reference token.
func (x *index) child(id int32, tok string) (int32, bool) {
	e := edge{parent: id, index: -1}
	if x.nodes[id].array {
		i, err := strconv.ParseInt(tok, 10, 32)
		if err != nil || i < 0 || (tok[0] == '0' && len(tok) > 1) {
			return 0, false
		}
		e.index = int32(i)
	} else {
		e.name = unescape(tok)
	}
	child, ok := x.kids[e]
	return child, ok
}

// skipSpace moves past whitespace and the separators the decoder consumes
// together with a token.
func skipSpace(data []byte, off int) int {
	for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

// escape encodes a key as a JSON Pointer reference token (RFC 6901).
func escape(key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	return strings.ReplaceAll(key, "/", "~1")
}

// unescape decodes a JSON Pointer reference token (RFC 6901).
func unescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
}
