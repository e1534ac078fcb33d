package secret

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/logtest"
)

const (
	keyA = "0123456789abcdef0123456789abcdef-A"
	keyB = "0123456789abcdef0123456789abcdef-B"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestFromEnv(t *testing.T) {
	s, err := FromEnv(env(map[string]string{EnvValue: keyA}))
	if err != nil || string(s.Key()) != keyA {
		t.Fatalf("FromEnv = %v, %v", s, err)
	}

	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(keyB+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = FromEnv(env(map[string]string{EnvFile: path}))
	if err != nil || string(s.Key()) != keyB {
		t.Fatalf("FromEnv(file) = %q, %v; want the file's key without its newline", s.Key(), err)
	}
}

func TestFromEnvErrors(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("tooshort\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"none", nil, "neither DEVOPS_SECRET nor DEVOPS_SECRET_FILE is set"},
		{"both", map[string]string{EnvValue: keyA, EnvFile: short}, "set only one of"},
		{"short value", map[string]string{EnvValue: strings.Repeat("x", 31)}, "DEVOPS_SECRET is 31 bytes long; it must be at least 32 bytes"},
		{"short file", map[string]string{EnvFile: short}, "is 8 bytes long"},
		{"missing file", map[string]string{EnvFile: filepath.Join(dir, "absent")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromEnv(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), keyA) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
	if _, err := FromEnv(env(nil)); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("want ErrNotConfigured, got %v", err)
	}
}

func TestWatchPicksUpRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(keyA), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Rotated after the first read but before the watch began: not missed.
	if err := os.WriteFile(path, []byte(keyB), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Watch(ctx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil))); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, func() bool { return string(s.Key()) == keyB })

	// A too-short rotation is refused: the previous key stays.
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err == nil {
		t.Fatal("a too-short key was accepted")
	}
	if got := string(s.Key()); got != keyB {
		t.Fatalf("key after bad rotation = %q, want the previous key", got)
	}

	if err := os.WriteFile(path, []byte(keyA), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return string(s.Key()) == keyA })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// After a rotation the previous key verifies for the grace period, then
// not; rewriting the same key is not a rotation.
func TestPreviousKeyGrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(keyA), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	s.SetPreviousKeyGrace(10 * time.Minute)
	if cur, prev := s.Keys(now); string(cur) != keyA || prev != nil {
		t.Fatalf("before any rotation: %q, %q", cur, prev)
	}

	if err := os.WriteFile(path, []byte(keyB+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if cur, prev := s.Keys(now.Add(9 * time.Minute)); string(cur) != keyB || string(prev) != keyA {
		t.Fatalf("within the grace: current %q previous %q, want B and A", cur, prev)
	}
	if string(s.Key()) != keyB {
		t.Errorf("signing key %q, want the new one", s.Key())
	}
	if cur, prev := s.Keys(now.Add(10 * time.Minute)); string(cur) != keyB || prev != nil {
		t.Fatalf("after the grace: current %q previous %q, want B only", cur, prev)
	}

	// The same key written again (a new line added) keeps the grace running.
	if err := os.WriteFile(path, []byte(keyB), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, prev := s.Keys(now.Add(time.Minute)); string(prev) != keyA {
		t.Fatalf("rewriting the same key dropped the previous one: %q", prev)
	}

	// Grace 0: the previous key stops at once.
	s.SetPreviousKeyGrace(0)
	if err := os.WriteFile(path, []byte(keyA), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if cur, prev := s.Keys(now); string(cur) != keyA || prev != nil {
		t.Fatalf("grace 0: current %q previous %q", cur, prev)
	}
}

func TestWatchLogsRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(keyA), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s.SetPreviousKeyGrace(time.Minute)
	var logs logtest.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Watch(ctx, 5*time.Millisecond, slog.New(slog.NewJSONHandler(&logs, nil))); close(done) }()
	defer func() { cancel(); <-done }()
	if err := os.WriteFile(path, []byte(keyB), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(logs.String(), "previous_key_valid_until") })
	if strings.Contains(logs.String(), keyA) || strings.Contains(logs.String(), keyB) {
		t.Fatalf("the rotation log line contains a key: %s", logs.String())
	}
}
