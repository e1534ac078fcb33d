package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/promtest"
)

// Routing is http.ServeMux's: HEAD with GET, 405 with Allow and a JSON
// body, JSON 404, and a redirect of paths not in canonical form.
func TestRouting(t *testing.T) {
	h := newHarness(t)
	user := token(t, "alice", "cp_users", "cp_analysts")

	resp, body := h.do(t, request{method: http.MethodHead, path: "/"})
	if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("HEAD / = %d, %d body bytes, %q", resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
	}
	if resp, _ := h.do(t, request{method: http.MethodHead, path: "/api/v1/me", token: user}); resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD /api/v1/me = %d", resp.StatusCode)
	}
	for _, tt := range []struct{ method, path, allow string }{
		{http.MethodPost, "/", "GET, HEAD"},
		{http.MethodDelete, "/api/v1/me", "GET, HEAD"},
		{http.MethodPut, "/api/v1/echo", "POST"},
		{http.MethodOptions, "/api/v1/reports/traffic", "GET, HEAD"},
		{"BREW", "/", "GET, HEAD"},
	} {
		resp, body := h.do(t, request{method: tt.method, path: tt.path, token: user})
		e := wantError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")
		if resp.Header.Get("Allow") != tt.allow || !strings.Contains(e.Message, "allowed: "+tt.allow) {
			t.Errorf("%s %s: Allow %q, message %q; want %q", tt.method, tt.path, resp.Header.Get("Allow"), e.Message, tt.allow)
		}
	}

	noFollow := h.srv.Client()
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for path, to := range map[string]string{"/api//v1/me": "/api/v1/me", "/api/v1/x/../me": "/api/v1/me"} {
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
		req.URL.Opaque = path // keep the path as written
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != to {
			t.Errorf("GET %s = %d to %q, want 307 to %s", path, resp.StatusCode, resp.Header.Get("Location"), to)
		}
	}
}

// The metrics route label is the matched pattern's path, for every route
// and for 405s; everything else is "unmatched".
func TestRouteLabelIsTheMatchedPattern(t *testing.T) {
	h := newHarness(t)
	user := token(t, "alice", "cp_users", "cp_analysts")
	var want []string
	for name := range h.api.routes {
		want = append(want, name)
		h.do(t, request{method: http.MethodPatch, path: name, token: user})
	}
	h.do(t, request{path: "/no/such/route"})
	want = append(want, RouteUnmatched)
	slices.Sort(want)

	fams := promtest.Gather(t, h.reg)
	got := fams.LabelValues("http_requests_total", "route")
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("route labels %v, want %v", got, want)
	}
	for name := range h.api.routes {
		if v, _ := fams.Value("http_requests_total", map[string]string{"route": name, "code": "405"}); v != 1 {
			t.Errorf("PATCH %s counted %v times under its pattern, want 1", name, v)
		}
	}
}
