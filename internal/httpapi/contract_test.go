package httpapi

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
)

// The access_log section of infra/modules/observability/metrics.json: the
// CloudWatch metric filters (Requests, Errors5xx, LatencyMs) select lines by
// msg and read these two fields.
type accessLogContract struct {
	AccessLog struct {
		Message       string `json:"message"`
		StatusField   string `json:"status_field"`
		DurationField string `json:"duration_field"`
	} `json:"access_log"`
}

func TestAccessLogMatchesTheMetricsContract(t *testing.T) {
	raw, err := os.ReadFile("../../infra/modules/observability/metrics.json")
	if err != nil {
		t.Fatalf("the metric names contract: %v", err)
	}
	var c accessLogContract
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	want := c.AccessLog
	if want.Message == "" || want.StatusField == "" || want.DurationField == "" {
		t.Fatalf("metrics.json has no access_log section: %+v", want)
	}

	h := newHarness(t)
	for _, r := range []request{{path: "/"}, {path: "/nope"}, {method: http.MethodPost, path: "/"}} {
		h.do(t, r)
	}
	statuses := map[float64]bool{}
	for _, l := range h.logs.Lines(t) {
		if l["msg"] != want.Message {
			continue
		}
		status, ok := l[want.StatusField].(float64)
		if !ok {
			t.Errorf("access line without a numeric %q: %v", want.StatusField, l)
		}
		if d, ok := l[want.DurationField].(float64); !ok || d < 0 {
			t.Errorf("access line without a numeric %q: %v", want.DurationField, l)
		}
		statuses[status] = true
	}
	for _, s := range []float64{200, 404, 405} {
		if !statuses[s] {
			t.Errorf("no %q line with %s %v; lines:\n%s", want.Message, want.StatusField, s, h.logs.String())
		}
	}
}
