// Command loadcompare is the load comparison behind `make bench-load`
// (bench/load.sh): org-app against podinfo (the reference Go service) and a
// bare net/http hello-world (the ceiling), one server at a time on
// loopback, the server pinned to one core and wrk to another, on matched
// endpoints, in interleaved rounds (A B C A B C …), reporting medians and
// the rate each server reaches in the windows the host left alone (see
// window.go).
//
//	go run ./bench/loadcompare -org-app bin/org-app -podinfo PATH -hello PATH
//
// It prints a table and writes JSON (-json). It measures; it asserts
// nothing: the targets are printed beside the results.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
)

// The endpoint pairs: the same kind of request on each server.
const (
	pairRoot = "GET /"       // org-app GET /, podinfo GET /, hello GET /
	pairAuth = "token check" // org-app GET /api/v1/me, podinfo GET /token/validate
)

type options struct {
	orgApp, podinfo, hello, wrk string
	serverCPU, loadCPU          string
	duration, warmup            time.Duration
	rounds                      int
	window                      time.Duration
	concurrency                 []int
	jsonPath                    string
}

func main() {
	var o options
	var conc string
	flag.StringVar(&o.orgApp, "org-app", "bin/org-app", "org-app binary")
	flag.StringVar(&o.podinfo, "podinfo", "", "podinfo binary (scripts/tools.sh builds the pinned version); required")
	flag.StringVar(&o.hello, "hello", "", "hello-world binary (go build ./bench/hello); required")
	flag.StringVar(&o.wrk, "wrk", "wrk", "wrk binary")
	flag.StringVar(&o.serverCPU, "server-cpu", "0", "CPU the server is pinned to (taskset -c); empty: unpinned")
	flag.StringVar(&o.loadCPU, "load-cpu", "1", "CPU wrk is pinned to (taskset -c); empty: unpinned")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of each run (whole seconds, 1s-45s)")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured wrk run before each measured one (0-10s)")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds of interleaved runs; medians are over rounds (1-15)")
	flag.DurationVar(&o.window, "window", 500*time.Millisecond, "length of the windows each measured run is sampled in (100ms-5s, at most a tenth of -duration)")
	flag.StringVar(&conc, "concurrency", "16,64", "comma-separated wrk connection counts (1-1024)")
	flag.StringVar(&o.jsonPath, "json", "", "write the results as JSON to this file")
	flag.Parse()
	if err := o.validate(conc); err != nil {
		fmt.Fprintln(os.Stderr, "loadcompare:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadcompare:", err)
		os.Exit(1)
	}
}

func (o *options) validate(conc string) error {
	for _, c := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 || n > 1024 {
			return fmt.Errorf("-concurrency: %q is not a number between 1 and 1024", c)
		}
		o.concurrency = append(o.concurrency, n)
	}
	switch {
	case o.podinfo == "" || o.hello == "":
		return errors.New("-podinfo and -hello are required")
	case o.duration < time.Second || o.duration > 45*time.Second || o.duration%time.Second != 0:
		// podinfo's tokens live one minute: a run must end well before.
		return fmt.Errorf("-duration must be whole seconds between 1s and 45s, got %s", o.duration)
	case o.warmup < 0 || o.warmup > 10*time.Second:
		return fmt.Errorf("-warmup must be between 0 and 10s, got %s", o.warmup)
	case o.rounds < 1 || o.rounds > 15:
		return fmt.Errorf("-rounds must be between 1 and 15, got %d", o.rounds)
	case o.window < 100*time.Millisecond || o.window > 5*time.Second || o.window > o.duration/10:
		return fmt.Errorf("-window must be between 100ms and 5s and at most a tenth of -duration (%s), got %s", o.duration, o.window)
	}
	for _, bin := range []string{o.orgApp, o.podinfo, o.hello} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("binary: %w", err)
		}
	}
	if _, err := exec.LookPath(o.wrk); err != nil {
		return fmt.Errorf("wrk: %w (apt-get install -y wrk)", err)
	}
	if o.serverCPU != "" || o.loadCPU != "" {
		if _, err := exec.LookPath("taskset"); err != nil {
			return fmt.Errorf("taskset: %w (util-linux), or pass -server-cpu= -load-cpu= to run unpinned", err)
		}
	}
	return nil
}

