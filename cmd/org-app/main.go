// Command org-app is the platform's service: a small authenticated JSON API
// with health and Prometheus listeners of its own. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := app.Main(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
