// Package traffic keeps this instance's request statistics since start, for
// the analyst traffic report: requests by route and status class, latency
// quantiles and authentication failures by reason.
package traffic

import (
	"math"
	"sync/atomic"
	"time"
)

// Stats is safe for concurrent use; recording is lock-free.
type Stats struct {
	start   time.Time
	routes  []*Route
	reasons []string
	auth    []atomic.Uint64
}

// Route accumulates one route's requests.
type Route struct {
	name    string
	classes [6]atomic.Uint64 // index 1..5 = 1xx..5xx; 0 = anything else
	latency Histogram
}

// New returns empty statistics for a fixed set of routes and auth failure
// reasons (fixed, so recording never allocates or locks).
func New(start time.Time, routes, reasons []string) *Stats {
	s := &Stats{start: start, reasons: reasons, auth: make([]atomic.Uint64, len(reasons))}
	for _, name := range routes {
		s.routes = append(s.routes, &Route{name: name})
	}
	return s
}

// Route returns the accumulator for name, or nil if name was not given to New.
func (s *Stats) Route(name string) *Route {
	for _, r := range s.routes {
		if r.name == name {
			return r
		}
	}
	return nil
}

// Record counts one response.
func (r *Route) Record(status int, d time.Duration) {
	class := status / 100
	if class < 1 || class > 5 {
		class = 0
	}
	r.classes[class].Add(1)
	r.latency.Record(d)
}

// AuthFailure counts one failure; i indexes the reasons given to New.
func (s *Stats) AuthFailure(i int) {
	if i >= 0 && i < len(s.auth) {
		s.auth[i].Add(1)
	}
}

// Report is the traffic report's JSON document.
type Report struct {
	Since         time.Time              `json:"since"`
	UptimeSeconds float64                `json:"uptime_seconds"`
	RequestsTotal uint64                 `json:"requests_total"`
	Routes        map[string]RouteReport `json:"routes"`
	LatencyMS     Quantiles              `json:"latency_ms"`
	AuthFailures  map[string]uint64      `json:"auth_failures"`
}

// RouteReport is one route's part of the report.
type RouteReport struct {
	Requests      uint64            `json:"requests"`
	ByStatusClass map[string]uint64 `json:"by_status_class"`
	LatencyMS     Quantiles         `json:"latency_ms"`
}

// Quantiles are latency quantiles in milliseconds.
type Quantiles struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
}

var classNames = [6]string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}

// Report snapshots the statistics. Routes without requests are left out.
func (s *Stats) Report(now time.Time) Report {
	rep := Report{
		Since:         s.start.UTC(),
		UptimeSeconds: math.Round(now.Sub(s.start).Seconds()*1000) / 1000,
		Routes:        map[string]RouteReport{},
		AuthFailures:  map[string]uint64{},
	}
	var all Histogram
	for _, r := range s.routes {
		rr := RouteReport{ByStatusClass: map[string]uint64{}}
		for i := range r.classes {
			if n := r.classes[i].Load(); n > 0 {
				rr.ByStatusClass[classNames[i]] = n
				rr.Requests += n
			}
		}
		if rr.Requests == 0 {
			continue
		}
		rr.LatencyMS = quantiles(&r.latency)
		all.add(&r.latency)
		rep.Routes[r.name] = rr
		rep.RequestsTotal += rr.Requests
	}
	rep.LatencyMS = quantiles(&all)
	for i, name := range s.reasons {
		if n := s.auth[i].Load(); n > 0 {
			rep.AuthFailures[name] = n
		}
	}
	return rep
}

func quantiles(h *Histogram) Quantiles {
	ms := func(q float64) float64 {
		return math.Round(float64(h.Quantile(q))/float64(time.Millisecond)*1000) / 1000
	}
	return Quantiles{P50: ms(0.50), P90: ms(0.90), P99: ms(0.99)}
}

// add merges o's counts into h.
func (h *Histogram) add(o *Histogram) {
	for i := range o.counts {
		if n := o.counts[i].Load(); n > 0 {
			h.counts[i].Add(n)
			h.total.Add(n)
		}
	}
}
