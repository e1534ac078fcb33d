// Package secret provides the HS256 signing key, DEVOPS_SECRET, from the
// environment or from a mounted file that is re-read when it changes.
package secret

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/filewatch"
)

// Environment variables that carry the key.
const (
	EnvValue = "DEVOPS_SECRET"
	EnvFile  = "DEVOPS_SECRET_FILE"
)

// MinLength is the shortest key accepted: HS256 keys shorter than the hash
// output (32 bytes) weaken the MAC (RFC 7518 section 3.2).
const MinLength = 32

// ErrNotConfigured means neither DEVOPS_SECRET nor DEVOPS_SECRET_FILE is set.
var ErrNotConfigured = errors.New("neither " + EnvValue + " nor " + EnvFile + " is set")

// Source holds the current key. It is safe for concurrent use.
type Source struct {
	path string // empty when the key came from the environment
	key  atomic.Pointer[[]byte]
}

// FromEnv reads the key named by the environment. Exactly one of
// DEVOPS_SECRET and DEVOPS_SECRET_FILE may be set.
func FromEnv(lookup func(string) (string, bool)) (*Source, error) {
	value, hasValue := lookup(EnvValue)
	path, hasPath := lookup(EnvFile)
	switch {
	case hasValue && hasPath:
		return nil, fmt.Errorf("set only one of %s and %s", EnvValue, EnvFile)
	case hasPath:
		return FromFile(path)
	case hasValue:
		return FromValue(EnvValue, []byte(value))
	default:
		return nil, ErrNotConfigured
	}
}

// FromValue wraps a fixed key; name says where it came from, for errors.
func FromValue(name string, key []byte) (*Source, error) {
	if err := check(name, key); err != nil {
		return nil, err
	}
	s := &Source{}
	k := bytes.Clone(key)
	s.key.Store(&k)
	return s, nil
}

// FromFile reads the key from path. Surrounding whitespace (the trailing
// newline of `echo secret > file`) is not part of the key.
func FromFile(path string) (*Source, error) {
	s := &Source{path: path}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Key returns the current key. Callers must not modify it.
func (s *Source) Key() []byte { return *s.key.Load() }

// Reload re-reads the key file. On error the previous key stays in effect.
func (s *Source) Reload() error {
	if s.path == "" {
		return nil
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvFile, err)
	}
	key := bytes.TrimSpace(data)
	if err := check(EnvFile+" "+s.path, key); err != nil {
		return err
	}
	s.key.Store(&key)
	return nil
}

// Watch re-reads the key file every interval when its contents change, until
// ctx is done. A key from the environment never changes, so it returns at once.
func (s *Source) Watch(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	if s.path == "" {
		return
	}
	filewatch.Watch(ctx, interval, logger, "token signing secret", s.Reload, s.path)
}

func check(name string, key []byte) error {
	if len(key) < MinLength {
		return fmt.Errorf("%s is %d bytes long; it must be at least %d bytes (for example: head -c 48 /dev/urandom | base64)", name, len(key), MinLength)
	}
	return nil
}
