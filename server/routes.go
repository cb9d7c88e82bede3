package server

import (
	"errors"
	"fmt"
	"hash/maphash"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/telemetry"
	"github.com/ogcard/ogcard/sign"
	"github.com/ogcard/ogcard/source"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"
)

// routes wires every endpoint. Errors from handlers all go through
// errorHandler, the one place that chooses a status and a public message.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.log.Error("panic", "err", err, "path", c.Request().URL.Path, "stack", string(stack))
		return err
	}}))
	e.IPExtractor = s.ipExtractor() // before any rate limiting, or X-Forwarded-For would bypass it
	// The access log also answers over-long URLs (tooLong): one
	// middleware less on every request.
	e.Use(s.accessLog)
	e.Use(telemetry.Middleware("ogcard"))
	// No route but the preview's reads a body.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "16K",
		Skipper: func(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/preview/api/") }}))
	if s.cfg.RateLimit > 0 {
		e.Use(middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
			Skipper: func(c echo.Context) bool {
				return strings.HasPrefix(c.Path(), "/healthz") || c.Path() == "/readyz" || c.Path() == "/metrics"
			},
			Store:               newRateStore(rate.Limit(s.cfg.RateLimit), s.cfg.RateBurst, 3*time.Minute),
			IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
			ErrorHandler:        func(echo.Context, error) error { return errRateLimited },
			DenyHandler:         func(echo.Context, string, error) error { return errRateLimited },
		}))
	}
	getHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getHead, "/api/v1/og/:layout/:slug", s.handleSlug)
	e.Match(getHead, "/api/v1/og/:layout/:slug/:variant", s.handleSlug)
	e.Match(getHead, "/api/v1/og/:layout/:slug/meta", s.handleMeta)
	if s.cfg.PublishToken != "" {
		e.POST("/api/v1/og/:layout/:slug/render", s.handlePublish)
	}
	e.Match(getHead, "/og/:file", s.handleSigned)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", s.handleReady)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})))
	if s.cfg.Preview {
		s.previewRoutes(e)
	}
	return e
}

// tooLong returns the JSON 414 for a URL longer than --max-url-bytes,
// or nil. net/http's own limit on the header block (MaxHeaderBytes, set
// well above it) would answer 431 in plain text.
func (s *Server) tooLong(r *http.Request) error {
	if n := len(r.RequestURI); n > s.cfg.MaxURLBytes {
		return &publicError{errURITooLong, fmt.Sprintf("URL too long: %d bytes, at most %d", n, s.cfg.MaxURLBytes)}
	}
	return nil
}

// Errors the handlers return; errorHandler maps them to statuses.
var (
	errNotFound    = errors.New("not found")
	errBadRequest  = errors.New("bad request")
	errRateLimited = errors.New("too many requests")
	// errNoSigningKeys answers /og/ on a server with no keys configured.
	errNoSigningKeys = &publicError{errForbidden, "signed URLs are off: this server has no signing keys (set --signing-keys or OGCARD_SIGNING_KEYS, then make URLs with ogcard sign)"}
	errForbidden     = errors.New("forbidden")
	errURITooLong    = errors.New("uri too long")
)

// rateStore is Echo's RateLimiterMemoryStore (a token bucket per client,
// forgotten after expiresIn without requests) split into shards by a hash
// of the client, so that concurrent requests do not all queue on one
// mutex.
type rateStore struct {
	rate      rate.Limit
	burst     int
	expiresIn time.Duration
	seed      maphash.Seed
	shards    [rateShards]rateShard
}

const rateShards = 32

type rateShard struct {
	mu          sync.Mutex
	visitors    map[string]*visitor
	lastCleanup time.Time
	_           [64]byte // keep neighbouring shards' locks off one cache line
}

type visitor struct {
	*rate.Limiter
	lastSeen time.Time
}

func newRateStore(r rate.Limit, burst int, expiresIn time.Duration) *rateStore {
	s := &rateStore{rate: r, burst: burst, expiresIn: expiresIn, seed: maphash.MakeSeed()}
	now := time.Now()
	for i := range s.shards {
		s.shards[i].visitors = map[string]*visitor{}
		s.shards[i].lastCleanup = now
	}
	return s
}

