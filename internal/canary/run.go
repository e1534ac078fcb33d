package canary

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// RunOptions describe an open-model load run.
type RunOptions struct {
	Flows  []Flow
	Target *Target
	// Rate is checks per second across all flows, which take turns.
	Rate float64
	// Duration bounds the schedule: checks are planned for [start, start+Duration).
	Duration time.Duration
	// MaxChecks bounds the count, whatever Rate × Duration is.
	MaxChecks int
	// Concurrency is the number of workers, so the most checks in flight.
	Concurrency int
	// Timeout bounds each check, and how long a planned check may wait for
	// a free worker before it is counted as overloaded instead of sent.
	Timeout time.Duration
}

// Planned is the number of checks a run schedules.
func (o RunOptions) Planned() int {
	n := math.Ceil(o.Duration.Seconds()*o.Rate - 1e-9)
	if n > float64(o.MaxChecks) {
		return o.MaxChecks
	}
	return int(n)
}

// RunResult is what a run measured.
type RunResult struct {
	Flows       []*FlowStats // in the order of RunOptions.Flows
	Planned     int
	Elapsed     time.Duration
	Interrupted bool // stopped early by ctx (SIGINT, SIGTERM)
}

// All returns the flows' results merged, named "all".
func (r *RunResult) All() *FlowStats {
	all := newFlowStats("all")
	for _, f := range r.Flows {
		all.Merge(f)
	}
	all.Finish()
	return all
}

// Run offers load on a fixed schedule — an open model, as real customers
// arrive whether or not the service kept up. Check i is due at
// start + i/Rate and its latency is measured from that intended time, not
// from when it was sent, so a server that stalls cannot slow the load down
// and hide its own latency (coordinated omission). Workers claim the checks
// in order: a check that finds no free worker waits, and the wait shows as
// latency; one that waited longer than Timeout is counted as overloaded
// without being sent. The run ends at most 2 × Timeout after Duration (the
// last check due may wait up to Timeout for a worker, then take up to
// Timeout), or when ctx is done; checks cut short by ctx are not counted.
func Run(ctx context.Context, o RunOptions) (*RunResult, error) {
	if len(o.Flows) == 0 {
		return nil, errors.New("no flows to run")
	}
	if o.Rate <= 0 || o.Duration <= 0 || o.MaxChecks <= 0 || o.Concurrency <= 0 || o.Timeout <= 0 {
		return nil, fmt.Errorf("rate, duration, max checks, concurrency and timeout must be positive")
	}
	planned := o.Planned()
	interval := time.Duration(float64(time.Second) / o.Rate)
	workers := make([][]*FlowStats, o.Concurrency) // per worker: no lock while recording
	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.Concurrency {
		stats := make([]*FlowStats, len(o.Flows))
		for i, f := range o.Flows {
			stats[i] = newFlowStats(f.Name)
		}
		workers[w] = stats
		wg.Go(func() {
			timer := time.NewTimer(time.Hour)
			timer.Stop()
			defer timer.Stop()
			for {
				i := int(next.Add(1) - 1)
				if i >= planned {
					return
				}
				due := start.Add(time.Duration(i) * interval)
				if wait := time.Until(due); wait > 0 {
					timer.Reset(wait)
					select {
					case <-timer.C:
					case <-ctx.Done():
						return
					}
				}
				if ctx.Err() != nil {
					return
				}
				fi := i % len(o.Flows)
				if late := time.Since(due); late > o.Timeout {
					stats[fi].Add(&CheckError{KindOverloaded, fmt.Errorf("waited %s for a free worker (raise --concurrency, or the target is too slow)", late.Round(time.Millisecond))}, 0)
					continue
				}
				cctx, cancel := context.WithTimeout(ctx, o.Timeout)
				err := o.Flows[fi].Check(cctx, o.Target)
				cancel()
				latency := time.Since(due)
				if err != nil && ctx.Err() != nil {
					return // stopped early: neither a pass nor a failure
				}
				stats[fi].Add(err, latency)
			}
		})
	}
	wg.Wait()
	res := &RunResult{Planned: planned, Elapsed: time.Since(start), Interrupted: ctx.Err() != nil}
	for i, f := range o.Flows {
		merged := newFlowStats(f.Name)
		for _, w := range workers {
			merged.Merge(w[i])
		}
		merged.Finish()
		res.Flows = append(res.Flows, merged)
	}
	return res, nil
}
