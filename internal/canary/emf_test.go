package canary

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// checkEMF validates one line against the EMF specification's rules that
// CloudWatch enforces, and returns it decoded.
func checkEMF(t *testing.T, line string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(line), &doc); err != nil {
		t.Fatalf("not JSON: %v: %q", err, line)
	}
	aws, ok := doc["_aws"].(map[string]any)
	if !ok {
		t.Fatalf("no _aws object: %q", line)
	}
	if _, ok := aws["Timestamp"].(float64); !ok {
		t.Errorf("_aws.Timestamp is not a number: %q", line)
	}
	directives, ok := aws["CloudWatchMetrics"].([]any)
	if !ok || len(directives) != 1 {
		t.Fatalf("_aws.CloudWatchMetrics must hold one directive: %q", line)
	}
	d := directives[0].(map[string]any)
	if d["Namespace"] != DefaultNamespace {
		t.Errorf("Namespace = %v", d["Namespace"])
	}
	// Two dimension sets: per flow, and none (the aggregate alarms use).
	dims, _ := d["Dimensions"].([]any)
	if len(dims) != 2 || len(dims[0].([]any)) != 1 || dims[0].([]any)[0] != "Flow" || len(dims[1].([]any)) != 0 {
		t.Fatalf(`Dimensions = %v, want [["Flow"],[]]`, d["Dimensions"])
	}
	for _, set := range dims {
		for _, dim := range set.([]any) {
			if _, ok := doc[dim.(string)].(string); !ok {
				t.Errorf("dimension %v has no string value at the root", dim)
			}
		}
	}
	metrics, _ := d["Metrics"].([]any)
	if len(metrics) == 0 {
		t.Fatalf("no Metrics: %q", line)
	}
	for _, m := range metrics {
		m := m.(map[string]any)
		name, _ := m["Name"].(string)
		if _, ok := doc[name].(float64); !ok {
			t.Errorf("metric %q has no numeric value at the root", name)
		}
		switch m["Unit"] {
		case "Count", "Milliseconds":
		default:
			t.Errorf("metric %q has unit %v", name, m["Unit"])
		}
	}
	return doc
}

func metricNames(doc map[string]any) []string {
	var names []string
	for _, m := range doc["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)["Metrics"].([]any) {
		names = append(names, m.(map[string]any)["Name"].(string))
	}
	return names
}

func TestEMFLines(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	at := time.Date(2026, 11, 26, 12, 0, 0, 123e6, time.UTC)
	e := NewEMF(&buf, "", "https://api.example.com", func() time.Time { return at })
	if err := e.Write("me", nil, 12345*time.Microsecond); err != nil {
		t.Fatal(err)
	}
	if err := e.Write("echo", &CheckError{KindTimeout, errors.New("deadline exceeded")}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", buf.String())
	}

	ok := checkEMF(t, lines[0])
	if ts := ok["_aws"].(map[string]any)["Timestamp"].(float64); int64(ts) != at.UnixMilli() {
		t.Errorf("Timestamp %v, want %d", ts, at.UnixMilli())
	}
	if got := strings.Join(metricNames(ok), ","); got != "CheckSuccess,CheckFailure,CheckDuration" {
		t.Errorf("metrics %s", got)
	}
	if ok["Flow"] != "me" || ok["CheckSuccess"] != 1.0 || ok["CheckFailure"] != 0.0 || ok["CheckDuration"] != 12.345 ||
		ok["Result"] != "ok" || ok["Target"] != "https://api.example.com" {
		t.Errorf("passed check: %v", ok)
	}

	failed := checkEMF(t, lines[1])
	if got := strings.Join(metricNames(failed), ","); got != "CheckSuccess,CheckFailure" {
		t.Errorf("a failure is counted, not timed: metrics %s", got)
	}
	if _, has := failed["CheckDuration"]; has {
		t.Error("a failure carries CheckDuration")
	}
	if failed["Flow"] != "echo" || failed["CheckSuccess"] != 0.0 || failed["CheckFailure"] != 1.0 ||
		failed["Result"] != "timeout" || failed["Error"] != "timeout: deadline exceeded" {
		t.Errorf("failed check: %v", failed)
	}
}
