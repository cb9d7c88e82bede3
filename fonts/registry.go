package fonts

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

//go:embed *.ttf
var embedded embed.FS

// DefaultFamily is the family a layout gets when it names none.
const DefaultFamily = "Noto Sans"

// Registry finds fonts by family, weight and style. Build it with
// [Default] or [NewRegistry] and [Registry.Add]; after that it is only read,
// and safe for concurrent use.
type Registry struct {
	families map[string][]*Font // key: lower-cased family name
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{families: map[string][]*Font{}}
}

var loadDefault = sync.OnceValues(func() (*Registry, error) {
	r := NewRegistry()
	err := fs.WalkDir(embedded, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
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
})

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
	key := strings.ToLower(f.Family)
	r.families[key] = append(r.families[key], f)
	return f, nil
}

// HasFamily reports whether any face of family is registered.
func (r *Registry) HasFamily(family string) bool {
	return len(r.families[strings.ToLower(family)]) > 0
}

// Families lists the registered family names, sorted.
func (r *Registry) Families() []string {
	var names []string
	for _, faces := range r.families {
		names = append(names, faces[0].Family)
	}
	slices.Sort(names)
	return names
}

// Lookup returns the face of family closest to weight and style: an exact
// match, else the same style at the nearest weight (heavier on a tie, as
// headlines should rather be too bold than too thin), else the other style.
// It reports false when the family is unknown.
func (r *Registry) Lookup(family string, weight int, italic bool) (*Font, bool) {
	faces := r.families[strings.ToLower(family)]
	var best *Font
	bestScore := 0
	for _, f := range faces {
		score := abs(f.Weight-weight) * 2
		if f.Weight > weight {
			score-- // prefer heavier on a tie
		}
		if f.Italic != italic {
			score += 10000
		}
		if best == nil || score < bestScore {
			best, bestScore = f, score
		}
	}
	return best, best != nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
