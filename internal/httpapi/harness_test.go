package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/clientip"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/httpmux"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/logtest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
)

// A made-up key for tests; it protects nothing.
var testKey = []byte("httpapi-test-key-not-a-secret-0123456789")

type staticKey []byte

func (k staticKey) Keys(time.Time) ([]byte, []byte) { return k, nil }

// harness is the API on a real loopback server, with its metrics served on
// a second one and its logs captured.
type harness struct {
	api     *API
	srv     *httptest.Server
	metrics *httptest.Server
	reg     *prometheus.Registry
	logs    *logtest.Buffer
}

func testOptions(t testing.TB, logs io.Writer) (Options, *prometheus.Registry) {
	t.Helper()
	reg := telemetry.NewRegistry(buildinfo.Info{Version: "v1.2.3", Commit: "abc123", GoVersion: "go1.26"})
	authn, err := auth.NewAuthenticator(auth.Options{
		HMAC:   staticKey(testKey),
		Leeway: 5 * time.Second,
		Roles:  auth.NewRoleMapper([]string{"cp_users", "cp_dev_users"}, []string{"cp_analysts", "cp_dev_analysts"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Logger:       telemetry.NewLogger(logs, nil),
		Auth:         authn,
		Metrics:      telemetry.NewHTTPMetrics(reg),
		AuthMetrics:  telemetry.NewAuthMetrics(reg, auth.ReasonNames()),
		ClientIP:     clientip.New([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}),
		MaxBodyBytes: 1024,
		MaxInFlight:  100,
		Service: ServiceInfo{
			Name: "org-app",
			Info: buildinfo.Info{Version: "v1.2.3", Commit: "abc123", BuildTime: "2026-11-26T00:00:00Z", GoVersion: "go1.26"},
			Host: "pod-1", Zone: "us-east-1a",
		},
	}, reg
}

func newHarness(t *testing.T, mutate ...func(*Options)) *harness {
	t.Helper()
	logs := &logtest.Buffer{}
	opts, reg := testOptions(t, logs)
	for _, m := range mutate {
		m(&opts)
	}
	h := &harness{api: New(opts), logs: logs, reg: reg}
	h.srv = httptest.NewServer(h.api)
	h.metrics = httptest.NewServer(telemetry.Handler(reg))
	t.Cleanup(func() { h.srv.Close(); h.metrics.Close() })
	return h
}

// addRoute registers a GET route for a test (a handler that panics), as New
// registers the API's own.
func (h *harness) addRoute(path string, acc access, serve func(*exchange, *http.Request)) {
	rt := h.api.newRoute(RouteUnmatched, acc, serve)
	h.api.router.Handle(path, rt, http.MethodGet)
}

func token(t testing.TB, sub string, groups ...string) string {
	t.Helper()
	tok, err := auth.Mint(testKey, auth.MintOptions{Subject: sub, Groups: groups, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type request struct {
	method, path, token string
	body                io.Reader
	header              map[string]string
}

func (h *harness) do(t *testing.T, r request) (*http.Response, []byte) {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	req, err := http.NewRequest(r.method, h.srv.URL+r.path, r.body)
	if err != nil {
		t.Fatal(err)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// wantError checks an error response: status, JSON body with the code and
// the request id echoed in the X-Request-Id header.
func wantError(t *testing.T, resp *http.Response, body []byte, status int, code string) httpmux.ErrorDetail {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var eb httpmux.ErrorBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&eb); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if eb.Error.Code != code || eb.Error.Message == "" {
		t.Errorf("error = %+v, want code %q and a message", eb.Error, code)
	}
	if eb.Error.RequestID == "" || eb.Error.RequestID != resp.Header.Get("X-Request-Id") {
		t.Errorf("request_id %q does not match X-Request-Id %q", eb.Error.RequestID, resp.Header.Get("X-Request-Id"))
	}
	return eb.Error
}