// measurement is one run: one server, one endpoint, one concurrency.
type measurement struct {
	Round       int    `json:"round"`
	Server      string `json:"server"`
	Pair        string `json:"pair"`
	Path        string `json:"path"`
	Concurrency int    `json:"concurrency"`
	wrkResult
	PeakRSSKiB int64 `json:"peak_rss_kib"`
	// CPUPerReqUS is the server's CPU time (user + system) per request
	// during the measured run, in µs: its cost, whatever share of the core
	// it got. CoreShare is that CPU time over the run's wall time: below 1,
	// something else ran on the server's core.
	CPUPerReqUS float64 `json:"cpu_per_request_us"`
	CoreShare   float64 `json:"core_share"`
	// WindowReqPerSec is the server's rate in each whole window of the run
	// (responses counted by its write system calls, checked against wrk's
	// count): see window.go.
	WindowReqPerSec []float64 `json:"window_req_per_sec"`
}

func run(ctx context.Context, o options) error {
	secretBytes := make([]byte, 32)
	if _, err := rand.Read(secretBytes); err != nil {
		return err
	}
	secret := hex.EncodeToString(secretBytes)
	// The same minting code as `org-app token` and the canary.
	token, err := auth.Mint([]byte(secret), auth.MintOptions{Subject: "bench", Groups: []string{"cp_users"}, TTL: 12 * time.Hour})
	if err != nil {
		return err
	}
	servers := specs(secret, token)
	bins := map[string]string{"org-app": o.orgApp, "podinfo": o.podinfo, "hello": o.hello}

	machine := describeMachine(o)
	runs := o.rounds * len(o.concurrency) * 5
	fmt.Fprintf(os.Stderr, "loadcompare: %d runs of %s (+%s warm-up): %d rounds × concurrency %v × {org-app, podinfo, hello} GET / and {org-app, podinfo} token check; server on CPU %q, wrk on CPU %q\n",
		runs, o.duration, o.warmup, o.rounds, o.concurrency, o.serverCPU, o.loadCPU)
	var all []measurement
	n := 0
	for round := 1; round <= o.rounds; round++ {
		for _, c := range o.concurrency {
			for _, pair := range []string{pairRoot, pairAuth} {
				for _, spec := range servers {
					ep, ok := spec.endpoints[pair]
					if !ok {
						continue
					}
					n++
					m, err := measure(ctx, o, spec, bins[spec.name], ep, c)
					if err != nil {
						return fmt.Errorf("round %d, %s %s, concurrency %d: %w", round, spec.name, ep.path, c, err)
					}
					m.Round, m.Pair = round, pair
					fmt.Fprintf(os.Stderr, "  [%2d/%d] round %d  c=%-4d %-8s %-16s %7.0f req/s (quiet %7.0f)  p50 %6.2fms  p99 %7.2fms  errors %d  RSS %.1f MiB  CPU/req %5.1fµs  core %3.0f%%  wrk core %3.0f%%\n",
						n, runs, round, c, spec.name, ep.path, m.ReqPerSec, percentile(m.WindowReqPerSec, quietPercentile), m.P50MS, m.P99MS, m.Errors(), float64(m.PeakRSSKiB)/1024, m.CPUPerReqUS, 100*m.CoreShare, 100*m.WrkCoreShare)
					all = append(all, m)
				}
			}
		}
	}
	machine.LoadAvgEnd = loadAvg()
	res := summarize(all, o.concurrency)
	res.Machine = machine
	res.Method = method{Rounds: o.rounds, DurationS: o.duration.Seconds(), WarmupS: o.warmup.Seconds(), WindowS: o.window.Seconds(),
		QuietPercentile: quietPercentile, Concurrency: o.concurrency,
		ServerCPU: o.serverCPU, LoadCPU: o.loadCPU, Tool: "wrk -t1 -cN -dD --latency (closed loop, keep-alive)"}
	res.Runs = all
	printTable(os.Stdout, res)
	if o.jsonPath != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonPath, append(b, '\n'), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(os.Stdout, "\nJSON: %s\n", o.jsonPath)
	}
	return nil
}

