package schema

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// frame is one open object or array while walking a document.
type frame struct {
	pointer string
	array   bool
	index   int    // next element index, for arrays
	key     string // pending member key, for objects
	haveKey bool
}

// index walks a JSON document once and records, for every member and
// element, the byte offset where it starts: the key of an object member,
// the first byte of an array element. It stops quietly at a syntax error,
// keeping what it found before it.
func index(data []byte) map[string]int {
	pos := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	for {
		start := skipSpace(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return pos
		}
		if len(stack) == 0 {
			pos[""] = start
		}
		var ptr string
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
				stack = stack[:len(stack)-1]
				continue
			}
			if !top.array && !top.haveKey {
				top.key, top.haveKey = tok.(string), true
				pos[top.pointer+"/"+escape(top.key)] = start
				continue
			}
			ptr = childPointer(top, start, pos)
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			stack = append(stack, &frame{pointer: ptr, array: d == '['})
		}
	}
}

// childPointer returns the pointer of the value starting now inside top,
// and advances top past it.
func childPointer(top *frame, start int, pos map[string]int) string {
	if top.array {
		ptr := top.pointer + "/" + strconv.Itoa(top.index)
		pos[ptr] = start
		top.index++
		return ptr
	}
	top.haveKey = false
	return top.pointer + "/" + escape(top.key)
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
