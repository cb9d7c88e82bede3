package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// test is one string condition, parsed: a field alone ("brand"), negated
// ("!brand"), or compared with a literal ("rating >= 4",
// "status == 'live'"). The grammar is small enough that a hand parser is
// shorter than any library's set-up, and it gives the column of every
// mistake.
type test struct {
	field   string
	negate  bool
	op      string // "" for a test of presence
	literal string // the number as written, or the quoted text unquoted
	quoted  bool
}

// operators are tried in order, so two-character ones come first.
var operators = []string{"==", "!=", "<=", ">=", "<", ">"}

// parseTest parses src. Its errors quote src and give the 1-based
// character where the problem is.
func parseTest(src string) (test, error) {
	s := &testScanner{src: src}
	var t test
	s.skipSpace()
	if s.peek() == '!' {
		t.negate = true
		s.pos++
		s.skipSpace()
	}
	start := s.pos
	if t.field = s.identifier(); t.field == "" {
		return t, s.errorf(start, "expected a field name, found %s", s.found())
	}
	s.skipSpace()
	if s.done() {
		return t, nil
	}
	if t.negate {
		return t, s.errorf(s.pos, "%q cannot be compared: write the opposite comparison without \"!\"", "!"+t.field)
	}
	if t.op = s.operator(); t.op == "" {
		return t, s.errorf(s.pos, "expected an operator (==, !=, <, <=, >, >=), found %s", s.found())
	}
	s.skipSpace()
	var err error
	if t.literal, t.quoted, err = s.literal(t.op); err != nil {
		return t, err
	}
	s.skipSpace()
	if !s.done() {
		return t, s.errorf(s.pos, "unexpected %s after the value", s.found())
	}
	return t, nil
}

// testScanner walks a test's source; pos is a byte offset.
type testScanner struct {
	src string
	pos int
}

func (s *testScanner) done() bool { return s.pos >= len(s.src) }

func (s *testScanner) peek() byte {
	if s.done() {
		return 0
	}
	return s.src[s.pos]
}

func (s *testScanner) skipSpace() {
	for !s.done() && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
}

// found describes what is at pos, for messages.
func (s *testScanner) found() string {
	if s.done() {
		return "the end"
	}
	r, _ := utf8.DecodeRuneInString(s.src[s.pos:])
	return strconv.QuoteRune(r)
}

func (s *testScanner) errorf(pos int, format string, args ...any) error {
	col := utf8.RuneCountInString(s.src[:pos]) + 1
	return fmt.Errorf("when %q: character %d: %s", s.src, col, fmt.Sprintf(format, args...))
}

func (s *testScanner) identifier() string {
	start := s.pos
	for !s.done() {
		c := s.src[s.pos]
		letter := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		if !letter && (s.pos == start || c < '0' || c > '9') {
			break
		}
		s.pos++
	}
	return s.src[start:s.pos]
}

func (s *testScanner) operator() string {
	for _, op := range operators {
		if strings.HasPrefix(s.src[s.pos:], op) {
			s.pos += len(op)
			return op
		}
	}
	return ""
}

// literal scans a quoted string ('…' or "…", with \ escaping the quote and
// itself) or a number.
func (s *testScanner) literal(op string) (string, bool, error) {
	start := s.pos
	switch q := s.peek(); {
	case s.done():
		return "", false, s.errorf(start, "expected a number or a quoted string after %s", op)
	case q == '\'' || q == '"':
		text, ok := s.quoted(q)
		if !ok {
			return "", false, s.errorf(start, "unclosed %c: end the text with %c", q, q)
		}
		return text, true, nil
	}
	for !s.done() && s.src[s.pos] != ' ' && s.src[s.pos] != '\t' {
		s.pos++
	}
	word := s.src[start:s.pos]
	if n, err := strconv.ParseFloat(word, 64); err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return "", false, s.errorf(start, "%q is not a number: quote text ('%s')", word, word)
	}
	return word, false, nil
}

func (s *testScanner) quoted(q byte) (string, bool) {
	var b strings.Builder
	for s.pos++; !s.done(); s.pos++ {
		c := s.src[s.pos]
		switch {
		case c == q:
			s.pos++
			return b.String(), true
		case c == '\\' && s.pos+1 < len(s.src) && (s.src[s.pos+1] == q || s.src[s.pos+1] == '\\'):
			s.pos++
			b.WriteByte(s.src[s.pos])
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}
