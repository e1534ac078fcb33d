package app

import (
	"bytes"
	"math"
	"runtime/debug"
	"strconv"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
)

// GC defaults of the server (ADR 0013). net/http allocates about 3 KB per
// request whatever the handler does, and org-app's live heap is under
// 1 MB, so with Go's default (GOGC=100, a 4 MB minimum heap goal) a loaded
// instance collects 40 times a second; a trace shows the slowest 1% of
// requests are those that overlap a collection's mark phase. GOGC=400 makes
// collections 4 times rarer for ~12 MB more heap under load. The soft memory
// limit keeps that headroom from ever outgrowing the container: the GC works
// harder instead of the pod being OOM-killed.
const (
	defaultGCPercent = 400
	// memoryLimitShare of the container's memory limit becomes the soft
	// memory limit (GOMEMLIMIT) of the Go runtime.
	memoryLimitShare = 0.8
)

// cgroup files holding the container's memory limit: v2, then v1.
var memoryLimitFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// gcSettings are the GC settings in force after applyGCDefaults, for the
// start-up log line.
type gcSettings struct {
	GOGC        string // as set by GOGC, or the default
	MemoryLimit int64  // bytes; 0: none
}

// applyGCDefaults sets GOGC=400 unless the environment sets GOGC, and a soft
// memory limit of 80% of the container's memory limit (read from the cgroup
// with readFile) unless the environment sets GOMEMLIMIT or no limit is found.
func applyGCDefaults(env config.LookupEnv, readFile func(string) ([]byte, error)) gcSettings {
	gogc, set := env("GOGC")
	if !set {
		debug.SetGCPercent(defaultGCPercent)
		gogc = strconv.Itoa(defaultGCPercent)
	}
	if _, set := env("GOMEMLIMIT"); !set {
		if limit := containerMemoryLimit(readFile); limit > 0 {
			debug.SetMemoryLimit(int64(float64(limit) * memoryLimitShare))
		}
	}
	s := gcSettings{GOGC: gogc}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 { // -1 reads it
		s.MemoryLimit = limit
	}
	return s
}

// containerMemoryLimit is the cgroup memory limit in bytes, or 0 when there
// is none ("max", cgroup v1's near-2^63 "unlimited") or it cannot be read.
func containerMemoryLimit(readFile func(string) ([]byte, error)) int64 {
	for _, f := range memoryLimitFiles {
		b, err := readFile(f)
		if err != nil {
			continue
		}
		v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
		if err != nil || v <= 0 || v >= 1<<60 {
			return 0
		}
		return v
	}
	return 0
}
