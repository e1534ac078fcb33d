package httpapi

import "net/http"

type meResponse struct {
	Subject string   `json:"subject"`
	Groups  []string `json:"groups"`
	Roles   []string `json:"roles"`
}

// serveMe tells an authenticated caller who the service thinks they are.
func (a *API) serveMe(ex *exchange, _ *http.Request) {
	p := ex.principal
	groups := p.Groups
	if groups == nil {
		groups = []string{}
	}
	ex.writeValue(http.StatusOK, meResponse{Subject: p.Subject, Groups: groups, Roles: p.Roles.Names()})
}
