// Package promtest reads Prometheus metrics in tests.
//
// Gather reads a registry's current values in process, for assertions on
// single series. Tests that prove a /metrics endpoint serves what it should
// use client_golang's testutil.ScrapeAndCompare, which fetches the page and
// parses it with the real exposition-format parser. Neither needs the
// prometheus/common or client_model modules directly.
package promtest

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// Families are the series a Gatherer returned, flattened.
type Families struct {
	series []series
}

type series struct {
	family string
	labels map[string]string
	value  float64
}

// Gather collects g's metrics now.
func Gather(t testing.TB, g prometheus.Gatherer) Families {
	t.Helper()
	fams, err := g.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	var out Families
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			s := series{family: f.GetName(), labels: map[string]string{}}
			for _, lp := range m.GetLabel() {
				s.labels[lp.GetName()] = lp.GetValue()
			}
			switch {
			case m.Counter != nil:
				s.value = m.GetCounter().GetValue()
			case m.Gauge != nil:
				s.value = m.GetGauge().GetValue()
			case m.Histogram != nil:
				s.value = float64(m.GetHistogram().GetSampleCount())
			case m.Untyped != nil:
				s.value = m.GetUntyped().GetValue()
			default:
				continue
			}
			out.series = append(out.series, s)
		}
	}
	return out
}

// Has reports whether family name has any series.
func (f Families) Has(name string) bool {
	for _, s := range f.series {
		if s.family == name {
			return true
		}
	}
	return false
}

// Value returns a counter, gauge or untyped value, or a histogram's sample
// count, of the first series of family name whose labels include all of
// labels; ok is false when there is none.
func (f Families) Value(name string, labels map[string]string) (value float64, ok bool) {
	for _, s := range f.series {
		if s.family == name && matches(s.labels, labels) {
			return s.value, true
		}
	}
	return 0, false
}

// LabelValues lists the values label takes across family name.
func (f Families) LabelValues(name, label string) []string {
	var out []string
	for _, s := range f.series {
		if v, ok := s.labels[label]; ok && s.family == name {
			out = append(out, v)
		}
	}
	return out
}

func matches(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
