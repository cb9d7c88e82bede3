package engine

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rivo/uniseg"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// filter transforms a placeholder's value. Filters are pure functions of
// the value, safe for concurrent use.
type filter func(string) string

// argKind is what follows a filter's name after a colon.
type argKind int

const (
	noArg    argKind = iota
	countArg         // a whole number, at least 1: truncate:40
	textArg          // text in single or double quotes: default:'–'
)

// filterDef describes one filter: the argument it takes, and how to build
// it from that argument (already unquoted), checking it.
type filterDef struct {
	arg  argKind
	make func(arg string) (filter, error)
}

var filterDefs = map[string]filterDef{
	"upper":    {make: noArgs(strings.ToUpper)},
	"lower":    {make: noArgs(strings.ToLower)},
	"trim":     {make: noArgs(strings.TrimSpace)},
	"compact":  {make: noArgs(compactNumber)},
	"number":   {make: noArgs(groupNumber)},
	"initials": {make: noArgs(initials)},
	"truncate": {arg: countArg, make: truncateFilter},
	"default":  {arg: textArg, make: defaultFilter},
	"date":     {arg: textArg, make: dateFilter},
}

// filterNames lists the filters for messages, sorted.
func filterNames() string {
	names := make([]string, 0, len(filterDefs))
	for n := range filterDefs {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// noArgs makes a filter that takes no argument.
func noArgs(f filter) func(string) (filter, error) {
	return func(string) (filter, error) { return f, nil }
}

// english formats numbers with grouping; a Printer is safe for concurrent
// use (each call takes its own state from a pool).
var english = message.NewPrinter(language.English)

// groupNumber writes a number with thousands separators (1204 → 1,204),
// up to three decimals. Text that is not a number passes unchanged.
func groupNumber(s string) string {
	n, ok := parseNumber(s)
	if !ok {
		return s
	}
	return english.Sprint(number.Decimal(n))
}

// compactUnits are the suffixes of compactNumber, by power of 1000.
var compactUnits = []string{"", "K", "M", "B", "T"}

// compactNumber shortens a number as social cards do, following the
// English short compact notation of CLDR (JavaScript's
// Intl.NumberFormat notation "compact"): 1204 → 1.2K, 12345 → 12K,
// 1,500,000 → 1.5M; two significant digits below 100 of a unit, whole
// units above, and 999,999 → 1M. x/text has no compact notation, so it is
// done here. Text that is not a number passes unchanged.
func compactNumber(s string) string {
	n, ok := parseNumber(s)
	if !ok {
		return s
	}
	sign, n := "", n
	if n < 0 {
		sign, n = "-", -n
	}
	unit := 0
	for n >= 1000 && unit < len(compactUnits)-1 {
		n /= 1000
		unit++
	}
	if unit == 0 {
		return sign + strconv.FormatFloat(roundHalfUp(n, 100), 'f', -1, 64)
	}
	step := 1.0 // whole units from 100 on
	if n < 100 {
		step = 10 / math.Pow(10, math.Floor(math.Log10(n))) // two significant digits
	}
	n = roundHalfUp(n, step)
	if n >= 1000 && unit < len(compactUnits)-1 {
		n, unit = n/1000, unit+1
	}
	return sign + strconv.FormatFloat(n, 'f', -1, 64) + compactUnits[unit]
}

// roundHalfUp rounds n to a multiple of 1/per, halves away from zero.
func roundHalfUp(n, per float64) float64 {
	return math.Floor(n*per+0.5+1e-9) / per
}

func parseNumber(s string) (float64, bool) {
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return n, err == nil && !math.IsInf(n, 0) && !math.IsNaN(n)
}

// initials takes the first letter of the first and the last word, upper
// case ("Amara Okafor" → "AO", "Amara N. Okafor" → "AO", "Amara" → "A").
// A letter is a whole grapheme cluster, so accented letters stay whole.
func initials(s string) string {
	words := strings.Fields(s)
	if len(words) > 2 {
		words = []string{words[0], words[len(words)-1]}
	}
	var b strings.Builder
	for _, w := range words {
		first, _, _, _ := uniseg.FirstGraphemeClusterInString(w, -1)
		b.WriteString(strings.ToUpper(first))
	}
	return b.String()
}

func truncateFilter(arg string) (filter, error) {
	limit, err := strconv.Atoi(arg)
	if err != nil || limit < 1 {
		return nil, fmt.Errorf("truncate needs a whole number of characters, at least 1, not %q", arg)
	}
	return func(s string) string { return truncate(s, limit) }, nil
}

// truncate cuts s to at most limit grapheme clusters, the ellipsis
// included, and drops the spaces before the ellipsis.
func truncate(s string, limit int) string {
	if uniseg.GraphemeClusterCount(s) <= limit {
		return s
	}
	end, state := 0, -1
	for i := 0; i < limit-1; i++ {
		cluster, _, _, st := uniseg.FirstGraphemeClusterInString(s[end:], state)
		end, state = end+len(cluster), st
	}
	return strings.TrimRight(s[:end], " \t\n") + "…"
}

func defaultFilter(arg string) (filter, error) {
	return func(s string) string {
		if strings.TrimSpace(s) == "" {
			return arg
		}
		return s
	}, nil
}

// dateInputs are the ISO 8601 forms a date filter reads, tried in order.
var dateInputs = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02", "2006-01",
}

// dateFilter formats ISO 8601 dates and datetimes with a Go layout, in the
// time zone they were written in. Text that is not such a date passes
// unchanged.
func dateFilter(layout string) (filter, error) {
	ref := time.Date(2009, 11, 10, 23, 4, 5, 0, time.UTC)
	if ref.Format(layout) == layout {
		return nil, fmt.Errorf("date layout %q has no date or time in it: write it with Go's reference date, as in '2 Jan 2006'", layout)
	}
	return func(s string) string {
		v := strings.TrimSpace(s)
		for _, in := range dateInputs {
			if t, err := time.Parse(in, v); err == nil {
				return t.Format(layout)
			}
		}
		return s
	}, nil
}
