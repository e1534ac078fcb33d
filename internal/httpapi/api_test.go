package httpapi

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/promtest"
)

func TestRequestIDAndTraceContext(t *testing.T) {
	h := newHarness(t)

	resp, _ := h.do(t, request{path: "/", header: map[string]string{
		"X-Request-Id": "client-chosen-42",
		"Traceparent":  "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	}})
	if got := resp.Header.Get("X-Request-Id"); got != "client-chosen-42" {
		t.Errorf("X-Request-Id = %q, want the client's", got)
	}
	tp := resp.Header.Get("Traceparent")
	if !strings.HasPrefix(tp, "00-4bf92f3577b34da6a3ce929d0e0e4736-") || strings.Contains(tp, "00f067aa0ba902b7") {
		t.Errorf("traceparent = %q, want the same trace with a new span", tp)
	}

	resp, _ = h.do(t, request{path: "/", header: map[string]string{"X-Request-Id": "bad id\twith tab"}})
	if got := resp.Header.Get("X-Request-Id"); len(got) != 32 {
		t.Errorf("unsafe X-Request-Id not replaced: %q", got)
	}
	first, _ := h.do(t, request{path: "/"})
	second, _ := h.do(t, request{path: "/"})
	if first.Header.Get("X-Request-Id") == second.Header.Get("X-Request-Id") {
		t.Error("generated request ids repeat")
	}
	if first.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("X-Content-Type-Options: nosniff missing")
	}

	var access map[string]any
	for _, l := range h.logs.Lines(t) {
		if l["msg"] == "request" && l["request_id"] == "client-chosen-42" {
			access = l
		}
	}
	if access == nil || access["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("access log line with request and trace id missing: %v", access)
	}
}

func TestNotFound(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/nope", "/api/v1/me/", "/api/v1"} {
		resp, body := h.do(t, request{path: path, token: token(t, "alice", "cp_users")})
		wantError(t, resp, body, http.StatusNotFound, "not_found")
	}
}

func TestAccessLogFields(t *testing.T) {
	h := newHarness(t)
	h.do(t, request{path: "/api/v1/me", token: token(t, "alice", "cp_users"), header: map[string]string{"X-Forwarded-For": "203.0.113.50"}})
	var line map[string]any
	for _, l := range h.logs.Lines(t) {
		if l["msg"] == "request" {
			line = l
		}
	}
	for _, k := range []string{"time", "level", "method", "route", "path", "status", "duration_ms", "bytes", "request_id", "trace_id", "client", "subject"} {
		if _, ok := line[k]; !ok {
			t.Errorf("access log lacks %q: %v", k, line)
		}
	}
	// The test server's peer is 127.0.0.1, a trusted proxy in the harness.
	if line["client"] != "203.0.113.50" || line["route"] != "/api/v1/me" || line["status"] != float64(200) || line["subject"] != "alice" {
		t.Errorf("access log = %v", line)
	}
}

// Tokens, the signing key and Authorization headers never reach the logs,
// on success, on every kind of failure, or in a panic.
func TestLogsNeverContainCredentials(t *testing.T) {
	h := newHarness(t)
	h.addRoute("/panic", anyRole, func(*exchange, *http.Request) { panic("handler bug") })
	user := token(t, "alice", "cp_users", "cp_analysts")
	forged := user[:len(user)-4] + "AAAA"
	for _, r := range []request{
		{path: "/api/v1/me", token: user},
		{path: "/api/v1/me", token: forged},
		{path: "/api/v1/me", header: map[string]string{"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}},
		{path: "/api/v1/reports/traffic", token: user},
		{method: http.MethodPost, path: "/api/v1/echo", token: user, body: strings.NewReader(`{"a":1}`), header: map[string]string{"Content-Type": "application/json"}},
		{path: "/panic", token: user},
	} {
		h.do(t, r)
	}
	logs := h.logs.String()
	for _, secret := range []string{user, forged, string(testKey), "dXNlcjpwYXNzd29yZA==", user[strings.LastIndex(user, ".")+1:]} {
		if strings.Contains(logs, secret) {
			t.Fatalf("logs contain a credential %q:\n%s", secret[:10], logs)
		}
	}
	if !strings.Contains(logs, `"msg":"request"`) || !strings.Contains(logs, "panic serving request") {
		t.Fatalf("expected access and panic lines in the logs:\n%s", logs)
	}
}

func TestPanicBecomes500(t *testing.T) {
	h := newHarness(t)
	h.addRoute("/panic", public, func(*exchange, *http.Request) { panic("handler bug") })
	resp, body := h.do(t, request{path: "/panic", header: map[string]string{"X-Request-Id": "boom-1"}})
	wantError(t, resp, body, http.StatusInternalServerError, "internal")
	found := false
	for _, l := range h.logs.Lines(t) {
		if l["msg"] == "panic serving request" && l["request_id"] == "boom-1" && strings.Contains(l["stack"].(string), "goroutine") {
			found = true
		}
	}
	if !found {
		t.Error("panic not logged with the request id and a stack")
	}
	// The server keeps serving.
	if resp, _ := h.do(t, request{path: "/"}); resp.StatusCode != http.StatusOK {
		t.Errorf("after a panic GET / = %d", resp.StatusCode)
	}
}

// Past MaxInFlight, requests are refused at once with 503 and Retry-After.
func TestLoadShedding(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.MaxInFlight = 2 })
	user := token(t, "alice", "cp_users")

	// Two echo requests whose bodies never finish hold both slots.
	var writers []*io.PipeWriter
	var wg sync.WaitGroup
	for range 2 {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/api/v1/echo", pr)
		req.Header.Set("Authorization", "Bearer "+user)
		req.Header.Set("Content-Type", "application/json")
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := h.srv.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		if _, err := pw.Write([]byte(`{"held":`)); err != nil { // the handler is now reading
			t.Fatal(err)
		}
	}
	waitInFlight(t, h, 2)
	// http_requests_in_flight reads the count the limit uses.
	inFlight := `
# HELP http_requests_in_flight API requests being served now.
# TYPE http_requests_in_flight gauge
http_requests_in_flight 2
`
	if err := testutil.ScrapeAndCompare(h.metrics.URL, strings.NewReader(inFlight), "http_requests_in_flight"); err != nil {
		t.Error(err)
	}

	resp, body := h.do(t, request{path: "/"})
	wantError(t, resp, body, http.StatusServiceUnavailable, "unavailable")
	if resp.Header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q, want 1", resp.Header.Get("Retry-After"))
	}

	for _, w := range writers {
		_, _ = w.Write([]byte(`true}`))
		w.Close()
	}
	wg.Wait()
	waitInFlight(t, h, 0)
	if resp, _ := h.do(t, request{path: "/"}); resp.StatusCode != http.StatusOK {
		t.Errorf("after the load passed GET / = %d", resp.StatusCode)
	}
	// Through the metrics listener and the exposition parser: the shed
	// request is counted under its route with 503.
	want := `
# HELP http_requests_total API requests by route pattern, method and status code.
# TYPE http_requests_total counter
http_requests_total{code="200",method="GET",route="/"} 1
http_requests_total{code="200",method="POST",route="/api/v1/echo"} 2
http_requests_total{code="503",method="GET",route="/"} 1
`
	if err := testutil.ScrapeAndCompare(h.metrics.URL, strings.NewReader(want), "http_requests_total"); err != nil {
		t.Error(err)
	}
}

