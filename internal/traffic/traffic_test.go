package traffic

import (
	"testing"
	"time"
)

func TestReport(t *testing.T) {
	start := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := New(start, []string{"/", "/api/v1/me", "unmatched"}, []string{"expired", "forbidden"})
	root, me := s.Route("/"), s.Route("/api/v1/me")
	if s.Route("/nope") != nil {
		t.Fatal("unknown route has an accumulator")
	}
	for range 8 {
		root.Record(200, 2*time.Millisecond)
	}
	root.Record(503, 40*time.Millisecond)
	root.Record(999, time.Millisecond)
	me.Record(401, 100*time.Millisecond)
	s.AuthFailure(0)
	s.AuthFailure(0)
	s.AuthFailure(7) // out of range: ignored

	rep := s.Report(start.Add(90 * time.Second))
	if rep.UptimeSeconds != 90 || !rep.Since.Equal(start) {
		t.Errorf("since/uptime = %s/%v", rep.Since, rep.UptimeSeconds)
	}
	if rep.RequestsTotal != 11 {
		t.Errorf("requests_total = %d, want 11", rep.RequestsTotal)
	}
	r := rep.Routes["/"]
	if r.Requests != 10 || r.ByStatusClass["2xx"] != 8 || r.ByStatusClass["5xx"] != 1 || r.ByStatusClass["other"] != 1 {
		t.Errorf("root route = %+v", r)
	}
	if _, ok := rep.Routes["unmatched"]; ok {
		t.Error("route without requests reported")
	}
	if p50 := r.LatencyMS.P50; p50 < 1.9 || p50 > 2.1 {
		t.Errorf("root p50 = %vms, want ~2ms", p50)
	}
	if p99 := rep.LatencyMS.P99; p99 < 95 || p99 > 105 {
		t.Errorf("overall p99 = %vms, want ~100ms", p99)
	}
	if rep.AuthFailures["expired"] != 2 || len(rep.AuthFailures) != 1 {
		t.Errorf("auth failures = %v", rep.AuthFailures)
	}
}
