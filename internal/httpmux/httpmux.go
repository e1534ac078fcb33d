// Package httpmux routes requests with the standard library's http.ServeMux
// method patterns, the same way on every org-app listener:
//
//   - a route is a path and the methods it serves; GET also answers HEAD;
//   - a known path with another method is 405 with an Allow header;
//   - an unknown path is 404;
//   - a path not in canonical form ("//", "/./", "/../") is redirected to
//     its clean form, as http.ServeMux does;
//   - errors have a JSON body, {"error":{"code","message"}};
//   - the matched pattern's path names the route in metrics ("/",
//     "/api/v1/me"), Unmatched when no pattern matched: never a raw path.
//
// The API (internal/httpapi) looks a request's route up with Match before
// its shared request path (ids, limits, auth, metrics) and writes errors
// itself; the probe and metrics listeners serve a Router directly.
package httpmux

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strings"
)

// Unmatched is the route of requests no pattern matched.
const Unmatched = "unmatched"

// Kind says how a request matched.
type Kind uint8

// How a request matched.
const (
	Found            Kind = iota // a route serves this path and method
	MethodNotAllowed             // a route serves this path, not this method
	NotFound                     // no route serves this path
	Redirect                     // the path is not canonical; Handler redirects
)

// Match is a request's route.
type Match struct {
	Kind Kind
	// Route is the matched pattern's path ("/", "/api/v1/me") for Found and
	// MethodNotAllowed, Unmatched otherwise: a bounded set, fit for labels.
	Route string
	// Handler is the route's handler (Found, MethodNotAllowed) or the
	// redirect to the clean path (Redirect); nil for NotFound.
	Handler http.Handler
	// Allow lists the route's methods, for the Allow header of a 405;
	// AllowHeader is the same as a header value (shared: do not modify).
	Allow       string
	AllowHeader []string
}

// Router is an http.ServeMux whose every pattern resolves to a Match.
// Register routes with Handle before serving; it is then safe for
// concurrent use.
type Router struct {
	mux      *http.ServeMux
	notFound *entry
	// slashless are the registered paths ending in "/", without it (which
	// ServeMux redirects to the slashed path).
	slashless map[string]bool
	// exact holds, by registered path, the Match the mux gives each method
	// on that path (computed by asking the mux at registration): Match
	// answers a request for a canonical registered path from it, without
	// the mux's pattern-tree walk.
	exact map[string]*pathMatches
	// Observe, when set, is called by ServeHTTP after each request with
	// the route and the status written (for metrics).
	Observe func(route string, status int)
}

// entry is what every pattern registered on the mux points at.
type entry struct{ m Match }

// pathMatches are the mux's answers for one registered path.
type pathMatches struct {
	methods []methodMatch // the methods served (with HEAD when GET is)
	other   *Match        // any other method: the route's 405
}

type methodMatch struct {
	method string
	match  *Match
}

// New returns a router with no routes: every path is 404.
func New() *Router {
	rt := &Router{mux: http.NewServeMux(), notFound: &entry{Match{Kind: NotFound, Route: Unmatched}},
		slashless: map[string]bool{}, exact: map[string]*pathMatches{}}
	rt.mux.Handle("/", rt.notFound) // every path no other pattern matches
	return rt
}

