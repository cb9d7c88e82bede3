package fetch

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ogcard/ogcard/engine"
)

// The kinds of failure LoadImage reports, for errors.Is. Every error it
// returns matches exactly one of these, an engine sentinel
// (engine.ErrTooManyPixels, engine.ErrUnsupportedImage) or a
// *StatusError; [Reason] names the kind in one word.
var (
	// ErrBlocked is a reference refused by policy: a scheme other than
	// http(s), a host outside AllowHosts, an address that is not public
	// (loopback, private, link-local, metadata...) or local files when
	// none are allowed.
	ErrBlocked = errors.New("blocked")
	// ErrTimeout is a download that outlived Options.Timeout or the
	// caller's deadline.
	ErrTimeout = errors.New("timed out")
	// ErrTooLarge is returned for a file over the byte cap.
	ErrTooLarge = errors.New("too large")
	// ErrDecode is a picture whose header was understood but whose data
	// is truncated or corrupt.
	ErrDecode = errors.New("corrupt picture")
	// ErrNetwork is a failure to reach the host or to read its answer:
	// DNS, refused or reset connections, TLS verification.
	ErrNetwork = errors.New("network error")
	// ErrFile is a local file that is outside the allowed folder, missing
	// or unreadable.
	ErrFile = errors.New("local file")
)

// StatusError is an HTTP answer other than 200 OK, including a chain of
// more redirects than the Loader follows.
type StatusError struct {
	Code int // the HTTP status code
}

func (e *StatusError) Error() string { return "http " + strconv.Itoa(e.Code) }

// The values Reason returns, a fixed set fit for a metrics label.
const (
	ReasonBlocked       = "blocked"
	ReasonTimeout       = "timeout"
	ReasonTooLarge      = "too_large"
	ReasonTooManyPixels = "too_many_pixels"
	ReasonHTTPStatus    = "http_status"
	ReasonNotImage      = "not_image"
	ReasonDecode        = "decode"
	ReasonNetwork       = "network"
	ReasonFile          = "file"
	ReasonOther         = "other"
)

// Reasons returns every value Reason can return for a non-nil error, so
// that metrics can create all their series up front.
func Reasons() []string {
	return []string{
		ReasonBlocked, ReasonTimeout, ReasonTooLarge, ReasonTooManyPixels, ReasonHTTPStatus,
		ReasonNotImage, ReasonDecode, ReasonNetwork, ReasonFile, ReasonOther,
	}
}

// Reason classifies an error of LoadImage in one word of [Reasons] (""
// for nil). A cancelled caller context is "other": it says nothing about
// the picture.
func Reason(err error) string {
	var status *StatusError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrBlocked):
		return ReasonBlocked
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	case errors.Is(err, ErrTooLarge):
		return ReasonTooLarge
	case errors.Is(err, engine.ErrTooManyPixels):
		return ReasonTooManyPixels
	case errors.As(err, &status):
		return ReasonHTTPStatus
	case errors.Is(err, engine.ErrUnsupportedImage):
		return ReasonNotImage
	case errors.Is(err, ErrDecode):
		return ReasonDecode
	case errors.Is(err, ErrNetwork):
		return ReasonNetwork
	case errors.Is(err, ErrFile):
		return ReasonFile
	}
	return ReasonOther
}

// kindError tags an error with one of the sentinels above while keeping
// its own message: log lines read "http 404" or "blocked: 10.0.0.5 is a
// private address", not a sentinel's text glued in front.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

// failf returns an error of kind with a message formatted like fmt.Errorf
// (so %w keeps the cause reachable).
func failf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, err: fmt.Errorf(format, args...)}
}

// blockedf returns an ErrBlocked error whose message starts "blocked: ".
func blockedf(format string, args ...any) error {
	return failf(ErrBlocked, "blocked: "+format, args...)
}
