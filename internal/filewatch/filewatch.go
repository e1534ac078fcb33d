// Package filewatch notices when files change by polling their contents.
//
// Polling (rather than inotify) follows Kubernetes' atomic secret and
// ConfigMap updates, which swap a symlink to a new directory, and works the
// same on every file system.
package filewatch

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"os"
	"time"
)

// Fingerprint returns a digest of the files' contents; a missing or
// unreadable file contributes its error text, so it changes when it heals.
func Fingerprint(paths ...string) [sha256.Size]byte {
	h := sha256.New()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			h.Write([]byte("error:" + err.Error()))
		}
		h.Write([]byte{0})
		h.Write(data)
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// Watch calls reload once at start (the files may have changed since their
// owner first read them), then every time their contents change, checking
// every interval until ctx is done. A failed reload is logged and retried on
// the next change; what reload loaded before stays in effect.
func Watch(ctx context.Context, interval time.Duration, logger *slog.Logger, what string, reload func() error, paths ...string) {
	last := Fingerprint(paths...)
	if err := reload(); err != nil {
		logger.LogAttrs(ctx, slog.LevelError, "reload failed; keeping the previous "+what, slog.String("error", err.Error()))
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sum := Fingerprint(paths...)
		if sum == last {
			continue
		}
		last = sum
		if err := reload(); err != nil {
			logger.LogAttrs(ctx, slog.LevelError, "reload failed; keeping the previous "+what, slog.String("error", err.Error()))
			continue
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "reloaded "+what)
	}
}
