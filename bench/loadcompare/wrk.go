package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run measured.
type wrkResult struct {
	Requests  int64         `json:"requests"`
	ReqPerSec float64       `json:"req_per_sec"`
	P50       time.Duration `json:"-"`
	P99       time.Duration `json:"-"`
	P50MS     float64       `json:"p50_ms"`
	P99MS     float64       `json:"p99_ms"`
	Non2xx3xx int64         `json:"non_2xx_3xx"`
	SocketErr int64         `json:"socket_errors"` // connect + read + write + timeout
	// WrkCoreShare is wrk's own CPU time (user + system) over the run's
	// wall time: near 1, the load generator, not the server, limited the
	// rate and added to the latencies it measured.
	WrkCoreShare float64 `json:"wrk_core_share"`
}

// Errors counts every request that did not get a 2xx or 3xx answer.
func (r wrkResult) Errors() int64 { return r.Non2xx3xx + r.SocketErr }

// wrkRun is one invocation: wrk -t1 -cC -dD --latency, pinned to cpu.
type wrkRun struct {
	wrk         string
	cpu         string // taskset -c list; empty runs unpinned
	connections int
	duration    time.Duration
	url         string
	headers     map[string]string
}

func (w wrkRun) command(ctx context.Context) *exec.Cmd {
	args := []string{"-t1", fmt.Sprintf("-c%d", w.connections), fmt.Sprintf("-d%ds", int(w.duration.Seconds())), "--latency", "--timeout", "5s"}
	for k, v := range w.headers {
		args = append(args, "-H", k+": "+v)
	}
	args = append(args, w.url)
	if w.cpu != "" {
		return exec.CommandContext(ctx, "taskset", append([]string{"-c", w.cpu, w.wrk}, args...)...) //nolint:gosec // the harness's own wrk and flags
	}
	return exec.CommandContext(ctx, w.wrk, args...) //nolint:gosec // the harness's own wrk and flags
}

func (w wrkRun) run(ctx context.Context) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, w.duration+30*time.Second)
	defer cancel()
	cmd := w.command(ctx)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(began)
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w: %s", w.url, err, strings.TrimSpace(string(out)))
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return r, err
	}
	// taskset execs wrk in the same process: its usage is wrk's.
	if ps := cmd.ProcessState; ps != nil && wall > 0 {
		r.WrkCoreShare = (ps.UserTime() + ps.SystemTime()).Seconds() / wall.Seconds()
	}
	return r, nil
}

var (
	reRequests = regexp.MustCompile(`^\s*(\d+) requests in `)
	rePercent  = regexp.MustCompile(`^\s*(50|99)(?:\.0+)?%\s+(\S+)$`)
	reSocket   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	reNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	reRate     = regexp.MustCompile(`^Requests/sec:\s+([0-9.]+)`)
)

// parseWrk reads wrk's report (with --latency). Requests/sec and the 50%
// and 99% lines of the latency distribution are required.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	var haveRate, have50, have99 bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := reRequests.FindStringSubmatch(line); m != nil {
			r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := rePercent.FindStringSubmatch(line); m != nil {
			d, err := parseWrkDuration(m[2])
			if err != nil {
				return r, err
			}
			if m[1] == "50" {
				r.P50, have50 = d, true
			} else {
				r.P99, have99 = d, true
			}
		}
		if m := reSocket.FindStringSubmatch(line); m != nil {
			for _, s := range m[1:] {
				n, _ := strconv.ParseInt(s, 10, 64)
				r.SocketErr += n
			}
		}
		if m := reNon2xx.FindStringSubmatch(line); m != nil {
			r.Non2xx3xx, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := reRate.FindStringSubmatch(line); m != nil {
			r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
			haveRate = true
		}
	}
	if !haveRate || !have50 || !have99 {
		return r, fmt.Errorf("cannot read wrk's report (Requests/sec, 50%% and 99%% latency): %q", out)
	}
	r.P50MS, r.P99MS = durationMS(r.P50), durationMS(r.P99)
	return r, nil
}

// parseWrkDuration reads wrk's latency units: 812.00us, 1.23ms, 2.00s, 1.50m.
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, fmt.Errorf("wrk latency %q: %w", s, err)
			}
			return time.Duration(v * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("wrk latency %q: unknown unit", s)
}

func durationMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
