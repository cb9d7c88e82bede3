package server

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/ogcard/ogcard/source"
)

// readyCheckTimeout bounds the check of each data source behind /readyz,
// so that a probe (often given one second) gets an answer.
const readyCheckTimeout = 800 * time.Millisecond

// sourceDown checks the sources that can tell whether they are up (see
// source.Checker), in layout order, and returns the first one down.
func (s *Server) sourceDown(ctx context.Context) (layout string, err error) {
	names := slices.Sorted(maps.Keys(s.sources))
	for _, name := range names {
		checker, ok := s.sources[name].(source.Checker)
		if !ok {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, readyCheckTimeout)
		err := checker.Check(ctx)
		cancel()
		if err != nil {
			return name, err
		}
	}
	return "", nil
}