// Handle serves path (exactly; "/" is the root only) with h for methods.
// It panics, as http.ServeMux does, on a pattern that is malformed or
// conflicts with one registered before.
func (rt *Router) Handle(path string, h http.Handler, methods ...string) {
	if len(methods) == 0 {
		panic("httpmux: route " + path + " has no methods")
	}
	pattern := path
	if strings.HasSuffix(pattern, "/") {
		pattern += "{$}" // the path itself, not the subtree
	}
	allow := make([]string, 0, len(methods)+1)
	for _, m := range methods {
		allow = append(allow, m)
		if m == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	joined := strings.Join(allow, ", ")
	e := &entry{Match{Kind: Found, Route: path, Handler: h, Allow: joined, AllowHeader: []string{joined}}}
	for _, m := range methods {
		rt.mux.Handle(m+" "+pattern, e)
	}
	// Any other method on the same path: 405, more specific than the 404
	// catch-all, less specific than the method patterns above.
	rt.mux.Handle(pattern, &entry{Match{Kind: MethodNotAllowed, Route: path, Handler: h, Allow: joined, AllowHeader: e.m.AllowHeader}})
	if p, ok := strings.CutSuffix(path, "/"); ok && p != "" {
		rt.slashless[p] = true
	}
	rt.cacheExact(path, allow)
}

// cacheExact records what the mux answers for path with each of methods
// and with a method it does not serve. The mux decides; the cache only
// remembers, so the two cannot disagree.
func (rt *Router) cacheExact(path string, methods []string) {
	pm := &pathMatches{}
	for _, m := range methods {
		pm.methods = append(pm.methods, methodMatch{m, rt.matchMux(&http.Request{Method: m, URL: &url.URL{Path: path}})})
	}
	// No route registers this method (it is not even a valid token), so
	// the mux answers it as any method the path does not serve.
	pm.other = rt.matchMux(&http.Request{Method: "?", URL: &url.URL{Path: path}})
	rt.exact[path] = pm
}

var redirectType = reflect.TypeOf(http.RedirectHandler("/", http.StatusTemporaryRedirect))

// Match returns r's route. It allocates nothing for paths in canonical
// form; the Match is shared and must not be modified.
func (rt *Router) Match(r *http.Request) *Match {
	if p := r.URL.Path; r.URL.RawPath == "" && r.Method != http.MethodConnect {
		// A registered path, which is canonical: the mux's answer for this
		// method, remembered at registration.
		if pm := rt.exact[p]; pm != nil {
			for _, mm := range pm.methods {
				if mm.method == r.Method {
					return mm.match
				}
			}
			return pm.other
		}
		// A canonical path that is no route's is a 404 without asking the
		// mux: ServeMux would reach the same catch-all, but allocates for
		// every segment it fails to match, and scanners probe deep paths.
		if !rt.slashless[p] && canonical(p) {
			return &rt.notFound.m
		}
	}
	return rt.matchMux(r)
}

// matchMux asks the mux for r's route.
func (rt *Router) matchMux(r *http.Request) *Match {
	h, _ := rt.mux.Handler(r)
	if e, ok := h.(*entry); ok {
		return &e.m
	}
	if reflect.TypeOf(h) == redirectType {
		return &Match{Kind: Redirect, Route: Unmatched, Handler: h}
	}
	// Whatever else the mux answers by itself (a CONNECT to no path) is
	// not a route.
	return &rt.notFound.m
}

// canonical reports whether ServeMux leaves p as it is (no redirect to a
// cleaned path), without allocating.
func canonical(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p) // no allocation when p is clean already
	if clean == p {
		return true
	}
	// ServeMux keeps a trailing slash that Clean drops.
	return clean != "/" && len(p) == len(clean)+1 && p[len(p)-1] == '/' && p[:len(clean)] == clean
}

// ServeHTTP serves r with its route's handler, or a JSON 404 or 405.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := rt.Match(r)
	if rt.Observe != nil {
		sw := &statusWriter{ResponseWriter: w}
		defer func() { rt.Observe(m.Route, sw.status()) }()
		w = sw
	}
	m.serve(w, r)
}

// serve answers r as the match says: the route's handler, a redirect, or a
// JSON 405 or 404.
func (m *Match) serve(w http.ResponseWriter, r *http.Request) {
	switch m.Kind {
	case Found, Redirect:
		m.Handler.ServeHTTP(w, r)
	case MethodNotAllowed:
		w.Header()["Allow"] = m.AllowHeader
		WriteError(w, http.StatusMethodNotAllowed, MethodNotAllowedMessage(r.Method, m.Allow), "")
	default:
		WriteError(w, http.StatusNotFound, NotFoundMessage(r.URL.Path), "")
	}
}

// ServeHTTP makes every registered pattern an http.Handler of its own.
func (e *entry) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.m.serve(w, r) }

// NotFoundMessage is the message of a 404: the path, truncated.
func NotFoundMessage(path string) string { return "no such route: " + Truncate(path, 200) }

// MethodNotAllowedMessage is the message of a 405.
func MethodNotAllowedMessage(method, allow string) string {
	return "method " + Truncate(method, 20) + " is not allowed; allowed: " + allow
}

// Truncate shortens s to at most n bytes (client-chosen values in messages).
func Truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// errorCodes are the stable, machine-readable error codes.
var errorCodes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

// ErrorCode is the error body's code for status: "not_found",
// "method_not_allowed", ... or "error" for a status without one.
func ErrorCode(status int) string {
	if code, ok := errorCodes[status]; ok {
		return code
	}
	return "error"
}

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong; RequestID is set on the API listener.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// AppendError appends the JSON error body and a newline to b.
func AppendError(b []byte, status int, message, requestID string) []byte {
	body, err := json.Marshal(ErrorBody{Error: ErrorDetail{Code: ErrorCode(status), Message: message, RequestID: requestID}})
	if err != nil { // only strings: cannot happen
		panic(err)
	}
	if b == nil {
		return append(body, '\n')
	}
	return append(append(b, body...), '\n')
}

// WriteError sends a JSON error response.
func WriteError(w http.ResponseWriter, status int, message, requestID string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// A JSON body (json.Marshal escapes <, > and &) with nosniff.
	_, _ = w.Write(AppendError(nil, status, message, requestID)) //nolint:gosec // G705: see above
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
