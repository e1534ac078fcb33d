package canary

import (
	"errors"
	"fmt"
	"math"
	"slices"
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

// Percentile is the p-th percentile (0 < p <= 100) of the passed checks'
// latencies by the nearest-rank method, or -1 when none passed.
func (s *FlowStats) Percentile(p float64) time.Duration { return Percentile(s.Latencies, p) }

// SuccessPercent is the share of checks that passed, in percent; 0 when
// there were none.
func (s *FlowStats) SuccessPercent() float64 { return SuccessPercent(s.OK, s.Count) }

// Percentile returns the p-th percentile of sorted by the nearest-rank
// method: the smallest value with at least p% of the values at or below it
// (rank ⌈p/100 × n⌉). It is exact (no interpolation, no histogram buckets)
// and always one of the samples. It returns -1 for no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return -1
	}
	// The relative tolerance keeps e.g. 99.9% of 1000 at rank 999 despite
	// floating point (99.9 × 1000 / 100 = 999.0000000000001).
	x := p * float64(n) / 100
	rank := int(math.Ceil(x - x*1e-12))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// SuccessPercent is 100 × ok / count, or 0 when count is 0.
func SuccessPercent(ok, count int) float64 {
	if count == 0 {
		return 0
	}
	return 100 * float64(ok) / float64(count)
}

// SLO is what a run must achieve, per flow and overall.
type SLO struct {
	SuccessPercent float64       // e.g. 99.9: at least this share of checks pass
	P99            time.Duration // the passed checks' p99 latency is at most this
}

// Evaluate returns the reasons s breaks the SLO; none means it holds.
func (o SLO) Evaluate(s *FlowStats) []string {
	if s.Count == 0 {
		return []string{s.Name + ": no checks completed"}
	}
	var reasons []string
	// Compare counts, not rounded percentages: ok/count >= slo/100.
	if float64(s.OK)*100 < o.SuccessPercent*float64(s.Count)-1e-9 {
		reasons = append(reasons, fmt.Sprintf("%s: success %s%% < %s%%", s.Name, formatPercent(s.SuccessPercent()), formatPercent(o.SuccessPercent)))
	}
	if p99 := s.Percentile(99); p99 > o.P99 {
		reasons = append(reasons, fmt.Sprintf("%s: p99 %s > %s", s.Name, formatLatency(p99), formatLatency(o.P99)))
	}
	return reasons
}
