package httpapi

import (
	"encoding/json"
	"net/http"
	"time"
	"unsafe"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/httpmux"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reqctx"
)

// exchange is one request's response writer and state: what the shared
// path learned (request id, trace, caller) and what was written (status,
// bytes) for metrics and the access log.
type exchange struct {
	http.ResponseWriter
	route     *route
	start     time.Duration // API.elapsed when the request arrived
	requestID string
	trace     reqctx.Trace
	principal auth.Principal
	status    int
	// headerValues back the X-Request-Id and Traceparent header slices.
	headerValues [2]string
	bytes        int64
	wroteHeader  bool
	// ids holds the bytes of a generated request id and of the traceparent
	// value: see setIDs.
	ids [reqctx.IDLen + reqctx.HeaderLen]byte
}

// setIDs sets the request id (clientID when it is a safe one, else a new
// one) and the traceparent value of ex.trace. The strings are built in
// ex.ids, not allocated: an exchange is never reused, and the strings keep
// it alive as long as a header or log line refers to them.
func (ex *exchange) setIDs(clientID string) {
	valid := reqctx.ValidRequestID(clientID)
	b := ex.ids[:0]
	if !valid {
		b = reqctx.AppendNewID(b)
	}
	b = ex.trace.AppendHeader(b)
	// b is ex.ids, written once here and never again.
	both := unsafe.String(&ex.ids[0], len(b)) //nolint:gosec // G103: see above
	if valid {
		ex.headerValues = [2]string{clientID, both}
	} else {
		ex.headerValues = [2]string{both[:reqctx.IDLen], both[reqctx.IDLen:]}
	}
	ex.requestID = ex.headerValues[0]
}

func (ex *exchange) WriteHeader(code int) {
	if !ex.wroteHeader {
		ex.status, ex.wroteHeader = code, true
	}
	ex.ResponseWriter.WriteHeader(code)
}

func (ex *exchange) Write(b []byte) (int, error) {
	if !ex.wroteHeader {
		ex.status, ex.wroteHeader = http.StatusOK, true
	}
	// Every body is JSON with X-Content-Type-Options: nosniff; echo returns
	// the client's own JSON by design.
	n, err := ex.ResponseWriter.Write(b) //nolint:gosec // G705: see above
	ex.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (ex *exchange) Unwrap() http.ResponseWriter { return ex.ResponseWriter }

// writeJSON sends a JSON body with status.
func (ex *exchange) writeJSON(status int, body []byte) {
	h := ex.Header()
	h["Content-Type"] = hdrJSON
	h["Cache-Control"] = hdrNoStore
	ex.WriteHeader(status)
	_, _ = ex.Write(body)
}

// writeValue encodes v as the JSON body.
func (ex *exchange) writeValue(status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		ex.fail(http.StatusInternalServerError, "cannot encode the response")
		return
	}
	ex.writeJSON(status, body)
}

// fail sends an error response: {"error":{"code","message","request_id"}}.
func (ex *exchange) fail(status int, message string) {
	ex.writeJSON(status, httpmux.AppendError(nil, status, message, ex.requestID))
}
