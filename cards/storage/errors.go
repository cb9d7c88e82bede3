package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"gocloud.dev/gcerrors"
)

// ErrNotFound is wrapped by errors for a key with no valid object: a
// miss, or a corrupt object that Get removed.
var ErrNotFound = errors.New("storage: not found")

// ErrUnavailable is wrapped by errors from a store that failed: down,
// unreachable, refusing access, or too slow for the caller's context.
var ErrUnavailable = errors.New("storage: unavailable")

// Errors a single read returns besides ErrNotFound and ErrUnavailable.
// Each is worth reading again, since a concurrent Put can cause it; only
// a mismatch that persists is corruption.
var (
	errMismatch = errors.New("object does not match its checksum")
	errRace     = errors.New("object replaced while being read")
	errTorn     = errors.New("metadata half written")
)

func retryable(err error) bool {
	return errors.Is(err, errMismatch) || errors.Is(err, errRace) || errors.Is(err, errTorn)
}

// classify wraps a driver error as ErrNotFound, errTorn or
// ErrUnavailable.
func classify(err error) error {
	switch {
	case gcerrors.Code(err) == gcerrors.NotFound:
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case torn(err):
		return fmt.Errorf("%w: %w", errTorn, err)
	default:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
}

// torn reports whether err is fileblob failing to decode a sidecar
// .attrs file, which a concurrent Put truncates and rewrites in place
// (unlike the data file, which it renames). A network error is never
// torn: an EOF from a dropped connection comes wrapped in *url.Error.
func torn(err error) bool {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return true
	}
	var netErr *url.Error
	if errors.As(err, &netErr) {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// pause waits a little longer on each attempt for a concurrent Put to
// finish, or until ctx ends.
func pause(ctx context.Context, attempt int) error {
	t := time.NewTimer(time.Duration(attempt) * 5 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
