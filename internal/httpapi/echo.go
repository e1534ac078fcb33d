package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serveEcho returns the caller's JSON body unchanged, byte for byte, with
// the request id and the server time:
//
//	{"echo":<body>,"request_id":"...","server_time":"..."}
func (a *API) serveEcho(ex *exchange, r *http.Request) {
	if !isJSON(r.Header.Get("Content-Type")) {
		ex.fail(http.StatusUnsupportedMediaType, "body must be JSON: send Content-Type: application/json")
		return
	}
	limit := a.opts.MaxBodyBytes
	if r.ContentLength > limit {
		// The body is not read: close the connection rather than let the
		// server drain it for the next request on it.
		ex.Header()["Connection"] = hdrClose
		ex.fail(http.StatusRequestEntityTooLarge, tooLarge(limit))
		return
	}
	// MaxBytesReader gets the server's own ResponseWriter: past the limit it
	// tells the server to close the connection after the response, which it
	// cannot do through the exchange wrapper.
	body, err := io.ReadAll(http.MaxBytesReader(ex.ResponseWriter, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			ex.fail(http.StatusRequestEntityTooLarge, tooLarge(limit))
			return
		}
		ex.fail(http.StatusBadRequest, "cannot read the request body")
		return
	}
	if !json.Valid(body) {
		ex.fail(http.StatusBadRequest, "body is not valid JSON")
		return
	}
	out := make([]byte, 0, len(body)+100)
	out = append(out, `{"echo":`...)
	out = append(out, body...)
	out = append(out, `,"request_id":"`...)
	out = append(out, ex.requestID...) // safe characters only, see reqctx
	out = append(out, `","server_time":"`...)
	out = a.now().UTC().AppendFormat(out, time.RFC3339Nano)
	out = append(out, "\"}\n"...)
	ex.writeJSON(http.StatusOK, out)
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func tooLarge(limit int64) string {
	return "body is larger than the limit of " + formatBytes(limit)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	default:
		return strconv.FormatInt(n, 10) + " bytes"
	}
}
