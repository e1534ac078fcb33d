package health

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (int, statusBody) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	var body statusBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: body %q is not JSON: %v", path, rec.Body.String(), err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type = %q", path, ct)
	}
	return rec.Code, body
}

func TestLifecycle(t *testing.T) {
	p := New()
	var keysOK atomic.Bool
	p.AddCheck("keys", func() error {
		if !keysOK.Load() {
			return errors.New("signing keys not loaded")
		}
		return nil
	})
	h := p.Handler()

	if code, _ := get(t, h, "/livez"); code != http.StatusOK {
		t.Errorf("livez before start = %d, want 200", code)
	}
	if code, body := get(t, h, "/startupz"); code != http.StatusServiceUnavailable || body.Status != "starting" {
		t.Errorf("startupz before start = %d %+v", code, body)
	}
	if code, _ := get(t, h, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before start = %d, want 503", code)
	}

	p.MarkStarted()
	code, body := get(t, h, "/readyz")
	if code != http.StatusServiceUnavailable || body.Checks["keys"] != "signing keys not loaded" {
		t.Errorf("readyz with a failing check = %d %+v", code, body)
	}
	keysOK.Store(true)
	if code, body := get(t, h, "/readyz"); code != http.StatusOK || body.Status != "ok" {
		t.Errorf("readyz when ready = %d %+v", code, body)
	}
	if code, _ := get(t, h, "/startupz"); code != http.StatusOK {
		t.Errorf("startupz after start = %d", code)
	}

	p.MarkDraining()
	if code, body := get(t, h, "/readyz"); code != http.StatusServiceUnavailable || body.Status != "draining" {
		t.Errorf("readyz while draining = %d %+v, want 503 draining", code, body)
	}
	if code, _ := get(t, h, "/livez"); code != http.StatusOK {
		t.Errorf("livez while draining = %d: a draining pod must not be restarted", code)
	}
}

// The probe listener routes as the API does: HEAD with GET, JSON 405 with
// Allow, JSON 404, and the matched pattern as the route for metrics.
func TestRouting(t *testing.T) {
	h := New().Handler()
	var observed []string
	h.Observe = func(route string, status int) { observed = append(observed, fmt.Sprintf("%s %d", route, status)) }

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/livez", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /livez = %d, Allow %q; want 405 with Allow: GET, HEAD", rec.Code, rec.Header().Get("Allow"))
	}
	wantJSONError(t, rec, "method_not_allowed")

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /healthz = %d, want 404", rec.Code)
	}
	wantJSONError(t, rec, "not_found")

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/livez", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("HEAD /livez = %d, want 200", rec.Code)
	}
	if want := "/livez 405,unmatched 404,/livez 200"; strings.Join(observed, ",") != want {
		t.Errorf("observed %v, want %s", observed, want)
	}
}

func wantJSONError(t *testing.T, rec *httptest.ResponseRecorder, code string) {
	t.Helper()
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != code || body.Error.Message == "" {
		t.Errorf("body %q: want a JSON error with code %s (%v)", rec.Body.String(), code, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}
