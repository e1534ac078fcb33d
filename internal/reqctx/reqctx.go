// Package reqctx identifies requests: the X-Request-Id a client or proxy
// sent (or a fresh one) and the W3C Trace Context traceparent.
package reqctx

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
)

// MaxRequestIDLen bounds an accepted X-Request-Id.
const MaxRequestIDLen = 128

// RequestID returns header when it is a safe request id (1-128 characters of
// A-Z a-z 0-9 . _ - : /), else a new random one. Unsafe ids are replaced, not
// escaped, so logs and response headers never carry client-chosen bytes.
func RequestID(header string) string {
	if ValidRequestID(header) {
		return header
	}
	return NewID()
}

// ValidRequestID reports whether s may be used as a request id as it is
// (1-128 characters of A-Z a-z 0-9 . _ - : /).
func ValidRequestID(s string) bool {
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
	var out [IDLen]byte
	return string(AppendNewID(out[:0]))
}

// IDLen is the length of the ids NewID makes.
const IDLen = 32

// AppendNewID appends a new id (as NewID makes) to dst: a caller that
// needs several strings per request can build them in one allocation.
func AppendNewID(dst []byte) []byte {
	var b [16]byte
	putRandom(b[:])
	return appendHex(dst, b[:])
}

// appendHex appends the lowercase hex digits of b to dst, as
// hex.AppendEncode does, eight bytes at a time: every request formats 40
// bytes of ids, and a byte at a time with bounds checks was a measurable
// part of its CPU.
func appendHex(dst, b []byte) []byte {
	for len(b) >= 8 {
		x := binary.BigEndian.Uint64(b)
		dst = binary.BigEndian.AppendUint64(dst, hexDigits(x>>32))
		dst = binary.BigEndian.AppendUint64(dst, hexDigits(x&0xffffffff))
		b = b[8:]
	}
	return hex.AppendEncode(dst, b)
}

// hexDigits returns the eight lowercase hex digits of x, which must be
// below 1<<32, the first digit in the most significant byte.
func hexDigits(x uint64) uint64 {
	// One nibble per byte, in order: 0xABCDEF12 -> 0x0A0B0C0D0E0F0102.
	x = (x | x<<16) & 0x0000ffff0000ffff
	x = (x | x<<8) & 0x00ff00ff00ff00ff
	x = (x | x<<4) & 0x0f0f0f0f0f0f0f0f
	// Bytes holding 10-15 get 1 in letters (n+6 carries into bit 4),
	// which then move from '0'+n to 'a'+n-10: 39 further on.
	letters := ((x + 0x0606060606060606) >> 4) & 0x0101010101010101
	return x + 0x3030303030303030 + letters*39
}

// putRandom fills b, whose length is a multiple of 8, with random bytes.
func putRandom(b []byte) {
	for i := 0; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], rand.Uint64()) //nolint:gosec // ids must be unique, not unpredictable
	}
}

// Trace is a W3C trace context: the caller's trace id, this server's span id
// and the trace flags. It is kept in binary form; the hex forms are made
// only when needed (response header, log line).
type Trace struct {
	traceID [16]byte
	spanID  [8]byte
	flags   byte
}

// ParseTraceparent continues the trace in a traceparent header
// ("00-<trace-id>-<parent-id>-<flags>"), or starts a new trace when the
// header is absent or invalid, as the W3C Trace Context spec requires.
// Either way the span id is new: it identifies this server's work.
func ParseTraceparent(header string) Trace {
	var t Trace
	putNonZero(t.spanID[:])
	if !parseTraceparent(header, &t) {
		putNonZero(t.traceID[:])
		t.flags = 0
	}
	return t
}

// TraceID is the trace id as 32 lowercase hex digits.
func (t Trace) TraceID() string {
	var out [32]byte
	return string(appendHex(out[:0], t.traceID[:]))
}

// SpanID is this server's span id as 16 lowercase hex digits.
func (t Trace) SpanID() string {
	var out [16]byte
	return string(appendHex(out[:0], t.spanID[:]))
}

// Header formats the trace context for the traceparent header.
func (t Trace) Header() string {
	var out [HeaderLen]byte
	return string(t.AppendHeader(out[:0]))
}

const hexDigit = "0123456789abcdef"

// HeaderLen is the length of a traceparent value that Header makes.
const HeaderLen = 55

// AppendHeader appends the traceparent value (as Header makes) to dst.
func (t Trace) AppendHeader(dst []byte) []byte {
	dst = append(dst, "00-"...)
	dst = appendHex(dst, t.traceID[:])
	dst = append(dst, '-')
	dst = appendHex(dst, t.spanID[:])
	return append(dst, '-', hexDigit[t.flags>>4], hexDigit[t.flags&0xf])
}

func parseTraceparent(h string, t *Trace) bool {
	// version(2) - trace-id(32) - parent-id(16) - flags(2); future versions
	// may append fields after another '-'.
	if len(h) < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-' {
		return false
	}
	version, traceID, parent, flags := h[0:2], h[3:35], h[36:52], h[53:55]
	if !isLowerHex(version) || version == "ff" || (version == "00" && len(h) != 55) || (len(h) > 55 && h[55] != '-') {
		return false
	}
	if !isLowerHex(traceID) || !isLowerHex(parent) || !isLowerHex(flags) || allZero(traceID) || allZero(parent) {
		return false
	}
	var f [1]byte
	if _, err := hex.Decode(t.traceID[:], []byte(traceID)); err != nil {
		return false
	}
	if _, err := hex.Decode(f[:], []byte(flags)); err != nil {
		return false
	}
	t.flags = f[0]
	return true
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

// putNonZero fills b with random bytes, never all zero (an invalid id).
func putNonZero(b []byte) {
	for {
		putRandom(b)
		for _, c := range b {
			if c != 0 {
				return
			}
		}
	}
}