func waitInFlight(t *testing.T, h *harness, n int64) {
	t.Helper()
	for i := 0; h.api.inFlight.Load() != n; i++ {
		if i > 5000 {
			t.Fatalf("in flight = %d, want %d", h.api.inFlight.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestMetrics(t *testing.T) {
	h := newHarness(t)
	user := token(t, "alice", "cp_users")
	for range 3 {
		h.do(t, request{path: "/api/v1/me", token: user})
	}
	h.do(t, request{path: "/api/v1/me"})
	h.do(t, request{path: "/users/12345"})
	h.do(t, request{path: "/users/67890"})
	h.do(t, request{method: "BREW", path: "/"})

	fams := promtest.Gather(t, h.reg)
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"http_requests_total", map[string]string{"route": "/api/v1/me", "method": "GET", "code": "200"}, 3},
		{"http_requests_total", map[string]string{"route": "/api/v1/me", "method": "GET", "code": "401"}, 1},
		{"http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "code": "404"}, 2},
		{"http_requests_total", map[string]string{"route": "/", "method": "OTHER", "code": "405"}, 1},
		{"http_request_duration_seconds", map[string]string{"route": "/api/v1/me", "method": "GET", "code": "200"}, 3},
		{"http_requests_in_flight", nil, 0},
		{"auth_failures_total", map[string]string{"reason": "missing_token"}, 1},
		{"auth_failures_total", map[string]string{"reason": "expired"}, 0},
		{"build_info", map[string]string{"version": "v1.2.3", "commit": "abc123"}, 1},
	}
	for _, c := range checks {
		got, ok := fams.Value(c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	for _, route := range fams.LabelValues("http_requests_total", "route") {
		if strings.Contains(route, "12345") || strings.Contains(route, "67890") {
			t.Errorf("raw path %q used as a route label", route)
		}
	}
	for _, fam := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if !fams.Has(fam) {
			t.Errorf("%s missing: Go and process collectors must be registered", fam)
		}
	}
}
