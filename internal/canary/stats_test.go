package canary

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func millis(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Millisecond
	}
	return out
}

func seq(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	t.Parallel()
	pct := func(whole, thousandths int) Percent { return Percent(whole)*PercentUnit + Percent(thousandths) }
	tests := []struct {
		name   string
		sorted []time.Duration
		p      Percent
		want   time.Duration
	}{
		{"empty", nil, pct(99, 0), -1},
		{"one sample", millis(7), pct(50, 0), 7 * time.Millisecond},
		{"one sample p99", millis(7), pct(99, 0), 7 * time.Millisecond},
		{"1..100 p50", seq(100), pct(50, 0), 50 * time.Millisecond},
		{"1..100 p99", seq(100), pct(99, 0), 99 * time.Millisecond},
		{"1..100 p100", seq(100), pct(100, 0), 100 * time.Millisecond},
		{"1..100 p1", seq(100), pct(1, 0), 1 * time.Millisecond},
		{"1..1000 p99", seq(1000), pct(99, 0), 990 * time.Millisecond},
		// 99.9 % × 1000 is exactly rank 999 in integers (in floating point
		// it is 999.0000000000001, which rounds up to 1000).
		{"1..1000 p99.9", seq(1000), pct(99, 900), 999 * time.Millisecond},
		{"1..10 p99 is the maximum", seq(10), pct(99, 0), 10 * time.Millisecond},
		{"1..10 p50", seq(10), pct(50, 0), 5 * time.Millisecond},
		{"1..10 p51 rounds up", seq(10), pct(51, 0), 6 * time.Millisecond},
		{"1..200 p99", seq(200), pct(99, 0), 198 * time.Millisecond},
		{"1..100000 p99.999", seq(100000), pct(99, 999), 99999 * time.Millisecond},
		{"repeated values", millis(1, 1, 1, 9), pct(75, 0), 1 * time.Millisecond},
		{"repeated values p76", millis(1, 1, 1, 9), pct(76, 0), 9 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: Percentile(p%s) = %s, want %s", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestPercentArithmetic(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ok, count int
		want      Percent
		text      string
	}{{0, 0, 0, "0"}, {0, 10, 0, "0"}, {10, 10, 100000, "100"}, {999, 1000, 99900, "99.9"},
		{1, 3, 33333, "33.333"}, {998999, 1000000, 99899, "99.899"}, {149, 150, 99333, "99.333"}} {
		got := Share(tt.ok, tt.count)
		if got != tt.want || got.String() != tt.text {
			t.Errorf("Share(%d, %d) = %d (%s), want %d (%s)", tt.ok, tt.count, got, got, tt.want, tt.text)
		}
	}
	for in, want := range map[float64]Percent{99.9: 99900, 100: 100000, 0.001: 1, 99.99: 99990, 50: 50000} {
		if got, err := ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%g) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []float64{0, -1, 100.001, 99.9999, math.NaN(), math.Inf(1)} {
		if _, err := ParsePercent(bad); err == nil {
			t.Errorf("ParsePercent(%g) accepted", bad)
		}
	}
}

func statsOf(name string, ok, failed int, latencies []time.Duration) *FlowStats {
	s := newFlowStats(name)
	for i := range ok {
		d := time.Millisecond
		if i < len(latencies) {
			d = latencies[i]
		}
		s.Add(nil, d)
	}
	for range failed {
		s.Add(&CheckError{KindStatus, errors.New("answered 500")}, time.Hour)
	}
	s.Finish()
	return s
}

func TestSLOEvaluate(t *testing.T) {
	t.Parallel()
	slo := SLO{SuccessPercent: 99900, P99: 300 * time.Millisecond}
	tests := []struct {
		name  string
		stats *FlowStats
		want  string // "" = holds
	}{
		{"all pass", statsOf("a", 100, 0, nil), ""},
		{"exactly at the success objective", statsOf("a", 999, 1, nil), ""},
		{"just below it", statsOf("a", 998, 2, nil), "a: success 99.8% < 99.9%"},
		{"one failure in 150", statsOf("a", 149, 1, nil), "a: success 99.333% < 99.9%"},
		{"p99 exactly at the objective", statsOf("a", 100, 0, append(seq(99), 300*time.Millisecond)), ""},
		{"p99 above it", statsOf("a", 100, 0, append(seq(98), 301*time.Millisecond, 400*time.Millisecond)), "a: p99 301.00ms > 300.00ms"},
		{"the slowest 1% is allowed", statsOf("a", 100, 0, append(seq(99), time.Hour)), ""},
		{"failures' durations do not count", statsOf("a", 1000, 1, nil), ""},
		{"nothing ran", statsOf("a", 0, 0, nil), "a: no checks completed"},
		{"nothing passed", statsOf("a", 0, 5, nil), "a: success 0% < 99.9%"},
	}
	for _, tt := range tests {
		got := strings.Join(slo.Evaluate(tt.stats), "; ")
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReportText(t *testing.T) {
	t.Parallel()
	res := &RunResult{Planned: 1101, Elapsed: 2 * time.Second, Flows: []*FlowStats{
		statsOf("root", 100, 0, seq(100)),
		statsOf("me", 999, 2, nil),
	}}
	res.Flows[1].Add(&CheckError{KindTimeout, errors.New("deadline exceeded")}, 0)
	opts := RunOptions{Target: &Target{API: "http://127.0.0.1:8080"}, Rate: 550.5, Concurrency: 4}
	var b strings.Builder
	r := NewReport(res, opts, SLO{SuccessPercent: 99900, P99: 300 * time.Millisecond}, time.Now())
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `canary: 1102 of 1101 planned checks against http://127.0.0.1:8080 in 2.0s (rate 550.5/s, concurrency 4)
FLOW  COUNT    OK  ERRORS                  P50      P99  VERDICT
root    100   100  -                   50.00ms  99.00ms  PASS
me     1002   999  timeout=1,status=2   1.00ms   1.00ms  FAIL
all    1102  1099  timeout=1,status=2   1.00ms  90.00ms  FAIL
  me timeout: deadline exceeded
  me status: answered 500
SLO: FAIL (me: success 99.7% < 99.9%; all: success 99.727% < 99.9%)
`
	// all: 1000 samples of 1ms, then 2..100ms; rank ⌈0.99 × 1099⌉ = 1089 is 90ms.
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if r.Pass || r.Flows[0].Pass != true || r.Flows[1].Pass {
		t.Errorf("verdicts: overall %v, root %v, me %v", r.Pass, r.Flows[0].Pass, r.Flows[1].Pass)
	}
}
