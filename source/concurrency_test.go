package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// hammer runs lookups of slugs from several goroutines at once, as the
// render workers do, and checks each answer with check.
func hammer(t *testing.T, s Source, slugs []string, check func(slug string, title any) error) {
	t.Helper()
	const workers, rounds = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				slug := slugs[(w+i)%len(slugs)]
				data, err := s.Lookup(context.Background(), slug)
				if err == nil {
					err = check(slug, data["title"])
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", slug, err)
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

func TestConcurrentSQLite(t *testing.T) {
	t.Parallel()
	titles := map[string]string{}
	var slugs []string
	for _, a := range demoArticles {
		titles[a.slug] = a.title
		slugs = append(slugs, a.slug)
	}
	hammer(t, demoSource(t), slugs, func(slug string, title any) error {
		if title != titles[slug] {
			return fmt.Errorf("title %v, want %q", title, titles[slug])
		}
		return nil
	})
}

func TestConcurrentPostgres(t *testing.T) {
	t.Parallel()
	s := openSQL(t, SQLConfig{Driver: "postgres", DSN: newPostgresDB(t), Query: pgQuery})
	hammer(t, s, []string{"budget-2025", "bare"}, func(slug string, title any) error {
		want := map[string]string{"budget-2025": "Budget 2025 Announced", "bare": "मानसून 🚀"}[slug]
		if title != want {
			return fmt.Errorf("title %v, want %q", title, want)
		}
		return nil
	})
}

func TestConcurrentHTTP(t *testing.T) {
	t.Parallel()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"data": {"attributes": {"title": %q}}}`, "Title of "+strings.TrimPrefix(r.URL.Path, "/"))
	})
	h := newHTTP(t, HTTPConfig{URL: srv.URL + "/{slug}"})
	hammer(t, h, []string{"a", "b/c", "d e"}, func(slug string, title any) error {
		if title != "Title of "+slug {
			return fmt.Errorf("title %v, want %q", title, "Title of "+slug)
		}
		return nil
	})
}

// TestConcurrentClose closes a source while lookups run: each must
// either succeed or report an outage, never anything else.
func TestConcurrentClose(t *testing.T) {
	t.Parallel()
	s := demoSource(t)
	const workers = 8
	var started, done sync.WaitGroup
	started.Add(workers)
	errs := make(chan error, workers*60)
	for range workers {
		done.Go(func() {
			for i := range 60 {
				if i == 10 {
					started.Done()
				}
				_, err := s.Lookup(context.Background(), "budget-2025")
				if err != nil && !errors.Is(err, ErrUnavailable) {
					errs <- err
				}
			}
		})
	}
	started.Wait() // every worker is in its loop
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	done.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("lookup during Close: %v", err)
	}
	if _, err := s.Lookup(context.Background(), "budget-2025"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("lookup after Close: err = %v, want ErrUnavailable", err)
	}
}
