package httpapi

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/traffic"
)

func TestTrafficReport(t *testing.T) {
	h := newHarness(t)
	user, analyst := token(t, "alice", "cp_users"), token(t, "bob", "cp_analysts")
	for range 3 {
		h.do(t, request{path: "/"})
	}
	h.do(t, request{path: "/api/v1/me", token: user})
	h.do(t, request{path: "/api/v1/me"})                           // missing_token
	h.do(t, request{path: "/api/v1/reports/traffic", token: user}) // forbidden
	h.do(t, request{path: "/no/such/thing"})

	resp, body := h.do(t, request{path: "/api/v1/reports/traffic", token: analyst})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var rep traffic.Report
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	if got := rep.Routes["/"].ByStatusClass["2xx"]; got != 3 {
		t.Errorf("/ 2xx = %d, want 3", got)
	}
	me := rep.Routes["/api/v1/me"]
	if me.ByStatusClass["2xx"] != 1 || me.ByStatusClass["4xx"] != 1 {
		t.Errorf("/api/v1/me = %+v, want one 2xx and one 4xx", me.ByStatusClass)
	}
	if rep.Routes["unmatched"].ByStatusClass["4xx"] != 1 {
		t.Errorf("unmatched = %+v", rep.Routes["unmatched"])
	}
	if _, ok := rep.Routes["/no/such/thing"]; ok {
		t.Error("raw path reported as a route")
	}
	if rep.AuthFailures["missing_token"] != 1 || rep.AuthFailures["forbidden"] != 1 {
		t.Errorf("auth failures = %v", rep.AuthFailures)
	}
	if rep.RequestsTotal != 7 || rep.LatencyMS.P99 <= 0 {
		t.Errorf("requests_total = %d, p99 = %v", rep.RequestsTotal, rep.LatencyMS.P99)
	}
}
