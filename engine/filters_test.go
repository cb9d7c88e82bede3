package engine

import "testing"

// TestFilters runs each filter through a template, as a layout uses it.
func TestFilters(t *testing.T) {
	cases := []struct{ tmpl, value, want string }{
		{"{{v | upper}}", "Acme", "ACME"},
		{"{{v | lower}}", "Acme", "acme"},
		{"{{v | trim}}", "  Acme ", "Acme"},

		{"{{v | compact}}", "1204", "1.2K"},
		{"{{v | compact}}", "1500000", "1.5M"},
		{"{{v | compact}}", "999", "999"},
		{"{{v | compact}}", "4.3", "4.3"},
		{"{{v | compact}}", "1000", "1K"},
		{"{{v | compact}}", "1050", "1.1K"},
		{"{{v | compact}}", "12345", "12K"},
		{"{{v | compact}}", "123456", "123K"},
		{"{{v | compact}}", "999999", "1M"},
		{"{{v | compact}}", "2500000000", "2.5B"},
		{"{{v | compact}}", "7000000000000", "7T"},
		{"{{v | compact}}", "-1204", "-1.2K"},
		{"{{v | compact}}", "many", "many"},
		{"{{v | compact}}", "", ""},

		{"{{v | number}}", "1204", "1,204"},
		{"{{v | number}}", "1234567.891", "1,234,567.891"},
		{"{{v | number}}", "-1204", "-1,204"},
		{"{{v | number}}", "12", "12"},
		{"{{v | number}}", "n/a", "n/a"},

		{"{{v | truncate:5}}", "Hello", "Hello"},
		{"{{v | truncate:5}}", "Hello world", "Hell…"},
		{"{{v | truncate:7}}", "Hello world", "Hello…"}, // the space before … goes
		{"{{v | truncate:3}}", "e\u0301e\u0301e\u0301e\u0301", "e\u0301e\u0301…"},
		{"{{v | truncate:2}}", "👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦", "👩‍👩‍👧‍👦…"},
		{"{{v | truncate:1}}", "ab", "…"},

		{"{{v | initials}}", "Amara Okafor", "AO"},
		{"{{v | initials}}", "amara n. okafor", "AO"},
		{"{{v | initials}}", "Amara", "A"},
		{"{{v | initials}}", "élodie Ångström", "ÉÅ"},
		{"{{v | initials}}", "  ", ""},

		{"{{v | default:'Anonymous'}}", "", "Anonymous"},
		{"{{v | default:'Anonymous'}}", " ", "Anonymous"},
		{"{{v | default:'Anonymous'}}", "Amara", "Amara"},
		{`{{v | default:"it's | }}"}}`, "", "it's | }}"},
		{`{{v | default:'it\'s'}}`, "", "it's"},
		{"{{v | default:''}}", "", ""},

		{"{{v | date:'2 Jan 2006'}}", "2026-03-09", "9 Mar 2026"},
		{"{{v | date:'Jan 2, 2006 15:04'}}", "2026-03-09T17:45:00Z", "Mar 9, 2026 17:45"},
		{"{{v | date:'15:04 MST'}}", "2026-03-09T17:45:00+01:00", "17:45 +0100"},
		{"{{v | date:'2 Jan'}}", "2026-03-09T08:00:00.123Z", "9 Mar"},
		{"{{v | date:'January 2006'}}", "2026-03", "March 2026"},
		{"{{v | date:'2006'}}", "next week", "next week"},

		{"{{v | trim | truncate:4 | upper}}", "  hello ", "HEL…"},
		{"{{v | default:'0' | compact}}", "", "0"},
		{"By {{v|initials}}.", "Amara Okafor", "By AO."},
	}
	for _, c := range cases {
		tm, err := parseTemplate(c.tmpl)
		if err != nil {
			t.Errorf("%s: %v", c.tmpl, err)
			continue
		}
		if got := tm.execute(map[string]string{"v": c.value}); got != c.want {
			t.Errorf("%s with %q = %q, want %q", c.tmpl, c.value, got, c.want)
		}
	}
}

func TestTemplateErrors(t *testing.T) {
	cases := []struct{ tmpl, want string }{
		{"{{v | shout}}", `placeholder {{v | shout}}: character 7: unknown filter "shout" (use compact, date, default, initials, lower, number, trim, truncate or upper)`},
		{"Hi {{ 1v }}", `placeholder {{ 1v }}: character 7: "1v" is not a field name`},
		{"{{v | upper:1}}", `placeholder {{v | upper:1}}: character 7: filter upper takes no argument`},
		{"{{v | truncate}}", `placeholder {{v | truncate}}: character 7: filter truncate needs a number: truncate:40`},
		{"{{v | truncate:0}}", `placeholder {{v | truncate:0}}: character 7: truncate needs a whole number of characters, at least 1, not "0"`},
		{"{{v | truncate:'4'}}", `placeholder {{v | truncate:'4'}}: character 7: truncate needs a whole number of characters, at least 1, not "'4'"`},
		{"{{v | default}}", `placeholder {{v | default}}: character 7: filter default needs a quoted text: default:'–'`},
		{"{{v | default:none}}", `placeholder {{v | default:none}}: character 7: filter default: put its argument in single quotes: default:'–'`},
		{"{{v | date:'yyyy-mm-dd'}}", `placeholder {{v | date:'yyyy-mm-dd'}}: character 7: date layout "yyyy-mm-dd" has no date or time in it: write it with Go's reference date, as in '2 Jan 2006'`},
		{"{{v | date}}", `placeholder {{v | date}}: character 7: filter date needs a quoted text: date:'2 Jan 2006'`},
		{"«{{v | upper | nope}}»", `placeholder {{v | upper | nope}}: character 16: unknown filter "nope" (use compact, date, default, initials, lower, number, trim, truncate or upper)`},
		{"{{v | default:'x}}", `unclosed placeholder "{{v | default:'x}}": end it with }}`},
		{"{{v |}}", `placeholder {{v |}}: character 6: unknown filter "" (use compact, date, default, initials, lower, number, trim, truncate or upper)`},
	}
	for _, c := range cases {
		_, err := parseTemplate(c.tmpl)
		if err == nil || err.Error() != c.want {
			t.Errorf("parseTemplate(%q):\n got %v\nwant %s", c.tmpl, err, c.want)
		}
	}
}

// FuzzParseTemplate checks that any text either compiles into a template
// that executes without panicking or fails with a message.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{
		"{{v}}", "{{v | upper | trim}}", "{{v | truncate:3}}", "{{v | default:'it\\'s | }}'}}",
		"{{v | date:'2 Jan 2006'}}", "{{v|compact}} {{v|number}} {{v|initials}}", "{{v | nope}}", "{{v | default:'x}}", "{{",
	} {
		f.Add(s, "Amara Okafor 1204 2026-03-09")
	}
	f.Fuzz(func(_ *testing.T, src, value string) {
		tm, err := parseTemplate(src)
		if err != nil {
			return
		}
		_ = tm.execute(map[string]string{"v": value})
	})
}
