package server

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/ogcard/ogcard/engine"
)

// publishedCard is one card rendered on publish, as the answer lists it.
type publishedCard struct {
	URL     string `json:"url"`
	Variant string `json:"variant,omitempty"`
	Format  string `json:"format"`
	For     string `json:"for"` // browsers (Accept names image/webp) or crawlers
}

// handlePublish serves POST /api/v1/og/{layout}/{slug}/render: a CMS
// calls it when it publishes, and every card an extension-less URL can
// answer (the layout and each variant, for browsers and for crawlers) is
// rendered into the store, so the first crawler after is a hit. Cards
// already there are not drawn again: calling it twice is harmless.
func (s *Server) handlePublish(c echo.Context) error {
	if err := s.checkPublishToken(c); err != nil {
		return err
	}
	base, ok := s.cards.Layouts().Template(c.Param("layout"))
	if !ok {
		return notFound("no layout %q", c.Param("layout"))
	}
	slug := c.Param("slug")
	data, err := s.lookup(c, base, slug)
	if err != nil {
		return err
	}
	var done []publishedCard
	for _, variant := range append([]string{""}, base.VariantNames()...) {
		t, _ := base.Variant(variant)
		for _, o := range publishOutputs(t) {
			if _, _, err := s.cards.Card(c.Request().Context(), t, data, o.out); err != nil {
				return err // busy is 503 with Retry-After, as for any render
			}
			done = append(done, publishedCard{
				URL: s.publicBase(c) + cardPath(base.Name, slug, variant, ""), Variant: variant,
				Format: string(o.out.Format), For: o.audience,
			})
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"cards": done})
}

type audienceOutput struct {
	audience string
	out      engine.Output
}

// publishOutputs are the encodings negotiate gives an extension-less
// request: the layout's format to browsers when it is WebP, and the
// crawler format to everyone else.
func publishOutputs(t *engine.Template) []audienceOutput {
	crawler := audienceOutput{"crawlers", t.Output.ForCrawler()}
	if t.Output.Format != engine.WebP {
		return []audienceOutput{crawler}
	}
	return []audienceOutput{{"browsers", t.Output}, crawler}
}

// checkPublishToken wants "Authorization: Bearer <publish token>",
// compared in constant time.
func (s *Server) checkPublishToken(c echo.Context) error {
	got, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	if !ok || got == "" {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="ogcard"`)
		return echo.NewHTTPError(http.StatusUnauthorized)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.PublishToken)) != 1 {
		return &publicError{errForbidden, "wrong publish token"}
	}
	return nil
}
