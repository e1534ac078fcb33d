package httpapi

import "net/http"

// serveTraffic is the analyst report: this instance's traffic since start.
func (a *API) serveTraffic(ex *exchange, _ *http.Request) {
	ex.writeValue(http.StatusOK, a.traffic.Report(a.now()))
}
