package main

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"sigs.k8s.io/yaml"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/deploy/platform"
)

const fixture = "../../deploy/platform/testdata/outputs-prod-us-east-1.json"

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	env := func(k string) string {
		if k == "HELM" {
			return "/opt/helm-v4/helm"
		}
		return ""
	}
	code := run(context.Background(), args, env, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestAppValues(t *testing.T) {
	code, out, stderr := runCmd(t, "app-values", "-env", "prod", "-region", "us-east-1", "-outputs", fixture)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	if err := yaml.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	o, err := platform.ParseOutputs(data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := platform.AppValues(o)
	if err != nil {
		t.Fatal(err)
	}
	wantYAML, _ := yaml.Marshal(want)
	gotYAML, _ := yaml.Marshal(got)
	if string(wantYAML) != string(gotYAML) {
		t.Errorf("app-values printed\n%s\nwant\n%s", gotYAML, wantYAML)
	}
}

// withTestRegistry points newResolver at an in-memory registry on loopback
// standing in for the fixture's ECR (123456789012.dkr.ecr.us-east-1...), and
// returns a function pushing a random image or multi-arch index to a
// repository path of that ECR and returning its digest.
func withTestRegistry(t *testing.T) (push func(repo, tag string, index bool) string) {
	t.Helper()
	const ecrHost = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	orig := newResolver
	t.Cleanup(func() { newResolver = orig })
	newResolver = func(_ context.Context, region string, timeout time.Duration) (platform.Resolver, error) {
		if region != "us-east-1" {
			t.Errorf("resolver for region %s", region)
		}
		return &platform.RegistryResolver{Timeout: timeout, Endpoint: func(r string) string {
			if r == ecrHost {
				return host
			}
			return ""
		}}, nil
	}
	return func(repo, tag string, index bool) string {
		ref, err := name.NewTag(host + "/" + repo + ":" + tag)
		if err != nil {
			t.Fatal(err)
		}
		if index {
			idx, err := random.Index(128, 1, 3)
			if err == nil {
				err = remote.WriteIndex(ref, idx)
			}
			if err != nil {
				t.Fatal(err)
			}
			d, _ := idx.Digest()
			return d.String()
		}
		img, err := random.Image(128, 1)
		if err == nil {
			err = remote.Write(ref, img)
		}
		if err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		return d.String()
	}
}

func TestAppValuesResolveDigests(t *testing.T) {
	push := withTestRegistry(t)
	const (
		fbRepo   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/aws-observability/aws-for-fluent-bit"
		adotRepo = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/aws-observability/aws-otel-collector"
	)
	args := []string{"app-values", "-env", "prod", "-region", "us-east-1", "-outputs", fixture,
		"-resolve-digests", "-chart", "../../deploy/charts/org-app", "-values", "../../deploy/values/prod.yaml", "-resolve-timeout", "5s"}

	fbDigest := push("ecr-public/aws-observability/aws-for-fluent-bit", "3.4.16", false)
	// ADOT is not in the cache yet: nothing printed, the error names it.
	code, out, stderr := runCmd(t, args...)
	if code != 1 || out != "" || !strings.Contains(stderr, "adot.image") || !strings.Contains(stderr, adotRepo+":v0.49.0") {
		t.Fatalf("an image that does not resolve: exit %d, stdout %q, stderr %s", code, out, stderr)
	}

	adotDigest := push("ecr-public/aws-observability/aws-otel-collector", "v0.49.0", true)
	code, out, stderr = runCmd(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"# pinned fluentBit.image: " + fbRepo + ":3.4.16@" + fbDigest + "\n",
		"# pinned adot.image: " + adotRepo + ":v0.49.0@" + adotDigest + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var got struct {
		FluentBit struct {
			LogGroupName string            `json:"logGroupName"`
			Image        map[string]string `json:"image"`
		} `json:"fluentBit"`
		ADOT struct {
			Image map[string]string `json:"image"`
		} `json:"adot"`
	}
	if err := yaml.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if w := map[string]string{"repository": fbRepo, "tag": "3.4.16", "digest": fbDigest}; !equalMap(got.FluentBit.Image, w) {
		t.Errorf("fluentBit.image %v, want %v", got.FluentBit.Image, w)
	}
	if w := map[string]string{"repository": adotRepo, "tag": "v0.49.0", "digest": adotDigest}; !equalMap(got.ADOT.Image, w) {
		t.Errorf("adot.image %v, want %v", got.ADOT.Image, w)
	}
	if got.FluentBit.LogGroupName != "/org-app/org-app-prod-use1/app" {
		t.Errorf("the region values are lost: %s", out)
	}

	// With values where no sidecar runs there is nothing to resolve.
	code, out, stderr = runCmd(t, "app-values", "-env", "prod", "-region", "us-east-1", "-outputs", fixture,
		"-resolve-digests", "-chart", "../../deploy/charts/org-app", "-values", "../../deploy/values/local.yaml")
	if code != 0 || strings.Contains(out, "digest") || !strings.Contains(stderr, "no third-party image runs") {
		t.Errorf("local values: exit %d, stdout %s, stderr %s", code, out, stderr)
	}
}

func equalMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestDeployDryRun(t *testing.T) {
	code, out, stderr := runCmd(t, "deploy", "-env", "prod", "-region", "us-east-1", "-outputs", fixture, "-dir", "../../deploy/platform", "-dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"kubectl apply --server-side --field-manager=platform-deploy -f ../../deploy/platform/namespaces.yaml",
		"/opt/helm-v4/helm upgrade --install aws-load-balancer-controller aws-load-balancer-controller --repo https://aws.github.io/eks-charts --version 3.5.0",
		"/opt/helm-v4/helm upgrade --install nginx-gateway-fabric oci://ghcr.io/nginx/charts/nginx-gateway-fabric --version 2.6.7",
		"/opt/helm-v4/helm upgrade --install platform-gateway ../../deploy/platform/charts/platform-gateway",
		"targetGroupARN: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/org-app-prod-use1-gw/0123456789abcdef",
		"vpcID: vpc-0a1b2c3d4e5f60002",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
}

// TestDeployDryRunOverlays: dev's deploy passes values/dev/NAME.yaml right
// after the shared values/NAME.yaml for the releases dev overrides (ADR 0142);
// staging's and prod's pass no overlay.
func TestDeployDryRunOverlays(t *testing.T) {
	const p = "../../deploy/platform/values/"
	for _, env := range []string{"dev", "staging", "prod"} {
		code, out, stderr := runCmd(t, "deploy", "-env", env, "-region", "us-east-1", "-outputs", fixture, "-dir", "../../deploy/platform", "-dry-run")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", env, code, stderr)
		}
		for _, r := range []string{"aws-load-balancer-controller", "nginx-gateway-fabric"} {
			overlay := "-f " + p + r + ".yaml -f " + p + "dev/" + r + ".yaml -f "
			if got := strings.Contains(out, overlay); got != (env == "dev") {
				t.Errorf("%s: dry run has %q: %v, want %v:\n%s", env, overlay, got, env == "dev", out)
			}
		}
		if n := strings.Count(out, p+env+"/"); env != "dev" && n != 0 {
			t.Errorf("%s: dry run passes %d overlays:\n%s", env, n, out)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"destroy"},
		{"deploy", "-env", "qa", "-region", "us-east-1"},
		{"deploy", "-env", "prod", "-region", "useast1"},
		{"deploy", "-env", "prod", "-region", "us-east-1", "extra"},
		{"deploy", "-env", "prod", "-region", "us-east-1", "-resolve-digests"},
		{"app-values", "-env", "prod", "-region", "us-east-1", "-values", "deploy/values/prod.yaml"},
		{"app-values", "-env", "prod", "-region", "us-east-1", "-resolve-digests", "-resolve-timeout", "0s"},
	} {
		if code, _, _ := runCmd(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	// Outputs of another region are refused.
	if code, _, stderr := runCmd(t, "app-values", "-env", "prod", "-region", "us-west-2", "-outputs", fixture); code != 1 || !strings.Contains(stderr, "not us-west-2") {
		t.Errorf("outputs of us-east-1 for us-west-2: exit %d %s", code, stderr)
	}
	// Without -outputs it needs the live root.
	t.Chdir(t.TempDir())
	if code, _, stderr := runCmd(t, "app-values", "-env", "dev", "-region", "us-east-1"); code != 1 || !strings.Contains(stderr, filepath.Join("infra", "live", "dev", "us-east-1")) {
		t.Errorf("no live root: exit %d %s", code, stderr)
	}
}

func TestValueKeys(t *testing.T) {
	var out, errb strings.Builder
	code := run(context.Background(), []string{"value-keys"}, func(string) string { return "" },
		strings.NewReader("image:\n  repository: x\nresources: {}\n"), &out, &errb)
	if code != 0 || out.String() != "image\nimage.repository\nresources\nresources.*\n" {
		t.Errorf("exit %d, printed %q (%s)", code, out.String(), errb.String())
	}
}

const crdsURL = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"

// fakeTools writes stand-ins for helm and kubectl that record their
// arguments in the returned file; helm pull writes a chart archive as helm
// names it (<chart>-<version>.tgz with <chart>/Chart.yaml).
func fakeTools(t *testing.T) (helm, kubectl, calls string) {
	t.Helper()
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls")
	helm, kubectl = filepath.Join(dir, "helm"), filepath.Join(dir, "kubectl")
	helmScript := `#!/bin/sh
echo "helm $*" >>"` + calls + `"
[ "$1" = pull ] || exit 0
chart=$(basename "$2")
while [ $# -gt 0 ]; do
	case $1 in
	--version) version=$2 ;;
	--destination) dest=$2 ;;
	esac
	shift
done
src=$(mktemp -d)
mkdir "$src/$chart"
printf 'apiVersion: v2\nname: %s\nversion: %s\n' "$chart" "$version" >"$src/$chart/Chart.yaml"
tar -czf "$dest/$chart-$version.tgz" -C "$src" "$chart"
rm -rf "$src"
`
	kubectlScript := "#!/bin/sh\necho \"kubectl $*\" >>\"" + calls + "\"\n"
	for f, s := range map[string]string{helm: helmScript, kubectl: kubectlScript} {
		if err := os.WriteFile(f, []byte(s), 0o700); err != nil { //nolint:gosec // G306: a test stand-in must be executable
			t.Fatal(err)
		}
	}
	return helm, kubectl, calls
}

// withCRDServer points vendor's HTTP client at an https server on loopback
// that serves the CRDs at their release path (requests keep the github.com
// URL releases.yaml pins; the transport sends them to the server).
func withCRDServer(t *testing.T, body string) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != strings.TrimPrefix(crdsURL, "https://github.com") {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "https://")
	rt := srv.Client().Transport
	orig := vendorClient
	t.Cleanup(func() { vendorClient = orig })
	vendorClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		c := r.Clone(r.Context())
		c.URL.Host, c.Host = host, ""
		return rt.RoundTrip(c)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func runWith(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestVendorAndDeployFromIt(t *testing.T) {
	withCRDServer(t, "kind: CustomResourceDefinition\n")
	helm, kubectl, calls := fakeTools(t)
	env := map[string]string{"HELM": helm, "KUBECTL": kubectl}
	vendor := filepath.Join(t.TempDir(), "vendor")

	code, out, stderr := runWith(t, env, "vendor", "-dir", vendor, "-platform", "../../deploy/platform", "-timeout", "30s")
	if code != 0 {
		t.Fatalf("vendor: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "5 charts and 1 files in "+vendor) {
		t.Errorf("vendor printed %q", out)
	}
	data, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"helm pull aws-load-balancer-controller --repo https://aws.github.io/eks-charts --version 3.5.0 --destination ",
		"helm pull oci://ghcr.io/nginx/charts/nginx-gateway-fabric --version 2.6.7 --destination ",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("vendor ran no %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "platform-gateway") || strings.Contains(string(data), "kubectl") {
		t.Errorf("vendor pulled a local chart or ran kubectl:\n%s", data)
	}
	if err := os.Remove(calls); err != nil {
		t.Fatal(err)
	}

	deploy := []string{"deploy", "-env", "prod", "-region", "us-east-1", "-outputs", fixture, "-dir", "../../deploy/platform", "-vendor", vendor}
	code, out, stderr = runWith(t, env, append(deploy, "-dry-run")...)
	if code != 0 {
		t.Fatalf("deploy -vendor -dry-run: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		kubectl + " apply --server-side --field-manager=platform-deploy -f " + filepath.Join(vendor, "files", "gateway-api-crds-v1.5.1.yaml") + "\n",
		helm + " upgrade --install aws-load-balancer-controller " + filepath.Join(vendor, "charts", "aws-load-balancer-controller-3.5.0.tgz") + " --namespace kube-system -f ../../deploy/platform/values/aws-load-balancer-controller.yaml",
		helm + " upgrade --install nginx-gateway-fabric " + filepath.Join(vendor, "charts", "nginx-gateway-fabric-2.6.7.tgz") + " --namespace nginx-gateway",
		helm + " upgrade --install platform-gateway ../../deploy/platform/charts/platform-gateway --namespace nginx-gateway",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	for _, remote := range []string{"--repo", "--version", "oci://", crdsURL} {
		if strings.Contains(out, remote) {
			t.Errorf("dry run with -vendor still has %q:\n%s", remote, out)
		}
	}

	// A vendor directory that does not match: nothing runs, not even the
	// kubeconfig check.
	for name, c := range map[string]struct {
		change func()
		want   string
	}{
		"chart missing": {func() {
			_ = os.Remove(filepath.Join(vendor, "charts", "cluster-autoscaler-9.59.0.tgz"))
		}, `release "cluster-autoscaler": vendored file missing`},
		"version differs": {func() {
			data, _ := os.ReadFile(filepath.Join(vendor, "vendor.json"))
			_ = os.WriteFile(filepath.Join(vendor, "vendor.json"), []byte(strings.Replace(string(data), `"version": "3.5.0"`, `"version": "3.4.0"`, 1)), 0o600)
		}, `release "aws-load-balancer-controller": vendored aws-load-balancer-controller 3.4.0`},
		"CRDs changed": {func() {
			_ = os.WriteFile(filepath.Join(vendor, "files", "gateway-api-crds-v1.5.1.yaml"), []byte("kind: Other\n"), 0o600)
		}, "Gateway API CRDs v1.5.1: vendored file " + filepath.Join(vendor, "files", "gateway-api-crds-v1.5.1.yaml") + ": sha256"},
	} {
		c.change()
		code, out, stderr := runWith(t, env, deploy...)
		if code != 1 || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %s; want exit 1 and %q", name, code, out, stderr, c.want)
		}
		if data, err := os.ReadFile(calls); err == nil {
			t.Errorf("%s: helm or kubectl ran:\n%s", name, data)
		}
	}
}

func TestVendorFailures(t *testing.T) {
	helm, _, _ := fakeTools(t)
	withCRDServer(t, "")
	vendor := filepath.Join(t.TempDir(), "vendor")
	code, _, stderr := runWith(t, map[string]string{"HELM": helm}, "vendor", "-dir", vendor, "-platform", "../../deploy/platform")
	if code != 1 || !strings.Contains(stderr, crdsURL) || !strings.Contains(stderr, "empty response") {
		t.Errorf("empty CRDs: exit %d: %s", code, stderr)
	}
	code, _, stderr = runWith(t, map[string]string{"HELM": filepath.Join(t.TempDir(), "no-helm")}, "vendor", "-dir", vendor, "-platform", "../../deploy/platform")
	if code != 1 || !strings.Contains(stderr, `release "aws-load-balancer-controller"`) {
		t.Errorf("no helm: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"vendor"},
		{"vendor", "-dir", ""},
		{"vendor", "-dir", vendor, "extra"},
		{"vendor", "-dir", vendor, "-timeout", "0s"},
		{"vendor", "-dir", vendor, "-env", "prod"},
		{"app-values", "-env", "prod", "-region", "us-east-1", "-vendor", vendor},
		{"deploy", "-env", "prod", "-region", "us-east-1", "-vendor", ""},
	} {
		if code, _, _ := runWith(t, nil, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	code, _, stderr = runWith(t, nil, "deploy", "-env", "prod", "-region", "us-east-1", "-outputs", fixture, "-dir", "../../deploy/platform", "-vendor", t.TempDir(), "-dry-run")
	if code != 1 || !strings.Contains(stderr, "vendor.json") {
		t.Errorf("an empty vendor directory: exit %d: %s", code, stderr)
	}
}
