package telemetry

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/trace"
)

// With tracing off, a span costs no allocation, and a caller's trace
// context still reaches the handlers (and so the services ogcard calls).
func TestNoopFastPath(t *testing.T) {
	clearOTEL(t)
	setup(t)
	ctx := t.Context()
	if allocs := testing.AllocsPerRun(100, func() {
		_, span := Tracer().Start(ctx, "cache")
		span.End()
	}); allocs != 0 {
		t.Errorf("a no-op span allocates %v times", allocs)
	}

	const traceID, callerSpan = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	var got []trace.SpanContext
	e := echo.New()
	e.Use(Middleware("ogcard"))
	e.GET("/api/v1/og/:layout/:slug", func(c echo.Context) error {
		cctx, span := Tracer().Start(c.Request().Context(), "lookup")
		defer span.End()
		got = append(got, trace.SpanContextFromContext(cctx))
		return c.String(http.StatusOK, "card")
	})
	withParent := httptest.NewRequest(http.MethodGet, "/api/v1/og/news/budget-2025.png", nil)
	withParent.Header.Set("traceparent", "00-"+traceID+"-"+callerSpan+"-01")
	e.ServeHTTP(httptest.NewRecorder(), withParent)
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/v1/og/news/budget-2025.png", nil))
	if len(got) != 2 {
		t.Fatalf("handler ran %d times", len(got))
	}
	if got[0].TraceID().String() != traceID || got[0].SpanID().String() != callerSpan {
		t.Errorf("with a traceparent: span context %v, want the caller's", got[0])
	}
	if got[1].IsValid() {
		t.Errorf("without a traceparent: span context %v, want none", got[1])
	}
}
