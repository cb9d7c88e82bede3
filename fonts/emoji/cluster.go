package emoji

import (
	"sort"
	"unicode/utf8"
)

// Code points that change how a grapheme cluster is presented.
const (
	zwj         = 0x200D  // ZERO WIDTH JOINER, glues pictographs into one emoji
	vs15        = 0xFE0E  // VARIATION SELECTOR-15, asks for text presentation
	vs16        = 0xFE0F  // VARIATION SELECTOR-16, asks for emoji presentation
	keycapMark  = 0x20E3  // COMBINING ENCLOSING KEYCAP
	cancelTag   = 0xE007F // CANCEL TAG, ends a tag sequence
	blackFlag   = 0x1F3F4 // base of the subdivision flags (England, Scotland, Wales)
	riFirst     = 0x1F1E6 // REGIONAL INDICATOR SYMBOL LETTER A
	riLast      = 0x1F1FF // REGIONAL INDICATOR SYMBOL LETTER Z
	toneFirst   = 0x1F3FB // EMOJI MODIFIER FITZPATRICK TYPE-1-2
	toneLast    = 0x1F3FF // EMOJI MODIFIER FITZPATRICK TYPE-6
	tagFirst    = 0xE0020 // TAG SPACE
	maxClusterN = 64      // longer "clusters" are not real emoji; bail out early
)

// runeRange is an inclusive range of code points.
type runeRange struct{ lo, hi rune }

// inRanges reports whether r falls in one of the sorted, disjoint ranges.
func inRanges(ranges []runeRange, r rune) bool {
	i := sort.Search(len(ranges), func(i int) bool { return ranges[i].hi >= r })
	return i < len(ranges) && ranges[i].lo <= r
}

// clusterTraits summarises the code points of one grapheme cluster.
type clusterTraits struct {
	first                         rune
	vs15, vs16, zwj, tone, keycap bool
	tags, regional, pictographs   int
}

// scanCluster collects the traits IsEmojiCluster decides on.
func scanCluster(s string) (t clusterTraits, ok bool) {
	n := 0
	for _, r := range s {
		if n == 0 {
			t.first = r
		}
		if n++; n > maxClusterN || r == utf8.RuneError {
			return t, false
		}
		switch {
		case r == vs15:
			t.vs15 = true
		case r == vs16:
			t.vs16 = true
		case r == zwj:
			t.zwj = true
		case r == keycapMark:
			t.keycap = true
		case r >= toneFirst && r <= toneLast:
			t.tone = true
		case r >= tagFirst && r <= cancelTag:
			t.tags++
		case r >= riFirst && r <= riLast:
			t.regional++
		case inRanges(extendedPictographic, r):
			t.pictographs++
		}
	}
	return t, n > 0
}

// isKeycapBase reports whether r can start a keycap sequence (0-9, #, *).
func isKeycapBase(r rune) bool {
	return r >= '0' && r <= '9' || r == '#' || r == '*'
}

// IsEmojiCluster reports whether a grapheme cluster, as split by
// github.com/rivo/uniseg, should be drawn as a colour emoji.
//
// It is true for keycaps (1️⃣, also without U+FE0F), regional indicator
// flags (🇯🇵), tag-sequence flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿), pictographs followed by U+FE0F
// (❤️), by a skin tone (☝🏽) or joined by U+200D (❤‍🔥), and for code points
// whose Emoji_Presentation is Yes (😀, 🚀). It is false for characters that
// are text by default (©, ™, ❤, digits, #, *) unless U+FE0F follows, and
// for any cluster carrying U+FE0E (text presentation) without U+FE0F.
// Combining marks do not count: a letter followed by U+FE0F or a skin tone
// stays text, because no emoji font draws it.
func IsEmojiCluster(cluster string) bool {
	t, ok := scanCluster(cluster)
	if !ok {
		return false
	}
	first := t.first
	pictographic := inRanges(extendedPictographic, first)
	switch {
	case isKeycapBase(first):
		// Bare digits are text; "1\uFE0F" is the emoji-style digit.
		return t.keycap || t.vs16
	case first >= riFirst && first <= riLast:
		// A lone regional indicator is Emoji_Presentation too (🇦).
		return true
	case !pictographic:
		return false
	case t.vs16:
		return true
	case t.vs15:
		return false
	case t.tone:
		return true
	case first == blackFlag && t.tags > 0:
		return true
	case t.zwj && t.pictographs > 1:
		return true
	}
	return inRanges(emojiPresentation, first)
}
