package filewatch

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestFingerprintFollowsContent(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	if err := os.WriteFile(a, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	first := Fingerprint(a)
	if Fingerprint(a) != first {
		t.Fatal("fingerprint of unchanged file changed")
	}
	if err := os.WriteFile(a, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if Fingerprint(a) == first {
		t.Fatal("fingerprint did not change with the content")
	}
	if Fingerprint(filepath.Join(dir, "missing")) == Fingerprint(a) {
		t.Fatal("missing file fingerprints like a present one")
	}
}

func TestWatchCallsReloadAtStartAndOncePerChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("v1"), 0o600); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	fail := atomic.Bool{}
	reload := func() error {
		calls.Add(1)
		if fail.Load() {
			return errors.New("bad content")
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Watch(ctx, 5*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)), "test file", reload, path)
		close(done)
	}()

	// Once at start, then not again while the file stays the same.
	waitFor(t, func() bool { return calls.Load() == 1 })
	time.Sleep(30 * time.Millisecond) // several polls of an unchanged file
	if n := calls.Load(); n != 1 {
		t.Fatalf("reload called %d times without a change", n-1)
	}
	fail.Store(true)
	if err := os.WriteFile(path, []byte("v2"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return calls.Load() == 2 })
	fail.Store(false)
	if err := os.WriteFile(path, []byte("v3"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return calls.Load() == 3 })
	time.Sleep(30 * time.Millisecond)
	if n := calls.Load(); n != 3 {
		t.Fatalf("reload called %d times for two changes", n-1)
	}
	cancel()
	<-done
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
