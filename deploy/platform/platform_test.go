package platform

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const fixture = "testdata/outputs-prod-us-east-1.json"

func readFixture(t *testing.T) map[string]any { return readValues(t, fixture) }

// readValues reads a YAML (or JSON) file into a map, refusing duplicate keys.
func readValues(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := yaml.UnmarshalStrict(data, &v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

// flatFixture is the fixture as the regional stack itself outputs it: one
// output per value (the live roots wrap them in one object, `stack`).
func flatFixture(t *testing.T) map[string]any {
	t.Helper()
	stack := readFixture(t)["stack"].(map[string]any)["value"].(map[string]any)
	raw := map[string]any{}
	for k, v := range stack {
		raw[k] = map[string]any{"sensitive": false, "value": v}
	}
	return raw
}

func parse(t *testing.T, raw map[string]any) (*Outputs, error) {
	t.Helper()
	data, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	return ParseOutputs(data)
}

func outputs(t *testing.T) *Outputs {
	t.Helper()
	o, err := parse(t, readFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func setOutput(raw map[string]any, name string, value any) {
	raw[name] = map[string]any{"sensitive": false, "value": value}
}

func TestParseOutputs(t *testing.T) {
	o := outputs(t)
	if o.Region != "us-east-1" || o.ClusterName != "org-app-prod-use1" || o.AppVPCID != "vpc-0a1b2c3d4e5f60001" ||
		o.LBVPCID != "vpc-0a1b2c3d4e5f60002" || o.GatewayPort != 80 || len(o.VPCEndpointCIDRs) != 3 {
		t.Errorf("parsed %+v", o)
	}
	if o.Registry() != "123456789012.dkr.ecr.us-east-1.amazonaws.com" {
		t.Errorf("registry %q", o.Registry())
	}
	// The regional stack's own outputs (not wrapped in `stack`) parse the same.
	flat, err := parse(t, flatFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if flat.TargetGroupARN != o.TargetGroupARN || flat.LBVPCID != o.LBVPCID || len(flat.PullThroughPrefixes) != 3 {
		t.Errorf("flat outputs %+v differ from the live root's %+v", flat, o)
	}
	if _, err := ParseOutputs([]byte(`{"stack": {"value": "not an object"}}`)); err == nil || !strings.Contains(err.Error(), "output stack") {
		t.Errorf("a non-object stack output: %v", err)
	}
}

func TestParseOutputsRejects(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(map[string]any)
		want   string
	}{
		{"missing target group", func(r map[string]any) { delete(r, "target_group_arn") }, "target_group_arn: missing"},
		{"target group elsewhere", func(r map[string]any) {
			setOutput(r, "target_group_arn", "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/gw/0123456789abcdef")
		}, "target_group_arn: in region us-west-2"},
		{"one VPC for both", func(r map[string]any) { setOutput(r, "lb_vpc_id", "vpc-0a1b2c3d4e5f60001") }, "lb_vpc_id: equals app_vpc_id"},
		{"not a VPC", func(r map[string]any) { setOutput(r, "lb_vpc_id", "subnet-0123456789abcdef0") }, "lb_vpc_id: must be a VPC id"},
		{"endpoint CIDR host bits", func(r map[string]any) { setOutput(r, "vpc_endpoint_cidrs", []string{"10.10.48.7/24"}) }, "vpc_endpoint_cidrs: \"10.10.48.7/24\""},
		{"no endpoint CIDRs", func(r map[string]any) { setOutput(r, "vpc_endpoint_cidrs", []string{}) }, "vpc_endpoint_cidrs: empty"},
		{"port as text", func(r map[string]any) { setOutput(r, "gateway_port", "80") }, "gateway_port: must be a port number"},
		{"registry elsewhere", func(r map[string]any) {
			setOutput(r, "ecr_repository_url", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/org-app")
		}, "ecr_repository_url: in region eu-west-1"},
		{"log group of another app", func(r map[string]any) { setOutput(r, "app_log_group_name", "/aws/eks/x/cluster") }, "app_log_group_name: must be /org-app/<name>/app"},
		{"prefixes not a map", func(r map[string]any) { setOutput(r, "ecr_pull_through_prefixes", []string{"k8s"}) }, "ecr_pull_through_prefixes: must be a map"},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := flatFixture(t)
			c.mutate(raw)
			_, err := parse(t, raw)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := ParseOutputs([]byte("not json")); err == nil {
		t.Error("accepted non-JSON outputs")
	}
}

func TestImagePrefix(t *testing.T) {
	o := outputs(t)
	got, err := o.ImagePrefix(PrefixK8s)
	if err != nil || got != "123456789012.dkr.ecr.us-east-1.amazonaws.com/k8s" {
		t.Errorf("k8s prefix %q, %v", got, err)
	}
	// The registry module's shape: prefix => upstream registry.
	o.PullThroughPrefixes = map[string]string{PrefixGHCR: "ghcr.io"}
	if got, err := o.ImagePrefix(PrefixGHCR); err != nil || got != "123456789012.dkr.ecr.us-east-1.amazonaws.com/ghcr" {
		t.Errorf("ghcr prefix %q, %v", got, err)
	}
	if _, err := o.ImagePrefix(PrefixK8s); err == nil || !strings.Contains(err.Error(), `no entry for registry.k8s.io ("k8s"`) {
		t.Errorf("missing prefix: %v", err)
	}
	o.PullThroughPrefixes = map[string]string{PrefixGHCR: "999999999999.dkr.ecr.us-west-2.amazonaws.com/ghcr"}
	if _, err := o.ImagePrefix(PrefixGHCR); err == nil {
		t.Error("accepted another region's registry")
	}
	o.PullThroughPrefixes = map[string]string{PrefixGHCR: "quay.io"}
	if _, err := o.ImagePrefix(PrefixGHCR); err == nil {
		t.Error("accepted ghcr mapped to another upstream")
	}
}

func TestGeneratedValues(t *testing.T) {
	o := outputs(t)
	gen, err := GeneratedValues(o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	var releases []string
	for _, r := range m.Releases {
		releases = append(releases, r.Name)
		if _, ok := gen[r.Name]; !ok {
			t.Errorf("release %s has no generated values", r.Name)
		}
	}
	for name := range gen {
		if !slices.Contains(releases, name) {
			t.Errorf("generated values for %s, which releases.yaml does not install", name)
		}
	}

	lbc := gen["aws-load-balancer-controller"]
	if lbc["clusterName"] != "org-app-prod-use1" || lbc["region"] != "us-east-1" || lbc["vpcId"] != "vpc-0a1b2c3d4e5f60001" {
		t.Errorf("LBC values %v: want the cluster, region and the app VPC (IMDS is unreachable)", lbc)
	}
	tgb := gen["platform-gateway"]["targetGroupBinding"].(V)
	if tgb["targetGroupARN"] != "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/org-app-prod-use1-gw/0123456789abcdef" ||
		tgb["vpcID"] != "vpc-0a1b2c3d4e5f60002" {
		t.Errorf("TargetGroupBinding values %v: want the target group and the LB VPC", tgb)
	}
	if p := gen["platform-gateway"]["gateway"].(V)["listenerPort"]; p != 80 {
		t.Errorf("gateway listener port %v, want gateway_port 80", p)
	}
	ca := gen["cluster-autoscaler"]
	if ca["autoDiscovery"].(V)["clusterName"] != "org-app-prod-use1" || ca["awsRegion"] != "us-east-1" {
		t.Errorf("cluster autoscaler values %v", ca)
	}
	if gen["secrets-store-csi-driver-provider-aws"]["awsRegion"] != "us-east-1" {
		t.Error("ASCP region not set")
	}

	// Every image comes from this region's ECR; none from a public registry.
	images := 0
	for name, vals := range gen {
		walkValues(vals, "", func(path string, v any) {
			if strings.HasSuffix(path, ".repository") || path == "repository" {
				images++
				if s, _ := v.(string); !strings.HasPrefix(s, "123456789012.dkr.ecr.us-east-1.amazonaws.com/") {
					t.Errorf("%s %s = %v: not in this region's ECR", name, path, v)
				}
			}
		})
	}
	// LBC 1, CSI driver 4 (driver, CRDs job, registrar, liveness probe), ASCP 1, CA 1, NGF 2.
	if images != 9 {
		t.Errorf("%d images repointed, want the 9 the add-ons run", images)
	}
	delete(o.PullThroughPrefixes, "ghcr.io")
	if _, err := GeneratedValues(o); err == nil || !strings.Contains(err.Error(), "ghcr") {
		t.Errorf("without the ghcr cache: %v, want an error naming ghcr (NGINX Gateway Fabric's images)", err)
	}
}

func walkValues(v any, path string, fn func(string, any)) {
	switch x := v.(type) {
	case V:
		for k, c := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walkValues(c, p, fn)
		}
	default:
		fn(path, v)
	}
}

// TestValuesKeysExistUpstream: every key of the static values, of each
// environment's overlays and of the generated values of a third-party
// release is a key of the pinned chart version (a misspelt key would be
// ignored by Helm, silently).
func TestValuesKeysExistUpstream(t *testing.T) {
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	gen, err := GeneratedValues(outputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckValuesKeys(".", keysDir, m, gen); err != nil {
		t.Error(err)
	}
	// The check itself: a misspelt key is found.
	known := map[string]bool{"image": true, "image.repository": true, "extraArgs": true, "extraArgs.*": true}
	if u := UnknownKeys(map[string]any{"image": map[string]any{"repo": "x"}, "extraArgs": map[string]any{"v": 2}}, known); !slices.Equal(u, []string{"image.repo"}) {
		t.Errorf("UnknownKeys = %v, want [image.repo]", u)
	}
}

const keysDir = "testdata/upstream-keys"

// copyPlatform copies releases.yaml, values/ and charts/ to a temporary
// platform directory a test may change.
func copyPlatform(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile("releases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "releases.yaml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"values", "charts"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(sub)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(t *testing.T, file, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOverlayKeysChecked: a misspelt key in an environment's overlay fails
// the key check, naming the file and the key; the shared file and the other
// environments are checked as well.
func TestOverlayKeysChecked(t *testing.T) {
	for _, c := range []struct {
		file, yaml, want string
	}{
		{"values/dev/nginx-gateway-fabric.yaml", "nginx:\n  replica: 1\n", "nginx.replica"},
		{"values/staging/aws-load-balancer-controller.yaml", "replicaCount: 1\nreplicasCount: 1\n", "replicasCount"},
		{"values/prod/cluster-autoscaler.yaml", "extraArgs:\n  v: 4\nautoDiscovery:\n  clustername: x\n", "autoDiscovery.clustername"},
		{"values/cluster-autoscaler.yaml", "replicaCount: 1\nreplicas: 1\n", "replicas"},
	} {
		t.Run(c.file, func(t *testing.T) {
			dir := copyPlatform(t)
			m, err := LoadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckValuesKeys(dir, keysDir, m, nil); err != nil {
				t.Fatalf("the repository's values before the change: %v", err)
			}
			writeFile(t, filepath.Join(dir, c.file), c.yaml)
			err = CheckValuesKeys(dir, keysDir, m, nil)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, c.file)+" sets keys "+c.want+" that") {
				t.Errorf("error %v, want one naming %s and key %s", err, c.file, c.want)
			}
		})
	}
	// An overlay that is not YAML of a map is refused too.
	dir := copyPlatform(t)
	writeFile(t, filepath.Join(dir, "values", "dev", "cluster-autoscaler.yaml"), "- replicaCount\n")
	m, err := LoadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckValuesKeys(dir, keysDir, m, nil); err == nil || !strings.Contains(err.Error(), "cluster-autoscaler.yaml") {
		t.Errorf("a list as overlay: %v", err)
	}
	// Generated values are checked when given.
	bad := map[string]V{"cluster-autoscaler": {"awsRegion": "us-east-1", "awsRegon": "us-east-1"}}
	if err := CheckValuesKeys(".", keysDir, m, bad); err == nil || !strings.Contains(err.Error(), "generated values of cluster-autoscaler set keys awsRegon") {
		t.Errorf("a misspelt generated key: %v", err)
	}
}

// TestOverlaysRejected: an overlay deploy would not pass (misnamed, for a
// local chart, under a directory that is no environment) stops LoadManifest,
// so deploy, deploy -vendor and vendor, instead of being skipped silently.
func TestOverlaysRejected(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"values/dev/nginx-gateway.yaml", "values/dev/<release>.yaml for a third-party release"},
		{"values/dev/aws-load-balancer-controller.yml", "values/dev/<release>.yaml for a third-party release"},
		{"values/staging/platform-gateway.yaml", "local charts take their values from the chart"},
		{"values/qa/cluster-autoscaler.yaml", "values/qa/: overlay directories are named after an environment (dev, staging, prod)"},
		{"values/Dev/cluster-autoscaler.yaml", "values/Dev/: overlay directories"},
	} {
		t.Run(c.file, func(t *testing.T) {
			dir := copyPlatform(t)
			writeFile(t, filepath.Join(dir, c.file), "replicaCount: 1\n")
			if _, err := LoadManifest(dir); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("LoadManifest: %v, want an error containing %q", err, c.want)
			}
		})
	}
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"", "qa", "../dev", "Prod"} {
		if _, err := Overlays(".", env, m); err == nil || !strings.Contains(err.Error(), "must be one of dev, staging, prod") {
			t.Errorf("Overlays(%q): %v", env, err)
		}
		if _, err := Plan(".", env, m, nil, t.TempDir(), Tools{Helm: "helm", Kubectl: "kubectl"}, nil); err == nil {
			t.Errorf("Plan accepted environment %q", env)
		}
	}
}

// TestPlanOverlays: dev's steps pass values/dev/NAME.yaml right after the
// shared values/NAME.yaml and before the generated values for the releases
// dev overrides (ADR 0142: one node at rest); staging's and prod's steps
// pass no overlay. Vendored charts get the same values files.
func TestPlanOverlays(t *testing.T) {
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	gen, err := GeneratedValues(outputs(t))
	if err != nil {
		t.Fatal(err)
	}
	vendored := &Vendored{Dir: "/vendor", Charts: map[string]string{}, Files: map[string]string{m.GatewayAPICRDs.URL: "/vendor/crds.yaml"}}
	for _, r := range m.Releases {
		vendored.Charts[r.Name] = "/vendor/" + r.Name + ".tgz"
	}
	devOverlays := []string{"aws-load-balancer-controller", "nginx-gateway-fabric"}
	for _, env := range Environments {
		for _, v := range []*Vendored{nil, vendored} {
			steps, err := Plan(".", env, m, gen, t.TempDir(), Tools{Helm: "helm", Kubectl: "kubectl"}, v)
			if err != nil {
				t.Fatal(err)
			}
			overlaid := 0
			for i, s := range steps[2:] {
				r := m.Releases[i]
				var files []string
				for j, a := range s.Cmd {
					if a == "-f" {
						files = append(files, s.Cmd[j+1])
					}
				}
				want := []string{ValuesFile(".", r), s.Generated}
				switch {
				case r.Local():
					want = []string{s.Generated}
				case env == "dev" && slices.Contains(devOverlays, r.Name):
					want = []string{ValuesFile(".", r), filepath.Join("values", "dev", r.Name+".yaml"), s.Generated}
					overlaid++
				}
				if !slices.Equal(files, want) {
					t.Errorf("%s (vendored %v): %s gets -f %v, want %v", env, v != nil, r.Name, files, want)
				}
			}
			if env == "dev" && overlaid != len(devOverlays) {
				t.Errorf("dev: %d of the releases %v installed", overlaid, devOverlays)
			}
		}
	}
}

// TestDevOverlaysFitOneNode: dev's overlays bring the platform's replicas
// to one each (ADR 0142), on top of the shared files' counts.
func TestDevOverlaysFitOneNode(t *testing.T) {
	for _, c := range []struct {
		release string
		path    []string
		shared  float64
	}{
		{"aws-load-balancer-controller", []string{"replicaCount"}, 2},
		{"nginx-gateway-fabric", []string{"nginxGateway", "replicas"}, 2},
		{"nginx-gateway-fabric", []string{"nginx", "replicas"}, 3},
	} {
		get := func(v map[string]any) any {
			var cur any = v
			for _, k := range c.path {
				m, _ := cur.(map[string]any)
				cur = m[k]
			}
			return cur
		}
		if got := get(readValues(t, filepath.Join("values", c.release+".yaml"))); got != c.shared {
			t.Errorf("values/%s.yaml %v = %v, want %v", c.release, c.path, got, c.shared)
		}
		if got := get(readValues(t, filepath.Join("values", "dev", c.release+".yaml"))); got != float64(1) {
			t.Errorf("values/dev/%s.yaml %v = %v, want 1", c.release, c.path, got)
		}
	}
}

func TestLoadManifestRejects(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "values"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "releases.yaml"), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	crds := "gatewayAPICRDs:\n  version: v1.5.1\n  url: https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml\n"
	for name, c := range map[string]struct{ yaml, want string }{
		"range":       {crds + "releases:\n  - {name: a, namespace: kube-system, chart: a, repo: https://x.example, version: ^1.0.0}\n", "exact version"},
		"no values":   {crds + "releases:\n  - {name: a, namespace: kube-system, chart: a, repo: https://x.example, version: 1.0.0}\n", "no values file"},
		"plain http":  {crds + "releases:\n  - {name: a, namespace: kube-system, chart: a, repo: http://x.example, version: 1.0.0}\n", "https URL"},
		"unknown key": {crds + "releases:\n  - {name: a, namespace: kube-system, chart: a, repo: https://x.example, version: 1.0.0, values: x}\n", "unknown field"},
		"crd range":   {"gatewayAPICRDs:\n  version: latest\n  url: https://example.com/x.yaml\nreleases: []\n", "gatewayAPICRDs"},
	} {
		write(c.yaml)
		if _, err := LoadManifest(dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, c.want)
		}
	}
}

func TestPlan(t *testing.T) {
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	gen, err := GeneratedValues(outputs(t))
	if err != nil {
		t.Fatal(err)
	}
	genDir := t.TempDir()
	steps, err := Plan(".", "prod", m, gen, genDir, Tools{Helm: "helm", Kubectl: "kubectl"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2+len(m.Releases) {
		t.Fatalf("%d steps for %d releases", len(steps), len(m.Releases))
	}
	if !slices.Contains(steps[0].Cmd, "namespaces.yaml") || !slices.Contains(steps[1].Cmd, m.GatewayAPICRDs.URL) {
		t.Errorf("first steps %v %v: namespaces, then the Gateway API CRDs", steps[0].Cmd, steps[1].Cmd)
	}
	order := map[string]int{}
	for i, s := range steps[2:] {
		r := m.Releases[i]
		order[r.Name] = i
		cmd := strings.Join(s.Cmd, " ")
		if !strings.HasPrefix(cmd, "helm upgrade --install "+r.Name+" ") || !strings.Contains(cmd, "--namespace "+r.Namespace) ||
			!strings.Contains(cmd, "--wait") || !strings.Contains(cmd, "-f "+s.Generated) {
			t.Errorf("step %q", cmd)
		}
		if !r.Local() && (!strings.Contains(cmd, "--version "+r.Version) || !strings.Contains(cmd, "-f "+ValuesFile(".", r))) {
			t.Errorf("%s: not pinned to %s with its values file: %q", r.Name, r.Version, cmd)
		}
		data, err := os.ReadFile(s.Generated)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := yaml.Unmarshal(data, &got); err != nil || len(got) == 0 {
			t.Errorf("%s: generated values %q: %v", r.Name, data, err)
		}
	}
	// The TargetGroupBinding needs the controller's CRD and webhook; the
	// Gateway needs NGINX Gateway Fabric's GatewayClass; the provider the driver.
	for before, after := range map[string]string{
		"aws-load-balancer-controller": "platform-gateway",
		"nginx-gateway-fabric":         "platform-gateway",
		"secrets-store-csi-driver":     "secrets-store-csi-driver-provider-aws",
	} {
		if order[before] >= order[after] {
			t.Errorf("%s must be installed before %s", before, after)
		}
	}
}

func TestCheckKubeconfig(t *testing.T) {
	o := outputs(t)
	ca, _ := base64.StdEncoding.DecodeString(o.ClusterCAData)
	kc := func(cluster map[string]any) []byte {
		data, _ := json.Marshal(map[string]any{"clusters": []any{map[string]any{"name": "tunnel", "cluster": cluster}}})
		return data
	}
	if err := checkKubeconfig(kc(map[string]any{"server": "https://127.0.0.1:8443", "certificate-authority-data": o.ClusterCAData}), o); err != nil {
		t.Errorf("the stack's CA through a tunnel: %v", err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(caFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := checkKubeconfig(kc(map[string]any{"server": "https://127.0.0.1:8443", "certificate-authority": caFile}), o); err != nil {
		t.Errorf("the stack's CA from a file: %v", err)
	}
	other := base64.StdEncoding.EncodeToString([]byte("another cluster's CA"))
	if err := checkKubeconfig(kc(map[string]any{"server": "https://x", "certificate-authority-data": other}), o); err == nil || !strings.Contains(err.Error(), "CA differs") {
		t.Errorf("another cluster: %v", err)
	}
	if err := checkKubeconfig(kc(map[string]any{"server": "https://x", "insecure-skip-tls-verify": true}), o); err == nil {
		t.Error("accepted a kubeconfig without a CA")
	}
}

func TestAppValues(t *testing.T) {
	vals, err := AppValues(outputs(t))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(vals)
	var got struct {
		AWS    struct{ Region string } `json:"aws"`
		Image  struct{ Repository string }
		Secret struct {
			Source string
			CSI    struct{ SecretArn string } `json:"csi"`
		}
		FluentBit     struct{ LogGroupName string }                     `json:"fluentBit"`
		ADOT          struct{ LogGroupName string }                     `json:"adot"`
		Canary        struct{ FluentBit struct{ LogGroupName string } } `json:"canary"`
		NetworkPolicy struct {
			VPCEndpointCIDRs []string `json:"vpcEndpointCIDRs"`
		} `json:"networkPolicy"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.AWS.Region != "us-east-1" || got.Image.Repository != "123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app" ||
		got.Secret.Source != "csi" || !strings.HasPrefix(got.Secret.CSI.SecretArn, "arn:aws:secretsmanager:us-east-1:") ||
		got.FluentBit.LogGroupName != "/org-app/org-app-prod-use1/app" || got.ADOT.LogGroupName != "/org-app/org-app-prod-use1/metrics" ||
		got.Canary.FluentBit.LogGroupName != "/org-app/org-app-prod-use1/canary" || len(got.NetworkPolicy.VPCEndpointCIDRs) != 3 {
		t.Errorf("app values %s", data)
	}
}
