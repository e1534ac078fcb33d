// Package apptest runs a real org-app on loopback listeners, for the tests
// of programs that talk to it over HTTP (the canary). It builds the server
// exactly as `org-app` does: embedded defaults, ORG_APP_* overrides, the
// secret from DEVOPS_SECRET(_FILE).
package apptest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/app"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
)

// Instance is an org-app serving on loopback until the test ends.
type Instance struct {
	APIURL     string // http://127.0.0.1:PORT, or https:// when the config enables TLS
	HealthURL  string
	MetricsURL string

	stop context.CancelFunc
	done chan error
}

// Options describe the org-app to start.
type Options struct {
	// Config is the YAML configuration file's content; empty runs on the
	// embedded defaults.
	Config string
	// Env is the whole environment (DEVOPS_SECRET, ORG_APP_* overrides).
	Env map[string]string
	// Logs receives the JSON logs; nil discards them.
	Logs io.Writer
	// NoWait returns at once instead of waiting for /readyz to answer 200.
	NoWait bool
}

// Start runs org-app on embedded defaults with env as its whole environment
// (DEVOPS_SECRET and ORG_APP_* overrides). Unless env says otherwise it logs
// only errors and stops without a drain delay. It returns once /readyz
// answers 200 and stops the server when the test ends.
func Start(t testing.TB, env map[string]string) *Instance {
	t.Helper()
	merged := map[string]string{
		"ORG_APP_LOG_LEVEL":          "ERROR",
		"ORG_APP_SERVER_DRAIN_DELAY": "0s",
	}
	for k, v := range env {
		merged[k] = v
	}
	return StartWith(t, Options{Env: merged})
}

// StartWith runs org-app as opts describe, exactly as the org-app command
// builds it (config.Load, app.New, Run), on loopback listeners. The server
// stops when the test ends, and must then stop cleanly.
func StartWith(t testing.TB, opts Options) *Instance {
	t.Helper()
	lookup := func(k string) (string, bool) { v, ok := opts.Env[k]; return v, ok }
	path := ""
	if opts.Config != "" {
		path = filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(opts.Config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(path, lookup)
	if err != nil {
		t.Fatalf("apptest: configuration: %v", err)
	}
	logs := opts.Logs
	if logs == nil {
		logs = io.Discard
	}
	srv, err := app.New(cfg, lookup, telemetry.NewLogger(logs, cfg.SlogLevel()))
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	ls := app.Listeners{API: Listen(t), Health: Listen(t), Metrics: Listen(t)}
	scheme := "http://"
	if cfg.TLS.Enabled() {
		scheme = "https://"
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := &Instance{
		APIURL:     scheme + ls.API.Addr().String(),
		HealthURL:  "http://" + ls.Health.Addr().String(),
		MetricsURL: "http://" + ls.Metrics.Addr().String(),
		stop:       cancel,
		done:       make(chan error, 1),
	}
	go func() { in.done <- srv.Run(ctx, ls) }()
	t.Cleanup(func() {
		if err := in.Stop(30 * time.Second); err != nil {
			t.Errorf("apptest: %v", err)
		}
	})
	if !opts.NoWait {
		waitReady(t, in.HealthURL+"/readyz")
	}
	return in
}

// Shutdown begins a graceful shutdown, as SIGTERM does, and returns at once.
func (in *Instance) Shutdown() { in.stop() }

// Stop shuts the server down and waits up to timeout for Run to return; it
// returns Run's error. Calling it again returns the same result.
func (in *Instance) Stop(timeout time.Duration) error {
	in.stop()
	select {
	case err := <-in.done:
		in.done <- err // for later calls
		if err != nil {
			return fmt.Errorf("org-app stopped with %w", err)
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("org-app did not stop within %s", timeout)
	}
}

// Listen opens a listener on a free loopback port, closed when the test ends
// unless a server closes it first.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func waitReady(t testing.TB, url string) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("apptest: org-app not ready within 10s (last error: %v)", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
