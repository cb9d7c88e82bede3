package telemetry

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// gotSpan is a span as a collector received it.
type gotSpan struct {
	name, traceID, spanID, parentID string
	resource                        map[string]string
	kind                            tracepb.Span_SpanKind
	attrs                           map[string]string
}

// receiver is a stand-in for an OpenTelemetry collector: it keeps the
// spans of every export request it decodes.
type receiver struct {
	mu    sync.Mutex
	spans []gotSpan
}

func (r *receiver) add(req *coltracepb.ExportTraceServiceRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		res := map[string]string{}
		for _, kv := range rs.GetResource().GetAttributes() {
			res[kv.GetKey()] = kv.GetValue().GetStringValue()
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				r.spans = append(r.spans, decodeSpan(s, res))
			}
		}
	}
}

func decodeSpan(s *tracepb.Span, res map[string]string) gotSpan {
	g := gotSpan{
		name: s.GetName(), resource: res, kind: s.GetKind(),
		traceID: hex.EncodeToString(s.GetTraceId()), spanID: hex.EncodeToString(s.GetSpanId()),
		parentID: hex.EncodeToString(s.GetParentSpanId()), attrs: map[string]string{},
	}
	for _, kv := range s.GetAttributes() {
		g.attrs[kv.GetKey()] = kv.GetValue().GetStringValue()
	}
	return g
}

// byName returns the received spans by name; a name seen twice fails.
func (r *receiver) byName(t *testing.T) map[string]gotSpan {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]gotSpan{}
	for _, s := range r.spans {
		if _, dup := out[s.name]; dup {
			t.Errorf("span %q received twice", s.name)
		}
		out[s.name] = s
	}
	return out
}

// newHTTPReceiver serves OTLP/HTTP with protobuf bodies on /v1/traces.
func newHTTPReceiver(t *testing.T) (*receiver, *httptest.Server) {
	t.Helper()
	rcv := &receiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, r *http.Request) {
		req, err := decodeHTTP(r)
		if err != nil {
			t.Errorf("receiver: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rcv.add(req)
		body, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return rcv, srv
}

func decodeHTTP(r *http.Request) (*coltracepb.ExportTraceServiceRequest, error) {
	if ct := r.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		return nil, &unexpected{"Content-Type", ct}
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	req := &coltracepb.ExportTraceServiceRequest{}
	return req, proto.Unmarshal(data, req)
}

type unexpected struct{ what, got string }

func (u *unexpected) Error() string { return "unexpected " + u.what + ": " + u.got }

// grpcReceiver serves the OTLP gRPC trace service.
type grpcReceiver struct {
	coltracepb.UnimplementedTraceServiceServer
	rcv *receiver
}

func (g *grpcReceiver) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	g.rcv.add(req)
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// newGRPCReceiver listens on a loopback port and returns its address.
func newGRPCReceiver(t *testing.T) (*receiver, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rcv := &receiver{}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, &grpcReceiver{rcv: rcv})
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(lis) }()
	t.Cleanup(func() { srv.Stop(); <-done })
	return rcv, lis.Addr().String()
}
