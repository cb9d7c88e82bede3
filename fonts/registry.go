package fonts

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode"
)

//go:embed *.ttf
var embedded embed.FS

// DefaultFamily is the family a layout gets when it names none.
const DefaultFamily = "Noto Sans"

// Registry finds fonts by family, weight and style. Build it with
// [Default] or [NewRegistry] and [Registry.Add]; after that it is only read,
// and safe for concurrent use.
type Registry struct {
	families  map[string][]*Font // key: lower-cased family name
	fallbacks []string           // families tried after the requested one, in order
	emoji     EmojiFont          // nil when none was found
	missing   []string           // scripts no font covers, for one log line
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{families: map[string][]*Font{}}
}

// embeddedFallbacks are the families tried after the requested one: Noto
// Sans covers Latin, Greek, Cyrillic and Vietnamese, the others a script
// each, then symbols and mathematics. Noto Sans CJK is found on the
// system; colour emoji too, else the embedded Noto Color Emoji is used.
var embeddedFallbacks = []string{
	"Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew",
	"Noto Sans Devanagari", "Noto Sans Bengali", "Noto Sans Tamil", "Noto Sans Telugu",
	"Noto Sans Kannada", "Noto Sans Malayalam", "Noto Sans Gujarati", "Noto Sans Gurmukhi",
	"Noto Sans Oriya", "Noto Sans Sinhala", "Noto Sans Thai", "Noto Sans Lao", "Noto Sans Khmer",
	"Noto Sans Myanmar", "Noto Sans Georgian", "Noto Sans Armenian", "Noto Sans Ethiopic",
	"Noto Sans Symbols2", "Noto Sans Math",
}

// SystemOptions say where to look for the fonts ogcard does not embed.
type SystemOptions struct {
	Dirs      []string                             // searched in order; default: $OGCARD_FONTS_DIR, then the system's folders
	LoadEmoji func(path string) (EmojiFont, error) // opens a colour emoji font; default: Noto Color Emoji through package fonts/emoji
}

// DefaultSystem is how Default finds system fonts. Change it only before
// the first call to Default (tests point it at other folders).
var DefaultSystem = SystemOptions{}

var loadDefault = sync.OnceValues(func() (*Registry, error) {
	r, err := loadEmbedded()
	if err != nil {
		return nil, err
	}
	opts := DefaultSystem
	if opts.Dirs == nil {
		opts.Dirs = systemDirs()
	}
	if opts.LoadEmoji == nil {
		opts.LoadEmoji = newLazyEmoji
	}
	r.fallbacks = append(slices.Clone(embeddedFallbacks), r.addSystemFonts(opts.Dirs, opts.LoadEmoji)...)
	if r.emoji == nil {
		r.emoji = embeddedEmoji()
	}
	r.missing = r.uncoveredScripts()
	return r, nil
})

func loadEmbedded() (*Registry, error) {
	r := NewRegistry()
	err := fs.WalkDir(embedded, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if f := lazyEmbeddedFont(path); f != nil {
			r.register(f)
			return nil
		}
		data, err := embedded.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := r.Add("", data); err != nil {
			return fmt.Errorf("embedded font %s: %w", path, err)
		}
		return nil
	})
	return r, err
}

// Default returns the registry of the embedded fonts, parsed once per
// process. Callers must not Add to it: Clone it first.
func Default() (*Registry, error) {
	return loadDefault()
}

// Clone returns a registry with the same fonts that can be added to
// without changing r. Fonts themselves are shared.
func (r *Registry) Clone() *Registry {
	c := NewRegistry()
	for k, v := range r.families {
		c.families[k] = slices.Clone(v)
	}
	return c
}

// Add parses a TrueType or OpenType font file and registers it. The family
// comes from the file unless family is non-empty, which lets a layout give
// a font file a name of its own.
func (r *Registry) Add(family string, data []byte) (*Font, error) {
	f, err := newFont(data)
	if err != nil {
		return nil, err
	}
	if family != "" {
		f.Family = family
	}
	r.register(f)
	return f, nil
}

