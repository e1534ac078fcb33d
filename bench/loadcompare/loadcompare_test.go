package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A real wrk 4.1.0 report (--latency), with errors added.
const wrkOutput = `Running 10s test @ http://127.0.0.1:40001/api/v1/me
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.71ms    7.12ms 112.07ms   97.02%
    Req/Sec    14.12k     1.20k   16.01k    71.00%
  Latency Distribution
     50%    3.35ms
     75%    4.10ms
     90%    9.85ms
     99%   82.29ms
  140512 requests in 10.00s, 40.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  14051.20
Transfer/sec:      4.01MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkOutput)
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{Requests: 140512, ReqPerSec: 14051.20, P50: 3350 * time.Microsecond, P99: 82290 * time.Microsecond,
		P50MS: 3.35, P99MS: 82.29, Non2xx3xx: 7, SocketErr: 5}
	if r != want {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if r.Errors() != 12 {
		t.Errorf("errors %d, want 12", r.Errors())
	}
	clean := strings.NewReplacer("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "", "  Non-2xx or 3xx responses: 7\n", "").Replace(wrkOutput)
	if r, err := parseWrk(clean); err != nil || r.Errors() != 0 {
		t.Errorf("a clean run: %+v, %v", r, err)
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("a failed run parsed")
	}
}

func TestParseWrkDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"812.00us": 812 * time.Microsecond, "1.23ms": 1230 * time.Microsecond, "2.00s": 2 * time.Second, "1.50m": 90 * time.Second,
	} {
		if got, err := parseWrkDuration(in); err != nil || got != want {
			t.Errorf("%s: %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := parseWrkDuration("12 parsecs"); err == nil {
		t.Error("unknown unit accepted")
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{9, 1, 5}, 5}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %g, want %g", tt.in, got, tt.want)
		}
	}
}

// m is one run whose windows ran at rps in two of ten (the host left them
// alone) and at 60% of it in the rest: its quiet rate is rps.
func m(round int, server, pair string, c int, rps, p99, cpu float64, errs int64) measurement {
	windows := []float64{rps, rps}
	for range 8 {
		windows = append(windows, 0.6*rps)
	}
	return measurement{Round: round, Server: server, Pair: pair, Path: "/", Concurrency: c,
		wrkResult: wrkResult{ReqPerSec: rps, P99MS: p99, Non2xx3xx: errs, WrkCoreShare: rps / 50000}, CPUPerReqUS: cpu, PeakRSSKiB: int64(1000 * round),
		WindowReqPerSec: windows}
}

func TestSummarize(t *testing.T) {
	var runs []measurement
	// Three rounds; the middle values are the medians.
	for round, f := range []float64{1, 0.9, 1.2} {
		r := round + 1
		runs = append(runs,
			m(r, "org-app", pairRoot, 64, 21000*f, 10, 40, 0),
			m(r, "podinfo", pairRoot, 64, 10000*f, 12, 100, 0),
			m(r, "hello", pairRoot, 64, 25000*f, 9, 32, 0),
			m(r, "org-app", pairAuth, 64, 15000*f, 20, 50, 0),
			m(r, "podinfo", pairAuth, 64, 8000*f, 15, 120, 1),
			// c=16: org-app 2.3x podinfo and 85% of the ceiling, but a higher p99.
			m(r, "org-app", pairRoot, 16, 23000*f, 3, 38, 0),
			m(r, "podinfo", pairRoot, 16, 10000*f, 2, 100, 0),
			m(r, "hello", pairRoot, 16, 27000*f, 1, 30, 0),
			m(r, "org-app", pairAuth, 16, 23000*f, 1, 38, 0),
			m(r, "podinfo", pairAuth, 16, 10000*f, 2, 100, 0),
		)
	}
	res := summarize(runs, []int{16, 64})
	if len(res.Cells) != 10 || res.Cells[0].Server != "org-app" || res.Cells[0].Concurrency != 16 || res.Cells[8].Pair != pairAuth {
		t.Fatalf("cells %+v", res.Cells)
	}
	if c := res.Cells[3]; c.Concurrency != 64 || c.ReqPerSec != 21000 || c.PeakRSSKiB != 3000 || c.CPUPerReqUS != 40 || c.WrkShare != 0.42 ||
		c.QuietReqPerSec != 21000 || c.Windows != 30 {
		t.Errorf("org-app GET / c=64: %+v", c)
	}
	if len(res.Ratios) != 4 {
		t.Fatalf("ratios %+v", res.Ratios)
	}
	root, auth := res.Ratios[1], res.Ratios[3]
	if root.OrgAppOverPodinfo != 2.1 || root.OrgAppOverCeiling != 0.84 || root.CPUPodinfoOverOrgApp != 2.5 || root.CPUCeilingOverOrgApp != 0.8 ||
		root.QuietOrgAppOverPodinfo != 2.1 || root.QuietOrgAppOverCeiling != 0.84 {
		t.Errorf("GET / ratios %+v", root)
	}
	if auth.OrgAppOverPodinfo != 1.875 || auth.OrgAppOverCeiling != 0.6 {
		t.Errorf("token check ratios %+v", auth)
	}
	got := map[string]bool{}
	for _, tg := range res.Targets {
		got[tg.Name] = tg.Met
	}
	want := map[string]bool{
		"GET /, c=16: org-app >= 2.2x podinfo req/s":             true,
		"GET /, c=16: org-app p99 <= podinfo p99":                false,
		"GET /, c=16: org-app >= 80% of the hello-world ceiling": true,
		"token check, c=16: org-app >= 2.2x podinfo req/s":       true,
		"token check, c=16: org-app p99 <= podinfo p99":          true,
		"GET /, c=64: org-app >= 2.2x podinfo req/s":             false,
		"GET /, c=64: org-app p99 <= podinfo p99":                true,
		"GET /, c=64: org-app >= 80% of the hello-world ceiling": true,
		"token check, c=64: org-app >= 2.2x podinfo req/s":       false,
		"token check, c=64: org-app p99 <= podinfo p99":          false,
		"zero errors in every run":                               false,
	}
	if len(res.Targets) != len(want) {
		t.Errorf("%d targets, want %d: %+v", len(res.Targets), len(want), res.Targets)
	}
	for name, met := range want {
		if v, ok := got[name]; !ok || v != met {
			t.Errorf("target %q: met %v (present %v), want %v", name, v, ok, met)
		}
	}
	var b strings.Builder
	printTable(&b, res)
	for _, s := range []string{"org-app/podinfo", "2.10x", "0.84x", "WRK CORE", "42%", "NOT MET  token check, c=64: org-app >= 2.2x podinfo req/s: 1.88x quiet (medians 1.88x)",
		"met      GET /, c=64: org-app >= 80% of the hello-world ceiling: 84.0% quiet (medians 84.0%)", "QUIET REQ/S"} {
		if !strings.Contains(strings.ToLower(b.String()), strings.ToLower(s)) {
			t.Errorf("table lacks %q:\n%s", s, b.String())
		}
	}
}

// A burst of other work on the host that lands on org-app's runs lowers
// its medians, not its quiet rate: the req/s targets follow the quiet rate
// and still show the medians.
func TestQuietRatesJudgeTheTargets(t *testing.T) {
	var runs []measurement
	for r := 1; r <= 3; r++ {
		org := m(r, "org-app", pairRoot, 16, 46000, 1, 20, 0)
		org.ReqPerSec = 36000 // most of each run under the burst
		org.WindowReqPerSec = []float64{46000, 46000, 30000, 30000, 30000, 30000, 30000, 30000, 30000, 30000}
		runs = append(runs, org, m(r, "podinfo", pairRoot, 16, 20000, 2, 45, 0), m(r, "hello", pairRoot, 16, 55000, 1, 17, 0))
	}
	res := summarize(runs, []int{16})
	if len(res.Ratios) != 1 {
		t.Fatalf("ratios %+v", res.Ratios)
	}
	if r := res.Ratios[0]; r.OrgAppOverPodinfo != 1.8 || r.QuietOrgAppOverPodinfo != 2.3 {
		t.Errorf("ratios %+v: want 1.8x by medians, 2.3x quiet", r)
	}
	for _, tg := range res.Targets {
		if tg.Name == "GET /, c=16: org-app >= 2.2x podinfo req/s" {
			if !tg.Met || tg.Got != "2.30x quiet (medians 1.80x)" {
				t.Errorf("target %+v", tg)
			}
			return
		}
	}
	t.Error("no GET / c=16 target")
}

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, tt := range []struct{ p, want float64 }{{0.9, 9}, {0.5, 5}, {1, 10}, {0.01, 1}} {
		if got := percentile(xs, tt.p); got != tt.want {
			t.Errorf("percentile(%g) = %g, want %g", tt.p, got, tt.want)
		}
	}
	if percentile(nil, 0.9) != 0 {
		t.Error("percentile of nothing")
	}
	if xs[0] != 5 {
		t.Error("percentile sorted its input")
	}
}

func TestParseSyscw(t *testing.T) {
	io := []byte("rchar: 1943\nwchar: 412\nsyscr: 90828\nsyscw: 45867\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n")
	if n, err := parseSyscw(io); err != nil || n != 45867 {
		t.Errorf("got %d, %v", n, err)
	}
	if _, err := parseSyscw([]byte("rchar: 1\n")); err == nil {
		t.Error("no syscw accepted")
	}
	if _, err := parseSyscw([]byte("syscw: many\n")); err == nil {
		t.Error("bad syscw accepted")
	}
}

func TestCheckWrites(t *testing.T) {
	if err := checkWrites("org-app", 129068, 129052); err != nil {
		t.Errorf("one write per response refused: %v", err)
	}
	for _, tt := range []struct{ writes, responses int64 }{{258104, 129052}, {100000, 129052}, {10, 0}} {
		err := checkWrites("podinfo", tt.writes, tt.responses)
		if err == nil || !strings.Contains(err.Error(), "podinfo") {
			t.Errorf("%d writes for %d responses: %v", tt.writes, tt.responses, err)
		}
	}
}

// The sampler reports one rate per whole window, from the write counts and
// the clock at each tick, and the count over the whole run.
func TestWindowSampler(t *testing.T) {
	counts := []int64{1000, 1500, 2500, 2600} // the reads in order; the last one after ctx ends
	clock := time.Unix(0, 0)
	reads := 0
	ctx, cancel := context.WithCancel(context.Background())
	s := windowSampler{pid: 1, window: time.Millisecond,
		read: func(int) (int64, error) {
			n := counts[reads]
			reads++
			if reads == len(counts)-1 {
				cancel() // after the third read, the run ends
			}
			return n, nil
		},
		now: func() time.Time { clock = clock.Add(100 * time.Millisecond); return clock },
	}
	rates, total, err := s.sample(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1600 || len(rates) != 2 || rates[0] != 5000 || rates[1] != 10000 {
		t.Errorf("rates %v, total %d; want [5000 10000], 1600", rates, total)
	}

	failing := windowSampler{pid: 1, window: time.Millisecond, now: time.Now,
		read: func(int) (int64, error) { return 0, errors.New("no such process") }}
	if _, _, err := failing.sample(context.Background()); err == nil {
		t.Error("a failed read was not reported")
	}
}

func TestValidateWindow(t *testing.T) {
	for _, w := range []time.Duration{50 * time.Millisecond, 2 * time.Second, 6 * time.Second} {
		o := options{podinfo: "podinfo", hello: "hello", duration: 10 * time.Second, warmup: 2 * time.Second, rounds: 3, window: w}
		if err := o.validate("16"); err == nil || !strings.Contains(err.Error(), "-window") {
			t.Errorf("-window %s: %v", w, err)
		}
	}
}
