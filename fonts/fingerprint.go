package fonts

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// Fingerprint names the set of fonts a card drawn with r could use: the
// families and weights registered, the fallback order, and whether colour
// emoji are available. Two processes whose registries differ (one found
// the system's CJK fonts, the other did not) have different fingerprints,
// so the engine keeps their cards apart in a shared store.
func (r *Registry) Fingerprint() string {
	var b strings.Builder
	families := make([]string, 0, len(r.families))
	for name := range r.families {
		families = append(families, name)
	}
	slices.Sort(families)
	for _, name := range families {
		b.WriteString(name)
		for _, f := range r.families[name] {
			b.WriteString("," + strconv.Itoa(f.Weight))
			if f.Italic {
				b.WriteString("i")
			}
		}
		b.WriteString(";")
	}
	b.WriteString("|" + strings.Join(r.fallbacks, ";"))
	if r.emoji != nil {
		b.WriteString("|emoji")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}
