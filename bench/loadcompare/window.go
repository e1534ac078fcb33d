package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"time"
)

// Quiet windows. This machine is a VM on a shared host: other tenants slow
// every server by up to half for a fraction of a second to a few seconds
// at a time (a bare hello-world swings between 25 000 and 58 000 req/s
// within one 10 s run), so whichever server a burst lands on loses, and a
// ratio of two runs' averages moves by ±15% between runs. Contention only
// ever slows a server down, so the rate a server reaches in the windows the
// host left alone estimates what it does on an idle machine. loadcompare
// samples each measured run in short windows, counting responses by the
// server's write system calls, and reports a high percentile of the
// pooled window rates beside the medians (ADR 0015).

// writesPerResponseTolerance bounds how far a server's write system calls may stray
// from one per response over a run before its window rates are refused:
// HTTP/1.1 servers in Go flush each small response with one write.
const writesPerResponseTolerance = 0.02

// writes is the number of write system calls the process has made
// (syscw in /proc/PID/io).
func writes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, err
	}
	return parseSyscw(b)
}

func parseSyscw(b []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("syscw:")); ok {
			n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("syscw in /proc io: %w", err)
			}
			return n, nil
		}
	}
	return 0, errors.New("no syscw in /proc io")
}

// windowSampler counts a process's writes every window until stopped.
type windowSampler struct {
	pid    int
	window time.Duration
	read   func(pid int) (int64, error) // writes, replaced in tests
	now    func() time.Time
}

// sample reads the write count now and at every tick until ctx ends, and
// returns the rate (writes per second) of each whole window and the total
// count from the first to the last read.
func (s windowSampler) sample(ctx context.Context) (rates []float64, total int64, err error) {
	n0, err := s.read(s.pid)
	if err != nil {
		return nil, 0, err
	}
	t0 := s.now()
	first := n0
	tick := time.NewTicker(s.window)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
		if ctx.Err() != nil { // the run ended: its last window is partial
			n, err := s.read(s.pid)
			if err != nil {
				return rates, n0 - first, err
			}
			return rates, n - first, nil
		}
		n, err := s.read(s.pid)
		if err != nil {
			return rates, n0 - first, err
		}
		t := s.now()
		if d := t.Sub(t0); d > 0 {
			rates = append(rates, float64(n-n0)/d.Seconds())
		}
		n0, t0 = n, t
	}
}

// checkWrites refuses window rates that do not count responses: over the
// run, the server's writes must match wrk's responses within the tolerance.
func checkWrites(server string, writes, responses int64) error {
	if responses <= 0 {
		return fmt.Errorf("%s: no responses to compare its %d writes with", server, writes)
	}
	if r := float64(writes) / float64(responses); math.Abs(r-1) > writesPerResponseTolerance {
		return fmt.Errorf("%s made %d write system calls for %d responses (%.2f per response): its window rates would not count responses", server, writes, responses, r)
	}
	return nil
}

// quietPercentile is the share of windows slower than the quiet rate: the
// rate of a run is its 90th percentile window, so up to 90% of the windows
// may be slowed by other work on the host without moving it.
const quietPercentile = 0.90

// percentile is the nearest-rank p-th percentile of xs (0 < p <= 1), 0
// for none.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}
