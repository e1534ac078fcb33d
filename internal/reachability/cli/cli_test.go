package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/cli"
)

const state = "../model/testdata/state.json"

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writePolicy(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckExitCodes(t *testing.T) {
	code, out, _ := run(t, "check", "--from", "internet:1.0.0.1", "--to", "web", "--port", "443", state)
	if code != cli.ExitOK || !strings.Contains(out, "internet[1.0.0.1] -> web@us-east-1a tcp/443: allowed") {
		t.Errorf("allowed flow: code %d\n%s", code, out)
	}
	// Flags after the positional argument work too.
	code, out, _ = run(t, "check", state, "--from", "worker@us-east-1a", "--to", "internet:1.0.0.1", "--port", "443")
	if code != cli.ExitViolation || !strings.Contains(out, "blocked") || !strings.Contains(out, "x  1. sg-egress") {
		t.Errorf("blocked flow: code %d\n%s", code, out)
	}
}

func TestCheckJSON(t *testing.T) {
	code, out, _ := run(t, "check", "--format", "json", "--from", "worker", "--to", "vpc-endpoint:s3", "--port", "443", state)
	var vs []struct {
		From, To, Outcome string
		Paths             []struct{ Hops []struct{ Step string } }
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// worker@us-east-1b's subnet uses the main route table: no S3 route.
	if code != cli.ExitViolation || len(vs) != 2 || vs[0].Outcome != "allowed" || vs[1].Outcome != "blocked" || len(vs[0].Paths[0].Hops) == 0 {
		t.Errorf("code %d: %+v", code, vs)
	}
}

func TestVerify(t *testing.T) {
	ok := writePolicy(t, "version: 1\naliases: {site: web}\nallow:\n  - {name: web-https, from: internet, to: site, port: 443}\ndeny:\n  - {name: no-ssh, from: internet, to: web, port: 22}\n")
	code, out, _ := run(t, "verify", "--policy", ok, state)
	if code != cli.ExitOK || !strings.Contains(out, "all 2 flows hold") {
		t.Errorf("code %d\n%s", code, out)
	}
	bad := writePolicy(t, "version: 1\ndeny:\n  - {name: no-https, from: internet, to: web, port: 443}\n")
	code, out, _ = run(t, "verify", "--policy", bad, state)
	if code != cli.ExitViolation || !strings.Contains(out, "no-https (expect deny)") || !strings.Contains(out, "module.app.aws_security_group.web ingress[0]") {
		t.Errorf("code %d\n%s", code, out)
	}
	code, out, _ = run(t, "verify", "--format", "json", "--policy", bad, state)
	var res struct{ Violations int }
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != cli.ExitViolation || res.Violations != 1 {
		t.Errorf("json: code %d err %v %s", code, err, out)
	}
}

func TestVerifyWhenAndVar(t *testing.T) {
	p := writePolicy(t, "version: 1\ndeny:\n  - {name: d, from: internet, to: web, port: 443, when: {mode: strict}}\n")
	code, _, errOut := run(t, "verify", "--policy", p, state)
	if code != cli.ExitUsage || !strings.Contains(errOut, `needs the fact "mode"`) {
		t.Errorf("missing fact: code %d %s", code, errOut)
	}
	code, out, _ := run(t, "verify", "--policy", p, "--var", "mode=lenient", state)
	if code != cli.ExitOK || !strings.Contains(out, "skipped (when mode = strict; the input has lenient)") {
		t.Errorf("skipped: code %d\n%s", code, out)
	}
	code, _, _ = run(t, "verify", "--policy", p, "--var", "mode=strict", state)
	if code != cli.ExitViolation {
		t.Errorf("applied: code %d", code)
	}
}

func TestNames(t *testing.T) {
	code, out, errOut := run(t, "names", state)
	for _, want := range []string{"eks-api\n", "  eks-api@public", "vpc:main", "AZs: us-east-1a, us-east-1b", "fact egress = true"} {
		if !strings.Contains(out, want) {
			t.Errorf("names lacks %q:\n%s", want, out)
		}
	}
	if code != cli.ExitOK || !strings.Contains(errOut, "warning: ") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	plan := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(plan, []byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[
	 {"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"id":"vpc-1","cidr_block":"10.0.0.0/16"}},
	 {"address":"aws_subnet.s","mode":"managed","type":"aws_subnet","name":"s","values":{"cidr_block":"10.0.1.0/24"}}]}},
	 "resource_changes":[{"address":"aws_subnet.s","change":{"actions":["create"],"after_unknown":{"id":true,"vpc_id":true}}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"check", state}, "--from and --to are required"},
		{[]string{"check", "--from", "a", "--to", "b", state}, "--port is required"},
		{[]string{"check", "--from", "web", "--to", "nlb", "--port", "443", "--proto", "icmp", state}, "--proto"},
		{[]string{"check", "--from", "wbe", "--to", "nlb", "--port", "443", state}, `no endpoint named "wbe"`},
		{[]string{"check", "--bogus", state}, "flag provided but not defined"},
		{[]string{"verify", state}, "--policy is required"},
		{[]string{"verify", "--policy", "nope.yaml", state}, "read policy"},
		{[]string{"names"}, "exactly one STATE.json"},
		{[]string{"names", "a.json", "b.json"}, "exactly one STATE.json"},
		{[]string{"names", "--format", "xml", state}, "--format"},
		{[]string{"names", "missing.json"}, "read missing.json"},
		{[]string{"names", plan}, "known only after apply"},
		{[]string{"check", "--var", "novalue", state}, "want NAME=VALUE"},
	}
	for _, c := range cases {
		code, _, errOut := run(t, c.args...)
		if code != cli.ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}
	if code, _, _ := run(t, "names", "--allow-unknown", plan); code != cli.ExitOK {
		t.Errorf("--allow-unknown: code %d", code)
	}
	if code, out, _ := run(t, "help"); code != cli.ExitOK || !strings.Contains(out, "reachability verify") {
		t.Errorf("help: %d", code)
	}
}
