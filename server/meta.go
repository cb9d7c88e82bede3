package server

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// metaTags are the tags a page puts in its <head> for its card, in the
// order they are written. The JSON names are the tags' own.
type metaTags struct {
	Image       string `json:"og:image"`
	ImageWidth  int    `json:"og:image:width"`
	ImageHeight int    `json:"og:image:height"`
	ImageType   string `json:"og:image:type"`
	ImageAlt    string `json:"og:image:alt"`
	TwitterCard string `json:"twitter:card"`
	TwitterImg  string `json:"twitter:image"`
}

// handleMeta serves /api/v1/og/{layout}/{slug}/meta[?variant=name]: the
// meta tags for the card, as HTML, or JSON when the client accepts
// application/json. og:image is the extension-less URL, so each crawler
// gets a format it shows, and og:image:type says the crawlers' format.
func (s *Server) handleMeta(c echo.Context) error {
	base, ok := s.cards.Layouts().Template(c.Param("layout"))
	if !ok {
		return notFound("no layout %q", c.Param("layout"))
	}
	variant := c.QueryParam("variant")
	t, err := layoutVariant(base, variant)
	if err != nil {
		return err
	}
	slug := c.Param("slug")
	data, err := s.lookup(c, t, slug)
	if err != nil {
		return err
	}
	alt, err := t.Alt(data)
	if err != nil {
		return err
	}
	img := s.publicBase(c) + cardPath(t.Name, slug, variant, "")
	tags := metaTags{
		Image: img, ImageWidth: t.Width, ImageHeight: t.Height,
		ImageType: t.Output.Crawler.ContentType(), ImageAlt: alt,
		TwitterCard: "summary_large_image", TwitterImg: img,
	}
	if namesType(c.Request().Header.Get("Accept"), "application/json") {
		return c.JSON(http.StatusOK, tags)
	}
	return c.HTML(http.StatusOK, tags.html())
}

// cardPath is a card's path on this service; ext is "" for the
// negotiated (extension-less) URL.
func cardPath(layout, slug, variant, ext string) string {
	p := "/api/v1/og/" + url.PathEscape(layout) + "/" + url.PathEscape(slug)
	if variant != "" {
		p += "/" + url.PathEscape(variant)
	}
	if ext != "" {
		p += "." + ext
	}
	return p
}

// publicBase is the configured public URL, else the request's own
// scheme and host.
func (s *Server) publicBase(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	return c.Scheme() + "://" + c.Request().Host
}

func (m metaTags) html() string {
	var b strings.Builder
	tag := func(attr, name, content string) {
		b.WriteString(`<meta ` + attr + `="` + name + `" content="` + html.EscapeString(content) + "\">\n")
	}
	tag("property", "og:image", m.Image)
	tag("property", "og:image:width", strconv.Itoa(m.ImageWidth))
	tag("property", "og:image:height", strconv.Itoa(m.ImageHeight))
	tag("property", "og:image:type", m.ImageType)
	if m.ImageAlt != "" {
		tag("property", "og:image:alt", m.ImageAlt)
	}
	tag("name", "twitter:card", m.TwitterCard)
	tag("name", "twitter:image", m.TwitterImg)
	if m.ImageAlt != "" {
		tag("name", "twitter:image:alt", m.ImageAlt)
	}
	return b.String()
}
