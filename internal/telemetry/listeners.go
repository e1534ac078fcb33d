package telemetry

import (
	"log"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/httpmux"
)

// SideServer is the http.Server of a side listener (org-app's probes and
// metrics, the canary's metrics): small requests from the kubelet and a
// scraper, so tight timeouts and a small header limit, whatever the API's
// server.* settings are. errorLog receives net/http's own errors.
func SideServer(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          errorLog,
	}
}

// MetricsRouter serves reg on GET /metrics, routed as every listener is
// (internal/httpmux: JSON 404 elsewhere, JSON 405 for other methods).
func MetricsRouter(reg *prometheus.Registry) *httpmux.Router {
	mux := httpmux.New()
	mux.Handle("/metrics", Handler(reg), http.MethodGet)
	return mux
}

// ProbeMetrics counts the probe listener's requests.
type ProbeMetrics struct {
	requests *prometheus.CounterVec
}

// NewProbeMetrics registers probe_requests_total{route,code} on reg.
func NewProbeMetrics(reg prometheus.Registerer) *ProbeMetrics {
	m := &ProbeMetrics{requests: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "probe_requests_total",
		Help: "Requests to the probe listener by route pattern (/livez, /readyz, /startupz, unmatched) and status code; code 503 on /readyz counts the probes that kept the pod out of rotation.",
	}, []string{"route", "code"})}
	reg.MustRegister(m.requests)
	return m
}

// Observe counts one request; route is a pattern (httpmux.Match.Route).
func (m *ProbeMetrics) Observe(route string, status int) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
}
