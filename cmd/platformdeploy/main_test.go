package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"destroy"},
		{"deploy", "-env", "qa", "-region", "us-east-1"},
		{"deploy", "-env", "prod", "-region", "useast1"},
		{"deploy", "-env", "prod", "-region", "us-east-1", "extra"},
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