// Allow implements middleware.RateLimiterStore.
func (s *rateStore) Allow(id string) (bool, error) {
	sh := &s.shards[maphash.String(s.seed, id)%rateShards]
	now := time.Now()
	sh.mu.Lock()
	v, ok := sh.visitors[id]
	if !ok {
		v = &visitor{Limiter: rate.NewLimiter(s.rate, s.burst)}
		sh.visitors[id] = v
	}
	v.lastSeen = now
	if now.Sub(sh.lastCleanup) > s.expiresIn {
		for k, old := range sh.visitors {
			if now.Sub(old.lastSeen) > s.expiresIn {
				delete(sh.visitors, k)
			}
		}
		sh.lastCleanup = now
	}
	sh.mu.Unlock()
	return v.AllowN(now, 1), nil // the limiter has a lock of its own
}

// ipExtractor says how to find the client's IP: from X-Forwarded-For only
// when the request comes through a trusted proxy or CDN, else the
// connection's own address, so a client cannot pick its rate-limit
// identity with a header.
func (s *Server) ipExtractor() echo.IPExtractor {
	if len(s.cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	var opts []echo.TrustOption
	for _, cidr := range s.cfg.TrustedProxies {
		_, n, err := net.ParseCIDR(cidr)
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	opts = append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
	return echo.ExtractIPFromXFFHeader(opts...)
}

// handleSlug serves /api/v1/og/{layout}/{slug}[/{variant}][.webp|.png|.jpg],
// the data coming from the layout's source.
func (s *Server) handleSlug(c echo.Context) error {
	base, ok := s.cards.Layouts().Template(c.Param("layout"))
	if !ok {
		return notFound("no layout %q", c.Param("layout"))
	}
	slug, variant := c.Param("slug"), c.Param("variant")
	last := &slug // the extension is on the last segment
	if variant != "" {
		last = &variant
	}
	name, format, explicit, err := splitFormat(*last, base.Output.Format)
	if err != nil {
		return err
	}
	*last = name
	t, err := layoutVariant(base, variant)
	if err != nil {
		return err
	}
	data, err := s.lookup(c, t, slug)
	if err != nil {
		return err
	}
	return s.serveCard(c, t, data, s.negotiate(c, t, format, explicit))
}

// lookup reads a slug's card data from the layout's source.
func (s *Server) lookup(c echo.Context, t *engine.Template, slug string) (engine.Data, error) {
	src, ok := s.sources[t.Name]
	if !ok {
		return nil, notFound("layout %q has no data source: configure one under sources.%s (see the README's Data sources), or serve it through signed /og/%s.png URLs", t.Name, t.Name, t.Name)
	}
	start := time.Now()
	ctx, span := telemetry.Tracer().Start(c.Request().Context(), "lookup")
	data, err := src.Lookup(ctx, slug)
	span.End()
	s.lookupTime().Observe(time.Since(start).Seconds())
	if errors.Is(err, source.ErrNotFound) {
		return nil, notFound("no %s %q", t.Name, slug)
	}
	return data, err
}

// handleSigned serves /og/{layout}.{ext}?field=value&...&sig=..., the data
// coming from the signed query string.
func (s *Server) handleSigned(c echo.Context) error {
	name, ext := splitExt(c.Param("file"))
	t, ok := s.cards.Layouts().Template(name)
	if !ok {
		return notFound("no layout %q", name)
	}
	format, err := engine.ParseFormat(ext)
	if ext == "" || err != nil {
		return badRequest("give the format as the extension: /og/%s.webp, .png or .jpg", name)
	}
	if len(s.cfg.SigningKeys) == 0 {
		return errNoSigningKeys
	}
	params, err := sign.Verify(c.Request().URL.EscapedPath(), c.Request().URL.RawQuery, s.cfg.SigningKeys)
	if err != nil {
		return err
	}
	data := make(engine.Data, len(params))
	for k, v := range params {
		data[k] = v
	}
	// variant= picks a size; the signature covers it like any field. No
	// layout can take a field of that name (the compiler refuses one).
	if v, ok := data[engine.VariantField]; ok {
		delete(data, engine.VariantField)
		if t, err = layoutVariant(t, fmt.Sprint(v)); err != nil {
			return err
		}
	}
	out := t.Output
	out.Format = format
	return s.serveCard(c, t, data, out)
}

// layoutVariant is the layout's named size; "" is the layout itself.
func layoutVariant(t *engine.Template, name string) (*engine.Template, error) {
	v, ok := t.Variant(name)
	if !ok {
		have := "none"
		if names := t.VariantNames(); len(names) > 0 {
			have = strings.Join(names, ", ")
		}
		return nil, notFound("layout %q has no variant %q (variants: %s)", t.Name, name, have)
	}
	return v, nil
}

// serveCard writes the card with its caching headers, or 304.
func (s *Server) serveCard(c echo.Context, t *engine.Template, data engine.Data, out engine.Output) error {
	cd, result, err := s.cards.Card(c.Request().Context(), t, data, out)
	if err != nil {
		return err
	}
	noteCache(c, result)
	hv := cd.Headers(buildHeaders).(*cardHeaders)
	h := c.Response().Header()
	// Canonical keys and shared, pre-built values: no allocation per hit.
	h["Etag"] = hv.etag
	h["Cache-Control"] = hv.cacheControl
	if match := c.Request().Header["If-None-Match"]; len(match) > 0 && match[0] != "" && etagMatches(match[0], cd.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	h["Content-Type"] = hv.contentType
	h["Content-Length"] = hv.contentLength
	r := c.Response()
	r.WriteHeader(http.StatusOK)
	_, err = r.Write(cd.Data)
	return err
}

// cardHeaders are a card's response header values, built once per card:
// every hit on the card shares them. Each slice has len == cap, so an
// Add to the same header appends to a copy, never to the shared array.
type cardHeaders struct {
	etag, cacheControl, contentType, contentLength []string
}

func buildHeaders(cd *cards.Card) any {
	return &cardHeaders{
		etag:          []string{cd.ETag},
		cacheControl:  []string{cd.CacheControl},
		contentType:   []string{cd.ContentType},
		contentLength: []string{strconv.Itoa(len(cd.Data))},
	}
}

// splitExt splits "news.png" into "news" and the format's extension.
func splitExt(name string) (base, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}

// splitFormat takes the format from the slug's extension, if it has one.
func splitFormat(slug string, def engine.Format) (base string, f engine.Format, explicit bool, err error) {
	b, ext := splitExt(slug)
	if ext == "" {
		return slug, def, false, nil
	}
	f, err = engine.ParseFormat(ext)
	if err != nil {
		// Not an image extension: a slug may contain dots ("v1.2-release").
		return slug, def, false, nil
	}
	return b, f, true, nil
}

// negotiate picks the format. The URL's extension wins. Without one,
// WebP goes only to a client whose Accept names image/webp (browsers do);
// any other client — a link crawler sending */*, image/* or no Accept,
// several of which drop WebP — gets the layout's crawler format (JPEG
// unless the layout says PNG; a PNG over budget goes out as JPEG). The
// answer varies by Accept alone, never by User-Agent, so any CDN caches
// it right.
func (s *Server) negotiate(c echo.Context, t *engine.Template, f engine.Format, explicit bool) engine.Output {
	out := t.Output
	out.Format = f
	if explicit {
		return out
	}
	h := c.Response().Header()
	h["Vary"] = append(h["Vary"], "Accept") // h.Add, without canonicalising a constant
	accept := c.Request().Header.Get("Accept")
	if out.Format == engine.WebP && namesType(accept, engine.WebP.ContentType()) {
		return out
	}
	crawler := out.ForCrawler()
	if accept == "" || accepts(accept, crawler.Format) {
		return crawler
	}
	for _, alt := range []engine.Format{engine.PNG, engine.JPEG, engine.WebP} {
		if accepts(accept, alt) {
			out.Format = alt
			return out
		}
	}
	return crawler
}

// accepts reports whether an Accept header takes the format (q=0 refuses).
func accepts(header string, f engine.Format) bool {
	return acceptsAny(header, f.ContentType(), "image/*", "*/*")
}

// namesType reports whether an Accept header names the media type itself,
// not through a wildcard.
func namesType(header, mediaType string) bool {
	return acceptsAny(header, mediaType)
}

func acceptsAny(header string, types ...string) bool {
	for _, part := range strings.Split(header, ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") && !strings.Contains(params, "q=0.") {
			continue
		}
		mt = strings.ToLower(strings.TrimSpace(mt))
		for _, t := range types {
			if mt == t {
				return true
			}
		}
	}
	return false
}

func etagMatches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == etag || tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

func (s *Server) handleReady(c echo.Context) error {
	if !s.ready.Load() {
		return c.String(http.StatusServiceUnavailable, "not ready: starting or stopping\n")
	}
	if s.cards.Saturated() {
		return c.String(http.StatusServiceUnavailable, "not ready: every render worker is busy\n")
	}
	if layout, err := s.sourceDown(c.Request().Context()); err != nil {
		s.log.Warn("readiness: data source down", "layout", layout, "err", err)
		return c.String(http.StatusServiceUnavailable, "not ready: the data source of layout "+layout+" is down\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
