package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/ogcard/ogcard/server"
)

// runMeta prints a card's meta tags, as GET /api/v1/og/{layout}/{slug}/meta
// answers them, from the service's own layouts and sources: a build step
// can write them into a page without a running service.
func runMeta(env *Env, args []string) error {
	var layout, slug, variant string
	var asJSON bool
	extra := flag.NewFlagSet("meta", flag.ContinueOnError)
	extra.StringVar(&layout, "layout", "", "`name` of the layout (required)")
	extra.StringVar(&slug, "slug", "", "the card's `slug` in the layout's source (required)")
	extra.StringVar(&variant, "variant", "", "the layout's named size; default: the layout's own")
	extra.BoolVar(&asJSON, "json", false, "print JSON instead of HTML")
	if slices.Contains(args, "-h") || slices.Contains(args, "-help") || slices.Contains(args, "--help") {
		fmt.Fprintln(env.Stderr, "Usage: ogcard meta --layout NAME --slug SLUG [--variant NAME] [--json] [settings, --public-url above all]\n\nFlags:")
		extra.SetOutput(env.Stderr)
		extra.PrintDefaults()
		return flag.ErrHelp
	}
	cfg, err := server.LoadWith(args, os.Getenv, extra)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if layout == "" || slug == "" || cfg.PublicURL == "" {
		return fmt.Errorf("%w: --layout, --slug and --public-url (or OGCARD_PUBLIC_URL) are required", errUsage)
	}
	cfg.Preview, cfg.Watch = false, false
	srv, err := server.New(context.Background(), cfg, newLogger(env, cfg))
	if err != nil {
		return err
	}
	defer srv.Close()
	target := "/api/v1/og/" + url.PathEscape(layout) + "/" + url.PathEscape(slug) + "/meta"
	if variant != "" {
		target += "?variant=" + url.QueryEscape(variant)
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(rec.Body.String())
		}
		return errors.New(e.Error)
	}
	_, err = env.Stdout.Write(rec.Body.Bytes())
	return err
}
