package schema

import (
	"bytes"

	"github.com/go-json-experiment/json/jsontext"
)

// MaxDepth is how deeply objects and arrays may nest in a layout document;
// the shipped layouts nest five levels. The limit is checked before
// anything else reads the document, so that decoding, the schema validator
// and the index of positions never recurse or allocate with the depth of
// hostile input (40,000 nested arrays once took 3.3 GB to report).
const MaxDepth = 64

// depthProblem reads data as a stream of tokens, keeping only the open
// objects and arrays, and returns a problem at the first value that opens
// level MaxDepth+1. ok is true when there is none. It stops quietly at a
// syntax error, which the decoder reports after it; it is as lenient as
// encoding/json, so a document that decodes has been read to its end.
func depthProblem(file string, data []byte) (p Problem, ok bool) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(data), decoderOptions...)
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return Problem{}, true
		}
		if k := tok.Kind(); (k == '{' || k == '[') && dec.StackDepth() > MaxDepth {
			// The value just opened is the offending one: its pointer is
			// the decoder's, and it starts at its one-byte delimiter.
			at := dec.InputOffset() - 1
			return NewLocator(file, data).ProblemAtOffset(at, string(dec.StackPointer()),
				"nested too deeply: objects and arrays may nest %d levels at most", MaxDepth), false
		}
	}
}
