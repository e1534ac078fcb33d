package stacktest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/invariants"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/cli"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/policy"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/stacktest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tfjson"
)

const designPolicy = "infra/reachability/policy.yaml"

// roots are applied offline and must satisfy their policy. To check another
// root (a live root, the regional stack with test variables), add a line:
//
//	{Name: "prod/us-east-1", Dir: "infra/live/prod/us-east-1", Policy: designPolicy, Facts: map[string]string{"app_internet_egress": "false", "single_nat_gateway": "false"}},
//
// The root's outputs are facts for the policy's `when:` (app_internet_egress,
// single_nat_gateway); Vars become -var arguments and facts; Facts are facts
// only, for a root that neither declares nor outputs them.
var roots = []stacktest.Root{
	{Name: "fixture/egress-off", Dir: "infra/reachability/fixture", VarFiles: []string{"egress-off.tfvars"}, Policy: designPolicy},
	{Name: "fixture/egress-on", Dir: "infra/reachability/fixture", VarFiles: []string{"egress-on.tfvars"}, Policy: designPolicy},
	{Name: "fixture/single-nat", Dir: "infra/reachability/fixture", VarFiles: []string{"single-nat.tfvars"}, Policy: designPolicy},
	{Name: "fixture/dev-peering", Dir: "infra/reachability/fixture", VarFiles: []string{"dev-peering.tfvars"}, Policy: designPolicy},
	liveDev, liveStaging, liveProdEast, liveProdWest,
}

// The live roots, applied with their own terraform.tfvars and the example
// account identifiers (account.auto.tfvars.example).
var (
	example      = []string{"account.auto.tfvars.example"}
	liveDev      = stacktest.Root{Name: "live/dev/us-east-1", Dir: "infra/live/dev/us-east-1", VarFiles: example, Policy: designPolicy, Facts: map[string]string{"app_internet_egress": "false", "single_nat_gateway": "false", "vpn_enabled": "false", "interconnect": "peering", "operator_path": "instance_connect_endpoint"}}
	liveStaging  = stacktest.Root{Name: "live/staging/us-east-1", Dir: "infra/live/staging/us-east-1", VarFiles: example, Policy: designPolicy, Facts: map[string]string{"app_internet_egress": "false", "single_nat_gateway": "true", "vpn_enabled": "false", "interconnect": "transit_gateway", "operator_path": "client_vpn"}}
	liveProdEast = stacktest.Root{Name: "live/prod/us-east-1", Dir: "infra/live/prod/us-east-1", VarFiles: example, Policy: designPolicy, Facts: map[string]string{"app_internet_egress": "false", "single_nat_gateway": "true", "vpn_enabled": "true", "interconnect": "transit_gateway", "operator_path": "client_vpn"}}
	liveProdWest = stacktest.Root{Name: "live/prod/us-west-2", Dir: "infra/live/prod/us-west-2", VarFiles: example, Policy: designPolicy, Facts: map[string]string{"app_internet_egress": "false", "single_nat_gateway": "true", "vpn_enabled": "true", "interconnect": "transit_gateway", "operator_path": "client_vpn"}}
	liveGlobal   = stacktest.Root{Name: "live/global", Dir: "infra/live/global", VarFiles: example}
	liveBoot     = stacktest.Root{Name: "live/bootstrap", Dir: "infra/live/bootstrap"}
)

// invariantRoots are every live root with what the platform promises of it
// (internal/invariants): checked on the state an offline apply leaves.
var invariantRoots = []struct {
	root stacktest.Root
	opts invariants.Options
}{
	{liveDev, invariants.Options{AZs: []string{"us-east-1a", "us-east-1b"}, PublicNLB: true}},
	{liveStaging, invariants.Options{AZs: []string{"us-east-1a", "us-east-1b", "us-east-1c"}, PublicNLB: true}},
	{liveProdEast, invariants.Options{Prod: true, AZs: []string{"us-east-1a", "us-east-1b", "us-east-1c"}, PublicNLB: true}},
	{liveProdWest, invariants.Options{Prod: true, AZs: []string{"us-west-2a", "us-west-2b", "us-west-2c"}, PublicNLB: true}},
	{liveGlobal, invariants.Options{Prod: true}},
	{liveBoot, invariants.Options{}},
}

