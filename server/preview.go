package server

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/cards/fetch"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/schema"
	"github.com/ogcard/ogcard/server/previewui"
)

const (
	maxLayoutBytes   = 1 << 20 // the largest example layout is 6 KB: generous, and cheap to compile
	previewCookie    = "ogcard_preview"
	previewKeepAlive = 15 * time.Second // a comment on idle event streams, so proxies keep them open
)

// previewRoutes adds /preview: the designers' page, its API and its live
// reload stream. A preview render never goes through the card cache.
func (s *Server) previewRoutes(e *echo.Echo) {
	g := e.Group("/preview", s.previewAuth)
	page := echo.StaticFileHandler("index.html", previewui.FS)
	g.GET("", page)
	g.GET("/", page)
	g.StaticFS("/assets", previewui.FS)
	g.GET("/api/layouts", s.previewLayouts)
	g.GET("/api/layout", s.withLayout(s.previewSource))
	g.GET("/api/render", s.withLayout(s.previewRender))
	g.POST("/api/render", s.withLayout(s.previewRender))
	g.POST("/api/save", s.withLayout(s.previewSave))
	g.GET("/events", s.previewEvents)
}

// previewAuth admits a request when no token is set, or with the token as
// X-Preview-Token, ?token=, or the cookie ?token= sets for the page's assets,
// images and event stream (which cannot send headers). Nothing is cached.
func (s *Server) previewAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		want := tokenHash(s.cfg.PreviewToken)
		ck, _ := c.Cookie(previewCookie)
		switch {
		case s.cfg.PreviewToken == "", ck != nil && ck.Value == want, tokenHash(c.Request().Header.Get("X-Preview-Token")) == want:
			return next(c)
		case tokenHash(c.QueryParam("token")) == want:
			c.SetCookie(&http.Cookie{Name: previewCookie, Value: want, Path: "/preview",
				HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Scheme() == "https"})
			return next(c)
		}
		return echo.ErrUnauthorized
	}
}

// tokenHash is what tokens are compared as (so comparing takes no longer
// for a better guess) and what the cookie holds (any token fits in it).
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// previewLayout is a layout's status and, when a version is served, what
// the page's data form and checks need.
type previewLayout struct {
	cards.LayoutStatus
	Description string           `json:"description,omitempty"`
	Width       int              `json:"width,omitempty"`
	Height      int              `json:"height,omitempty"`
	Format      engine.Format    `json:"format,omitempty"`
	MaxBytes    int              `json:"maxBytes,omitempty"`
	Fields      []map[string]any `json:"fields,omitempty"`
	Variants    []previewVariant `json:"variants,omitempty"`
}

// previewVariant is one of a layout's named sizes, as the page lists it.
type previewVariant struct {
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// previewVariants lists t's variants in name order, with their sizes.
func previewVariants(t *engine.Template) []previewVariant {
	out := []previewVariant{}
	for _, name := range t.VariantNames() {
		v, _ := t.Variant(name)
		out = append(out, previewVariant{name, v.Width, v.Height})
	}
	return out
}

// previewLayouts lists every layout file with its status, and whether saving is allowed.
func (s *Server) previewLayouts(c echo.Context) error {
	set := s.cards.Layouts()
	out := make([]previewLayout, 0, len(set.Status()))
	for _, st := range set.Status() {
		pl := previewLayout{LayoutStatus: st}
		if t := set.ByFile(st.File); t != nil {
			pl.Description, pl.Width, pl.Height, pl.Format, pl.MaxBytes = t.Description, t.Width, t.Height, t.Output.Format, t.Output.MaxBytes
			for _, name := range t.FieldNames() {
				f, _ := t.Field(name)
				pl.Fields = append(pl.Fields, map[string]any{"name": name, "type": f.Type, "required": f.Required,
					"sample": f.Sample.Value, "default": f.Default.Value, "maxLength": f.MaxLength, "description": f.Description})
			}
			pl.Variants = previewVariants(t)
		}
		out = append(out, pl)
	}
	return c.JSON(http.StatusOK, map[string]any{
		"layouts": out, "generation": set.Generation(), "saveAllowed": s.cfg.PreviewSave && s.cfg.Layouts != "",
	})
}

// withLayout finds ?layout= for h: by name, or by file (a layout that
// never compiled has no name).
func (s *Server) withLayout(h func(echo.Context, cards.LayoutStatus) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.QueryParam("layout")
		for _, st := range s.cards.Layouts().Status() {
			if key != "" && (st.Name == key || st.File == key) {
				return h(c, st)
			}
		}
		return notFound("no layout %q", key)
	}
}

