package canary

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// slowServer answers GET / after d and counts the requests it saw.
func slowServer(t *testing.T, d time.Duration) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write([]byte(`{"name":"slow"}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// With one worker and a 50ms server, 10 checks planned 10ms apart queue
// behind each other. Measured from when each was due (open model), the
// last waited for all before it: about 10 × 50 − 9 × 10 = 410ms. A closed
// model would report 50ms for every one of them.
func TestRunMeasuresFromTheIntendedTime(t *testing.T) {
	t.Parallel()
	srv, _ := slowServer(t, 50*time.Millisecond)
	res, err := Run(context.Background(), RunOptions{
		Flows: []Flow{rootFlow()}, Target: &Target{API: srv.URL, Client: NewClient(ClientOptions{})},
		Rate: 100, Duration: 100 * time.Millisecond, MaxChecks: 1000, Concurrency: 1, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Flows[0]
	if f.Count != 10 || f.OK != 10 {
		t.Fatalf("%d checks, %d passed; want 10 and 10 (%v)", f.Count, f.OK, f.Example)
	}
	if max := f.Percentile(100 * PercentUnit); max < 400*time.Millisecond {
		t.Errorf("slowest %s: the queueing behind a slow server is hidden", max)
	}
	if min := f.Percentile(PercentUnit); min < 50*time.Millisecond {
		t.Errorf("fastest %s, below the server's 50ms", min)
	}
}

// A check that waited longer than the timeout for a worker is counted as
// overloaded, not sent, so a stalled target cannot stretch the run; every
// planned check is accounted for.
func TestRunCountsOverloadedChecks(t *testing.T) {
	t.Parallel()
	srv, seen := slowServer(t, 100*time.Millisecond)
	start := time.Now()
	res, err := Run(context.Background(), RunOptions{
		Flows: []Flow{rootFlow()}, Target: &Target{API: srv.URL, Client: NewClient(ClientOptions{})},
		Rate: 100, Duration: 200 * time.Millisecond, MaxChecks: 1000, Concurrency: 1, Timeout: 150 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Flows[0]
	if f.Count != 20 || f.Count != res.Planned {
		t.Errorf("%d checks recorded, %d planned; want 20", f.Count, res.Planned)
	}
	if f.Errors[KindOverloaded] == 0 || int(seen.Load())+f.Errors[KindOverloaded] != 20 {
		t.Errorf("overloaded %d, sent %d: %v", f.Errors[KindOverloaded], seen.Load(), f.Errors)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s", took)
	}
}

func TestRunIsBoundedByMaxChecks(t *testing.T) {
	t.Parallel()
	srv, seen := slowServer(t, 0)
	res, err := Run(context.Background(), RunOptions{
		Flows: []Flow{rootFlow(), Flows()[1]}, Target: &Target{API: srv.URL, Client: NewClient(ClientOptions{})},
		Rate: 1000, Duration: time.Hour, MaxChecks: 7, Concurrency: 4, Timeout: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Planned != 7 || seen.Load() != 7 || res.Flows[0].Count != 4 || res.Flows[1].Count != 3 {
		t.Errorf("planned %d, sent %d, root %d, no-token %d", res.Planned, seen.Load(), res.Flows[0].Count, res.Flows[1].Count)
	}
}

func TestPlanned(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rate     float64
		duration time.Duration
		max      int
		want     int
	}{{20, 60 * time.Second, 100000, 1200}, {50, time.Second, 100000, 50}, {3, time.Second, 100, 3}, {0.5, 3 * time.Second, 100, 2}, {1000, time.Hour, 10, 10}} {
		o := RunOptions{Rate: tt.rate, Duration: tt.duration, MaxChecks: tt.max}
		if got := o.Planned(); got != tt.want {
			t.Errorf("rate %g × %s (max %d) plans %d, want %d", tt.rate, tt.duration, tt.max, got, tt.want)
		}
	}
}
