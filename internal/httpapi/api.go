// Package httpapi is org-app's public API: its routes, and the request path
// every route shares (request ids, trace context, load shedding, panic
// recovery, authentication, metrics, traffic statistics and access logs).
package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/clientip"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reqctx"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/traffic"
)

// Options wire the API to its collaborators.
type Options struct {
	Logger      *slog.Logger
	Auth        *auth.Authenticator
	Metrics     *telemetry.HTTPMetrics
	AuthMetrics *telemetry.AuthMetrics
	ClientIP    clientip.Resolver
	// MaxBodyBytes bounds request bodies (413 above it).
	MaxBodyBytes int64
	// MaxInFlight bounds concurrent requests; beyond it requests are shed
	// with 503 and Retry-After instead of queueing without bound.
	MaxInFlight int
	// Service is what GET / reports.
	Service ServiceInfo
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// ServiceInfo identifies this instance in GET /.
type ServiceInfo struct {
	Name string
	buildinfo.Info
	Host string
	Zone string
}

// Route names, used as the metrics route label and in the traffic report.
// They are patterns, never raw request paths.
const (
	RouteRoot      = "/"
	RouteMe        = "/api/v1/me"
	RouteEcho      = "/api/v1/echo"
	RouteTraffic   = "/api/v1/reports/traffic"
	RouteUnmatched = "unmatched"
)

// API is the http.Handler for the API listener.
type API struct {
	opts     Options
	now      func() time.Time
	routes   map[string]*route
	notFound *route
	traffic  *traffic.Stats
	inFlight atomic.Int64
	rootBody []byte
}

// access says who may call a route.
type access uint8

const (
	public access = iota
	anyRole
	userRole
	analystRole
)

type route struct {
	name    string
	methods []string // allowed; HEAD is implied by GET
	allow   []string // the Allow header value
	access  access
	serve   func(*exchange, *http.Request)
	stats   *traffic.Route
}

// New builds the API.
func New(opts Options) *API {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &API{opts: opts, now: opts.Now}
	a.traffic = traffic.New(a.now(), []string{RouteRoot, RouteMe, RouteEcho, RouteTraffic, RouteUnmatched}, auth.ReasonNames())
	a.rootBody = rootBody(opts.Service)

	a.routes = map[string]*route{}
	add := func(name string, acc access, serve func(*exchange, *http.Request), methods ...string) {
		rt := &route{name: name, methods: methods, access: acc, serve: serve, stats: a.traffic.Route(name)}
		allow := ""
		for i, m := range methods {
			if i > 0 {
				allow += ", "
			}
			allow += m
			if m == http.MethodGet {
				allow += ", " + http.MethodHead
			}
		}
		rt.allow = []string{allow}
		a.routes[name] = rt
	}
	add(RouteRoot, public, a.serveRoot, http.MethodGet)
	add(RouteMe, anyRole, a.serveMe, http.MethodGet)
	add(RouteEcho, userRole, a.serveEcho, http.MethodPost)
	add(RouteTraffic, analystRole, a.serveTraffic, http.MethodGet)
	a.notFound = &route{name: RouteUnmatched, stats: a.traffic.Route(RouteUnmatched), serve: func(ex *exchange, r *http.Request) {
		ex.fail(http.StatusNotFound, "no such route: "+truncate(r.URL.Path, 200))
	}}
	return a
}

// Traffic exposes the statistics behind the traffic report.
func (a *API) Traffic() *traffic.Stats { return a.traffic }

// Static header values, shared: net/http never modifies header slices.
var (
	hdrJSON      = []string{"application/json"}
	hdrNoSniff   = []string{"nosniff"}
	hdrNoStore   = []string{"no-store"}
	hdrRetry     = []string{"1"}
	hdrBearer    = []string{`Bearer realm="org-app"`}
	hdrForbidden = []string{`Bearer realm="org-app", error="insufficient_scope"`}
)

// ServeHTTP runs one request through the shared path and its route.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := a.routes[r.URL.Path]
	if rt == nil {
		rt = a.notFound
	}
	ex := &exchange{ResponseWriter: w, route: rt, start: a.now()}
	ex.requestID = reqctx.RequestID(r.Header.Get("X-Request-Id"))
	ex.trace = reqctx.ParseTraceparent(r.Header.Get("Traceparent"))
	h := w.Header()
	// The header value slices live in the exchange: one allocation less each.
	ex.headerValues = [2]string{ex.requestID, ex.trace.Header()}
	h["X-Request-Id"] = ex.headerValues[0:1:1]
	h["Traceparent"] = ex.headerValues[1:2:2]
	h["X-Content-Type-Options"] = hdrNoSniff

	defer a.finish(ex, r)
	if n := a.inFlight.Add(1); n > int64(a.opts.MaxInFlight) {
		a.inFlight.Add(-1)
		h["Retry-After"] = hdrRetry
		ex.fail(http.StatusServiceUnavailable, "server is at its concurrency limit; retry shortly")
		return
	}
	gauge := a.opts.Metrics.InFlight()
	gauge.Inc()
	defer func() {
		gauge.Dec()
		a.inFlight.Add(-1)
	}()
	defer a.recoverPanic(ex, r)

	if rt.methods != nil && !methodAllowed(rt.methods, r.Method) {
		h["Allow"] = rt.allow
		ex.fail(http.StatusMethodNotAllowed, "method "+truncate(r.Method, 20)+" is not allowed; allowed: "+rt.allow[0])
		return
	}
	if rt.access != public && !a.authorize(ex, r) {
		return
	}
	rt.serve(ex, r)
}

