package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/sign"
	"github.com/ogcard/ogcard/source"
)

// publicError is an error whose message may be shown to the client.
type publicError struct {
	kind error
	msg  string
}

func (e *publicError) Error() string { return e.msg }
func (e *publicError) Unwrap() error { return e.kind }

func notFound(format string, args ...any) error {
	return &publicError{errNotFound, fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) error {
	return &publicError{errBadRequest, fmt.Sprintf(format, args...)}
}

// errorHandler is the one place errors become HTTP answers: a status, a
// short public message, and never internals. Anything unexpected is a
// 500 with a generic message, logged in full.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg, retryAfter := s.classify(err)
	if status >= 500 && retryAfter == 0 {
		s.log.Error("request failed", "path", c.Request().URL.Path, "err", err)
	}
	if retryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(retryAfter.Seconds())))
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, map[string]string{"error": msg})
}

func (s *Server) classify(err error) (status int, msg string, retryAfter time.Duration) {
	var pe *publicError
	var de *engine.DataError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &pe) && errors.Is(err, errNotFound):
		return http.StatusNotFound, pe.msg, 0
	case errors.As(err, &pe) && errors.Is(err, errURITooLong):
		return http.StatusRequestURITooLong, pe.msg, 0
	case errors.As(err, &pe) && errors.Is(err, errForbidden):
		return http.StatusForbidden, pe.msg, 0
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.msg, 0
	case errors.As(err, &de):
		return http.StatusBadRequest, de.Error(), 0
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "too many requests: slow down", time.Second
	case errors.Is(err, sign.ErrBadQuery):
		return http.StatusBadRequest, err.Error(), 0
	case errors.Is(err, sign.ErrBadSignature):
		return http.StatusForbidden, "missing or invalid signature", 0
	case errors.Is(err, cards.ErrUnknownFile):
		return http.StatusNotFound, err.Error(), 0
	case errors.Is(err, cards.ErrSaveOff):
		return http.StatusForbidden, err.Error(), 0
	case errors.Is(err, cards.ErrBusy):
		return http.StatusServiceUnavailable, "busy: try again shortly", time.Second
	case errors.Is(err, source.ErrUnavailable):
		return http.StatusServiceUnavailable, "data source unavailable: try again shortly", 5 * time.Second
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "timed out: try again shortly", 5 * time.Second
	case errors.As(err, &he):
		return he.Code, http.StatusText(he.Code), 0
	}
	return http.StatusInternalServerError, "internal error", 0
}

// accessLog writes one line per request: route, status, cache result,
// duration. It never logs data values. It also counts the request in
// ogcard_requests_total.
//
// It is on every request's path, so it is kept cheap: the handlers below
// see a *logContext, on which serveCard notes the cache result without
// Echo's per-request map; the line is built only when the logger takes
// info, and handed to the handler as a record with typed attributes (no
// boxing, no caller lookup).
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		lc := logContexts.Get().(*logContext)
		lc.Context, lc.cache = c, ""
		err := s.tooLong(c.Request())
		if err == nil {
			err = next(lc)
		}
		cache := lc.cache
		lc.Context = nil
		logContexts.Put(lc)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.byRoute.inc(route, status)
		h := s.log.Handler()
		ctx := c.Request().Context()
		if !h.Enabled(ctx, slog.LevelInfo) {
			return nil
		}
		if cache == "" {
			cache, _ = c.Get("cache").(string) // set by a handler given the bare echo.Context
		}
		end := time.Now()
		r := slog.NewRecord(end, slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("method", c.Request().Method), slog.String("route", route), slog.String("path", c.Request().URL.Path),
			slog.Int("status", status), slog.String("cache", cache), slog.Int64("bytes", c.Response().Size), slog.Int64("ms", end.Sub(start).Milliseconds()))
		_ = h.Handle(ctx, r)
		return nil
	}
}

// logContext is the echo.Context the handlers see under accessLog, with
// room for what the log line needs from them.
type logContext struct {
	echo.Context
	cache string
}

var logContexts = sync.Pool{New: func() any { return new(logContext) }}

// noteCache records where a card came from, for the access log.
func noteCache(c echo.Context, result cards.Result) {
	if lc, ok := c.(*logContext); ok {
		lc.cache = string(result)
		return
	}
	c.Set("cache", string(result))
}