func (r *Registry) register(f *Font) {
	key := strings.ToLower(f.Family)
	r.families[key] = append(r.families[key], f)
}

// Stack returns the font stack for a requested face: its nearest match,
// then every fallback family at the nearest weight and style, then colour
// emoji. It reports false when the family is unknown.
func (r *Registry) Stack(family string, weight int, italic bool) (*Stack, bool) {
	primary, ok := r.Lookup(family, weight, italic)
	if !ok {
		return nil, false
	}
	s := &Stack{fonts: []*Font{primary}, emoji: r.emoji}
	for _, fb := range r.fallbacks {
		if strings.EqualFold(fb, primary.Family) {
			continue
		}
		if f, ok := r.Lookup(fb, weight, italic); ok {
			s.fonts = append(s.fonts, f)
		}
	}
	return s, true
}

// MissingScripts names the scripts that no font covers, for one clear log
// line at start-up ("Chinese, Japanese and Korean", "colour emoji").
func (r *Registry) MissingScripts() []string { return slices.Clone(r.missing) }

func (r *Registry) uncoveredScripts() []string {
	var out []string
	if !r.HasFamily("Noto Sans CJK") {
		out = append(out, "Chinese, Japanese and Korean (install fonts-noto-cjk, or put NotoSansCJK-Regular.ttc and -Bold.ttc in $"+FontDirsEnv+")")
	}
	if r.emoji == nil {
		out = append(out, "colour emoji (install fonts-noto-color-emoji, or put NotoColorEmoji.ttf in $"+FontDirsEnv+")")
	}
	return out
}

// HasFamily reports whether any face of family is registered.
func (r *Registry) HasFamily(family string) bool {
	return len(r.families[strings.ToLower(family)]) > 0
}

