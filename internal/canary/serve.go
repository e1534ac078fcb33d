package canary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
)

// ServeOptions configure the forever loop.
type ServeOptions struct {
	Flows  []Flow
	Target *Target
	// Interval is the time between the starts of two rounds; a round runs
	// every flow once. A round that takes longer delays the next one.
	Interval time.Duration
	Timeout  time.Duration // per check
	Metrics  *Metrics      // nil: no Prometheus metrics
	EMF      *EMF          // nil: no EMF lines
	Logger   *slog.Logger
}

// Outcome is one check's result in a round.
type Outcome struct {
	Flow     string
	Err      error
	Duration time.Duration
}

// Round runs every flow once, concurrently, records each outcome in the
// metrics and as an EMF line, logs failures, and returns the outcomes in
// flow order. Checks cut short by ctx are left out.
func Round(ctx context.Context, o ServeOptions) []Outcome {
	out := make([]Outcome, len(o.Flows))
	keep := make([]bool, len(o.Flows))
	var wg sync.WaitGroup
	for i, f := range o.Flows {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, o.Timeout)
			defer cancel()
			start := time.Now()
			err := f.Check(cctx, o.Target)
			out[i] = Outcome{Flow: f.Name, Err: err, Duration: time.Since(start)}
			keep[i] = err == nil || ctx.Err() == nil
		})
	}
	wg.Wait()
	var kept []Outcome
	for i, oc := range out {
		if !keep[i] {
			continue
		}
		kept = append(kept, oc)
		if o.Metrics != nil {
			o.Metrics.Observe(oc.Flow, oc.Err, oc.Duration)
		}
		if o.EMF != nil {
			if err := o.EMF.Write(oc.Flow, oc.Err, oc.Duration); err != nil {
				o.Logger.LogAttrs(ctx, slog.LevelError, "cannot write EMF line", slog.String("error", err.Error()))
			}
		}
		if oc.Err != nil {
			o.Logger.LogAttrs(ctx, slog.LevelWarn, "check failed",
				slog.String("flow", oc.Flow), slog.String("result", string(KindOf(oc.Err))), slog.String("error", oc.Err.Error()))
		}
	}
	return kept
}

// Loop runs a round every Interval until ctx is done.
func Loop(ctx context.Context, o ServeOptions) {
	ticker := time.NewTicker(o.Interval)
	defer ticker.Stop()
	for {
		Round(ctx, o)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// Serve runs the loop and serves reg's metrics (/metrics) and a liveness
// probe (/livez) on ln until ctx is done, then stops both. It returns an
// error only when the listener fails.
func Serve(ctx context.Context, ln net.Listener, reg *prometheus.Registry, o ServeOptions) error {
	mux := telemetry.MetricsRouter(reg)
	mux.Handle("/livez", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	}), http.MethodGet)
	srv := telemetry.SideServer(mux, slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn))
	errc := make(chan error, 1)
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("metrics listener: %w", err)
		}
	}()
	o.Logger.LogAttrs(ctx, slog.LevelInfo, "canary started",
		slog.String("target", o.Target.API), slog.String("health", o.Target.Health),
		slog.Any("flows", FlowNames(o.Flows)), slog.String("interval", o.Interval.String()),
		slog.String("metrics", ln.Addr().String()))

	loopCtx, stopLoop := context.WithCancel(ctx)
	loopDone := make(chan struct{})
	go func() { defer close(loopDone); Loop(loopCtx, o) }()
	var failure error
	select {
	case <-ctx.Done():
	case failure = <-errc:
	}
	stopLoop()
	<-loopDone
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	o.Logger.LogAttrs(context.Background(), slog.LevelInfo, "canary stopped")
	return failure
}
