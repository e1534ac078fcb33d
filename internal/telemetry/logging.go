package telemetry

import (
	"io"
	"log/slog"
	"strings"
)

// NewLogger returns a JSON logger at level. As a last line of defence it
// redacts any attribute whose key names a credential, wherever it is logged
// from; the request path never logs such values in the first place.
func NewLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level:       level,
		ReplaceAttr: redact,
	}))
}

// Redacted replaces a credential in logs.
const Redacted = "[REDACTED]"

func redact(_ []string, a slog.Attr) slog.Attr {
	if isCredentialKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	return a
}

func isCredentialKey(key string) bool {
	k := strings.ToLower(key)
	for _, s := range []string{"authorization", "token", "secret", "password", "cookie"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
