// Command canary is synthetic customer traffic for org-app: `canary run`
// gates a release on SLOs under an open-model load, `canary serve` keeps
// the same checks running and exports them as Prometheus metrics and
// CloudWatch Embedded Metric Format lines. See README.md (Canary).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/canary"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := canary.Main(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
