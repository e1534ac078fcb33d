package httpapi

import (
	"encoding/json"
	"net/http"
)

// rootInfo is GET /'s body: which build answers, and where.
type rootInfo struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildTime string `json:"build_time"`
	GoVersion string `json:"go_version"`
	Host      string `json:"host"`
	Zone      string `json:"zone"`
}

// rootBody is computed once: the answer never changes while running.
func rootBody(s ServiceInfo) []byte {
	b, err := json.Marshal(rootInfo{
		Name: s.Name, Version: s.Version, Commit: s.Commit, BuildTime: s.BuildTime,
		GoVersion: s.GoVersion, Host: s.Host, Zone: s.Zone,
	})
	if err != nil {
		panic(err) // only strings: cannot happen
	}
	return append(b, '\n')
}

// serveRoot answers GET / without authentication.
func (a *API) serveRoot(ex *exchange, _ *http.Request) {
	ex.writeJSON(http.StatusOK, a.rootBody)
}
