// Package health serves the Kubernetes probes on their own listener:
// /startupz (the process finished starting), /livez (the process is alive)
// and /readyz (send traffic: started, every readiness check passes, and not
// shutting down).
package health

import (
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/httpmux"
)

// Check reports whether one dependency is ready; nil means ready.
type Check func() error

// Probes tracks the process's lifecycle.
type Probes struct {
	started  atomic.Bool
	draining atomic.Bool

	mu     sync.RWMutex
	checks map[string]Check
}

// New returns probes that are neither started nor ready.
func New() *Probes { return &Probes{checks: map[string]Check{}} }

// AddCheck registers a readiness check under name.
func (p *Probes) AddCheck(name string, c Check) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checks[name] = c
}

// MarkStarted records that configuration, secrets and listeners are up.
func (p *Probes) MarkStarted() { p.started.Store(true) }

// MarkDraining makes readiness fail from now on, so the endpoint is taken
// out of load balancing while in-flight requests finish.
func (p *Probes) MarkDraining() { p.draining.Store(true) }

// Ready reports readiness and, per check, what failed.
func (p *Probes) Ready() (bool, map[string]string) {
	failures := map[string]string{}
	if !p.started.Load() {
		failures["startup"] = "not started"
	}
	if p.draining.Load() {
		failures["shutdown"] = "draining"
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	for name, c := range p.checks {
		if err := c(); err != nil {
			failures[name] = err.Error()
		}
	}
	return len(failures) == 0, failures
}

// Handler serves /livez, /readyz and /startupz (GET and HEAD) with small
// JSON bodies, routed as the API is (internal/httpmux): other methods get a
// JSON 405 with Allow, other paths a JSON 404. Set the router's Observe to
// count requests by route.
func (p *Probes) Handler() *httpmux.Router {
	mux := httpmux.New()
	mux.Handle("/livez", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, http.StatusOK, "ok", nil)
	}), http.MethodGet)
	mux.Handle("/startupz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !p.started.Load() {
			writeStatus(w, http.StatusServiceUnavailable, "starting", nil)
			return
		}
		writeStatus(w, http.StatusOK, "ok", nil)
	}), http.MethodGet)
	mux.Handle("/readyz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ok, failures := p.Ready()
		if !ok {
			status := "not ready"
			if p.draining.Load() {
				status = "draining"
			}
			writeStatus(w, http.StatusServiceUnavailable, status, failures)
			return
		}
		writeStatus(w, http.StatusOK, "ok", nil)
	}), http.MethodGet)
	return mux
}

type statusBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"failed_checks,omitempty"`
}

func writeStatus(w http.ResponseWriter, code int, status string, failures map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	// Map keys are encoded sorted, so the body is stable.
	_ = json.NewEncoder(w).Encode(statusBody{Status: status, Checks: failures})
}
