// Command platformdeploy installs the cluster add-ons of deploy/platform into
// the EKS cluster of one regional stack, and prints the org-app chart's
// per-region values, both from the stack's Terraform outputs:
//
//	platformdeploy deploy     -env prod -region us-east-1 [-outputs FILE] [-dry-run]
//	platformdeploy app-values -env prod -region us-east-1 [-outputs FILE] > region.yaml
//	helm show values CHART --repo URL --version V | platformdeploy value-keys
//
// value-keys prints a chart's values key paths, the list the tests in
// deploy/platform check the values files against (testdata/upstream-keys).
//
// Without -outputs it runs `tofu -chdir=infra/live/ENV/REGION output -json`
// ($TOFU, default tofu). deploy checks that the current kubeconfig context is
// the stack's cluster (its CA), then applies the namespaces and the Gateway
// API CRDs with kubectl and every release with `helm upgrade --install
// --wait` ($HELM, default helm: v4). Exit status 2 on bad usage, 1 on failure.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"sigs.k8s.io/yaml"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/deploy/platform"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  platformdeploy deploy     -env dev|staging|prod -region REGION [-outputs FILE] [-dir deploy/platform] [-dry-run]
  platformdeploy app-values -env dev|staging|prod -region REGION [-outputs FILE]
  platformdeploy value-keys < values.yaml
`

var regionRE = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 1 && args[0] == "value-keys" {
		data, err := io.ReadAll(stdin)
		if err == nil {
			err = platform.WriteKeyList(stdout, data)
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}
	if len(args) == 0 || (args[0] != "deploy" && args[0] != "app-values") {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd := args[0]
	fs := flag.NewFlagSet("platformdeploy "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := fs.String("env", "", "environment: dev, staging or prod")
	region := fs.String("region", "", "AWS region of the stack, e.g. us-east-1")
	outputsFile := fs.String("outputs", "", "file with `tofu output -json` (default: run tofu in infra/live/ENV/REGION)")
	dir := fs.String("dir", "deploy/platform", "the platform directory (releases.yaml, values/, charts/)")
	dryRun := fs.Bool("dry-run", false, "deploy: print the commands instead of running them")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "platformdeploy: unexpected arguments %q\n%s", fs.Args(), usage)
		return 2
	case *env != "dev" && *env != "staging" && *env != "prod":
		fmt.Fprintf(stderr, "platformdeploy: -env must be dev, staging or prod, got %q\n%s", *env, usage)
		return 2
	case !regionRE.MatchString(*region):
		fmt.Fprintf(stderr, "platformdeploy: -region must be an AWS region such as us-east-1, got %q\n%s", *region, usage)
		return 2
	}

	raw, err := readOutputs(ctx, *outputsFile, *env, *region, getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	o, err := platform.ParseOutputs(raw)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if o.Region != *region {
		fmt.Fprintf(stderr, "platformdeploy: the outputs are for region %s, not %s\n", o.Region, *region)
		return 1
	}

	if cmd == "app-values" {
		vals, err := platform.AppValues(o)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		data, err := yaml.Marshal(vals)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "# org-app values for %s/%s from the stack outputs (platformdeploy app-values).\n%s", *env, *region, data)
		return 0
	}

	m, err := platform.LoadManifest(*dir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	gen, err := platform.GeneratedValues(o)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	genDir, err := os.MkdirTemp("", "platform-deploy-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(genDir) }()
	tools := platform.Tools{Helm: orDefault(getenv("HELM"), "helm"), Kubectl: orDefault(getenv("KUBECTL"), "kubectl")}
	steps, err := platform.Plan(*dir, m, gen, genDir, tools)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *dryRun {
		for _, s := range steps {
			fmt.Fprintf(stdout, "# %s\n%s\n", s.What, strings.Join(s.Cmd, " "))
			if s.Generated != "" {
				data, err := os.ReadFile(s.Generated)
				if err != nil {
					fmt.Fprintln(stderr, err)
					return 1
				}
				fmt.Fprintf(stdout, "#   %s (from the outputs):\n%s", filepath.Base(s.Generated), indent(string(data)))
			}
		}
		return 0
	}
	if err := platform.CheckCluster(ctx, tools.Kubectl, o); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := platform.Run(ctx, steps, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "platform-deploy: %s/%s done: %d steps\n", *env, *region, len(steps))
	return 0
}

func readOutputs(ctx context.Context, file, env, region string, getenv func(string) string) ([]byte, error) {
	if file != "" {
		data, err := os.ReadFile(file) //nolint:gosec // G703: the operator names the outputs file
		if err != nil {
			return nil, fmt.Errorf("platformdeploy: %w", err)
		}
		return data, nil
	}
	root := filepath.Join("infra", "live", env, region)
	if _, err := os.Stat(root); err != nil { //nolint:gosec // G703: ENV and REGION are checked against fixed patterns
		return nil, fmt.Errorf("platformdeploy: no live root %s: %w", root, err)
	}
	tofu := orDefault(getenv("TOFU"), "tofu")
	cmd := exec.CommandContext(ctx, tofu, "-chdir="+root, "output", "-json") //nolint:gosec // G204: the operator's own tofu ($TOFU)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("platformdeploy: %s -chdir=%s output -json: %w", tofu, root, err)
	}
	return out, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("#     " + line + "\n")
	}
	return b.String()
}
