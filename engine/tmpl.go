package engine

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// textTemplate is a compiled text value: literal text with {{field}} and
// {{field | filter | filter:argument}} placeholders (filters.go lists the
// filters). The language is deliberately tiny: no conditionals or loops
// (use a layer's "when" instead).
type textTemplate struct {
	parts []tmplPart
}

type tmplPart struct {
	literal string
	field   string // "" for a literal part
	filters []filter
}

// parseTemplate compiles s. Errors name the placeholder at fault and the
// character (1-based, in s) where the problem is.
func parseTemplate(s string) (*textTemplate, error) {
	t := &textTemplate{}
	for at := 0; at < len(s); {
		open := strings.Index(s[at:], "{{")
		if open < 0 {
			t.parts = append(t.parts, tmplPart{literal: s[at:]})
			break
		}
		open += at
		if open > at {
			t.parts = append(t.parts, tmplPart{literal: s[at:open]})
		}
		end := closingBraces(s, open+2)
		if end < 0 {
			return nil, fmt.Errorf("unclosed placeholder %q: end it with }}", s[open:])
		}
		part, err := parsePlaceholder(s, open+2, end)
		if err != nil {
			return nil, err
		}
		t.parts = append(t.parts, part)
		at = end + 2
	}
	return t, nil
}

// eachUnquoted calls fn with the offset of every byte of s[from:to] that
// is outside a quoted filter argument ('…' or "…", with \ escaping), until
// fn returns false.
func eachUnquoted(s string, from, to int, fn func(i int) bool) {
	var quote byte
	for i := from; i < to; i++ {
		switch c := s[i]; {
		case quote != 0:
			switch c {
			case '\\':
				i++ // an escaped character, maybe the quote
			case quote:
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case !fn(i):
			return
		}
	}
}

// closingBraces returns the offset of the "}}" that ends the placeholder
// whose body starts at from, skipping quoted filter arguments; -1 if none.
func closingBraces(s string, from int) int {
	at := -1
	eachUnquoted(s, from, len(s), func(i int) bool {
		if strings.HasPrefix(s[i:], "}}") {
			at = i
			return false
		}
		return true
	})
	return at
}

// parsePlaceholder parses s[from:to], the body of one {{…}}: a field and
// its filters, each "name" or "name:argument".
func parsePlaceholder(s string, from, to int) (tmplPart, error) {
	fail := func(at int, format string, args ...any) error {
		return fmt.Errorf("placeholder {{%s}}: character %d: %s", s[from:to], utf8.RuneCountInString(s[:at])+1, fmt.Sprintf(format, args...))
	}
	pieces := splitPipes(s, from, to)
	var part tmplPart
	first := pieces[0]
	if part.field = strings.TrimSpace(s[first[0]:first[1]]); !isFieldName(part.field) {
		return part, fail(first[0]+leadingSpace(s[first[0]:first[1]]), "%q is not a field name", part.field)
	}
	for _, p := range pieces[1:] {
		at := p[0] + leadingSpace(s[p[0]:p[1]])
		f, err := parseFilter(strings.TrimSpace(s[p[0]:p[1]]))
		if err != nil {
			return part, fail(at, "%v", err)
		}
		part.filters = append(part.filters, f)
	}
	return part, nil
}

// splitPipes splits s[from:to] at the | outside quotes, as [start, end)
// offsets in s.
func splitPipes(s string, from, to int) [][2]int {
	var out [][2]int
	start := from
	eachUnquoted(s, from, to, func(i int) bool {
		if s[i] == '|' {
			out = append(out, [2]int{start, i})
			start = i + 1
		}
		return true
	})
	return append(out, [2]int{start, to})
}

func leadingSpace(s string) int { return len(s) - len(strings.TrimLeft(s, " \t\n")) }

// parseFilter builds one filter from "name" or "name:argument".
func parseFilter(src string) (filter, error) {
	name, arg, hasArg := strings.Cut(src, ":")
	name, arg = strings.TrimSpace(name), strings.TrimSpace(arg)
	def, ok := filterDefs[name]
	switch {
	case !ok:
		return nil, fmt.Errorf("unknown filter %q (use %s)", name, filterNames())
	case def.arg == noArg && hasArg:
		return nil, fmt.Errorf("filter %s takes no argument", name)
	case def.arg == countArg && !hasArg:
		return nil, fmt.Errorf("filter %s needs a number: %s:40", name, name)
	case def.arg == textArg && !hasArg:
		return nil, fmt.Errorf("filter %s needs a quoted text: %s:'%s'", name, name, textExample[name])
	case def.arg == textArg:
		text, ok := unquote(arg)
		if !ok {
			return nil, fmt.Errorf("filter %s: put its argument in single quotes: %s:'%s'", name, name, textExample[name])
		}
		arg = text
	}
	return def.make(arg)
}

// textExample is shown in messages about a missing or unquoted argument.
var textExample = map[string]string{"default": "–", "date": "2 Jan 2006"}

// unquote returns the text of a '…' or "…" literal, with \ escaping the
// quote and itself; false when s is not one whole literal.
func unquote(s string) (string, bool) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", false
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if c == q {
			return "", false // an unescaped quote inside
		}
		if c == '\\' && i+1 < len(s)-1 && (s[i+1] == q || s[i+1] == '\\') {
			i++
			c = s[i]
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r|0x20 >= 'a' && r|0x20 <= 'z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// fields lists the fields the template refers to.
func (t *textTemplate) fields() []string {
	var out []string
	for _, p := range t.parts {
		if p.field != "" {
			out = append(out, p.field)
		}
	}
	return out
}

// literal reports whether the template has no placeholders, and its text.
func (t *textTemplate) literal() (string, bool) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.field != "" {
			return "", false
		}
		b.WriteString(p.literal)
	}
	return b.String(), true
}

// soleField returns the field when the template is exactly one
// placeholder without filters, as colour and image bindings must be.
func (t *textTemplate) soleField() (string, bool) {
	if len(t.parts) == 1 && t.parts[0].field != "" && len(t.parts[0].filters) == 0 {
		return t.parts[0].field, true
	}
	return "", false
}

// execute fills the placeholders from vals; a missing field is empty.
func (t *textTemplate) execute(vals map[string]string) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.field == "" {
			b.WriteString(p.literal)
			continue
		}
		v := vals[p.field]
		for _, f := range p.filters {
			v = f(v)
		}
		b.WriteString(v)
	}
	return b.String()
}
