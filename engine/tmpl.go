package engine

import (
	"fmt"
	"strings"
)

// textTemplate is a compiled text value: literal text with {{field}} and
// {{field | filter | filter}} placeholders. The language is deliberately
// tiny: no conditionals or loops (use a layer's "when" instead).
type textTemplate struct {
	parts []tmplPart
}

type tmplPart struct {
	literal string
	field   string // "" for a literal part
	filters []func(string) string
}

var filters = map[string]func(string) string{
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"trim":  strings.TrimSpace,
}

// parseTemplate compiles s. Errors name the placeholder at fault.
func parseTemplate(s string) (*textTemplate, error) {
	t := &textTemplate{}
	for s != "" {
		open := strings.Index(s, "{{")
		if open < 0 {
			t.parts = append(t.parts, tmplPart{literal: s})
			break
		}
		if open > 0 {
			t.parts = append(t.parts, tmplPart{literal: s[:open]})
		}
		end := strings.Index(s[open:], "}}")
		if end < 0 {
			return nil, fmt.Errorf("unclosed placeholder %q: end it with }}", s[open:])
		}
		part, err := parsePlaceholder(s[open+2 : open+end])
		if err != nil {
			return nil, err
		}
		t.parts = append(t.parts, part)
		s = s[open+end+2:]
	}
	return t, nil
}

func parsePlaceholder(body string) (tmplPart, error) {
	pieces := strings.Split(body, "|")
	part := tmplPart{field: strings.TrimSpace(pieces[0])}
	if !isFieldName(part.field) {
		return part, fmt.Errorf("placeholder {{%s}}: %q is not a field name", body, part.field)
	}
	for _, name := range pieces[1:] {
		name = strings.TrimSpace(name)
		f, ok := filters[name]
		if !ok {
			return part, fmt.Errorf("placeholder {{%s}}: unknown filter %q (use upper, lower or trim)", body, name)
		}
		part.filters = append(part.filters, f)
	}
	return part, nil
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
