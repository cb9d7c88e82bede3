package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Data is the values a card is drawn with, by field name: strings, and
// numbers as decoded from JSON (float64 or json.Number) or written as text.
// Keys the layout does not declare are ignored.
type Data map[string]any

// DataError says that data does not fit the layout's fields: a required
// field left out, a value of the wrong type, or one too long. Servers map
// it to 400 Bad Request.
type DataError struct {
	Field  string
	Reason string
}

func (e *DataError) Error() string { return fmt.Sprintf("field %q: %s", e.Field, e.Reason) }

// bind checks data against the fields and returns every field's value as
// text, defaults applied.
func (t *Template) bind(data Data) (map[string]string, error) {
	vals := make(map[string]string, len(t.fields))
	for _, name := range t.fieldOrder {
		f := t.fields[name]
		v, present, err := scalarText(data[name])
		if err != nil {
			return nil, &DataError{name, err.Error()}
		}
		if !present || v == "" {
			if f.Required {
				return nil, &DataError{name, "is required"}
			}
			v = f.Default.Value
		}
		if err := checkValue(f, v); err != nil {
			return nil, &DataError{name, err.Error()}
		}
		vals[name] = v
	}
	return vals, nil
}

func scalarText(v any) (s string, present bool, err error) {
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case json.Number:
		return v.String(), true, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true, nil
	case int:
		return strconv.Itoa(v), true, nil
	case int64: // SQL integer columns
		return strconv.FormatInt(v, 10), true, nil
	case int32:
		return strconv.FormatInt(int64(v), 10), true, nil
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), true, nil
	case bool:
		return strconv.FormatBool(v), true, nil
	default:
		return "", false, fmt.Errorf("must be a string or a number, not %T", v)
	}
}

// maxValueBytes bounds any single value: nobody needs a 1 MB headline, and
// shaping one would hold a render worker.
const maxValueBytes = 8 << 10

func checkValue(f Field, v string) error {
	if v == "" {
		return nil
	}
	if len(v) > maxValueBytes {
		return fmt.Errorf("is longer than %d bytes", maxValueBytes)
	}
	switch f.Type {
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("must be a number, not %q", v)
		}
	case "color":
		if _, err := parseColor(v); err != nil {
			return err
		}
	case "string":
		if f.MaxLength > 0 && utf8.RuneCountInString(v) > f.MaxLength {
			return fmt.Errorf("is longer than %d characters", f.MaxLength)
		}
	}
	return nil
}
