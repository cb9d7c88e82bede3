package engine

import "testing"

func TestParseTest(t *testing.T) {
	cases := []struct {
		src  string
		want test
	}{
		{"brand", test{field: "brand"}},
		{"  brand  ", test{field: "brand"}},
		{"!brand", test{field: "brand", negate: true}},
		{"! brand", test{field: "brand", negate: true}},
		{"rating >= 4", test{field: "rating", op: ">=", literal: "4"}},
		{"rating>=4.5", test{field: "rating", op: ">=", literal: "4.5"}},
		{"n < -1e3", test{field: "n", op: "<", literal: "-1e3"}},
		{"n<=0", test{field: "n", op: "<=", literal: "0"}},
		{"n > 0", test{field: "n", op: ">", literal: "0"}},
		{"n != 0", test{field: "n", op: "!=", literal: "0"}},
		{"status == 'live'", test{field: "status", op: "==", literal: "live", quoted: true}},
		{`status == "live"`, test{field: "status", op: "==", literal: "live", quoted: true}},
		{`s == 'it\'s'`, test{field: "s", op: "==", literal: "it's", quoted: true}},
		{`s == 'a\\'`, test{field: "s", op: "==", literal: `a\`, quoted: true}},
		{"s == ''", test{field: "s", op: "==", literal: "", quoted: true}},
		{"s == 'два слова'", test{field: "s", op: "==", literal: "два слова", quoted: true}},
		{"_x1 == 'a|b'", test{field: "_x1", op: "==", literal: "a|b", quoted: true}},
	}
	for _, c := range cases {
		got, err := parseTest(c.src)
		if err != nil || got != c.want {
			t.Errorf("parseTest(%q) = %+v, %v; want %+v", c.src, got, err, c.want)
		}
	}
}

func TestParseTestErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"", `when "": character 1: expected a field name, found the end`},
		{"!", `when "!": character 2: expected a field name, found the end`},
		{"4 > rating", `when "4 > rating": character 1: expected a field name, found '4'`},
		{"rating = 4", `when "rating = 4": character 8: expected an operator (==, !=, <, <=, >, >=), found '='`},
		{"rating =< 4", `when "rating =< 4": character 8: expected an operator (==, !=, <, <=, >, >=), found '='`},
		{"rating >=", `when "rating >=": character 10: expected a number or a quoted string after >=`},
		{"rating >= four", `when "rating >= four": character 11: "four" is not a number: quote text ('four')`},
		{"rating >= 1e999", `when "rating >= 1e999": character 11: "1e999" is not a number: quote text ('1e999')`},
		{"rating >= NaN", `when "rating >= NaN": character 11: "NaN" is not a number: quote text ('NaN')`},
		{"status == 'live", `when "status == 'live": character 11: unclosed ': end the text with '`},
		{"status == 'live' x", `when "status == 'live' x": character 18: unexpected 'x' after the value`},
		{"!brand == 'x'", `when "!brand == 'x'": character 8: "!brand" cannot be compared: write the opposite comparison without "!"`},
		{"brand name", `when "brand name": character 7: expected an operator (==, !=, <, <=, >, >=), found 'n'`},
		{"né == 'x'", `when "né == 'x'": character 2: expected an operator (==, !=, <, <=, >, >=), found 'é'`},
		{"ünï", `when "ünï": character 1: expected a field name, found 'ü'`},
		{"a == 'ü' x", `when "a == 'ü' x": character 10: unexpected 'x' after the value`},
		{"rating && x", `when "rating && x": character 8: expected an operator (==, !=, <, <=, >, >=), found '&'`},
	}
	for _, c := range cases {
		_, err := parseTest(c.src)
		if err == nil || err.Error() != c.want {
			t.Errorf("parseTest(%q):\n got %v\nwant %s", c.src, err, c.want)
		}
	}
}

func TestConditionHolds(t *testing.T) {
	vals := map[string]string{"brand": "Acme", "blank": "  ", "rating": "4.5", "count": "12", "none": "", "status": "live"}
	cases := []struct {
		cond condition
		want bool
	}{
		{hasValue{field: "brand"}, true},
		{hasValue{field: "blank"}, false},
		{hasValue{field: "brand", negate: true}, false},
		{hasValue{field: "blank", negate: true}, true},
		{num("rating", ">=", 4), true},
		{num("rating", ">", 4.5), false},
		{num("rating", ">=", 4.5), true},
		{num("rating", "<", 5), true},
		{num("rating", "<=", 4.4), false},
		{num("rating", "==", 4.5), true},
		{num("count", ">", 9), true}, // as numbers: "12" > "9" as text is false
		{num("none", "==", 0), false},
		{num("none", "<", 1), false},
		{num("none", ">=", 0), false},
		{num("none", "!=", 0), true},
		{text("status", "==", "live"), true},
		{text("status", "!=", "live"), false},
		{text("status", "==", "Live"), false},
		{text("none", "==", ""), true},
		{text("status", "<", "m"), true},
		{allOf{hasValue{field: "brand"}, num("rating", ">=", 4)}, true},
		{allOf{hasValue{field: "brand"}, num("rating", ">=", 5)}, false},
		{anyOf{hasValue{field: "none"}, num("rating", ">=", 5)}, false},
		{anyOf{hasValue{field: "none"}, text("status", "==", "live")}, true},
		{anyOf{allOf{hasValue{field: "none"}}, allOf{hasValue{field: "brand"}, hasValue{field: "status"}}}, true},
	}
	for i, c := range cases {
		if got := c.cond.holds(vals); got != c.want {
			t.Errorf("case %d %+v: holds = %v, want %v", i, c.cond, got, c.want)
		}
	}
}

func num(field, op string, n float64) comparison {
	return comparison{field: field, op: op, numeric: true, num: n}
}

func text(field, op, s string) comparison {
	return comparison{field: field, op: op, text: s}
}

// FuzzParseTest checks that any string either parses into a test that
// names a field or fails with a message, and never panics.
func FuzzParseTest(f *testing.F) {
	for _, s := range []string{"brand", "!brand", "rating >= 4", "status == 'live'", `s != "a\"b"`, "n<-1.5e3", "a ==", "'", "!x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got, err := parseTest(src)
		if err == nil && !isFieldName(got.field) {
			t.Errorf("parseTest(%q) = %+v: not a field name", src, got)
		}
	})
}

// BenchmarkConditionHolds measures the per-render cost of a nested when:
// {"all": ["brand", {"any": ["rating >= 4.5", "status == 'featured'"]}]}.
func BenchmarkConditionHolds(b *testing.B) {
	cond := allOf{hasValue{field: "brand"}, anyOf{num("rating", ">=", 4.5), text("status", "==", "featured")}}
	vals := map[string]string{"brand": "Acme", "rating": "4.2", "status": "featured"}
	b.ReportAllocs()
	for b.Loop() {
		if !cond.holds(vals) {
			b.Fatal("condition should hold")
		}
	}
}
