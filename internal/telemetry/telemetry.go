package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/contrib/instrumentation/github.com/labstack/echo/otelecho"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
	"go.opentelemetry.io/otel/trace/noop"
)

// ScopeName names the tracer of ogcard's own spans.
const ScopeName = "github.com/ogcard/ogcard"

// Setup installs the global TracerProvider and the W3C propagators, as the
// OTEL_* environment variables say (see the package doc), and returns the
// function that flushes and stops the exporter. With tracing off it
// installs a no-op provider and a shutdown that does nothing. On error
// nothing is installed but the propagators, and the caller may go on
// untraced.
func Setup(ctx context.Context, service, version string) (shutdown func(context.Context) error, err error) {
	// Propagators are set even untraced: they cost nothing and keep an
	// incoming traceparent flowing to the services ogcard calls.
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	proto, err := chooseExporter()
	if err != nil {
		return nil, err
	}
	if proto == protoNone {
		otel.SetTracerProvider(noop.NewTracerProvider())
		return func(context.Context) error { return nil }, nil
	}
	exp, err := newExporter(ctx, proto)
	if err != nil {
		return nil, err
	}
	res, err := newResource(ctx, service, version)
	if err != nil {
		_ = exp.Shutdown(ctx)
		return nil, err
	}
	// No WithSampler: the SDK then reads OTEL_TRACES_SAMPLER itself.
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return func(ctx context.Context) error {
		if err := tp.Shutdown(ctx); err != nil {
			return fmt.Errorf("telemetry: flushing spans: %w", err)
		}
		return nil
	}, nil
}

// newExporter builds the OTLP exporter for proto. Both read the endpoint,
// headers, timeout, compression and TLS settings from OTEL_EXPORTER_OTLP_*;
// neither connects before the first export.
func newExporter(ctx context.Context, proto exporterProtocol) (sdktrace.SpanExporter, error) {
	var exp sdktrace.SpanExporter
	var err error
	switch proto {
	case protoGRPC:
		exp, err = otlptracegrpc.New(ctx)
	default:
		exp, err = otlptracehttp.New(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("telemetry: OTLP %s exporter: %w", proto, err)
	}
	return exp, nil
}

// newResource describes the process: service.name and service.version,
// then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME, which win because
// later detectors override earlier ones.
func newResource(ctx context.Context, service, version string) (*resource.Resource, error) {
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName(service), semconv.ServiceVersion(version)),
		resource.WithFromEnv(),
	)
	// A malformed OTEL_RESOURCE_ATTRIBUTES entry only loses that entry:
	// tracing with the rest beats no tracing.
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("telemetry: resource: %w", err)
	}
	return res, nil
}

// Tracer is the tracer for ogcard's own spans (lookup, cache, fetch,
// render, encode). It follows the global provider, so it may be called
// before or after Setup.
//
// Under the no-op provider that Setup installs when tracing is off, Start
// costs a type check and a context lookup: it hands back the caller's
// context and a shared non-recording span instead of allocating a child
// context that would carry nothing (a remote parent's span context, from
// an incoming traceparent, is still passed on). Under the SDK provider the
// tracer is looked up once per provider, not per span.
func Tracer() trace.Tracer {
	return ownTracer{}
}

// ownTracer is what Tracer returns: each Start follows the global
// provider as it is at that moment.
type ownTracer struct{ embedded.Tracer }

// noopSpan is returned by Start when tracing is off. It is converted to
// trace.Span once here, so that returning it does not allocate.
var noopSpan trace.Span = noop.Span{}

// sdkTracer caches the SDK provider's tracer for ScopeName: the SDK's
// Tracer method takes a mutex and a map lookup on every call.
var sdkTracer atomic.Pointer[struct {
	tp *sdktrace.TracerProvider
	tr trace.Tracer
}]

func (ownTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	switch tp := otel.GetTracerProvider().(type) {
	case noop.TracerProvider:
		// What noop.Tracer.Start does, without the allocation of a
		// child context when there is no parent span context to carry.
		if trace.SpanContextFromContext(ctx).Equal(trace.SpanContext{}) {
			return ctx, noopSpan
		}
		return tp.Tracer(ScopeName).Start(ctx, name, opts...)
	case *sdktrace.TracerProvider:
		c := sdkTracer.Load()
		if c == nil || c.tp != tp {
			c = &struct {
				tp *sdktrace.TracerProvider
				tr trace.Tracer
			}{tp, tp.Tracer(ScopeName)}
			sdkTracer.Store(c)
		}
		return c.tr.Start(ctx, name, opts...)
	default:
		return tp.Tracer(ScopeName).Start(ctx, name, opts...)
	}
}

// Middleware opens a server span for each request, named by method and
// route, continuing the caller's trace from its traceparent header. The
// health, readiness and metrics routes are skipped: probes and scrapes
// would drown the traces that matter. It uses the global provider and
// propagators as they are when Middleware is called, so call it after
// Setup.
//
// When that provider is the no-op one (tracing off), there is no server
// span to open, so the middleware only does what still matters: a request
// that carries trace headers gets its remote span context and baggage put
// in its context, so they flow on to the services ogcard calls; any other
// request passes through untouched, at no cost.
func Middleware(service string) echo.MiddlewareFunc {
	if _, off := otel.GetTracerProvider().(noop.TracerProvider); off {
		return propagateOnly(otel.GetTextMapPropagator())
	}
	return otelecho.Middleware(service, otelecho.WithSkipper(skipProbes))
}

// propagateOnly is Middleware with tracing off.
func propagateOnly(prop propagation.TextMapPropagator) echo.MiddlewareFunc {
	fields := slices.Clone(prop.Fields())
	for i, f := range fields {
		fields[i] = textproto.CanonicalMIMEHeaderKey(f)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !hasAny(r.Header, fields) || skipProbes(c) {
				return next(c)
			}
			c.SetRequest(r.WithContext(prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))))
			defer c.SetRequest(r)
			return next(c)
		}
	}
}

// hasAny reports whether h has any of the canonical keys.
func hasAny(h http.Header, keys []string) bool {
	for _, k := range keys {
		if _, ok := h[k]; ok {
			return true
		}
	}
	return false
}

// skipProbes reports whether the request is a probe or a scrape. c.Path
// is the matched route, known because Echo runs Use middleware after
// routing.
func skipProbes(c echo.Context) bool {
	switch c.Path() {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return false
}
