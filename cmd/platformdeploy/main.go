// Command platformdeploy installs the cluster add-ons of deploy/platform into
// the EKS cluster of one regional stack, and prints the org-app chart's
// per-region values, both from the stack's Terraform outputs:
//
//	platformdeploy deploy     -env prod -region us-east-1 [-outputs FILE] [-dry-run] [-vendor DIR]
//	platformdeploy vendor     -dir DIR [-platform deploy/platform] [-timeout 2m]
//	platformdeploy app-values -env prod -region us-east-1 [-outputs FILE]
//	    [-resolve-digests -values deploy/values/prod.yaml ...] > region.yaml
//	helm show values CHART --repo URL --version V | platformdeploy value-keys
//
// value-keys prints a chart's values key paths, the list the tests in
// deploy/platform check the values files against (testdata/upstream-keys).
//
// Without -outputs it runs `tofu -chdir=infra/live/ENV/REGION output -json`
// ($TOFU, default tofu). deploy checks that the current kubeconfig context is
// the stack's cluster (its CA), then applies the namespaces and the Gateway
// API CRDs with kubectl and every release with `helm upgrade --install
// --wait` ($HELM, default helm: v4), each third-party release with
// -f values/NAME.yaml, then -f values/ENV/NAME.yaml when that overlay exists,
// then the values generated from the outputs. Exit status 2 on bad usage, 1
// on failure.
//
// vendor (run where the internet is) fetches what deploy would fetch, at the
// versions releases.yaml pins: each remote chart with `helm pull` ($HELM)
// into DIR/charts/<release>-<version>.tgz and the Gateway API CRDs by https
// GET into DIR/files/gateway-api-crds-<version>.yaml, then writes
// DIR/vendor.json (release → chart, repo, version, file, sha256; CRDs URL →
// version, file, sha256). deploy -vendor DIR installs from those files (no
// --repo, no URL): it first checks that DIR lists every remote chart and the
// CRDs at releases.yaml's versions with matching sha256, and stops naming
// what is missing or different before it runs helm or kubectl.
//
// app-values -resolve-digests pins the chart's third-party images (Fluent
// Bit, ADOT) that run under the merged values (the chart's values.yaml, each
// -values file in order, then the region values): it resolves each
// repository:tag in the region's ECR pull-through cache (credentials from
// ecr:GetAuthorizationToken; the GET also fills the cache) and prints
// {repository, tag, digest}, plus one `# pinned KEY: REF@DIGEST` comment line
// per image. Any failure prints nothing on stdout and exits 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
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
  platformdeploy deploy     -env dev|staging|prod -region REGION [-outputs FILE] [-dir deploy/platform] [-dry-run] [-vendor DIR]
  platformdeploy vendor     -dir DIR [-platform deploy/platform] [-timeout 2m]
  platformdeploy app-values -env dev|staging|prod -region REGION [-outputs FILE]
                            [-resolve-digests [-values FILE]... [-chart DIR] [-resolve-timeout 30s]]
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
	if len(args) > 0 && args[0] == "vendor" {
		return runVendor(ctx, args[1:], getenv, stdout, stderr)
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
	vendorDir := fs.String("vendor", "", "deploy: install the remote charts and the CRDs from this directory (platformdeploy vendor) instead of the internet")
	resolve := fs.Bool("resolve-digests", false, "app-values: resolve the enabled third-party images' tags to digests in the region's ECR")
	var valueFiles stringList
	fs.Var(&valueFiles, "values", "app-values -resolve-digests: a values file of the install, in helm's order (repeatable)")
	chartDir := fs.String("chart", "deploy/charts/org-app", "app-values -resolve-digests: the org-app chart (its values.yaml)")
	resolveTimeout := fs.Duration("resolve-timeout", platform.DefaultResolveTimeout, "app-values -resolve-digests: time limit per image")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	resolveFlags := set["values"] || set["chart"] || set["resolve-timeout"]
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "platformdeploy: unexpected arguments %q\n%s", fs.Args(), usage)
		return 2
	case (*resolve || resolveFlags) && cmd != "app-values":
		fmt.Fprintf(stderr, "platformdeploy: -resolve-digests, -values, -chart and -resolve-timeout are app-values flags\n%s", usage)
		return 2
	case set["vendor"] && cmd != "deploy":
		fmt.Fprintf(stderr, "platformdeploy: -vendor is a deploy flag\n%s", usage)
		return 2
	case set["vendor"] && *vendorDir == "":
		fmt.Fprintf(stderr, "platformdeploy: -vendor needs a directory\n%s", usage)
		return 2
	case resolveFlags && !*resolve:
		fmt.Fprintf(stderr, "platformdeploy: -values, -chart and -resolve-timeout need -resolve-digests\n%s", usage)
		return 2
	case *resolveTimeout <= 0:
		fmt.Fprintf(stderr, "platformdeploy: -resolve-timeout must be positive, got %s\n%s", *resolveTimeout, usage)
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
		var pinned []platform.PinnedImage
		if *resolve {
			pinned, err = pinThirdPartyImages(ctx, vals, *chartDir, valueFiles, *region, *resolveTimeout)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			if len(pinned) == 0 {
				fmt.Fprintln(stderr, "platformdeploy: -resolve-digests: no third-party image runs under these values (pass the install's values files with -values)")
			}
		}
		data, err := yaml.Marshal(vals)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		var head strings.Builder
		fmt.Fprintf(&head, "# org-app values for %s/%s from the stack outputs (platformdeploy app-values).\n", *env, *region)
		for _, p := range pinned {
			fmt.Fprintf(&head, "# pinned %s: %s\n", p.Key, p)
		}
		fmt.Fprintf(stdout, "%s%s", head.String(), data)
		return 0
	}

	m, err := platform.LoadManifest(*dir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var vendored *platform.Vendored
	if *vendorDir != "" {
		if vendored, err = platform.LoadVendor(*vendorDir, m); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
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
	steps, err := platform.Plan(*dir, *env, m, gen, genDir, tools, vendored)
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
	if err := platform.Run(ctx, tools, steps, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "platform-deploy: %s/%s done: %d steps\n", *env, *region, len(steps))
	return 0
}

// vendorClient fetches the Gateway API CRDs for vendor; nil is the
// package's https-only client. Tests point it at a loopback server.
var vendorClient *http.Client

func runVendor(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("platformdeploy vendor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "the vendor directory to write (charts/, files/, vendor.json)")
	platformDir := fs.String("platform", "deploy/platform", "the platform directory (releases.yaml)")
	timeout := fs.Duration("timeout", platform.DefaultFetchTimeout, "time limit of each helm pull and download")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "platformdeploy: unexpected arguments %q\n%s", fs.Args(), usage)
		return 2
	case *dir == "":
		fmt.Fprintf(stderr, "platformdeploy: vendor needs -dir DIR\n%s", usage)
		return 2
	case *timeout <= 0:
		fmt.Fprintf(stderr, "platformdeploy: -timeout must be positive, got %s\n%s", *timeout, usage)
		return 2
	}
	m, err := platform.LoadManifest(*platformDir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	vm, err := platform.Vendor(ctx, m, *dir, platform.VendorOptions{
		Tools:   platform.Tools{Helm: orDefault(getenv("HELM"), "helm")},
		Client:  vendorClient,
		Timeout: *timeout,
		Log:     stderr,
	})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "platform-vendor: %d charts and %d files in %s (%s)\n", len(vm.Charts), len(vm.Files), *dir, platform.VendorFile)
	return 0
}

// newResolver makes the digest resolver of a region's registry: ECR
// credentials from the default AWS credential chain. Tests replace it.
var newResolver = func(ctx context.Context, region string, timeout time.Duration) (platform.Resolver, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("platformdeploy: AWS configuration: %w", err)
	}
	return &platform.RegistryResolver{Auth: platform.ECRAuth(ecr.NewFromConfig(cfg)), Timeout: timeout}, nil
}

// pinThirdPartyImages resolves the third-party images that run under the
// install's merged values and writes their digests into vals.
func pinThirdPartyImages(ctx context.Context, vals platform.V, chartDir string, files []string, region string, timeout time.Duration) ([]platform.PinnedImage, error) {
	merged, err := platform.LoadValues(chartDir, files, vals)
	if err != nil {
		return nil, err
	}
	images, err := platform.ThirdPartyImages(merged)
	if err != nil {
		return nil, err
	}
	if len(images) == 0 {
		return nil, nil
	}
	r, err := newResolver(ctx, region, timeout)
	if err != nil {
		return nil, err
	}
	return platform.PinImages(ctx, vals, images, r)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	if v == "" {
		return fmt.Errorf("empty file name")
	}
	*l = append(*l, v)
	return nil
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
