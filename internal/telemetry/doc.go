// Package telemetry sets up OpenTelemetry tracing for ogcard: a global
// TracerProvider, the W3C trace-context and baggage propagators, a tracer
// for the service's own spans and an Echo middleware that opens a server
// span per request, named by route ("GET /api/v1/og/:layout/:slug").
//
// # Configuration
//
// Setup takes no options: exporting is configured only through the
// standard OpenTelemetry environment variables, so the same binary runs
// untraced on a laptop and traced in production. The useful ones:
//
//   - OTEL_TRACES_EXPORTER: "otlp" to export, "none" to turn tracing off.
//     Unset, tracing is on only when an OTLP endpoint below is set. Other
//     exporters ("console", "zipkin") are not built in and are an error.
//   - OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL, such as
//     http://otel-collector:4318; "/v1/traces" is appended for HTTP.
//   - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the full traces URL, used as is;
//     it wins over the one above.
//   - OTEL_EXPORTER_OTLP_PROTOCOL (or OTEL_EXPORTER_OTLP_TRACES_PROTOCOL):
//     "http/protobuf" (the default) or "grpc" (then the endpoint is the
//     gRPC one, usually port 4317). "http/json" is not supported.
//   - OTEL_EXPORTER_OTLP_HEADERS: "key=value,..." sent with each export,
//     for an API key; OTEL_EXPORTER_OTLP_TIMEOUT (ms),
//     OTEL_EXPORTER_OTLP_COMPRESSION ("gzip"), OTEL_EXPORTER_OTLP_INSECURE
//     and OTEL_EXPORTER_OTLP_CERTIFICATE tune the connection.
//   - OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG: the sampler, such as
//     "parentbased_traceidratio" with "0.1" to keep a tenth of the traces.
//     The default, "parentbased_always_on", keeps every trace.
//   - OTEL_SERVICE_NAME: overrides the service name given to Setup;
//     OTEL_RESOURCE_ATTRIBUTES adds "key=value,..." resource attributes,
//     such as deployment.environment.name=prod.
//   - OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_QUEUE_SIZE,
//     OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_EXPORT_TIMEOUT: the batching
//     of spans before export.
//   - OTEL_SDK_DISABLED=true: tracing off, whatever else is set.
//
// When tracing is off the installed provider is OpenTelemetry's no-op one:
// no exporter, no batching goroutine, spans that record nothing, so the
// instrumentation costs next to nothing and needs no "if enabled" at the
// call sites. Tracer and Middleware recognise that provider and skip even
// the allocations the no-op path would make per span and per request (a
// child context, a copy of the request); a caller's trace context is still
// passed on.
//
// Export failures (a collector that is down) never fail a request: the
// batcher drops spans when its queue is full and reports errors through
// OpenTelemetry's global error handler, which logs them.
//
// # Concurrency
//
// Setup installs process-wide globals: call it once at start, before the
// server handles requests, and call the shutdown it returns once on the
// way out, after the HTTP server has stopped, to flush the spans still
// batched. Tracer and Middleware are safe for concurrent use; the
// middleware reads the global provider when it is built, so build the
// routes after Setup.
package telemetry
