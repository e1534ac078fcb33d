// Package secret provides the HS256 signing key, DEVOPS_SECRET, from the
// environment or from a mounted file that is re-read when it changes. After
// the file changes, the previous key stays valid for verification during a
// grace period (two-key rotation), so tokens signed just before the
// rotation keep working until they are replaced.
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

// Source holds the current key and, for a while after a rotation, the
// previous one. It is safe for concurrent use.
type Source struct {
	path string // empty when the key came from the environment
	// grace is how long the previous key stays valid after a rotation;
	// set with SetPreviousKeyGrace before Watch starts.
	grace time.Duration
	now   func() time.Time
	state atomic.Pointer[keyState]
}

// keyState is one generation of keys; a rotation stores a new one.
type keyState struct {
	current  []byte
	previous []byte    // nil when there was no rotation or the grace is 0
	until    time.Time // previous verifies before this instant
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
	s := &Source{now: time.Now}
	s.state.Store(&keyState{current: bytes.Clone(key)})
	return s, nil
}

// FromFile reads the key from path. Surrounding whitespace (the trailing
// newline of `echo secret > file`) is not part of the key.
func FromFile(path string) (*Source, error) {
	s := &Source{path: path, now: time.Now}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// SetPreviousKeyGrace sets how long the previous key keeps verifying after
// the key file changes (authInfo.previousKeyGrace); 0, the default, drops it
// at once. Call it before Watch.
func (s *Source) SetPreviousKeyGrace(d time.Duration) { s.grace = max(d, 0) }

// Key returns the current key, the one to sign with. Callers must not
// modify it.
func (s *Source) Key() []byte { return s.state.Load().current }

// Keys returns the keys that verify at now: the current one, and the
// previous one while its grace period lasts (nil otherwise). It implements
// auth.KeySource. Callers must not modify the slices.
func (s *Source) Keys(now time.Time) (current, previous []byte) {
	st := s.state.Load()
	if st.previous != nil && now.Before(st.until) {
		return st.current, st.previous
	}
	return st.current, nil
}

// Reload re-reads the key file. On error the previous key stays in effect.
func (s *Source) Reload() error {
	_, err := s.reload()
	return err
}

// reload re-reads the key file and reports whether the key changed.
func (s *Source) reload() (rotated bool, err error) {
	if s.path == "" {
		return false, nil
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return false, fmt.Errorf("%s: %w", EnvFile, err)
	}
	key := bytes.TrimSpace(data)
	if err := check(EnvFile+" "+s.path, key); err != nil {
		return false, err
	}
	old := s.state.Load()
	if old == nil {
		s.state.Store(&keyState{current: key})
		return false, nil
	}
	if bytes.Equal(old.current, key) {
		return false, nil // rewritten with the same key (or only whitespace changed)
	}
	next := &keyState{current: key}
	if s.grace > 0 {
		next.previous, next.until = old.current, s.now().Add(s.grace)
	}
	s.state.Store(next)
	return true, nil
}

// Watch re-reads the key file every interval when its contents change, until
// ctx is done, and logs each rotation with how long the previous key stays
// valid. A key from the environment never changes, so it returns at once.
func (s *Source) Watch(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	if s.path == "" {
		return
	}
	reload := func() error {
		rotated, err := s.reload()
		if rotated {
			attrs := []slog.Attr{slog.String("previous_key_grace", s.grace.String())}
			if st := s.state.Load(); st.previous != nil {
				attrs = append(attrs, slog.Time("previous_key_valid_until", st.until))
			}
			logger.LogAttrs(ctx, slog.LevelInfo, "token signing key rotated: new tokens verify with the new key", attrs...)
		}
		return err
	}
	filewatch.Watch(ctx, interval, logger, "token signing secret", reload, s.path)
}

func check(name string, key []byte) error {
	if len(key) < MinLength {
		return fmt.Errorf("%s is %d bytes long; it must be at least %d bytes (for example: head -c 48 /dev/urandom | base64)", name, len(key), MinLength)
	}
	return nil
}
