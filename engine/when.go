package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// WhenSpec is a layer's "when" as written: a test on one field
// ("brand", "!brand", "rating >= 4", "status == 'live'") or an object
// {"all": [...]} or {"any": [...]} of further WhenSpecs.
type WhenSpec struct {
	Test string     // the string form; "" for all/any
	All  []WhenSpec // every one must hold
	Any  []WhenSpec // at least one must hold
}

// UnmarshalJSON accepts a string or an object with exactly one of "all" and
// "any"; the schema has already checked the shape, this keeps the decode
// strict on its own.
func (w *WhenSpec) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*w = WhenSpec{}
		return json.Unmarshal(b, &w.Test)
	}
	var group struct {
		All []WhenSpec `json:"all"`
		Any []WhenSpec `json:"any"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&group); err != nil {
		return err
	}
	if (group.All == nil) == (group.Any == nil) {
		return errors.New(`when: an object needs exactly one of "all" and "any"`)
	}
	*w = WhenSpec{All: group.All, Any: group.Any}
	return nil
}

// MarshalJSON writes the spec back in the form it was written in.
func (w WhenSpec) MarshalJSON() ([]byte, error) {
	switch {
	case w.All != nil:
		return json.Marshal(map[string][]WhenSpec{"all": w.All})
	case w.Any != nil:
		return json.Marshal(map[string][]WhenSpec{"any": w.Any})
	}
	return json.Marshal(w.Test)
}

// condition is a compiled "when": whether a layer is drawn for a render's
// values. Conditions are immutable.
type condition interface {
	holds(vals map[string]string) bool
}

// hasValue holds when the field has a non-blank value (or, negated, when
// it has none).
type hasValue struct {
	field  string
	negate bool
}

func (c hasValue) holds(vals map[string]string) bool {
	return (strings.TrimSpace(vals[c.field]) != "") != c.negate
}

// comparison compares a field with a literal: as numbers for number
// fields, else as text. A number field without a value equals nothing:
// every operator but != is false.
type comparison struct {
	field   string
	op      string
	numeric bool
	num     float64
	text    string
}

func (c comparison) holds(vals map[string]string) bool {
	v := vals[c.field]
	if !c.numeric {
		return compare(c.op, strings.Compare(v, c.text))
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil { // empty: bind has already refused a non-number
		return c.op == "!="
	}
	switch {
	case n < c.num:
		return compare(c.op, -1)
	case n > c.num:
		return compare(c.op, 1)
	}
	return compare(c.op, 0)
}

// compare applies op to the sign of a three-way comparison.
func compare(op string, sign int) bool {
	switch op {
	case "==":
		return sign == 0
	case "!=":
		return sign != 0
	case "<":
		return sign < 0
	case "<=":
		return sign <= 0
	case ">":
		return sign > 0
	}
	return sign >= 0 // ">=", the only operator left after parsing
}

// allOf holds when every condition does; anyOf when at least one does.
type (
	allOf []condition
	anyOf []condition
)

func (cs allOf) holds(vals map[string]string) bool {
	for _, c := range cs {
		if !c.holds(vals) {
			return false
		}
	}
	return true
}

func (cs anyOf) holds(vals map[string]string) bool {
	for _, c := range cs {
		if c.holds(vals) {
			return true
		}
	}
	return false
}

// condition compiles a layer's when, reporting problems at pointer. It
// returns nil for a when that is left out or broken (the problem is
// recorded, so the template is never used).
func (c *compiler) condition(pointer string, w *WhenSpec) condition {
	switch {
	case w == nil:
		return nil
	case w.All != nil:
		return allOf(c.conditions(pointer+"/all", w.All))
	case w.Any != nil:
		return anyOf(c.conditions(pointer+"/any", w.Any))
	}
	t, err := parseTest(w.Test)
	if err != nil {
		c.errorf(pointer, "%v", err)
		return nil
	}
	return c.typedTest(pointer, w.Test, t)
}

func (c *compiler) conditions(pointer string, ws []WhenSpec) []condition {
	if len(ws) == 0 {
		c.errorf(pointer, "needs at least one condition")
	}
	out := make([]condition, 0, len(ws))
	for i := range ws {
		if cond := c.condition(pointer+"/"+strconv.Itoa(i), &ws[i]); cond != nil {
			out = append(out, cond)
		}
	}
	return out
}

// typedTest checks the field of a parsed test and that its literal fits
// the field's type.
func (c *compiler) typedTest(pointer, src string, t test) condition {
	f, ok := c.checkField(pointer, t.field)
	if !ok {
		return nil
	}
	if t.op == "" {
		return hasValue{field: t.field, negate: t.negate}
	}
	cmp := comparison{field: t.field, op: t.op, text: t.literal}
	switch {
	case f.Type == "number" && t.quoted:
		c.errorf(pointer, "when %q: field %q is a number: compare it with a number, not '%s'", src, t.field, t.literal)
	case f.Type == "number":
		cmp.numeric = true
		cmp.num, _ = strconv.ParseFloat(t.literal, 64) // parseTest checked it
	case !t.quoted:
		c.errorf(pointer, "when %q: field %q is of type %s: quote the value ('%s')", src, t.field, f.Type, t.literal)
	case f.Type != "string" && t.op != "==" && t.op != "!=":
		c.errorf(pointer, "when %q: a %s field can only be compared with == or !=", src, f.Type)
	}
	return cmp
}
