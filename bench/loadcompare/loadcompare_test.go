package main

import (
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

func m(round int, server, pair string, c int, rps, p99, cpu float64, errs int64) measurement {
	return measurement{Round: round, Server: server, Pair: pair, Path: "/", Concurrency: c,
		wrkResult: wrkResult{ReqPerSec: rps, P99MS: p99, Non2xx3xx: errs, WrkCoreShare: rps / 50000}, CPUPerReqUS: cpu, PeakRSSKiB: int64(1000 * round)}
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
	if c := res.Cells[3]; c.Concurrency != 64 || c.ReqPerSec != 21000 || c.PeakRSSKiB != 3000 || c.CPUPerReqUS != 40 || c.WrkShare != 0.42 {
		t.Errorf("org-app GET / c=64: %+v", c)
	}
	if len(res.Ratios) != 4 {
		t.Fatalf("ratios %+v", res.Ratios)
	}
	root, auth := res.Ratios[1], res.Ratios[3]
	if root.OrgAppOverPodinfo != 2.1 || root.OrgAppOverCeiling != 0.84 || root.CPUPodinfoOverOrgApp != 2.5 || root.CPUCeilingOverOrgApp != 0.8 {
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
	for _, s := range []string{"org-app/podinfo", "2.10x", "0.84x", "WRK CORE", "42%", "NOT MET  token check, c=64: org-app >= 2.2x podinfo req/s: 1.88x",
		"met      GET /, c=64: org-app >= 80% of the hello-world ceiling: 84.0%"} {
		if !strings.Contains(strings.ToLower(b.String()), strings.ToLower(s)) {
			t.Errorf("table lacks %q:\n%s", s, b.String())
		}
	}
}
