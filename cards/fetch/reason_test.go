package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ogcard/ogcard/engine"
)

func TestReason(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{blockedf("x"), ReasonBlocked},
		{fmt.Errorf("wrapped: %w", ErrBlocked), ReasonBlocked},
		{failf(ErrTimeout, "x"), ReasonTimeout},
		{context.DeadlineExceeded, ReasonTimeout},
		{fmt.Errorf("%w: over", ErrTooLarge), ReasonTooLarge},
		{fmt.Errorf("x: %w", engine.ErrTooManyPixels), ReasonTooManyPixels},
		{&StatusError{Code: 404}, ReasonHTTPStatus},
		{fmt.Errorf("x: %w", &StatusError{Code: 500}), ReasonHTTPStatus},
		{engine.ErrUnsupportedImage, ReasonNotImage},
		{failf(ErrDecode, "x"), ReasonDecode},
		{failf(ErrNetwork, "x"), ReasonNetwork},
		{failf(ErrFile, "x"), ReasonFile},
		{context.Canceled, ReasonOther},
		{errors.New("something else"), ReasonOther},
	} {
		got := Reason(c.err)
		if got != c.want {
			t.Errorf("Reason(%v) = %q, want %q", c.err, got, c.want)
		}
		if c.err != nil && !slices.Contains(Reasons(), got) {
			t.Errorf("Reason(%v) = %q, not one of Reasons()", c.err, got)
		}
	}
}

func TestKindErrorKeepsMessageAndCause(t *testing.T) {
	cause := errors.New("connection reset")
	err := failf(ErrNetwork, "reading: %w", cause)
	if err.Error() != "reading: connection reset" || !errors.Is(err, cause) || !errors.Is(err, ErrNetwork) {
		t.Errorf("%q: want the message as written, and both the kind and the cause reachable", err)
	}
}

// TestParallelLoads shares one Loader between goroutines mixing good,
// missing and blocked pictures; run under -race it checks the Loader
// keeps no unguarded state.
func TestParallelLoads(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/ok.png", servePNG(t))
	mux.HandleFunc("/missing.png", http.NotFound)
	srv := newHitServer(t, mux)
	l := newLoader(Options{AllowLoopback: true, Timeout: 5 * time.Second}, testHooks{hosts: testNames})
	cases := []struct{ ref, reason string }{
		{srv.URL + "/ok.png", ""},
		{srv.URL + "/missing.png", ReasonHTTPStatus},
		{"http://internal.test/a.png", ReasonBlocked},
		{"ftp://example.com/a.png", ReasonBlocked},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16*20)
	for g := range 16 {
		wg.Go(func() {
			for i := range 20 {
				c := cases[(g+i)%len(cases)]
				img, err := l.LoadImage(context.Background(), c.ref, engine.DecodeHint{})
				if got := Reason(err); got != c.reason || (err == nil && img.Bounds().Dx() != 40) {
					errs <- fmt.Errorf("%s: Reason %q (%w), want %q", c.ref, got, err, c.reason)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
