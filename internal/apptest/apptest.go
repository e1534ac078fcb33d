// Package apptest runs a real org-app on loopback listeners, for the tests
// of programs that talk to it over HTTP (the canary). It builds the server
// exactly as `org-app` does: embedded defaults, ORG_APP_* overrides, the
// secret from DEVOPS_SECRET(_FILE).
package apptest

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/app"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
)

// Instance is an org-app serving on loopback until the test ends.
type Instance struct {
	APIURL     string // http://127.0.0.1:PORT
	HealthURL  string
	MetricsURL string
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
	lookup := func(k string) (string, bool) { v, ok := merged[k]; return v, ok }
	cfg, err := config.Load("", lookup)
	if err != nil {
		t.Fatalf("apptest: configuration: %v", err)
	}
	srv, err := app.New(cfg, lookup, telemetry.NewLogger(io.Discard, cfg.SlogLevel()))
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	ls := app.Listeners{API: Listen(t), Health: Listen(t), Metrics: Listen(t)}
	in := &Instance{
		APIURL:     "http://" + ls.API.Addr().String(),
		HealthURL:  "http://" + ls.Health.Addr().String(),
		MetricsURL: "http://" + ls.Metrics.Addr().String(),
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ls) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("apptest: org-app stopped with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("apptest: org-app did not stop within 30s")
		}
	})
	waitReady(t, in.HealthURL+"/readyz")
	return in
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
