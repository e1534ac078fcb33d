// Package telemetry builds org-app's Prometheus registry and metrics and its
// JSON logger.
package telemetry

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"
)

// NewRegistry returns a registry with the Go runtime and process collectors
// and build_info{version,commit} = 1.
func NewRegistry(info buildinfo.Info) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "build_info",
		Help: "Build of the running binary; always 1.",
	}, []string{"version", "commit", "goversion"})
	build.WithLabelValues(info.Version, info.Commit, info.GoVersion).Set(1)
	reg.MustRegister(build)
	return reg
}

// Handler serves the registry in the Prometheus exposition formats.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, EnableOpenMetrics: true})
}

// DurationBuckets suit an API whose p99 objective is a few hundred ms.
var DurationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// HTTPMetrics are the API server's request metrics.
type HTTPMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// inFlight backs http_requests_in_flight (a GaugeFunc): the API counts
	// its requests in it for its concurrency limit anyway.
	inFlight atomic.Int64

	mu     sync.Mutex
	routes map[string]*RouteMetrics
}

// NewHTTPMetrics registers http_requests_total, http_request_duration_seconds
// and http_requests_in_flight on reg.
func NewHTTPMetrics(reg prometheus.Registerer) *HTTPMetrics {
	m := &HTTPMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "API requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "API request latency by route pattern, method and status code.",
			Buckets: DurationBuckets,
		}, []string{"route", "method", "code"}),
		routes: map[string]*RouteMetrics{},
	}
	inFlight := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "http_requests_in_flight",
		Help: "API requests being served now.",
	}, func() float64 { return float64(m.inFlight.Load()) })
	reg.MustRegister(m.requests, m.duration, inFlight)
	return m
}

// InFlight is the count of requests being served that
// http_requests_in_flight reports; the API adds 1 when a request arrives
// and subtracts 1 when it is done.
func (m *HTTPMetrics) InFlight() *atomic.Int64 { return &m.inFlight }

// Route returns the metrics of one route. route must be a route pattern (a
// bounded set), never a raw path. The same route always gets the same
// *RouteMetrics.
func (m *HTTPMetrics) Route(route string) *RouteMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	rm := m.routes[route]
	if rm == nil {
		rm = &RouteMetrics{m: m, route: route}
		m.routes[route] = rm
	}
	return rm
}

// Observe records one finished request on route (see Route).
func (m *HTTPMetrics) Observe(route, method string, code int, d time.Duration) {
	m.Route(route).Observe(method, code, d)
}

// RouteMetrics are one route's series. Looking a series up takes no lock
// and hashes nothing: a route sees a handful of (method, code) pairs, kept
// in a copy-on-write list scanned in order.
type RouteMetrics struct {
	m      *HTTPMetrics
	route  string
	mu     sync.Mutex // serializes additions to series
	series atomic.Pointer[[]series]
}

type series struct {
	method   string
	code     int
	count    prometheus.Counter
	duration prometheus.Observer
}

// Observe records one finished request.
func (rm *RouteMetrics) Observe(method string, code int, d time.Duration) {
	method = normalizeMethod(method)
	s := rm.find(method, code)
	if s == nil {
		s = rm.add(method, code)
	}
	s.count.Inc()
	s.duration.Observe(d.Seconds())
}

func (rm *RouteMetrics) find(method string, code int) *series {
	if list := rm.series.Load(); list != nil {
		for i := range *list {
			if s := &(*list)[i]; s.code == code && s.method == method {
				return s
			}
		}
	}
	return nil
}

func (rm *RouteMetrics) add(method string, code int) *series {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if s := rm.find(method, code); s != nil { // added meanwhile
		return s
	}
	var list []series
	if old := rm.series.Load(); old != nil {
		list = append(list, *old...)
	}
	c := strconv.Itoa(code)
	list = append(list, series{method: method, code: code,
		count: rm.m.requests.WithLabelValues(rm.route, method, c), duration: rm.m.duration.WithLabelValues(rm.route, method, c)})
	rm.series.Store(&list)
	return &list[len(list)-1]
}

// normalizeMethod keeps label cardinality bounded: any method outside the
// standard set is counted as OTHER.
func normalizeMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	default:
		return "OTHER"
	}
}

// AuthMetrics counts authentication and authorization failures, and which
// HS256 key verified the requests that passed.
type AuthMetrics struct {
	failures []prometheus.Counter
	hs256    [2]prometheus.Counter // current, previous
}

// NewAuthMetrics registers auth_failures_total{reason} and
// auth_hs256_verified_total{key="current|previous"}, with every series
// present from the start (at 0) so alerts and dashboards see them.
func NewAuthMetrics(reg prometheus.Registerer, reasons []string) *AuthMetrics {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "auth_failures_total",
		Help: "Requests refused by authentication (401) or authorization (403), by reason.",
	}, []string{"reason"})
	keys := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "auth_hs256_verified_total",
		Help: "Requests whose HS256 token verified, by the key that verified it: current, or previous during the grace period after a rotation (authInfo.previousKeyGrace).",
	}, []string{"key"})
	reg.MustRegister(vec, keys)
	m := &AuthMetrics{failures: make([]prometheus.Counter, len(reasons))}
	for i, r := range reasons {
		m.failures[i] = vec.WithLabelValues(r)
	}
	m.hs256[0] = keys.WithLabelValues("current")
	m.hs256[1] = keys.WithLabelValues("previous")
	return m
}

// Inc counts one failure; i indexes the reasons given to NewAuthMetrics.
func (m *AuthMetrics) Inc(i int) {
	if i >= 0 && i < len(m.failures) {
		m.failures[i].Inc()
	}
}

// HS256Verified counts one request whose HS256 token verified with the
// current key, or with the previous one when previous is true.
func (m *AuthMetrics) HS256Verified(previous bool) {
	if previous {
		m.hs256[1].Inc()
		return
	}
	m.hs256[0].Inc()
}