func TestLiveRootsKeepThePlatformInvariants(t *testing.T) {
	e := setup(t)
	for _, tc := range invariantRoots {
		t.Run(tc.root.Name, func(t *testing.T) {
			doc, err := tfjson.Decode(bytes.NewReader(e.state(t, tc.root)))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Resources) == 0 {
				t.Fatal("the apply left no resources")
			}
			for _, v := range invariants.Check(doc, tc.opts) {
				t.Error(v)
			}
		})
	}
}

type env struct {
	applier *stacktest.Applier
	repo    string
	ctx     context.Context
	states  map[string][]byte
}

var shared *env

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		_ = os.RemoveAll(shared.applier.Work)
	}
	os.Exit(code)
}

func setup(t *testing.T) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("offline apply skipped in -short mode")
	}
	bin, skip := stacktest.Tofu()
	if skip != "" {
		t.Skip("offline apply skipped: " + skip)
	}
	if shared != nil {
		return shared
	}
	repo, err := stacktest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	work, err := os.MkdirTemp("", "reachability-stacks-")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-10*time.Second))
		_ = cancel // lives as long as the test binary
	}
	shared = &env{applier: &stacktest.Applier{Tofu: bin, Repo: repo, Work: work}, repo: repo, ctx: ctx, states: map[string][]byte{}}
	return shared
}

