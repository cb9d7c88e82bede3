package fonts

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
)

// systemFont is a font too large to embed (Noto Sans CJK is 20 MB a
// weight) that ogcard looks for on the machine. It is parsed only when a
// text first needs one of its characters.
type systemFont struct {
	family string
	files  map[string]int // file name (lower case) → weight
	covers func(rune) bool
}

var systemFonts = []systemFont{{
	family: "Noto Sans CJK",
	files: map[string]int{
		"notosanscjk-regular.ttc": 400, "notosanscjk-bold.ttc": 700, // Debian, Ubuntu: fonts-noto-cjk
		"notosanscjksc-regular.otf": 400, "notosanscjksc-bold.otf": 700, // the single-language release
		"notosanscjk-vf.otf.ttc": 0, // variable: canvas draws only its default instance, so skipped
	},
	covers: mayBeCJK,
}}

// emojiFiles are colour emoji fonts, in order of preference.
var emojiFiles = []string{"notocoloremoji.ttf"}

// FontDirsEnv names folders (separated by the OS list separator) searched
// before the system's for fonts too large to embed.
const FontDirsEnv = "OGCARD_FONTS_DIR"

// systemDirs are the folders searched for system fonts, in order.
func systemDirs() []string {
	var dirs []string
	if v := os.Getenv(FontDirsEnv); v != "" {
		dirs = append(dirs, filepath.SplitList(v)...)
	}
	dirs = append(dirs, "/usr/share/fonts", "/usr/local/share/fonts")
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local/share/fonts"))
	}
	return dirs
}

// findFiles walks dirs once and returns the first path found for each of
// the wanted file names (lower case).
func findFiles(dirs []string, wanted func(name string) bool) map[string]string {
	found := map[string]string{}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable folders are skipped, not fatal
			}
			name := strings.ToLower(d.Name())
			if !d.IsDir() && wanted(name) && found[name] == "" {
				found[name] = path
			}
			return nil
		})
	}
	return found
}

// addSystemFonts registers the system fonts found, lazily, and the colour
// emoji font. It returns the families it found.
func (r *Registry) addSystemFonts(dirs []string, loadEmoji func(path string) (EmojiFont, error)) []string {
	found := findFiles(dirs, func(name string) bool {
		for _, sf := range systemFonts {
			if _, ok := sf.files[name]; ok {
				return true
			}
		}
		return strings.HasSuffix(name, "coloremoji.ttf")
	})
	var families []string
	for _, sf := range systemFonts {
		added := false
		for name, weight := range sf.files {
			if path := found[name]; path != "" && weight > 0 {
				r.register(&Font{Family: sf.family, Weight: weight, lazy: &lazySource{read: readFile(path), covers: sf.covers}})
				added = true
			}
		}
		if added {
			families = append(families, sf.family)
		}
	}
	for _, name := range emojiFiles {
		if path := found[name]; path != "" && loadEmoji != nil {
			if e, err := loadEmoji(path); err == nil {
				r.emoji = e
				break
			}
		}
	}
	return families
}

// lazySource is where a font's bytes are until first use: a system font,
// or an embedded script font (twenty-eight of them, most cards need none,
// and parsed they would hold about 25 MB of heap for nothing).
type lazySource struct {
	once   sync.Once
	read   func() ([]byte, error)
	covers func(rune) bool // a cheap test that the font may have a character
	err    error
}

func readFile(path string) func() ([]byte, error) {
	return func() ([]byte, error) { return os.ReadFile(path) }
}

// ensure parses a lazy font on first use. It reports whether the font is
// usable; a font that fails to load stays unusable (and says why in Err).
func (f *Font) ensure() bool {
	if f.lazy == nil {
		return true
	}
	f.lazy.once.Do(func() {
		data, err := f.lazy.read()
		if err != nil {
			f.lazy.err = err
			return
		}
		loaded, err := newFont(data)
		if err != nil {
			f.lazy.err = err
			return
		}
		f.sfnt, f.shaper, f.unitsPerEm = loaded.sfnt, loaded.shaper, loaded.unitsPerEm
		f.ascent, f.descent = loaded.ascent, loaded.descent
	})
	return f.lazy.err == nil
}

// mayBeCJK reports whether Noto Sans CJK may have r: a Han, kana, Hangul
// or Bopomofo character, or one shared between scripts (the katakana
// prolonged sound mark ー, U+30FC, is Common, like most CJK punctuation).
func mayBeCJK(r rune) bool {
	return isCJK(r) || unicode.In(r, unicode.Common, unicode.Inherited)
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
