package canary

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
)

// Metrics are canary serve's Prometheus metrics.
type Metrics struct {
	checks   *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers canary_checks_total{flow,result} and
// canary_check_duration_seconds{flow} on reg, with every flow × result
// series present from the start (at 0) so rate() and alerts see them
// before the first failure.
func NewMetrics(reg prometheus.Registerer, flows []Flow) *Metrics {
	m := &Metrics{
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "canary_checks_total",
			Help: "Synthetic checks by flow and result (ok, or how it failed: unreachable, dns, tls, timeout, connection, status, body, token, overloaded, other).",
		}, []string{"flow", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "canary_check_duration_seconds",
			Help:    "Duration of the synthetic checks that passed, by flow.",
			Buckets: telemetry.DurationBuckets,
		}, []string{"flow"}),
	}
	reg.MustRegister(m.checks, m.duration)
	for _, f := range flows {
		m.checks.WithLabelValues(f.Name, string(KindOK))
		for _, k := range Kinds {
			m.checks.WithLabelValues(f.Name, string(k))
		}
		m.duration.WithLabelValues(f.Name)
	}
	return m
}

// Observe records one check: err nil for a pass, d its duration.
func (m *Metrics) Observe(flow string, err error, d time.Duration) {
	k := KindOf(err)
	m.checks.WithLabelValues(flow, string(k)).Inc()
	if k == KindOK {
		m.duration.WithLabelValues(flow).Observe(d.Seconds())
	}
}
