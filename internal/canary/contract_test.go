package canary

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// metricsContract is the canary part of
// infra/modules/observability/metrics.json, the one source of the metric
// names the platform's alarms and dashboards use.
type metricsContract struct {
	Canary struct {
		Namespace     string            `json:"namespace"`
		FlowDimension string            `json:"flow_dimension"`
		Metrics       map[string]string `json:"metrics"`
	} `json:"canary"`
}

func readContract(t *testing.T) metricsContract {
	t.Helper()
	raw, err := os.ReadFile("../../infra/modules/observability/metrics.json")
	if err != nil {
		t.Fatalf("the metric names contract: %v", err)
	}
	var c metricsContract
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	if c.Canary.Namespace == "" || c.Canary.FlowDimension == "" || len(c.Canary.Metrics) == 0 {
		t.Fatalf("metrics.json has no canary section: %+v", c)
	}
	return c
}

// The EMF lines carry exactly the namespace, dimensions and metric names
// that metrics.json (and so the alarms built from it) expects.
func TestEMFMatchesTheMetricsContract(t *testing.T) {
	t.Parallel()
	c := readContract(t).Canary
	if DefaultNamespace != c.Namespace {
		t.Errorf("namespace %q, metrics.json says %q", DefaultNamespace, c.Namespace)
	}
	if EMFFlowDimension != c.FlowDimension {
		t.Errorf("flow dimension %q, metrics.json says %q", EMFFlowDimension, c.FlowDimension)
	}

	var buf bytes.Buffer
	e := NewEMF(&buf, "", "http://127.0.0.1:8080", nil)
	if err := e.Write("me", nil, 5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := e.Write("echo", &CheckError{KindStatus, errors.New("answered 500")}, time.Second); err != nil {
		t.Fatal(err)
	}
	var emitted []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var doc struct {
			AWS struct {
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name string }
				}
			} `json:"_aws"`
		}
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatal(err)
		}
		d := doc.AWS.CloudWatchMetrics[0]
		if d.Namespace != c.Namespace {
			t.Errorf("line namespace %q, want %q", d.Namespace, c.Namespace)
		}
		if len(d.Dimensions) != 2 || !slices.Equal(d.Dimensions[0], []string{c.FlowDimension}) || len(d.Dimensions[1]) != 0 {
			t.Errorf("dimensions %v, want [[%s] []]", d.Dimensions, c.FlowDimension)
		}
		var root map[string]any
		_ = json.Unmarshal([]byte(line), &root)
		if _, ok := root[c.FlowDimension].(string); !ok {
			t.Errorf("no %s value in %s", c.FlowDimension, line)
		}
		for _, m := range d.Metrics {
			if !slices.Contains(emitted, m.Name) {
				emitted = append(emitted, m.Name)
			}
		}
	}
	var want []string
	for _, name := range c.Metrics {
		want = append(want, name)
	}
	slices.Sort(want)
	slices.Sort(emitted)
	if !slices.Equal(emitted, want) {
		t.Errorf("EMF metrics %v, metrics.json says %v", emitted, want)
	}
}
