package schema

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// An index maps JSON Pointers to byte offsets in one document. It is built
// lazily: finding a pointer lists the members or elements of each object
// or array on its way, once per object or array, and nothing else. A
// problem at the top of a wide document costs nothing; problems deep in it
// cost the bytes of the values on their paths, each read once. No pointer
// string is ever stored.
type index struct {
	data       []byte
	dec        *jsontext.Decoder
	containers map[int]*container // by the offset of the object or array
}

// container lists the children of one object or array.
type container struct {
	elements []child          // arrays: by index
	members  map[string]child // objects: by name; the last duplicate wins
}

// child is one member or element.
type child struct {
	start int // offset of the member's key, or of the element
	value int // offset of the value
}

// decoderOptions make reading as lenient as encoding/json, which decodes
// the document: a document it accepts must be read to its end.
var decoderOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

func newIndex(data []byte) *index {
	return &index{data: data, containers: map[int]*container{}}
}

// offset returns where pointer starts, or where its nearest existing
// ancestor starts when pointer itself is not in the document. ok is false
// for an empty document.
func (x *index) offset(pointer string) (off int, ok bool) {
	root := skipSpace(x.data, 0)
	if root == len(x.data) {
		return 0, false
	}
	at := child{start: root, value: root}
	for rest, more := strings.TrimPrefix(pointer, "/"), pointer != ""; more; {
		var tok string
		tok, rest, more = strings.Cut(rest, "/")
		next, found := x.child(at.value, tok)
		if !found {
			break
		}
		at = next
	}
	return at.start, true
}

// child finds the member or element named by a pointer's reference token
// in the value at offset at.
func (x *index) child(at int, tok string) (child, bool) {
	c := x.container(at)
	if c == nil {
		return child{}, false
	}
	if c.members != nil {
		ch, ok := c.members[unescape(tok)]
		return ch, ok
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 || i >= len(c.elements) || (tok[0] == '0' && len(tok) > 1) {
		return child{}, false
	}
	return c.elements[i], true
}

// container returns the children of the object or array at offset at, or
// nil when the value there is neither.
func (x *index) container(at int) *container {
	if c, ok := x.containers[at]; ok {
		return c
	}
	var c *container
	switch x.data[at] {
	case '[':
		c = &container{}
	case '{':
		c = &container{members: map[string]child{}}
	}
	if c != nil {
		x.list(c, at)
	}
	x.containers[at] = c
	return c
}

// list reads the children of the object or array at offset at into c,
// skipping over their values. It stops quietly at a syntax error, keeping
// the children before it.
func (x *index) list(c *container, at int) {
	src := bytes.NewBuffer(x.data[at:])
	if x.dec == nil {
		x.dec = jsontext.NewDecoder(src, decoderOptions...)
	} else {
		x.dec.Reset(src, decoderOptions...) // reuses the decoder's buffers
	}
	dec := x.dec
	if _, err := dec.ReadToken(); err != nil { // the opening delimiter
		return
	}
	for {
		start := skipSpace(x.data, at+int(dec.InputOffset()))
		if k := dec.PeekKind(); k == 0 || k == ']' || k == '}' {
			return
		}
		ch := child{start: start, value: start}
		var name string
		if c.members != nil {
			tok, err := dec.ReadToken()
			if err != nil {
				return
			}
			name = tok.String()
			ch.value = skipSpace(x.data, at+int(dec.InputOffset()))
		}
		if err := dec.SkipValue(); err != nil {
			return
		}
		if c.members != nil {
			c.members[name] = ch
		} else {
			c.elements = append(c.elements, ch)
		}
	}
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
