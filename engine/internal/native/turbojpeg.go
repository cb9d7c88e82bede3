package native

import (
	"errors"
	"fmt"
	"image"
	"sync"
	"unsafe"
)

// The TurboJPEG 2 API (turbojpeg.h), which libjpeg-turbo 3 still exports.
const (
	tjpfRGBA      = 7 // TJPF_RGBA: 4 bytes a pixel, alpha set to 255
	tjsamp420     = 2 // TJSAMP_420: chroma halved both ways, as every web JPEG
	tjcsCMYK      = 3 // TJCS_CMYK and TJCS_YCCK cannot be decoded to RGB
	tjcsYCCK      = 4
	tjflagNone    = 0
	tjScaleDenom  = 8
	tjMaxScaleNum = 8
)

var tj struct {
	once sync.Once
	err  error

	initDecompress   func() uintptr
	initCompress     func() uintptr
	destroy          func(h uintptr) int32
	decompressHeader func(h uintptr, buf unsafe.Pointer, size uintptr, w, ht, subsamp, cs *int32) int32
	decompress       func(h uintptr, buf unsafe.Pointer, size uintptr, dst unsafe.Pointer, w, pitch, ht, pf, flags int32) int32
	compress         func(h uintptr, src unsafe.Pointer, w, pitch, ht, pf int32, dst *unsafe.Pointer, size *uintptr, subsamp, quality, flags int32) int32
	free             func(p unsafe.Pointer)
	errorStr         func(h uintptr) string
}

func loadTurboJPEG() error {
	tj.once.Do(func() {
		lib, err := open("libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.dylib")
		if err != nil {
			tj.err = fmt.Errorf("libturbojpeg: %w", err)
			return
		}
		tj.err = bind(lib, map[string]any{
			"tjInitDecompress":    &tj.initDecompress,
			"tjInitCompress":      &tj.initCompress,
			"tjDestroy":           &tj.destroy,
			"tjDecompressHeader3": &tj.decompressHeader,
			"tjDecompress2":       &tj.decompress,
			"tjCompress2":         &tj.compress,
			"tjFree":              &tj.free,
			"tjGetErrorStr2":      &tj.errorStr,
		})
		if tj.err != nil {
			tj.err = fmt.Errorf("libturbojpeg: %w", tj.err)
		}
	})
	return tj.err
}

// TurboJPEG reports whether libjpeg-turbo is in use and, if not, why not.
func TurboJPEG() error { return loadTurboJPEG() }

// ErrUnsupportedJPEG is a JPEG TurboJPEG will not turn into RGB (CMYK and
// YCCK): the caller decodes it another way.
var ErrUnsupportedJPEG = errors.New("CMYK JPEG")

// JPEGInfo is what a JPEG's header says.
type JPEGInfo struct{ Width, Height int }

// ScaledSize is the size a JPEG of w x h decodes to at num/8, rounded up
// as libjpeg rounds it.
func ScaledSize(w, h, num int) (int, int) {
	return (w*num + tjScaleDenom - 1) / tjScaleDenom, (h*num + tjScaleDenom - 1) / tjScaleDenom
}

// DecodeJPEG decodes data to RGBA at num/8 of its size (1 <= num <= 8):
// libjpeg scales in the DCT, so a smaller size is also a faster decode.
// A warning is an error too: libjpeg would draw a truncated photo grey
// where data is missing, and a card cached for a year with half a photo
// is worse than the fallback (the caller may try image/jpeg, which is
// laxer about some harmless warnings).
//
// newRGBA makes the destination (image.NewRGBA, or a pool's: it need not
// be cleared, every pixel is written).
func DecodeJPEG(newRGBA func(image.Rectangle) *image.RGBA, data []byte, num int) (*image.RGBA, error) {
	if err := loadTurboJPEG(); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errors.New("empty JPEG")
	}
	num = min(max(num, 1), tjMaxScaleNum)
	h := tj.initDecompress()
	if h == 0 {
		return nil, errors.New("tjInitDecompress failed")
	}
	defer tj.destroy(h)
	src, size := unsafe.Pointer(unsafe.SliceData(data)), uintptr(len(data))
	var w, ht, subsamp, cs int32
	if tj.decompressHeader(h, src, size, &w, &ht, &subsamp, &cs) != 0 {
		return nil, fmt.Errorf("jpeg header: %s", tj.errorStr(h))
	}
	if cs == tjcsCMYK || cs == tjcsYCCK {
		return nil, ErrUnsupportedJPEG
	}
	dw, dh := ScaledSize(int(w), int(ht), num)
	img := newRGBA(image.Rect(0, 0, dw, dh))
	// Asked for dw x dh, TurboJPEG picks the largest scale that fits: num/8.
	if tj.decompress(h, src, size, unsafe.Pointer(unsafe.SliceData(img.Pix)), int32(dw), int32(img.Stride), int32(dh), tjpfRGBA, tjflagNone) != 0 {
		return nil, fmt.Errorf("jpeg: %s", tj.errorStr(h))
	}
	return img, nil
}

// EncodeJPEG encodes an RGBA image (its alpha ignored) as a baseline JPEG
// with 4:2:0 chroma at quality 1-100, appending to dst.
func EncodeJPEG(dst []byte, img *image.RGBA, quality int) ([]byte, error) {
	if err := loadTurboJPEG(); err != nil {
		return nil, err
	}
	b := img.Bounds()
	if b.Empty() {
		return nil, errors.New("empty image")
	}
	h := tj.initCompress()
	if h == 0 {
		return nil, errors.New("tjInitCompress failed")
	}
	defer tj.destroy(h)
	pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):]
	var out unsafe.Pointer
	var size uintptr
	if tj.compress(h, unsafe.Pointer(unsafe.SliceData(pix)), int32(b.Dx()), int32(img.Stride), int32(b.Dy()), tjpfRGBA,
		&out, &size, tjsamp420, int32(min(max(quality, 1), 100)), tjflagNone) != 0 {
		if out != nil {
			tj.free(out)
		}
		return nil, fmt.Errorf("jpeg encode: %s", tj.errorStr(h))
	}
	defer tj.free(out)
	return append(dst, unsafe.Slice((*byte)(out), size)...), nil
}
