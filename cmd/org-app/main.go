// Command org-app is the platform's service: a small authenticated JSON API
// with health and Prometheus listeners of its own. See README.md.
package main

import (
	"context"
	"os"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/app"
)

func main() {
	// The first SIGTERM/SIGINT drains; a second one exits at once (130/143).
	ctx, stop := app.ShutdownOnSignals(context.Background(), os.Stderr, os.Exit)
	code := app.Main(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