func methodAllowed(allowed []string, m string) bool {
	for _, a := range allowed {
		if m == a || (m == http.MethodHead && a == http.MethodGet) {
			return true
		}
	}
	return false
}

// recoverPanic turns a handler panic into a 500 with the request id logged.
// http.ErrAbortHandler keeps its meaning: abort the response silently.
func (a *API) recoverPanic(ex *exchange, r *http.Request) {
	p := recover()
	if p == nil {
		return
	}
	if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(p)
	}
	a.opts.Logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
		slog.String("request_id", ex.requestID),
		slog.String("route", ex.route.name),
		slog.Any("panic", p),
		slog.String("stack", string(debug.Stack())),
	)
	if !ex.wroteHeader {
		ex.fail(http.StatusInternalServerError, "internal error; quote the request id when reporting it")
	} else {
		ex.status = http.StatusInternalServerError
	}
}

// finish records the request in metrics, traffic statistics and the access log.
func (a *API) finish(ex *exchange, r *http.Request) {
	d := a.now().Sub(ex.start)
	status := ex.status
	if status == 0 {
		status = http.StatusOK
	}
	a.opts.Metrics.Observe(ex.route.name, r.Method, status, d)
	ex.route.stats.Record(status, d)

	ctx := r.Context()
	if !a.opts.Logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := [...]slog.Attr{
		slog.String("method", r.Method),
		slog.String("route", ex.route.name),
		slog.String("path", truncate(r.URL.Path, 200)),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.Int64("bytes", ex.bytes),
		slog.String("request_id", ex.requestID),
		slog.String("trace_id", ex.trace.TraceID()),
		slog.String("client", a.opts.ClientIP.ClientAddr(r.RemoteAddr, r.Header.Values("X-Forwarded-For"))),
		{}, // subject, when authenticated
		{}, // signing_key, when the previous HS256 key verified
	}
	n := len(attrs) - 2
	if ex.subject != "" {
		attrs[n] = slog.String("subject", ex.subject)
		n++
	}
	if ex.principal.SigningKey == auth.SigningKeyPrevious {
		attrs[n] = slog.String("signing_key", "previous")
		n++
	}
	a.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "request", attrs[:n]...)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