// previewSource sends a layout file as it is on disk, for the editor.
func (s *Server) previewSource(c echo.Context, st cards.LayoutStatus) error {
	src, err := s.cards.LayoutSource(st.File)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", src)
}

// previewRender draws a layout with its sample data, overridden by the
// query's fields: the served version (GET) or the posted one (POST), which
// is compiled but never saved. ?variant= draws one of its size variants
// instead (404 for a name it does not declare). Every answer lists the
// layout's variants in X-Variants, so the page knows what else to draw.
func (s *Server) previewRender(c echo.Context, st cards.LayoutStatus) error {
	t := s.cards.Layouts().ByFile(st.File)
	if c.Request().Method == http.MethodPost {
		posted, _, err := s.previewCompile(c, st.File)
		if t = posted; t == nil {
			return err
		}
	} else if t == nil {
		return notFound("layout %q has problems and no version is served", c.QueryParam("layout"))
	}
	c.Response().Header().Set("X-Variants", headerJSON(previewVariants(t)))
	t, err := layoutVariant(t, c.QueryParam("variant"))
	if err != nil {
		return err
	}
	out := t.Output
	format, err := engine.ParseFormat(cmp.Or(c.QueryParam("format"), string(out.Format)))
	if out.Format = format; err != nil {
		return badRequest("%v", err)
	}
	data, q := t.SampleData(), c.Request().URL.Query()
	for _, name := range t.FieldNames() {
		if vs, ok := q[name]; ok {
			data[name] = vs[0]
		}
	}
	return s.previewDraw(c, t, data, out)
}

// previewSave checks the posted layout as a reload would and writes it;
// the watcher then reloads it and tells every open page.
func (s *Server) previewSave(c echo.Context, st cards.LayoutStatus) error {
	if !s.cfg.PreviewSave || s.cfg.Layouts == "" {
		return cards.ErrSaveOff
	}
	t, body, err := s.previewCompile(c, st.File)
	if t == nil {
		return err
	}
	if err := s.cards.SaveLayout(st.File, body); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"saved": true, "file": st.File})
}

