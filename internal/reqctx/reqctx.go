// Package reqctx identifies requests: the X-Request-Id a client or proxy
// sent (or a fresh one) and the W3C Trace Context traceparent.
package reqctx

import (
	"encoding/hex"
	"math/rand/v2"
)

// MaxRequestIDLen bounds an accepted X-Request-Id.
const MaxRequestIDLen = 128

// RequestID returns header when it is a safe request id (1-128 characters of
// A-Z a-z 0-9 . _ - : /), else a new random one. Unsafe ids are replaced, not
// escaped, so logs and response headers never carry client-chosen bytes.
func RequestID(header string) string {
	if validRequestID(header) {
		return header
	}
	return NewID()
}

func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.', c == ':', c == '/':
		default:
			return false
		}
	}
	return true
}

// NewID returns 128 random bits as 32 hex digits. Ids need to be unique, not
// secret, so the runtime's fast generator is enough.
func NewID() string {
	var b [16]byte
	putRandom(b[:])
	return hex.EncodeToString(b[:])
}

func putRandom(b []byte) {
	for i := 0; i < len(b); i += 8 {
		v := rand.Uint64() //nolint:gosec // ids must be unique, not unpredictable
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j)) //nolint:gosec // keeps the low byte on purpose
		}
	}
}

// Trace is a W3C trace context: the caller's trace id, this server's span id
// and the trace flags.
type Trace struct {
	TraceID string // 32 lowercase hex digits
	SpanID  string // 16 lowercase hex digits, new for this request
	Flags   string // 2 hex digits
}

// ParseTraceparent continues the trace in a traceparent header
// ("00-<trace-id>-<parent-id>-<flags>"), or starts a new trace when the
// header is absent or invalid, as the W3C Trace Context spec requires.
func ParseTraceparent(header string) Trace {
	span := newHex(8)
	if traceID, flags, ok := parseTraceparent(header); ok {
		return Trace{TraceID: traceID, SpanID: span, Flags: flags}
	}
	return Trace{TraceID: newHex(16), SpanID: span, Flags: "00"}
}

// Header formats the trace context for the traceparent header.
func (t Trace) Header() string { return "00-" + t.TraceID + "-" + t.SpanID + "-" + t.Flags }

func parseTraceparent(h string) (traceID, flags string, ok bool) {
	// version(2) - trace-id(32) - parent-id(16) - flags(2); future versions
	// may append fields after another '-'.
	if len(h) < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-' {
		return "", "", false
	}
	version, traceID, parent, flags := h[0:2], h[3:35], h[36:52], h[53:55]
	if !isLowerHex(version) || version == "ff" || (version == "00" && len(h) != 55) || (len(h) > 55 && h[55] != '-') {
		return "", "", false
	}
	if !isLowerHex(traceID) || !isLowerHex(parent) || !isLowerHex(flags) || allZero(traceID) || allZero(parent) {
		return "", "", false
	}
	return traceID, flags, true
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

func newHex(n int) string {
	b := make([]byte, n)
	for {
		putRandom(b)
		for _, c := range b {
			if c != 0 {
				return hex.EncodeToString(b)
			}
		}
	}
}
