package engine

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
)

// normalizeSVG rewrites the two things srwiley/oksvg (the 2022 version
// pinned in go.mod) draws wrongly, so it draws them as the SVG spec says:
//
//   - a <rect> with rx but no ry (or ry but no rx) gets square corners,
//     where SVG says the missing radius equals the given one;
//   - an arc command with several argument sets ("a 5 5 0 0 1 10 0 5 5 0 0
//     1 10 0") draws every arc with the first set's radii and end point
//     (oksvg's AddArcFromA passes its whole point list, not the i-th set),
//     and arc flags written without separators ("a5 5 0 0110 0") fail to
//     parse.
//
// Only those start tags are touched, in place; everything else is passed
// through byte for byte. Input that is not well-formed XML is returned
// unchanged, for oksvg to report.
func normalizeSVG(data []byte) []byte {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var out bytes.Buffer
	copied := 0
	for {
		start := int(dec.InputOffset())
		tok, err := dec.RawToken()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		end := int(dec.InputOffset())
		if fixed, changed := fixStartTag(data[start:end], el); changed {
			out.Write(data[copied:start])
			out.WriteString(fixed)
			copied = end
		}
	}
	if copied == 0 {
		return data
	}
	out.Write(data[copied:])
	return out.Bytes()
}

// fixStartTag returns the start tag raw, written for el, with its fixes.
func fixStartTag(raw []byte, el xml.StartElement) (string, bool) {
	attrs := map[string]string{}
	for _, a := range el.Attr {
		if a.Name.Space == "" {
			attrs[a.Name.Local] = a.Value
		}
	}
	switch el.Name.Local {
	case "rect":
		return fixRectRadii(string(raw), attrs)
	case "path":
		d, ok := attrs["d"]
		if !ok {
			return "", false
		}
		if nd := splitArcs(d); nd != d {
			return replaceAttr(string(raw), "d", nd), true
		}
	}
	return "", false
}

func fixRectRadii(raw string, attrs map[string]string) (string, bool) {
	rx, hasRx := attrs["rx"]
	ry, hasRy := attrs["ry"]
	switch {
	case hasRx && !hasRy:
		return addAttr(raw, "ry", rx), true
	case hasRy && !hasRx:
		return addAttr(raw, "rx", ry), true
	}
	return "", false
}

// addAttr inserts name="value" before the end of a start tag.
func addAttr(raw, name, value string) string {
	end := len(raw) - 1 // the '>'
	if strings.HasSuffix(raw, "/>") {
		end--
	}
	var v strings.Builder
	_ = xml.EscapeText(&v, []byte(value))
	return raw[:end] + " " + name + `="` + v.String() + `"` + raw[end:]
}

// replaceAttr replaces the value of attribute name in a start tag; value
// must need no escaping (path data never does).
func replaceAttr(raw, name, value string) string {
	re := regexp.MustCompile(`\s` + regexp.QuoteMeta(name) + `\s*=\s*("[^"]*"|'[^']*')`)
	loc := re.FindStringSubmatchIndex(raw)
	if loc == nil {
		return raw
	}
	return raw[:loc[2]] + `"` + value + `"` + raw[loc[3]:]
}

// splitArcs rewrites every arc command in path data d so that each
// argument set has its own command letter, with flags separated. Other
// commands are copied unchanged; an arc whose arguments do not parse is
// left as it was, for oksvg to report.
func splitArcs(d string) string {
	if !strings.ContainsAny(d, "aA") {
		return d
	}
	var b strings.Builder
	for i := 0; i < len(d); {
		j := i + 1
		for j < len(d) && !isPathCommand(d[j]) {
			j++
		}
		seg := d[i:j]
		if seg[0] == 'a' || seg[0] == 'A' {
			if sets, ok := arcSets(seg[1:]); ok {
				for _, set := range sets {
					b.WriteByte(seg[0])
					b.WriteString(strings.Join(set, " "))
					b.WriteByte(' ')
				}
				i = j
				continue
			}
		}
		b.WriteString(seg)
		i = j
	}
	return b.String()
}

// isPathCommand reports whether c starts a path command ('e' and 'E' are
// exponents, not commands).
func isPathCommand(c byte) bool {
	return strings.IndexByte("MmZzLlHhVvCcSsQqTtAa", c) >= 0
}

// arcSets splits the arguments of one arc command into sets of seven:
// rx ry rotation large-arc sweep x y, the flags being single 0 or 1.
func arcSets(args string) ([][]string, bool) {
	var sets [][]string
	var set []string
	for p := 0; ; {
		p = skipPathSeparators(args, p)
		if p == len(args) {
			break
		}
		var tok string
		if n := len(set); n == 3 || n == 4 {
			if args[p] != '0' && args[p] != '1' {
				return nil, false
			}
			tok = args[p : p+1]
		} else if tok = pathNumber(args[p:]); tok == "" {
			return nil, false
		}
		p += len(tok)
		if set = append(set, tok); len(set) == 7 {
			sets, set = append(sets, set), nil
		}
	}
	return sets, len(set) == 0 && len(sets) > 0
}

func skipPathSeparators(s string, p int) int {
	for p < len(s) && strings.IndexByte(" \t\r\n,", s[p]) >= 0 {
		p++
	}
	return p
}

// pathNumberRE is a number in SVG path data.
var pathNumberRE = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`)

func pathNumber(s string) string { return pathNumberRE.FindString(s) }