// measure starts a fresh server, warms it up, runs wrk and reads its peak RSS.
func measure(ctx context.Context, o options, spec *serverSpec, bin string, ep endpoint, c int) (measurement, error) {
	s, err := start(ctx, spec, bin, o.serverCPU)
	if err != nil {
		return measurement{}, err
	}
	defer s.stop()
	headers, err := ep.headers(ctx, s.base)
	if err != nil {
		return measurement{}, err
	}
	url := s.base + ep.path
	if err := probe(ctx, url, headers); err != nil {
		return measurement{}, err
	}
	w := wrkRun{wrk: o.wrk, cpu: o.loadCPU, connections: c, url: url, headers: headers}
	if o.warmup > 0 {
		w.duration = o.warmup
		if _, err := w.run(ctx); err != nil {
			return measurement{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	w.duration = o.duration
	cpu0, err := s.cpuTime()
	if err != nil {
		return measurement{}, fmt.Errorf("CPU time: %w", err)
	}
	sampleCtx, stopSampling := context.WithCancel(ctx)
	type sampled struct {
		rates  []float64
		writes int64
		err    error
	}
	samples := make(chan sampled, 1)
	sampler := windowSampler{pid: s.cmd.Process.Pid, window: o.window, read: writes, now: time.Now}
	go func() {
		rates, n, err := sampler.sample(sampleCtx)
		samples <- sampled{rates, n, err}
	}()
	began := time.Now()
	r, err := w.run(ctx)
	wall := time.Since(began)
	stopSampling()
	sm := <-samples
	if err != nil {
		return measurement{}, err
	}
	if sm.err != nil {
		return measurement{}, fmt.Errorf("write count: %w", sm.err)
	}
	if err := checkWrites(spec.name, sm.writes, r.Requests); err != nil {
		return measurement{}, err
	}
	cpu1, err := s.cpuTime()
	if err != nil {
		return measurement{}, fmt.Errorf("CPU time: %w", err)
	}
	rss, err := s.peakRSSKiB()
	if err != nil {
		return measurement{}, fmt.Errorf("peak RSS: %w", err)
	}
	m := measurement{Server: spec.name, Path: ep.path, Concurrency: c, wrkResult: r, PeakRSSKiB: rss, WindowReqPerSec: sm.rates}
	if r.Requests > 0 {
		m.CPUPerReqUS = float64((cpu1 - cpu0).Microseconds()) / float64(r.Requests)
	}
	m.CoreShare = (cpu1 - cpu0).Seconds() / wall.Seconds()
	return m, nil
}

type machineInfo struct {
	CPU          string `json:"cpu"`
	CPUs         int    `json:"cpus"`
	Kernel       string `json:"kernel"`
	Go           string `json:"go"`
	Wrk          string `json:"wrk"`
	Podinfo      string `json:"podinfo"`
	LoadAvgStart string `json:"loadavg_start"`
	LoadAvgEnd   string `json:"loadavg_end"`
	Date         string `json:"date"`
}

func describeMachine(o options) machineInfo {
	m := machineInfo{CPUs: runtime.NumCPU(), Go: runtime.Version(), LoadAvgStart: loadAvg(), Date: time.Now().UTC().Format(time.RFC3339)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				m.CPU = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, _ := exec.CommandContext(ctx, o.wrk, "-v").CombinedOutput(); len(out) > 0 { //nolint:gosec // the harness's own wrk
		m.Wrk = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	if out, err := exec.CommandContext(ctx, o.podinfo, "--version").Output(); err == nil { //nolint:gosec // the harness's own podinfo
		m.Podinfo = strings.TrimSpace(string(out))
	}
	return m
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
