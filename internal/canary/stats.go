package canary

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FlowStats are one flow's results in a run.
type FlowStats struct {
	Name   string
	Count  int // checks with an outcome (passed or failed)
	OK     int
	Errors map[Kind]int
	// Example holds the first error message of each kind, for diagnosis.
	Example map[Kind]string
	// Latencies of the passed checks, measured from each check's intended
	// send time. Sorted by Finish.
	Latencies []time.Duration
}

func newFlowStats(name string) *FlowStats {
	return &FlowStats{Name: name, Errors: map[Kind]int{}, Example: map[Kind]string{}}
}

// Add records one check's outcome; d is ignored for failures.
func (s *FlowStats) Add(err error, d time.Duration) {
	s.Count++
	k := KindOf(err)
	if k == KindOK {
		s.OK++
		s.Latencies = append(s.Latencies, d)
		return
	}
	s.Errors[k]++
	if _, ok := s.Example[k]; !ok {
		msg := err.Error()
		if ce := (*CheckError)(nil); errors.As(err, &ce) {
			msg = ce.Err.Error() // the kind is said beside it
		}
		s.Example[k] = msg
	}
}

// Merge adds other's results to s.
func (s *FlowStats) Merge(other *FlowStats) {
	s.Count += other.Count
	s.OK += other.OK
	for k, n := range other.Errors {
		s.Errors[k] += n
	}
	for k, e := range other.Example {
		if _, ok := s.Example[k]; !ok {
			s.Example[k] = e
		}
	}
	s.Latencies = append(s.Latencies, other.Latencies...)
}

// Finish sorts the latencies; call it before Percentile.
func (s *FlowStats) Finish() { slices.Sort(s.Latencies) }

// Percentile is the p-th percentile of the passed checks' latencies by the
// nearest-rank method, or -1 when none passed.
func (s *FlowStats) Percentile(p Percent) time.Duration { return Percentile(s.Latencies, p) }

// Success is the share of checks that passed; 0 when there were none.
func (s *FlowStats) Success() Percent { return Share(s.OK, s.Count) }

// Percent is a share in thousandths of a percent: 99.9 % is Percent(99900).
// The SLO arithmetic on it (ranks, verdicts) is exact integer arithmetic;
// floating point appears only where a value is printed.
type Percent int64

// PercentUnit is one percent; 100 * PercentUnit is the whole.
const PercentUnit Percent = 1000

const whole = 100 * PercentUnit

// ParsePercent converts a percentage written as a decimal number (a flag's
// 99.9) with at most three decimals, above 0 and at most 100.
func ParsePercent(f float64) (Percent, error) {
	scaled := f * float64(PercentUnit)
	p := Percent(math.Round(scaled))
	if math.IsNaN(f) || p <= 0 || p > whole || math.Abs(scaled-float64(p)) > 1e-6 {
		return 0, fmt.Errorf("must be a percentage above 0 and at most 100 with at most three decimals, got %g", f)
	}
	return p, nil
}

// Share is ok / count as a Percent, rounded down, so a measured 99.8999 %
// is 99.899 % and never the 99.9 % it missed; 0 when count is 0.
func Share(ok, count int) Percent {
	if count <= 0 {
		return 0
	}
	return Percent(int64(ok) * int64(whole) / int64(count))
}

// Float is p in percent, for reports.
func (p Percent) Float() float64 { return float64(p) / float64(PercentUnit) }

// String prints p in percent with up to three decimals: "99.9", "100".
func (p Percent) String() string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	s := sign + strconv.FormatInt(int64(p/PercentUnit), 10)
	if frac := int64(p % PercentUnit); frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%03d", frac), "0")
	}
	return s
}

// Percentile returns the p-th percentile (0 < p <= 100 %) of sorted by the
// nearest-rank method: the smallest value with at least p of the values at
// or below it, rank ⌈p × n⌉, computed in integers. It is exact (no
// interpolation, no histogram buckets) and always one of the samples. It
// returns -1 for no samples.
func Percentile(sorted []time.Duration, p Percent) time.Duration {
	n := int64(len(sorted))
	if n == 0 {
		return -1
	}
	rank := (int64(p)*n + int64(whole) - 1) / int64(whole) // ⌈p·n / 100 %⌉
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// SLO is what a run must achieve, per flow and overall.
type SLO struct {
	SuccessPercent Percent       // e.g. 99.9 %: at least this share of checks pass
	P99            time.Duration // the passed checks' p99 latency is at most this
}

// Evaluate returns the reasons s breaks the SLO; none means it holds.
func (o SLO) Evaluate(s *FlowStats) []string {
	if s.Count == 0 {
		return []string{s.Name + ": no checks completed"}
	}
	var reasons []string
	// ok/count >= slo, compared in integers: ok × 100 % >= slo × count.
	if int64(s.OK)*int64(whole) < int64(o.SuccessPercent)*int64(s.Count) {
		reasons = append(reasons, fmt.Sprintf("%s: success %s%% < %s%%", s.Name, s.Success(), o.SuccessPercent))
	}
	if p99 := s.Percentile(99 * PercentUnit); p99 > o.P99 {
		reasons = append(reasons, fmt.Sprintf("%s: p99 %s > %s", s.Name, formatLatency(p99), formatLatency(o.P99)))
	}
	return reasons
}
