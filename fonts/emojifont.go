package fonts

import (
	_ "embed"
	"errors"
	"image"
	"os"
	"sync"

	"github.com/ogcard/ogcard/fonts/emoji"
)

// embeddedEmojiFont is Noto Color Emoji, used when the system has no
// colour emoji font, so emoji draw on a machine with nothing but Go. It
// adds 10.5 MB to the binary (CBDT bitmaps are PNGs already: compressing
// the file would gain nothing).
//
//go:embed coloremoji/NotoColorEmoji.ttf
var embeddedEmojiFont []byte

// lazyEmoji is a colour emoji font, parsed when the first emoji cluster
// needs it: most cards have none, and the font is 10 MB.
type lazyEmoji struct {
	once sync.Once
	read func() ([]byte, error)
	font *emoji.Font
	err  error
}

var _ EmojiFont = (*lazyEmoji)(nil)

// newLazyEmoji opens the colour emoji font file at path on first use.
func newLazyEmoji(path string) (EmojiFont, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return &lazyEmoji{read: readFile(path)}, nil
}

// embeddedEmoji is the embedded Noto Color Emoji, parsed on first use.
func embeddedEmoji() EmojiFont {
	return &lazyEmoji{read: func() ([]byte, error) { return embeddedEmojiFont, nil }}
}

func (l *lazyEmoji) load() *emoji.Font {
	l.once.Do(func() {
		data, err := l.read()
		if err == nil {
			l.font, err = emoji.Load(data)
		}
		l.err = err
	})
	return l.font
}

// IsEmoji reports whether a cluster is drawn as a colour emoji: it is
// one by Unicode's emoji properties and the font has its base character
// (an emoji newer than the font falls back to the text fonts, and is
// reported missing there if nobody has it).
func (l *lazyEmoji) IsEmoji(cluster string) bool {
	if !emoji.IsEmojiCluster(cluster) {
		return false
	}
	f := l.load()
	for _, r := range cluster {
		return f != nil && f.Has(r)
	}
	return false
}

// Shape shapes a run of emoji clusters.
func (l *lazyEmoji) Shape(s string) ([]EmojiGlyph, error) {
	f := l.load()
	if f == nil {
		return nil, l.err
	}
	glyphs, err := f.Shape(s)
	out := make([]EmojiGlyph, len(glyphs))
	for i, g := range glyphs {
		out[i] = EmojiGlyph{ID: g.ID, Advance: g.Advance}
	}
	return out, err
}

// Image returns a glyph's bitmap; a glyph with none (the joiner between
// the parts of a sequence the font lacks) is an empty image, not an error.
func (l *lazyEmoji) Image(id uint16, sizePx float64) (*image.RGBA, image.Point, error) {
	f := l.load()
	if f == nil {
		return nil, image.Point{}, l.err
	}
	img, off, err := f.Image(id, sizePx)
	if errors.Is(err, emoji.ErrNoBitmap) {
		return nil, image.Point{}, nil
	}
	return img, off, err
}
