package server

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/ogcard/ogcard/server/source"
)

// openMongoDB opens a mongodb source, its password read from the
// environment variable password_env names (never from the file).
func openMongoDB(sc SourceConfig) (source.Source, error) {
	var password string
	if sc.PasswordEnv != "" {
		password = os.Getenv(sc.PasswordEnv)
		if password == "" {
			return nil, fmt.Errorf("password_env: environment variable %s is empty or not set", sc.PasswordEnv)
		}
	}
	return source.NewMongoDB(source.MongoConfig{
		URI: sc.URI, Password: password, Database: sc.Database, Collection: sc.Collection,
		SlugField: sc.SlugField, Filter: sc.Filter, Fields: sc.Fields, Timeout: sc.Timeout,
		ServerSelectionTimeout: sc.ServerSelectionTimeout, MaxPoolSize: sc.MaxPoolSize,
	})
}

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
