package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEchoRoundTrip(t *testing.T) {
	h := newHarness(t)
	payload := `{"n":1.50,"s":"h\u00e9llo","nested":{"list":[1,2,3]},"z":null}`
	resp, body := h.do(t, request{method: http.MethodPost, path: "/api/v1/echo", token: token(t, "alice", "cp_users"),
		body: strings.NewReader(payload), header: map[string]string{"Content-Type": "application/json; charset=utf-8", "X-Request-Id": "echo-1"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got struct {
		Echo       json.RawMessage `json:"echo"`
		RequestID  string          `json:"request_id"`
		ServerTime time.Time       `json:"server_time"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if string(got.Echo) != payload {
		t.Errorf("echo = %s, want the payload byte for byte: %s", got.Echo, payload)
	}
	if got.RequestID != "echo-1" || time.Since(got.ServerTime) > time.Minute {
		t.Errorf("request_id %q server_time %s", got.RequestID, got.ServerTime)
	}
}

func TestEchoRefusals(t *testing.T) {
	h := newHarness(t) // body limit 1024 bytes
	user := token(t, "alice", "cp_users")
	jsonCT := map[string]string{"Content-Type": "application/json"}
	big := `{"x":"` + strings.Repeat("a", 1100) + `"}`
	tests := []struct {
		name   string
		req    request
		status int
		code   string
	}{
		{"analyst only", request{token: token(t, "bob", "cp_analysts"), body: strings.NewReader(`{}`), header: jsonCT}, http.StatusForbidden, "forbidden"},
		{"no token", request{body: strings.NewReader(`{}`), header: jsonCT}, http.StatusUnauthorized, "unauthorized"},
		{"text body", request{token: user, body: strings.NewReader(`{}`), header: map[string]string{"Content-Type": "text/plain"}}, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"no content type", request{token: user, body: strings.NewReader(`{}`)}, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"invalid JSON", request{token: user, body: strings.NewReader(`{"a":`), header: jsonCT}, http.StatusBadRequest, "bad_request"},
		{"empty body", request{token: user, body: strings.NewReader(``), header: jsonCT}, http.StatusBadRequest, "bad_request"},
		{"too large, declared", request{token: user, body: strings.NewReader(big), header: jsonCT}, http.StatusRequestEntityTooLarge, "payload_too_large"},
		// No Content-Length: the limit applies while reading.
		{"too large, streamed", request{token: user, body: io.MultiReader(strings.NewReader(big)), header: jsonCT}, http.StatusRequestEntityTooLarge, "payload_too_large"},
		{"GET not allowed", request{method: http.MethodGet, token: user}, http.StatusMethodNotAllowed, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.method == "" {
				tt.req.method = http.MethodPost
			}
			tt.req.path = "/api/v1/echo"
			resp, body := h.do(t, tt.req)
			e := wantError(t, resp, body, tt.status, tt.code)
			if tt.status == http.StatusRequestEntityTooLarge && !strings.Contains(e.Message, "1 KiB") {
				t.Errorf("413 message %q does not state the limit", e.Message)
			}
			if tt.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != "POST" {
				t.Errorf("Allow = %q, want POST", resp.Header.Get("Allow"))
			}
		})
	}
}

// An oversize body closes the connection, declared or streamed: the server
// does not read on to find the next request.
func TestEchoOversizeBodyClosesTheConnection(t *testing.T) {
	h := newHarness(t) // body limit 1024 bytes
	user := token(t, "alice", "cp_users")
	big := `{"x":"` + strings.Repeat("a", 1100) + `"}`
	for name, body := range map[string]io.Reader{
		"declared": strings.NewReader(big),
		"streamed": io.MultiReader(strings.NewReader(big)), // no Content-Length
	} {
		t.Run(name, func(t *testing.T) {
			resp, b := h.do(t, request{method: http.MethodPost, path: "/api/v1/echo", token: user, body: body,
				header: map[string]string{"Content-Type": "application/json"}})
			wantError(t, resp, b, http.StatusRequestEntityTooLarge, "payload_too_large")
			if !resp.Close {
				t.Errorf("413 without Connection: close (header %q)", resp.Header.Get("Connection"))
			}
		})
	}
	// A body within the limit keeps the connection open.
	resp, _ := h.do(t, request{method: http.MethodPost, path: "/api/v1/echo", token: user, body: strings.NewReader(`{}`),
		header: map[string]string{"Content-Type": "application/json"}})
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Errorf("small body: %d, close %v", resp.StatusCode, resp.Close)
	}
}
