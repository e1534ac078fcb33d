package app

import (
	"errors"
	"io/fs"
	"math"
	"runtime/debug"
	"testing"
)

func files(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if v, ok := m[name]; ok {
			return []byte(v), nil
		}
		return nil, fs.ErrNotExist
	}
}

func TestContainerMemoryLimit(t *testing.T) {
	v2, v1 := memoryLimitFiles[0], memoryLimitFiles[1]
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"cgroup v2 limit", map[string]string{v2: "268435456\n"}, 256 << 20},
		{"cgroup v2 without a limit", map[string]string{v2: "max\n"}, 0},
		{"cgroup v1 limit", map[string]string{v1: "134217728\n"}, 128 << 20},
		{"cgroup v1 without a limit", map[string]string{v1: "9223372036854771712\n"}, 0},
		{"no cgroup files", nil, 0},
		{"garbage", map[string]string{v2: "lots"}, 0},
	} {
		if got := containerMemoryLimit(files(tt.files)); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// restoreGC puts the test binary's GC settings back after a test changes them.
func restoreGC(t *testing.T) {
	t.Helper()
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}

func TestGCDefaults(t *testing.T) {
	restoreGC(t)
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	limited := files(map[string]string{memoryLimitFiles[0]: "268435456"})

	debug.SetMemoryLimit(math.MaxInt64)
	got := applyGCDefaults(env(nil), limited)
	if p := debug.SetGCPercent(100); p != defaultGCPercent || got.GOGC != "400" {
		t.Errorf("GOGC unset: GC percent %d (reported %q), want %d", p, got.GOGC, defaultGCPercent)
	}
	if limit := int64(256 << 20); got.MemoryLimit != int64(float64(limit)*memoryLimitShare) || debug.SetMemoryLimit(-1) != got.MemoryLimit {
		t.Errorf("memory limit %d (runtime %d), want 80%% of the container's %d", got.MemoryLimit, debug.SetMemoryLimit(-1), limit)
	}

	// The operator's GOGC and GOMEMLIMIT win (the runtime has applied them).
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(64 << 20)
	got = applyGCDefaults(env(map[string]string{"GOGC": "150", "GOMEMLIMIT": "64MiB"}), limited)
	if p := debug.SetGCPercent(150); p != 150 || got.GOGC != "150" {
		t.Errorf("GOGC=150: GC percent %d (reported %q)", p, got.GOGC)
	}
	if got.MemoryLimit != 64<<20 {
		t.Errorf("GOMEMLIMIT=64MiB: memory limit %d", got.MemoryLimit)
	}

	// No container limit: no memory limit is invented.
	debug.SetMemoryLimit(math.MaxInt64)
	got = applyGCDefaults(env(nil), func(string) ([]byte, error) { return nil, errors.New("no cgroup") })
	if got.MemoryLimit != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("no container limit: memory limit %d", got.MemoryLimit)
	}
}
