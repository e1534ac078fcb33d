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
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/httpmux"
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

// Route names: the paths of the routes' patterns, used as the metrics route
// label and in the traffic report. They are patterns, never raw request paths.
const (
	RouteRoot      = "/"
	RouteMe        = "/api/v1/me"
	RouteEcho      = "/api/v1/echo"
	RouteTraffic   = "/api/v1/reports/traffic"
	RouteUnmatched = httpmux.Unmatched
)

// API is the http.Handler for the API listener.
type API struct {
	opts Options
	now  func() time.Time
	// elapsed is the time since the API was built: requests are timed
	// with it, one monotonic clock read each (time.Now reads two clocks).
	elapsed   func() time.Duration
	router    *httpmux.Router
	routes    map[string]*route // by name
	unmatched *route            // 404s and redirects
	traffic   *traffic.Stats
	inFlight  *atomic.Int64 // also http_requests_in_flight
	rootBody  []byte
	date      *dateHeader
}

// access says who may call a route.
type access uint8

const (
	public access = iota
	anyRole
	userRole
	analystRole
)

// route is one of the API's routes: its http.ServeMux patterns point at it.
type route struct {
	name    string
	access  access
	serve   func(*exchange, *http.Request)
	stats   *traffic.Route
	metrics *telemetry.RouteMetrics
	api     *API
}

// ServeHTTP serves the route through the API's shared request path, so a
// route can never be reached around authentication.
func (rt *route) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.api.ServeHTTP(w, r) }

// New builds the API.
func New(opts Options) *API {
	realClock := opts.Now == nil
	if realClock {
		opts.Now = time.Now
	}
	a := &API{opts: opts, now: opts.Now, router: httpmux.New(), routes: map[string]*route{}, inFlight: opts.Metrics.InFlight()}
	epoch := a.now()
	a.elapsed = func() time.Duration { return opts.Now().Sub(epoch) }
	if realClock {
		a.elapsed = func() time.Duration { return time.Since(epoch) }
	}
	a.date = newDateHeader(a.now, a.elapsed)
	a.traffic = traffic.New(a.now(), []string{RouteRoot, RouteMe, RouteEcho, RouteTraffic, RouteUnmatched}, auth.ReasonNames())
	a.rootBody = rootBody(opts.Service)

	add := func(name string, acc access, serve func(*exchange, *http.Request), methods ...string) {
		rt := a.newRoute(name, acc, serve)
		a.routes[name] = rt
		a.router.Handle(name, rt, methods...)
	}
	add(RouteRoot, public, a.serveRoot, http.MethodGet)
	add(RouteMe, anyRole, a.serveMe, http.MethodGet)
	add(RouteEcho, userRole, a.serveEcho, http.MethodPost)
	add(RouteTraffic, analystRole, a.serveTraffic, http.MethodGet)
	a.unmatched = a.newRoute(RouteUnmatched, public, nil)
	return a
}

// newRoute makes the route name (one of the names given to traffic.New).
func (a *API) newRoute(name string, acc access, serve func(*exchange, *http.Request)) *route {
	return &route{name: name, access: acc, serve: serve, stats: a.traffic.Route(name), metrics: a.opts.Metrics.Route(name), api: a}
}

// Traffic exposes the statistics behind the traffic report.
func (a *API) Traffic() *traffic.Stats { return a.traffic }

// Static header values, shared: net/http never modifies header slices.
var (
	hdrJSON      = []string{"application/json"}
	hdrNoSniff   = []string{"nosniff"}
	hdrNoStore   = []string{"no-store"}
	hdrRetry     = []string{"1"}
	hdrClose     = []string{"close"}
	hdrBearer    = []string{`Bearer realm="org-app"`}
	hdrForbidden = []string{`Bearer realm="org-app", error="insufficient_scope"`}
)

// ServeHTTP runs one request through the shared path and its route.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := a.router.Match(r)
	rt, _ := m.Handler.(*route)
	if rt == nil {
		rt = a.unmatched
	}
	ex := &exchange{ResponseWriter: w, route: rt, start: a.elapsed()}
	ex.trace = reqctx.ParseTraceparent(firstValue(r.Header, "Traceparent"))
	ex.setIDs(firstValue(r.Header, "X-Request-Id"))
	h := w.Header()
	// The header value slices live in the exchange: one allocation less each.
	h["X-Request-Id"] = ex.headerValues[0:1:1]
	h["Traceparent"] = ex.headerValues[1:2:2]
	h["X-Content-Type-Options"] = hdrNoSniff
	h["Date"] = a.date.value(ex.start)

	defer a.finish(ex, r)
	if n := a.inFlight.Add(1); n > int64(a.opts.MaxInFlight) {
		a.inFlight.Add(-1)
		h["Retry-After"] = hdrRetry
		ex.fail(http.StatusServiceUnavailable, "server is at its concurrency limit; retry shortly")
		return
	}
	defer a.inFlight.Add(-1)
	defer a.recoverPanic(ex, r)

	switch m.Kind {
	case httpmux.Found:
	case httpmux.MethodNotAllowed:
		h["Allow"] = m.AllowHeader
		ex.fail(http.StatusMethodNotAllowed, httpmux.MethodNotAllowedMessage(r.Method, m.Allow))
		return
	case httpmux.Redirect:
		m.Handler.ServeHTTP(ex, r)
		return
	default:
		ex.fail(http.StatusNotFound, httpmux.NotFoundMessage(r.URL.Path))
		return
	}
	if rt.access != public && !a.authorize(ex, r) {
		return
	}
	rt.serve(ex, r)
}

// firstValue is h.Get(key) for a key already in canonical form, without
// canonicalizing it again.
func firstValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
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
	d := a.elapsed() - ex.start
	status := ex.status
	if status == 0 {
		status = http.StatusOK
	}
	ex.route.metrics.Observe(r.Method, status, d)
	ex.route.stats.Record(status, d)

	ctx := r.Context()
	if !a.opts.Logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := [...]slog.Attr{
		slog.String("method", r.Method),
		slog.String("route", ex.route.name),
		slog.String("path", httpmux.Truncate(r.URL.Path, 200)),
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
	if ex.principal.Subject != "" {
		attrs[n] = slog.String("subject", ex.principal.Subject)
		n++
	}
	if ex.principal.SigningKey == auth.SigningKeyPrevious {
		attrs[n] = slog.String("signing_key", "previous")
		n++
	}
	a.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "request", attrs[:n]...)
}
