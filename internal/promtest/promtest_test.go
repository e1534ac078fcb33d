package promtest

import (
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestGather(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "c_total", Help: "c"}, []string{"route", "code"})
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "g", Help: "g"})
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "h_seconds", Help: "h"})
	reg.MustRegister(c, g, h)
	c.WithLabelValues("/", "200").Add(3)
	c.WithLabelValues("/x", "404").Inc()
	g.Set(7)
	h.Observe(0.1)
	h.Observe(0.2)

	f := Gather(t, reg)
	for _, tt := range []struct {
		name   string
		labels map[string]string
		want   float64
		ok     bool
	}{
		{"c_total", map[string]string{"route": "/", "code": "200"}, 3, true},
		{"c_total", map[string]string{"code": "404"}, 1, true},
		{"c_total", map[string]string{"code": "500"}, 0, false},
		{"g", nil, 7, true},
		{"h_seconds", nil, 2, true},
		{"absent", nil, 0, false},
	} {
		if got, ok := f.Value(tt.name, tt.labels); got != tt.want || ok != tt.ok {
			t.Errorf("Value(%s, %v) = %v, %v; want %v, %v", tt.name, tt.labels, got, ok, tt.want, tt.ok)
		}
	}
	if got := f.LabelValues("c_total", "route"); !slices.Equal(got, []string{"/", "/x"}) {
		t.Errorf("LabelValues = %v", got)
	}
	if !f.Has("g") || f.Has("absent") {
		t.Error("Has is wrong")
	}
}
