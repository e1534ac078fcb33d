package telemetry

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"
)

func TestLoggerIsJSONAtLevelAndRedactsCredentials(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(&buf, slog.LevelInfo)
	log.Debug("hidden")
	log.Info("visible", "route", "/", "authorization", "Bearer abc.def.ghi", "id_token", "xyz",
		slog.Group("req", slog.String("Cookie", "session=1")), "client_secret", "s3cr3t")
	out := buf.String()
	if strings.Contains(out, "hidden") {
		t.Error("debug line logged at INFO")
	}
	for _, leak := range []string{"abc.def.ghi", "xyz", "session=1", "s3cr3t"} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q: %s", leak, out)
		}
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(out), &line); err != nil {
		t.Fatalf("not one JSON line: %q", out)
	}
	if line["route"] != "/" || line["authorization"] != Redacted {
		t.Errorf("line = %v", line)
	}
}

func TestHTTPMetricsLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewHTTPMetrics(reg)
	m.Observe("/", "GET", 200, 3*time.Millisecond)
	m.Observe("/", "GET", 200, 3*time.Millisecond)
	m.Observe("/", "PROPFIND", 405, time.Millisecond)
	if got := testutil.ToFloat64(m.requests.WithLabelValues("/", "GET", "200")); got != 2 {
		t.Errorf("GET 200 = %v", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("/", "OTHER", "405")); got != 1 {
		t.Errorf("unknown method not folded into OTHER: %v", got)
	}
	if n := testutil.CollectAndCount(m.requests); n != 2 {
		t.Errorf("%d request series, want 2", n)
	}
}

func TestAuthMetricsStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewAuthMetrics(reg, []string{"expired", "forbidden"})
	m.Inc(1)
	m.Inc(9) // out of range: ignored
	if n := testutil.CollectAndCount(reg, "auth_failures_total"); n != 2 {
		t.Errorf("%d series, want every reason present", n)
	}
	if got := testutil.ToFloat64(m.failures[1]); got != 1 {
		t.Errorf("forbidden = %v", got)
	}
}

// The app section of infra/modules/observability/metrics.json names the
// Prometheus metrics the ADOT sidecar turns into CloudWatch metrics: org-app
// must expose every one of them.
func TestRegistryExposesTheMetricsContract(t *testing.T) {
	raw, err := os.ReadFile("../../infra/modules/observability/metrics.json")
	if err != nil {
		t.Fatalf("the metric names contract: %v", err)
	}
	var c struct {
		App struct {
			Metrics map[string]string `json:"metrics"`
		} `json:"app"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.App.Metrics) == 0 {
		t.Fatal("metrics.json has no app metrics")
	}
	reg := NewRegistry(buildinfo.Info{Version: "v1", Commit: "c", GoVersion: "go"})
	m := NewHTTPMetrics(reg)
	m.Observe("/", "GET", 200, time.Millisecond) // vectors appear once observed
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range fams {
		have[f.GetName()] = true
	}
	for key, name := range c.App.Metrics {
		if !have[name] {
			t.Errorf("metrics.json app.metrics.%s = %s, which org-app does not expose", key, name)
		}
	}
}

// A route's series are found without a lock: concurrent requests on new and
// known (method, code) pairs each count once, in the right series.
func TestRouteMetricsConcurrent(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewHTTPMetrics(reg)
	if first, again := m.Route("/"), m.Route("/"); first != again || first == m.Route("/x") {
		t.Fatal("Route must return one *RouteMetrics per route")
	}
	rm := m.Route("/")
	codes := []int{200, 401, 403, 404, 500}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				rm.Observe("GET", codes[(g+i)%len(codes)], time.Millisecond)
				rm.Observe("BREW", 405, time.Millisecond)
			}
		})
	}
	wg.Wait()
	for _, code := range codes {
		if got := testutil.ToFloat64(m.requests.WithLabelValues("/", "GET", strconv.Itoa(code))); got != 800 {
			t.Errorf("GET %d = %v, want 800", code, got)
		}
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("/", "OTHER", "405")); got != 4000 {
		t.Errorf("OTHER 405 = %v, want 4000", got)
	}
	if n := testutil.CollectAndCount(m.duration); n != len(codes)+1 {
		t.Errorf("%d duration series, want %d", n, len(codes)+1)
	}
}

// http_requests_in_flight reports the counter the API keeps for its limit.
func TestInFlightGaugeReadsTheCounter(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewHTTPMetrics(reg)
	m.InFlight().Add(3)
	m.InFlight().Add(-1)
	want := `
# HELP http_requests_in_flight API requests being served now.
# TYPE http_requests_in_flight gauge
http_requests_in_flight 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "http_requests_in_flight"); err != nil {
		t.Error(err)
	}
}