func (e *env) state(t *testing.T, r stacktest.Root) []byte {
	t.Helper()
	if b, ok := e.states[r.Name]; ok {
		return b
	}
	b, err := e.applier.Apply(e.ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	e.states[r.Name] = b
	return b
}

func facts(r stacktest.Root) map[string]any {
	out := map[string]any{}
	for k, v := range r.Vars {
		out[k] = policy.ParseFact(v)
	}
	for k, v := range r.Facts {
		out[k] = policy.ParseFact(v)
	}
	return out
}

func verify(t *testing.T, e *env, r stacktest.Root, state []byte) *policy.Result {
	t.Helper()
	doc, err := tfjson.Decode(bytes.NewReader(state))
	if err != nil {
		t.Fatal(err)
	}
	n, err := model.Build(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Unresolved) > 0 {
		t.Fatalf("unresolved after apply: %v", n.Unresolved)
	}
	p, err := policy.Load(filepath.Join(e.repo, r.Policy))
	if err != nil {
		t.Fatal(err)
	}
	res, err := policy.Verify(eval.New(n), p, policy.Options{Facts: facts(r)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func table(res *policy.Result) string {
	var b bytes.Buffer
	_ = policy.WriteTable(&b, res)
	return b.String()
}

func TestRootsSatisfyPolicy(t *testing.T) {
	e := setup(t)
	for _, r := range roots {
		t.Run(r.Name, func(t *testing.T) {
			res := verify(t, e, r, e.state(t, r))
			if res.Violations != 0 {
				t.Fatalf("%s violates %s:\n%s", r.Dir, r.Policy, table(res))
			}
			ran := 0
			for _, row := range res.Rows {
				if row.Status == policy.StatusOK {
					ran++
				}
			}
			if ran < 10 {
				t.Errorf("only %d flows were checked:\n%s", ran, table(res))
			}
		})
	}
}

func one(t *testing.T, s *stacktest.State, typ string, parts ...string) string {
	t.Helper()
	found := s.Find(typ, parts...)
	if len(found) != 1 {
		t.Fatalf("want one %s matching %v, found %v", typ, parts, found)
	}
	return found[0]
}

func row(t *testing.T, res *policy.Result, flow, az string) policy.Row {
	t.Helper()
	for _, r := range res.Rows {
		if r.Flow == flow && r.AZ == az {
			return r
		}
	}
	t.Fatalf("no row %s %s", flow, az)
	return policy.Row{}
}

func wantViolation(t *testing.T, res *policy.Result, flow, az string, words ...string) {
	t.Helper()
	r := row(t, res, flow, az)
	if r.Status != policy.StatusViolation || len(r.Failures) == 0 {
		t.Fatalf("%s %s: %s, want a violation:\n%s", flow, az, r.Status, table(res))
	}
	f := r.Failures[0]
	text := f.Reason + "\n" + f.Hop + "\n" + strings.Join(f.Path, "\n")
	for _, w := range words {
		if !strings.Contains(text, w) {
			t.Errorf("%s %s: the explanation does not name %q:\n%s", flow, az, w, text)
		}
	}
}

// TestMutationsAreCaught changes the applied state the way a wiring mistake
// would and checks that verify fails and names the hop.
func TestMutationsAreCaught(t *testing.T) {
	e := setup(t)
	on := roots[1]
	base := e.state(t, on)
	mutate := func(t *testing.T, fn func(s *stacktest.State)) *policy.Result {
		t.Helper()
		s, err := stacktest.ParseState(base)
		if err != nil {
			t.Fatal(err)
		}
		fn(s)
		return verify(t, e, on, s.Bytes())
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	t.Run("deleted TGW route to the jump hosts", func(t *testing.T) {
		res := mutate(t, func(s *stacktest.State) {
			must(t, s.Delete(one(t, s, "aws_ec2_transit_gateway_route", `"security|10.100.254.0/24"`)))
		})
		// Longest prefix match now picks the 10/8 blackhole.
		for _, az := range []string{"us-east-1a", "us-east-1b"} {
			wantViolation(t, res, "bastion-to-jump-host", az, "blocked at tgw-route", "blackhole", `aws_ec2_transit_gateway_route.this["security|10.0.0.0/8"]`)
		}
	})

	t.Run("node group rule for one NLB subnet removed", func(t *testing.T) {
		res := mutate(t, func(s *stacktest.State) {
			must(t, s.Delete(one(t, s, "aws_vpc_security_group_ingress_rule", "node-gateway-from-nlb-10.20.2.0/23")))
		})
		wantViolation(t, res, "nlb-to-gateway-pods", "us-east-1b", "sg-ingress", "no ingress rule of module.eks.aws_security_group.node allows tcp/80 from 10.20.2.")
		if r := row(t, res, "nlb-to-gateway-pods", "us-east-1a"); r.Status != policy.StatusOK {
			t.Errorf("us-east-1a should still hold: %s", r.Summary())
		}
	})

	t.Run("SSH opened on the NLB", func(t *testing.T) {
		res := mutate(t, func(s *stacktest.State) {
			nlbSG, err := s.Values(one(t, s, "aws_security_group", "module.edge", "nlb"))
			must(t, err)
			must(t, s.Add("module.edge", "aws_vpc_security_group_ingress_rule", "ssh_oops", map[string]any{
				"id": "sgr-0oops", "security_group_id": nlbSG["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0",
			}))
			tls, err := s.Values(one(t, s, "aws_lb_listener", "module.edge"))
			must(t, err)
			must(t, s.Add("module.edge", "aws_lb_listener", "ssh_oops", map[string]any{
				"id": "arn:ssh", "arn": "arn:ssh", "load_balancer_arn": tls["load_balancer_arn"], "port": 22, "protocol": "TCP", "default_action": tls["default_action"],
			}))
		})
		wantViolation(t, res, "internet-only-to-nlb-443", "", "allowed by the path", "module.edge.aws_vpc_security_group_ingress_rule.ssh_oops", "module.edge.aws_lb_listener.ssh_oops")
	})

	t.Run("NAT route of one AZ pointed at another AZ's NAT", func(t *testing.T) {
		res := mutate(t, func(s *stacktest.State) {
			natB, err := s.Values(one(t, s, "aws_nat_gateway", `"us-east-1b"`))
			must(t, err)
			route, err := s.Values(one(t, s, "aws_route", `lb_tgw_nat["us-east-1a"]`))
			must(t, err)
			route["nat_gateway_id"] = natB["id"]
		})
		wantViolation(t, res, "app-egress-through-own-az-nat", "us-east-1a", "avoids nat@us-east-1a", "nat@us-east-1b", `aws_route.lb_tgw_nat["us-east-1a"]`)
		if r := row(t, res, "app-egress-through-own-az-nat", "us-east-1c"); r.Status != policy.StatusOK {
			t.Errorf("us-east-1c should still hold: %s", r.Summary())
		}
	})

	t.Run("appliance mode on the LB attachment", func(t *testing.T) {
		res := mutate(t, func(s *stacktest.State) {
			att, err := s.Values(one(t, s, "aws_ec2_transit_gateway_vpc_attachment", "module.network", ".lb"))
			must(t, err)
			att["appliance_mode_support"] = "enable"
		})
		wantViolation(t, res, "app-egress-through-own-az-nat", "us-east-1a", "appliance mode on")
	})

	t.Run("the command exits 1 and names the hop", func(t *testing.T) {
		s, err := stacktest.ParseState(base)
		must(t, err)
		must(t, s.Delete(one(t, s, "aws_ec2_transit_gateway_route", `"lb|10.100.32.0/19"`)))
		file := filepath.Join(t.TempDir(), "state.json")
		must(t, os.WriteFile(file, s.Bytes(), 0o600))
		var out, errb bytes.Buffer
		code := cli.Main([]string{"verify", "--policy", filepath.Join(e.repo, designPolicy), file}, &out, &errb)
		if code != cli.ExitViolation {
			t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
		}
		for _, want := range []string{"nlb-to-gateway-pods @us-east-1a (expect allow)", "deciding hop: tgw-route", "module.network.aws_ec2_transit_gateway_route_table.lb"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
}

// TestDevRootDestroys tears the applied dev root down (last: the other tests
// use its state first). Terraform owns the NLB and its target group, and no
// in-cluster controller may create AWS resources, so destroy follows the
// dependency graph alone (docs: infra/stacks/region/README.md, "Destroy").
func TestDevRootDestroys(t *testing.T) {
	e := setup(t)
	e.state(t, liveDev)
	if err := e.applier.Destroy(e.ctx, liveDev); err != nil {
		t.Fatal(err)
	}
	delete(e.states, liveDev.Name)
}

// TestDevRunsItsCostProfile checks that the applied dev root is the topology
// ADR 0142 prices (docs/cost.md): the lb <-> app peering (no bastions, so no
// security <-> app one), no Transit Gateway or NAT gateway, the Instance
// Connect Endpoint and no Client VPN or bastions, one node group over both
// AZs; that the policy checks dev's operator path; and that a missing peering
// route is caught.
func TestDevRunsItsCostProfile(t *testing.T) {
	e := setup(t)
	base := e.state(t, liveDev)
	s, err := stacktest.ParseState(base)
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string]int{
		"aws_vpc_peering_connection":        1,
		"aws_ec2_transit_gateway":           0,
		"aws_nat_gateway":                   0,
		"aws_ec2_instance_connect_endpoint": 1,
		"aws_ec2_client_vpn_endpoint":       0,
		"aws_eks_node_group":                1,
	} {
		if got := len(s.Find(typ)); got != want {
			t.Errorf("%s: %d in dev's state, want %d", typ, got, want)
		}
	}
	bastions := 0
	for _, addr := range s.Find("aws_autoscaling_group", "module.access") {
		if strings.Contains(addr, "bastion") {
			bastions++
		}
	}
	if bastions != 0 {
		t.Errorf("dev has %d bastion groups, want none", bastions)
	}

	res := verify(t, e, liveDev, base)
	for flow, want := range map[string]policy.Status{
		"instance-connect-to-jump-host": policy.StatusOK,
		"jump-host-to-eks-api":          policy.StatusOK,
		"vpn-to-bastion":                policy.StatusSkipped,
	} {
		seen := 0
		for _, r := range res.Rows {
			if r.Flow != flow {
				continue
			}
			seen++
			if r.Status != want {
				t.Errorf("%s %s: %s, want %s:\n%s", flow, r.AZ, r.Status, want, table(res))
			}
		}
		if seen == 0 {
			t.Errorf("the policy has no flow %s", flow)
		}
	}

	t.Run("peering route back to the NLB subnet removed", func(t *testing.T) {
		m, err := stacktest.ParseState(base)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Delete(one(t, m, "aws_route", "to_peer", `"app-private|10.20.2.0/23"`)); err != nil {
			t.Fatal(err)
		}
		res := verify(t, e, liveDev, m.Bytes())
		wantViolation(t, res, "nlb-to-gateway-pods", "us-east-1b")
	})
}