// Families lists the families a layout would name, sorted: every
// registered family except those that serve only as fallbacks for other
// scripts (they can still be named, but listing twenty script fonts in an
// error message helps nobody).
func (r *Registry) Families() []string {
	var names []string
	for _, faces := range r.families {
		name := faces[0].Family
		if name == DefaultFamily || !slices.ContainsFunc(r.fallbacks, func(fb string) bool { return strings.EqualFold(fb, name) }) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Lookup returns the face of family closest to weight and style: an exact
// match, else the same style at the weight CSS's font matching picks (see
// [weightScore]), else the other style. It reports false when the family is
// unknown.
func (r *Registry) Lookup(family string, weight int, italic bool) (*Font, bool) {
	faces := r.families[strings.ToLower(family)]
	var best *Font
	bestScore := 0
	for _, f := range faces {
		score := weightScore(weight, f.Weight)
		if f.Italic != italic {
			score += 10000
		}
		if best == nil || score < bestScore {
			best, bestScore = f, score
		}
	}
	return best, best != nil
}

// weightScore ranks a face of weight have for a request of weight want,
// lower being better, in the order of CSS Fonts 4 §5.2 (font-weight
// matching): below 400, lighter faces first, nearest first, then heavier;
// above 500, heavier first, then lighter; from 400 to 500, the faces up to
// 500 first, then lighter, then heavier. So 300 falls back to 400 when
// there is no 200, 600 to 700, and 500 to 400 rather than 700.
func weightScore(want, have int) int {
	const later, last = 1000, 2000
	switch {
	case want < 400:
		if have <= want {
			return want - have
		}
		return later + have - want
	case want > 500:
		if have >= want {
			return have - want
		}
		return later + want - have
	case have >= want && have <= 500:
		return have - want
	case have < want:
		return later + want - have
	default:
		return last + have - want
	}
}

// extraWeights are the Noto Sans faces beyond regular and bold, by file
// name. Parsing each costs 10 to 35 ms and about 1 MB of heap, and most
// cards never use them: they are parsed when a text first asks for one.
var extraWeights = map[string]int{
	"NotoSans-Light.ttf": 300, "NotoSans-Medium.ttf": 500, "NotoSans-SemiBold.ttf": 600, "NotoSans-ExtraBold.ttf": 800,
}

func lazyWeightFont(file string) *Font {
	weight, ok := extraWeights[file]
	if !ok {
		return nil
	}
	return &Font{
		Family: DefaultFamily,
		Weight: weight,
		lazy: &lazySource{
			read:   func() ([]byte, error) { return embedded.ReadFile(file) },
			covers: func(rune) bool { return true }, // the font answers for itself once parsed
		},
	}
}

// lazyEmbeddedFont returns an embedded font to be parsed on first use: a
// text face (Noto Sans or Noto Serif), an extra weight, a symbols or a
// script font; nil for any other file. Parsed, a face holds about 3 MB of
// heap (the file, tdewolff/font's tables for outlines and go-text's for
// shaping); most cards use one or two of them, so parsing them all up
// front cost 15 MB (and twice that in peak memory, with the collector's
// headroom) for nothing.
func lazyEmbeddedFont(file string) *Font {
	for _, lazy := range []func(string) *Font{lazyTextFont, lazyWeightFont, lazySymbolsFont, lazyScriptFont} {
		if f := lazy(file); f != nil {
			return f
		}
	}
	return nil
}

// symbolsFonts are the embedded fonts for symbols, arrows and mathematics
// (★ ☆ → ✓ ∑ ∞), which Noto Sans lacks; one weight each exists.
var symbolsFonts = map[string]string{
	"NotoSansSymbols2-Regular.ttf": "Noto Sans Symbols2",
	"NotoSansMath-Regular.ttf":     "Noto Sans Math",
}

// lazySymbolsFont returns an embedded symbols font, to be parsed when a
// text first needs a character that no font before it in the stack has.
func lazySymbolsFont(file string) *Font {
	family, ok := symbolsFonts[file]
	if !ok {
		return nil
	}
	return &Font{
		Family: family,
		Weight: 400,
		lazy: &lazySource{
			read: func() ([]byte, error) { return embedded.ReadFile(file) },
			covers: func(r rune) bool {
				return unicode.Is(unicode.Common, r) || unicode.Is(unicode.Inherited, r) || unicode.Is(unicode.Greek, r)
			},
		},
	}
}

// lazyTextFont returns one of the embedded text faces, as in
// NotoSans-BoldItalic.ttf, registered from its file name (a test checks
// it against the font's own names); nil for any other file.
func lazyTextFont(file string) *Font {
	base, style, ok := strings.Cut(strings.TrimSuffix(file, ".ttf"), "-")
	families := map[string]string{"NotoSans": "Noto Sans", "NotoSerif": "Noto Serif"}
	styles := map[string]struct {
		weight int
		italic bool
	}{"Regular": {400, false}, "Italic": {400, true}, "Bold": {700, false}, "BoldItalic": {700, true}}
	st, known := styles[style]
	if !ok || families[base] == "" || !known {
		return nil
	}
	return &Font{
		Family: families[base],
		Weight: st.weight,
		Italic: st.italic,
		lazy: &lazySource{
			read:   func() ([]byte, error) { return embedded.ReadFile(file) },
			covers: func(rune) bool { return true }, // Latin, Greek, Cyrillic and more: ask the font
		},
	}
}

// lazyScriptFont returns an embedded font for one script, as in
// NotoSansArabic-Bold.ttf, to be parsed when a text first needs that
// script; nil for any other file. Its family and weight come from the
// file name, which a test checks against the font's own names.
func lazyScriptFont(file string) *Font {
	base, style, ok := strings.Cut(strings.TrimSuffix(file, ".ttf"), "-")
	name, isScript := strings.CutPrefix(base, "NotoSans")
	weights := map[string]int{"Regular": 400, "Bold": 700}
	table := unicode.Scripts[name]
	if !ok || !isScript || table == nil || weights[style] == 0 {
		return nil
	}
	return &Font{
		Family: "Noto Sans " + name,
		Weight: weights[style],
		lazy: &lazySource{
			read: func() ([]byte, error) { return embedded.ReadFile(file) },
			// Marks and punctuation shared between scripts are in
			// Inherited and Common: the font may have them too.
			covers: func(r rune) bool {
				return unicode.Is(table, r) || unicode.Is(unicode.Inherited, r) || unicode.Is(unicode.Common, r)
			},
		},
	}
}