// previewCompile compiles the posted layout as file. When it has problems
// it answers 422 with every one (line, column, pointer, message) and
// returns a nil template, so a caller returns err whenever t is nil.
func (s *Server) previewCompile(c echo.Context, file string) (t *engine.Template, body []byte, err error) {
	body, err = io.ReadAll(io.LimitReader(c.Request().Body, maxLayoutBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(body) > maxLayoutBytes {
		return nil, nil, echo.ErrStatusRequestEntityTooLarge
	}
	// A compile costs like a render and anyone who reaches /preview can
	// ask for one: it takes a render worker, so compiles are bounded too.
	release, err := s.cards.Acquire(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	t, err = s.cards.CompileLayout(file, body)
	release()
	var ps schema.Problems
	if errors.As(err, &ps) {
		return nil, nil, c.JSON(http.StatusUnprocessableEntity, map[string]any{"problems": ps})
	}
	return t, body, err
}

// previewDraw renders on the render pool (so fast typing cannot starve the
// crawlers), never through the card cache, and sends the image with its
// timings, warnings and layer boxes.
func (s *Server) previewDraw(c echo.Context, t *engine.Template, data engine.Data, out engine.Output) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RenderTimeout)
	defer cancel()
	release, err := s.cards.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	start := time.Now()
	img, info, err := t.Render(ctx, data, engine.RenderOptions{Images: previewImages{s}})
	if err != nil {
		return err
	}
	rendered, start := time.Since(start), time.Now()
	enc, err := engine.Encode(img, out)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Render-Ms", fmt.Sprintf("%.1f", rendered.Seconds()*1000))
	h.Set("X-Encode-Ms", fmt.Sprintf("%.1f", time.Since(start).Seconds()*1000))
	h.Set("X-Bytes", strconv.Itoa(len(enc.Data)))
	h.Set("X-Warnings", headerJSON(previewWarnings(info)))
	if c.QueryParam("debug") == "1" {
		h.Set("X-Layers", headerJSON(info.Layers))
	}
	return c.Blob(http.StatusOK, out.Format.ContentType(), enc.Data)
}

// headerJSON is v as JSON, percent-encoded so that any text (a layer name,
// a missing CJK glyph) fits in a header; decodeURIComponent undoes it.
func headerJSON(v any) string {
	b, _ := json.Marshal(v) // strings and plain structs: it cannot fail
	return url.PathEscape(string(b))
}

// previewWarnings is what a designer should fix: missing glyphs, and
// pictures that could not be loaded (a field left empty is no warning).
func previewWarnings(info *engine.RenderInfo) []string {
	w := append([]string{}, info.Warnings...)
	for _, fb := range info.Fallbacks {
		if fb.Reason != engine.ReasonMissing {
			w = append(w, fmt.Sprintf("layer %s: no picture (%s), drew its fallback", fb.Layer, fb.Reason))
		}
	}
	return w
}

// previewImages loads the pictures a preview names: http(s) through the
// server's fetcher, with its address checks; anything else only from the
// layouts folder, where the samples live, never from any other local file.
type previewImages struct{ s *Server }

func (p previewImages) LoadImage(ctx context.Context, ref string, hint engine.DecodeHint) (image.Image, error) {
	if u, err := url.Parse(ref); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		img, err := p.s.cards.Photos().LoadImage(ctx, ref, hint)
		if err != nil {
			// The page shows the reason, never the error itself: it may
			// name internal addresses (the resolver's, a blocked host's).
			p.s.log.Info("preview picture not loaded", "url", ref, "err", err)
			return nil, fmt.Errorf("picture not loaded (%s)", fetch.Reason(err))
		}
		return img, nil
	}
	name := path.Clean(strings.TrimPrefix(ref, "./"))
	if !fs.ValidPath(name) || strings.Contains(ref, "://") {
		return nil, fmt.Errorf("%q: use an http(s) URL or a path inside the layouts folder", ref)
	}
	files, _ := p.s.cards.LayoutFS()
	f, err := files.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%q: not in the layouts folder", ref)
	}
	defer f.Close() //nolint:errcheck // read-only
	return engine.DecodeImageFor(io.LimitReader(f, p.s.cfg.FetchMaxBytes), 0, hint)
}

// previewEvents streams "hello" with the generation on connect (so a page
// that reconnects catches up), then "reload" with the new one after every
// layout reload, until the client goes or the server stops.
func (s *Server) previewEvents(c echo.Context) error {
	ch, unsubscribe := s.cards.Subscribe()
	defer unsubscribe()
	w := c.Response()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the server's write timeout is for cards, not for a stream
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	send := func(format string, args ...any) error {
		_, err := fmt.Fprintf(w, format, args...)
		return errors.Join(err, rc.Flush())
	}
	err := send("retry: 2000\nevent: hello\ndata: %d\n\n", s.cards.Layouts().Generation())
	// Shutdown neither cancels a request's context nor ends a stream: it
	// waits. So the stream looks every second whether the server stops.
	stopping, keepAlive := time.NewTicker(time.Second), time.NewTicker(previewKeepAlive)
	defer func() { stopping.Stop(); keepAlive.Stop() }()
	for err == nil && s.ready.Load() {
		select {
		case <-c.Request().Context().Done():
			return nil
		case gen := <-ch:
			err = send("event: reload\ndata: %d\n\n", gen)
		case <-keepAlive.C:
			err = send(": keep-alive\n\n")
		case <-stopping.C:
		}
	}
	return nil // the client went away, or the server stops
}
