package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
)

func TestMe(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		groups []string
		roles  []string
	}{
		{"user", []string{"cp_users"}, []string{"user"}},
		{"analyst", []string{"cp_dev_analysts"}, []string{"analyst"}},
		{"both", []string{"cp_dev_users", "cp_analysts", "unrelated"}, []string{"user", "analyst"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.do(t, request{path: "/api/v1/me", token: token(t, "alice", tt.groups...)})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var got meResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			want := meResponse{Subject: "alice", Groups: tt.groups, Roles: tt.roles}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestMeRefusals(t *testing.T) {
	h := newHarness(t)

	resp, body := h.do(t, request{path: "/api/v1/me"})
	wantError(t, resp, body, http.StatusUnauthorized, "unauthorized")
	if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="org-app"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}

	expired, err := auth.Mint(testKey, auth.MintOptions{Subject: "alice", Groups: []string{"cp_users"}, TTL: time.Minute, Now: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	resp, body = h.do(t, request{path: "/api/v1/me", token: expired})
	e := wantError(t, resp, body, http.StatusUnauthorized, "unauthorized")
	if !strings.Contains(e.Message, "expired") || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("expired token: message %q, WWW-Authenticate %q", e.Message, resp.Header.Get("WWW-Authenticate"))
	}

	wrongKey, err := auth.Mint([]byte("some-other-key-that-is-long-enough-000"), auth.MintOptions{Subject: "alice", Groups: []string{"cp_users"}, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	resp, body = h.do(t, request{path: "/api/v1/me", token: wrongKey})
	wantError(t, resp, body, http.StatusUnauthorized, "unauthorized")

	resp, body = h.do(t, request{path: "/api/v1/me", token: token(t, "eve", "no_such_group")})
	wantError(t, resp, body, http.StatusForbidden, "forbidden")
}

// error_description is a quoted-string of the characters RFC 6750 allows:
// a quote or backslash in a description cannot end or escape it, and a
// control character cannot split the header.
func TestInvalidTokenChallengeQuoting(t *testing.T) {
	for desc, want := range map[string]string{
		"token has expired":          `Bearer realm="org-app", error="invalid_token", error_description="token has expired"`,
		`the "kid" header\nis wrong`: `Bearer realm="org-app", error="invalid_token", error_description="the 'kid' header/nis wrong"`,
		"line\r\nX-Injected: 1":      `Bearer realm="org-app", error="invalid_token", error_description="line??X-Injected: 1"`,
		"caf\u00e9":                  `Bearer realm="org-app", error="invalid_token", error_description="caf??"`,
	} {
		if got := invalidTokenChallenge(desc); got != want {
			t.Errorf("challenge(%q) = %s, want %s", desc, got, want)
		}
	}
}

// appendMe writes GET /api/v1/me's body by hand: byte for byte what
// encoding/json makes of the same response, for plain and awkward names.
func TestAppendMeMatchesEncodingJSON(t *testing.T) {
	for _, p := range []auth.Principal{
		{Subject: "alice", Groups: []string{"cp_users"}, Roles: auth.Roles(auth.RoleUser)},
		{Subject: "bob", Roles: auth.Roles(auth.RoleAnalyst)},
		{Subject: "carol", Groups: []string{}, Roles: auth.Roles(auth.RoleUser | auth.RoleAnalyst)},
		{Subject: `q"uote\back<script>&`, Groups: []string{"tab\tnew\nline", "ünï", "\u2028", "bad\xffutf8", ""}},
		{Subject: "", Groups: []string{"a", "b", "c"}, Roles: 7},
	} {
		groups := p.Groups
		if groups == nil {
			groups = []string{}
		}
		want, err := json.Marshal(meResponse{Subject: p.Subject, Groups: groups, Roles: p.Roles.Names()})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendMe(nil, &p); string(got) != string(want) {
			t.Errorf("appendMe(%+v)\n = %s\nwant %s", p, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "alice", `"`, `\`, "<>&", "\x00\x1f\x7f", "ü", "\u2028\u2029", "\xff", "a\"b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Fatalf("appendJSONString(%q) = %s, want x%s", s, got, want)
		}
	})
}
