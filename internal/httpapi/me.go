package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
)

// meResponse is GET /api/v1/me's body. appendMe writes it without
// reflection; the struct stays as its definition and as the reference the
// tests compare appendMe with.
type meResponse struct {
	Subject string   `json:"subject"`
	Groups  []string `json:"groups"`
	Roles   []string `json:"roles"`
}

// serveMe tells an authenticated caller who the service thinks they are.
func (a *API) serveMe(ex *exchange, _ *http.Request) {
	p := ex.principal
	n := len(`{"subject":,"groups":[],"roles":["user","analyst"]}`) + len(p.Subject) + 2
	for _, g := range p.Groups {
		n += len(g) + 3
	}
	ex.writeJSON(http.StatusOK, appendMe(make([]byte, 0, n), &p))
}

// appendMe appends exactly what json.Marshal(meResponse{...}) makes for p
// (groups [] when it has none).
func appendMe(b []byte, p *auth.Principal) []byte {
	b = append(b, `{"subject":`...)
	b = appendJSONString(b, p.Subject)
	b = append(b, `,"groups":[`...)
	for i, g := range p.Groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, g)
	}
	b = append(b, `],"roles":`...)
	if int(p.Roles) < len(rolesJSON) {
		b = append(b, rolesJSON[p.Roles]...)
	} else {
		b = appendMarshal(b, p.Roles.Names())
	}
	return append(b, '}')
}

// rolesJSON is the roles array of every set of the known roles.
var rolesJSON = func() (out [auth.Roles(auth.RoleUser|auth.RoleAnalyst) + 1][]byte) {
	for r := range out {
		out[r] = appendMarshal(nil, auth.Roles(r).Names())
	}
	return out
}()

// appendJSONString appends s as json.Marshal encodes a string. Names and
// groups are plain ASCII in practice and are copied between quotes; any
// other string (a quote, a backslash, a control or non-ASCII character, or
// one of the <, >, & that json.Marshal escapes) is left to json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendMarshal(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshal(b []byte, v any) []byte {
	out, err := json.Marshal(v)
	if err != nil { // strings only: cannot happen
		panic(err)
	}
	return append(b, out...)
}
