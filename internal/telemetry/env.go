package telemetry

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// exporterProtocol is where spans go: nowhere, or OTLP over HTTP or gRPC.
type exporterProtocol string

const (
	protoNone exporterProtocol = "none"
	protoHTTP exporterProtocol = "http/protobuf"
	protoGRPC exporterProtocol = "grpc"
)

// ErrUnsupported is wrapped by Setup's error when an OTEL_* variable asks
// for an exporter or protocol that is not built in.
var ErrUnsupported = errors.New("not supported")

// chooseExporter reads the OTEL_* variables that decide whether to export
// and how. An exporter is built only when asked for, explicitly or by
// setting an endpoint, so that an unconfigured process does not retry a
// collector at localhost forever.
func chooseExporter() (exporterProtocol, error) {
	if strings.EqualFold(env("OTEL_SDK_DISABLED"), "true") {
		return protoNone, nil
	}
	want, err := wantOTLP()
	if err != nil || !want {
		return protoNone, err
	}
	return otlpProtocol()
}

// wantOTLP applies OTEL_TRACES_EXPORTER, a comma-separated list: "otlp"
// exports, "none" alone turns tracing off, and unset defers to whether an
// endpoint is configured.
func wantOTLP() (bool, error) {
	list := env("OTEL_TRACES_EXPORTER")
	if list == "" {
		return env("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "", nil
	}
	want := false
	for _, name := range strings.Split(list, ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "otlp":
			want = true
		case "none", "":
		default:
			return false, fmt.Errorf("telemetry: OTEL_TRACES_EXPORTER=%q: exporter %q %w (use otlp or none)", list, strings.TrimSpace(name), ErrUnsupported)
		}
	}
	return want, nil
}

// otlpProtocol applies OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else
// OTEL_EXPORTER_OTLP_PROTOCOL; the default is HTTP with protobuf bodies,
// as the specification says.
func otlpProtocol() (exporterProtocol, error) {
	p := env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if p == "" {
		p = env("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	switch strings.ToLower(p) {
	case "", string(protoHTTP):
		return protoHTTP, nil
	case string(protoGRPC):
		return protoGRPC, nil
	}
	return "", fmt.Errorf("telemetry: OTLP protocol %q %w (use http/protobuf or grpc)", p, ErrUnsupported)
}

// env is a variable's trimmed value; set-but-empty counts as unset, as the
// specification asks.
func env(key string) string {
	return strings.TrimSpace(os.Getenv(key))
}
