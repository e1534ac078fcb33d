package httpmux

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func newTestRouter() *Router {
	rt := New()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(r.Method)) })
	rt.Handle("/", ok, http.MethodGet)
	rt.Handle("/api/v1/me", ok, http.MethodGet)
	rt.Handle("/api/v1/echo", ok, http.MethodPost)
	rt.Handle("/both", ok, http.MethodGet, http.MethodPut)
	return rt
}

func TestMatch(t *testing.T) {
	rt := newTestRouter()
	for _, tt := range []struct {
		method, target string
		kind           Kind
		route, allow   string
	}{
		{"GET", "/", Found, "/", "GET, HEAD"},
		{"HEAD", "/", Found, "/", "GET, HEAD"},
		{"POST", "/", MethodNotAllowed, "/", "GET, HEAD"},
		{"GET", "/api/v1/me", Found, "/api/v1/me", "GET, HEAD"},
		{"GET", "/api/v1/me?x=1", Found, "/api/v1/me", "GET, HEAD"},
		{"BREW", "/api/v1/me", MethodNotAllowed, "/api/v1/me", "GET, HEAD"},
		{"POST", "/api/v1/echo", Found, "/api/v1/echo", "POST"},
		{"GET", "/api/v1/echo", MethodNotAllowed, "/api/v1/echo", "POST"},
		{"PUT", "/both", Found, "/both", "GET, HEAD, PUT"},
		{"DELETE", "/both", MethodNotAllowed, "/both", "GET, HEAD, PUT"},
		{"GET", "/api/v1/me/", NotFound, Unmatched, ""},
		{"GET", "/api/v1", NotFound, Unmatched, ""},
		{"GET", "/users/12345", NotFound, Unmatched, ""},
		{"GET", "/api//v1/me", Redirect, Unmatched, ""},
		{"GET", "/api/v1/../v1/me", Redirect, Unmatched, ""},
	} {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		m := rt.Match(r)
		if m.Kind != tt.kind || m.Route != tt.route || (tt.allow != "" && m.Allow != tt.allow) {
			t.Errorf("%s %s: kind %d route %q allow %q; want %d %q %q", tt.method, tt.target, m.Kind, m.Route, m.Allow, tt.kind, tt.route, tt.allow)
		}
	}
}

func TestServeHTTP(t *testing.T) {
	rt := newTestRouter()
	var seen []string
	rt.Observe = func(route string, status int) { seen = append(seen, route+" "+http.StatusText(status)) }
	do := func(method, target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
		return rec
	}
	if rec := do("GET", "/"); rec.Code != 200 || rec.Body.String() != "GET" {
		t.Errorf("GET / = %d %q", rec.Code, rec.Body)
	}
	rec := do("PATCH", "/api/v1/me")
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("PATCH = %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	wantErrorBody(t, rec, "method_not_allowed", "method PATCH is not allowed; allowed: GET, HEAD")
	wantErrorBody(t, do("GET", "/nope"), "not_found", "no such route: /nope")
	if rec := do("GET", "/api//v1/me"); rec.Code != http.StatusTemporaryRedirect || rec.Header().Get("Location") != "/api/v1/me" {
		t.Errorf("unclean path = %d Location %q, want 307 to /api/v1/me", rec.Code, rec.Header().Get("Location"))
	}
	want := []string{"/ OK", "/api/v1/me Method Not Allowed", "unmatched Not Found", "unmatched Temporary Redirect"}
	if len(seen) != len(want) {
		t.Fatalf("observed %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("observed %q, want %q", seen[i], want[i])
		}
	}
}

func wantErrorBody(t *testing.T, rec *httptest.ResponseRecorder, code, message string) {
	t.Helper()
	var b ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if b.Error.Code != code || b.Error.Message != message || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("error %+v (%s), want %s: %s", b.Error, rec.Header().Get("Content-Type"), code, message)
	}
}

// Looking a canonical path up costs no allocation: the router sits on the
// API's hot path.
func TestMatchDoesNotAllocate(t *testing.T) {
	rt := newTestRouter()
	for _, target := range []string{"/", "/api/v1/me", "/nope"} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		if n := testing.AllocsPerRun(100, func() { rt.Match(r) }); n != 0 {
			t.Errorf("Match(%s) allocates %v times", target, n)
		}
	}
}

func TestConflictingRoutePanics(t *testing.T) {
	rt := newTestRouter()
	defer func() {
		if recover() == nil {
			t.Error("registering /api/v1/me twice did not panic")
		}
	}()
	rt.Handle("/api/v1/me", http.NotFoundHandler(), http.MethodGet)
}

func TestCanonical(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/a": true, "/a/": true, "/a/b": true, "": false, "a": false,
		"//": false, "/a//b": false, "/a/./b": false, "/a/../b": false, "/a/.": false, "/a/b//": false,
	} {
		if got := canonical(p); got != want {
			t.Errorf("canonical(%q) = %v, want %v", p, got, want)
		}
	}
}

// Match answers registered paths from what it remembered at registration
// and unregistered canonical paths without the mux: for every method and
// path, including ones added after others and a slashed route, it must give
// exactly the mux's answer.
func TestMatchAgreesWithTheMux(t *testing.T) {
	rt := newTestRouter()
	rt.Handle("/dir/", http.NotFoundHandler(), http.MethodGet)
	rt.Handle("/late", http.NotFoundHandler(), http.MethodDelete, http.MethodPost)
	methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "BREW"}
	paths := []string{"/", "/api/v1/me", "/api/v1/echo", "/both", "/dir/", "/dir", "/late", "/late/", "/nope", "/api/v1/me/x",
		"/api//v1/me", "/./", "/dir/../both", "/api/v1/%6De"}
	for _, m := range methods {
		for _, p := range paths {
			r := httptest.NewRequest(m, p, nil)
			got, want := rt.Match(r), rt.matchMux(r)
			if got.Kind != want.Kind || got.Route != want.Route || (want.Kind != Redirect && got != want) {
				t.Errorf("%s %s: Match = %+v, the mux says %+v", m, p, *got, *want)
			}
		}
	}
}
