package health

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
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

func TestOnlyGET(t *testing.T) {
	rec := httptest.NewRecorder()
	New().Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/livez", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /livez = %d, want 405", rec.Code)
	}
}
