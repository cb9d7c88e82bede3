package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/server/source"
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
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.msg, 0
	case errors.As(err, &de):
		return http.StatusBadRequest, de.Error(), 0
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "too many requests: slow down", time.Second
	case errors.Is(err, ErrBadSignature):
		return http.StatusForbidden, "missing or invalid signature", 0
	case errors.Is(err, errBusy):
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
// duration. It never logs data values.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
		cache, _ := c.Get("cache").(string)
		s.log.Info("request", "method", c.Request().Method, "route", route, "path", c.Request().URL.Path,
			"status", status, "cache", cache, "bytes", c.Response().Size, "ms", time.Since(start).Milliseconds())
		return nil
	}
}
