// Command reachability computes, from `tofu show -json` of a state or plan,
// which flows an AWS network allows, and verifies them against a policy.
// See docs/reachability.md.
package main

import (
	"os"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
