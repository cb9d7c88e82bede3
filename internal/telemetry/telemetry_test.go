package telemetry

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// clearOTEL unsets every OTEL_* variable for the test, so that the
// machine's environment cannot change the outcome, and resets the global
// provider afterwards.
func clearOTEL(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "OTEL_") {
			t.Setenv(k, "") // restores the old value after the test
			_ = os.Unsetenv(k)
		}
	}
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })
}

// setup runs Setup and fails the test on error.
func setup(t *testing.T) func(context.Context) error {
	t.Helper()
	shutdown, err := Setup(t.Context(), "ogcard-test", "1.2.3")
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return shutdown
}

// cardSpans traces one card the way the server does: a request span with
// lookup, cache, render and encode under it, and a picture fetch inside
// the render.
func cardSpans(ctx context.Context) {
	tr := Tracer()
	ctx, req := tr.Start(ctx, "request")
	defer req.End()
	for _, name := range []string{"lookup", "cache", "render", "encode"} {
		cctx, span := tr.Start(ctx, name)
		if name == "render" {
			_, fetch := tr.Start(cctx, "fetch")
			fetch.End()
		}
		span.End()
	}
}

// checkCardSpans asserts what cardSpans sent arrived, linked as sent.
func checkCardSpans(t *testing.T, rcv *receiver, service string) {
	t.Helper()
	got := rcv.byName(t)
	parents := map[string]string{"lookup": "request", "cache": "request", "render": "request", "encode": "request", "fetch": "render"}
	root, ok := got["request"]
	if !ok {
		t.Fatalf("no request span; got %v", got)
	}
	if root.parentID != "" {
		t.Errorf("request span has parent %s", root.parentID)
	}
	for name, parent := range parents {
		s, ok := got[name]
		switch {
		case !ok:
			t.Errorf("span %q not received", name)
		case s.parentID != got[parent].spanID:
			t.Errorf("span %q: parent %s, want %q's %s", name, s.parentID, parent, got[parent].spanID)
		case s.traceID != root.traceID:
			t.Errorf("span %q: trace %s, want %s", name, s.traceID, root.traceID)
		}
	}
	if root.resource["service.name"] != service || root.resource["service.version"] != "1.2.3" {
		t.Errorf("resource %v, want service.name %q and service.version 1.2.3", root.resource, service)
	}
}

func TestSetupExportsOTLPHTTP(t *testing.T) {
	clearOTEL(t)
	before := runtime.NumGoroutine()
	rcv, srv := newHTTPReceiver(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	shutdown := setup(t)
	cardSpans(t.Context())
	if err := shutdown(t.Context()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	checkCardSpans(t, rcv, "ogcard-test")
	srv.Close()
	settles(t, before)
}

func TestSetupExportsOTLPGRPC(t *testing.T) {
	clearOTEL(t)
	rcv, addr := newGRPCReceiver(t)
	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://"+addr)
	t.Setenv("OTEL_SERVICE_NAME", "renamed")
	shutdown := setup(t)
	cardSpans(t.Context())
	if err := shutdown(t.Context()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	checkCardSpans(t, rcv, "renamed")
}

func TestSetupWithoutConfigIsNoop(t *testing.T) {
	for name, vars := range map[string][]string{
		"nothing set":          nil,
		"exporter none":        {"OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"},
		"sdk disabled":         {"OTEL_SDK_DISABLED", "true", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"},
		"endpoint set, empty":  {"OTEL_EXPORTER_OTLP_ENDPOINT", " "},
		"sampler only, no out": {"OTEL_TRACES_SAMPLER", "always_on"},
	} {
		t.Run(name, func(t *testing.T) {
			clearOTEL(t)
			for i := 0; i+1 < len(vars); i += 2 {
				t.Setenv(vars[i], vars[i+1])
			}
			before := runtime.NumGoroutine()
			shutdown := setup(t)
			if after := runtime.NumGoroutine(); after > before {
				t.Errorf("Setup started %d goroutines; a no-op provider needs none", after-before)
			}
			_, span := Tracer().Start(t.Context(), "render")
			span.End()
			if span.IsRecording() || span.SpanContext().IsValid() {
				t.Error("span records: want the no-op provider")
			}
			for range 2 {
				if err := shutdown(t.Context()); err != nil {
					t.Errorf("shutdown: %v", err)
				}
			}
		})
	}
}

func TestSetupRejectsUnsupported(t *testing.T) {
	for name, vars := range map[string][]string{
		"exporter": {"OTEL_TRACES_EXPORTER", "zipkin"},
		"protocol": {"OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
	} {
		t.Run(name, func(t *testing.T) {
			clearOTEL(t)
			t.Setenv(vars[0], vars[1])
			if len(vars) > 2 {
				t.Setenv(vars[2], vars[3])
			}
			if _, err := Setup(t.Context(), "ogcard-test", "1.2.3"); !errors.Is(err, ErrUnsupported) {
				t.Errorf("Setup error %v, want ErrUnsupported", err)
			}
		})
	}
}

func TestMiddlewareSpanPerRoute(t *testing.T) {
	clearOTEL(t)
	rcv, srv := newHTTPReceiver(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	shutdown := setup(t)
	e := echo.New()
	e.Use(Middleware("ogcard"))
	e.GET("/api/v1/og/:layout/:slug", func(c echo.Context) error {
		_, span := Tracer().Start(c.Request().Context(), "lookup")
		span.End()
		return c.String(http.StatusOK, "card")
	})
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })

	const traceID, callerSpan = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	req := httptest.NewRequest(http.MethodGet, "/api/v1/og/news/budget-2025.png", nil)
	req.Header.Set("traceparent", "00-"+traceID+"-"+callerSpan+"-01")
	e.ServeHTTP(httptest.NewRecorder(), req)
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if err := shutdown(t.Context()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	got := rcv.byName(t)
	if len(got) != 2 {
		t.Errorf("got spans %v, want the route's server span and lookup only", names(got))
	}
	server, ok := got["GET /api/v1/og/:layout/:slug"]
	if !ok {
		t.Fatalf("no server span named by route; got %v", names(got))
	}
	if server.kind != tracepb.Span_SPAN_KIND_SERVER || server.traceID != traceID || server.parentID != callerSpan {
		t.Errorf("server span %+v: want kind server continuing trace %s from span %s", server, traceID, callerSpan)
	}
	if server.attrs["http.route"] != "/api/v1/og/:layout/:slug" {
		t.Errorf("http.route = %q", server.attrs["http.route"])
	}
	if got["lookup"].parentID != server.spanID {
		t.Errorf("lookup's parent %s, want the server span %s", got["lookup"].parentID, server.spanID)
	}
}

func TestTracerFollowsGlobalProvider(t *testing.T) {
	clearOTEL(t)
	var _ trace.Tracer = Tracer() //nolint:staticcheck // asserts Tracer's type
	otel.SetTracerProvider(noop.NewTracerProvider())
	if _, span := Tracer().Start(t.Context(), "x"); span.IsRecording() {
		t.Error("recording under the no-op provider")
	}
}

func names(spans map[string]gotSpan) []string {
	out := make([]string, 0, len(spans))
	for n := range spans {
		out = append(out, n)
	}
	return out
}

// settles waits for the goroutine count to fall back to before: the
// exporter's connections close shortly after the receiver does.
func settles(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
