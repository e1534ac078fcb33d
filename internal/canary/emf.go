package canary

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// DefaultNamespace is the CloudWatch namespace of the canary's metrics.
const DefaultNamespace = "OrgApp/Canary"

// EMF writes one CloudWatch Embedded Metric Format line per check. The
// CloudWatch agent or Fluent Bit ships the lines (stdout, or the rotated
// --emf-file a sidecar tails) to CloudWatch Logs, which extracts the metrics
// CheckSuccess, CheckFailure and CheckDuration twice: per Flow, and with no
// dimension, the aggregate over all flows that alarms use. The rest of the
// line (Result, Error, Target) stays searchable with Logs Insights. The
// names are those of infra/modules/observability/metrics.json (a test
// holds them equal).
//
// Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
type EMF struct {
	w         io.Writer
	namespace string
	target    string
	now       func() time.Time
	mu        sync.Mutex
}

// NewEMF writes to w (stdout in production); an empty namespace means
// DefaultNamespace, a nil now means time.Now.
func NewEMF(w io.Writer, namespace, target string, now func() time.Time) *EMF {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	if now == nil {
		now = time.Now
	}
	return &EMF{w: w, namespace: namespace, target: target, now: now}
}

type emfLine struct {
	AWS          emfMetadata `json:"_aws"`
	Flow         string      `json:"Flow"`
	CheckSuccess int         `json:"CheckSuccess"`
	CheckFailure int         `json:"CheckFailure"`
	// CheckDuration is present for passed checks only (as the run report's
	// latencies and the Prometheus histogram): failures are counted, not timed.
	CheckDuration *float64 `json:"CheckDuration,omitempty"`
	Result        Kind     `json:"Result"`
	Error         string   `json:"Error,omitempty"`
	Target        string   `json:"Target"`
}

type emfMetadata struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// EMFFlowDimension is the dimension that names the flow.
const EMFFlowDimension = "Flow"

var (
	emfCounts   = []emfMetric{{"CheckSuccess", "Count"}, {"CheckFailure", "Count"}}
	emfDuration = emfMetric{"CheckDuration", "Milliseconds"}
	// Per flow, and the aggregate over flows (the empty dimension set).
	emfDimensions = [][]string{{EMFFlowDimension}, {}}
)

// Write records one check: err nil for a pass, d its duration.
func (e *EMF) Write(flow string, err error, d time.Duration) error {
	k := KindOf(err)
	line := emfLine{
		AWS: emfMetadata{
			Timestamp: e.now().UnixMilli(),
			CloudWatchMetrics: []emfDirective{{
				Namespace:  e.namespace,
				Dimensions: emfDimensions,
				Metrics:    emfCounts,
			}},
		},
		Flow: flow, Result: k, Target: e.target,
	}
	if k == KindOK {
		line.CheckSuccess = 1
		v := float64(d.Microseconds()) / 1000
		line.CheckDuration = &v
		line.AWS.CloudWatchMetrics[0].Metrics = append(emfCounts[:len(emfCounts):len(emfCounts)], emfDuration)
	} else {
		line.CheckFailure = 1
		line.Error = err.Error()
	}
	b, mErr := json.Marshal(line)
	if mErr != nil {
		return fmt.Errorf("emf: %w", mErr)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, wErr := e.w.Write(append(b, '\n'))
	return wErr
}
