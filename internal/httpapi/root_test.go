package httpapi

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestRoot(t *testing.T) {
	h := newHarness(t)
	resp, body := h.do(t, request{path: "/"})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET / = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"name": "org-app", "version": "v1.2.3", "commit": "abc123",
		"build_time": "2026-11-26T00:00:00Z", "go_version": "go1.26", "host": "pod-1", "zone": "us-east-1a"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("unexpected fields in %v", got)
	}

	resp, body = h.do(t, request{method: http.MethodHead, path: "/"})
	if resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("HEAD / = %d with %d body bytes", resp.StatusCode, len(body))
	}

	resp, body = h.do(t, request{method: http.MethodPost, path: "/"})
	wantError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")
	if allow := resp.Header.Get("Allow"); allow != "GET, HEAD" {
		t.Errorf("Allow = %q, want GET, HEAD", allow)
	}
}
