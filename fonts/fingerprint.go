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
	// Faces are listed sorted: system fonts are registered in map order.
	var faces []string
	for name, fs := range r.families {
		for _, f := range fs {
			face := name + "," + strconv.Itoa(f.Weight)
			if f.Italic {
				face += "i"
			}
			faces = append(faces, face)
		}
	}
	slices.Sort(faces)
	var b strings.Builder
	b.WriteString(strings.Join(faces, ";"))
	b.WriteString("|" + strings.Join(r.fallbacks, ";"))
	if r.emoji != nil {
		b.WriteString("|emoji")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}
