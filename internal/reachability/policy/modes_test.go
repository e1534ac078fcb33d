package policy_test

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
	mt "github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model/modeltest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/policy"
)

const shippedPolicy = "../../../infra/reachability/policy.yaml"

// devPeering is the dev region as modules/network (interconnect
// "peering", no NAT gateways) and modules/access (operator_path
// "instance_connect_endpoint") build it: security, LB and app VPCs, two
// peerings towards the app VPC, routes for the design's flows only, the
// NLB, nodes and pods, the EKS API, an interface endpoint, the jump host
// in both AZs and the EC2 Instance Connect Endpoint in the first AZ.
type devPeering struct {
	t                   *mt.Net
	lbApp, secApp       *model.Peering
	rtSec, rtApp, rtLB  *model.RouteTable
	gEIC, gNodes, gJump *model.SecurityGroup
	appPrivate          []string
}

func newDevPeering() *devPeering {
	t := mt.New()
	d := &devPeering{t: t, appPrivate: []string{"10.100.0.0/20", "10.100.16.0/20"}}
	sec, lb, app := t.VPC("security", "10.10.0.0/20"), t.VPC("lb", "10.20.0.0/20"), t.VPC("app", "10.100.0.0/16")
	t.IGW(lb)
	d.lbApp, d.secApp = t.Peering("lb_app", lb, app), t.Peering("security_app", sec, app)
	d.rtSec, d.rtLB, d.rtApp = t.RouteTable(sec, "security-private"), t.RouteTable(lb, "lb-public"), t.RouteTable(app, "app-private")
	rtVPN, rtIntra, rtJump := t.RouteTable(sec, "security-vpn"), t.RouteTable(app, "app-intra"), t.RouteTable(app, "app-jump")
	t.Route(d.rtSec, "security_to_jump", "10.100.250.0/25", model.TargetPeering, d.secApp.ID)
	t.Route(d.rtLB, "lb_default", "0.0.0.0/0", model.TargetIGW, "igw-lb")

	gNLB, gAPI, gEndpoints := t.SG(lb, "nlb"), t.SG(app, "cluster"), t.SG(app, "endpoints")
	d.gNodes, d.gJump, d.gEIC = t.SG(app, "nodes"), t.SG(app, "jump-host"), t.SG(app, "instance-connect")
	t.In(gNLB, mt.Rule{From: 443, CIDR: "0.0.0.0/0", Name: "nlb_https"})
	t.In(d.gNodes, mt.Rule{From: 8080, Ref: d.gNodes, Name: "nodes_from_nodes"})
	t.Out(d.gNodes, mt.Rule{From: 8080, Ref: d.gNodes, Name: "nodes_to_nodes"}, mt.Rule{From: 443, CIDR: "10.100.0.0/16", Name: "nodes_to_vpc"})
	t.In(gAPI, mt.Rule{From: 443, Ref: d.gNodes, Name: "api_from_nodes"}, mt.Rule{From: 443, CIDR: "10.100.250.0/25", Name: "api_from_jump_cidr"})
	t.In(gEndpoints, mt.Rule{From: 443, CIDR: "10.100.0.0/16", Name: "endpoints_https"})
	t.In(d.gJump, mt.Rule{From: 22, Ref: d.gEIC, Name: "jump_from_eic"})
	t.Out(d.gJump, mt.Rule{From: 443, CIDR: "10.100.240.0/24", Name: "jump_to_api"})
	t.Out(d.gEIC, mt.Rule{From: 22, Ref: d.gJump, Name: "eic_to_jump"})

	tg := &model.TargetGroup{ARN: "arn:tg", Resource: "aws_lb_target_group.gateway", Port: 80, Proto: "TCP", TargetType: "ip"}
	nlb := &model.LoadBalancer{ARN: "arn:lb", Resource: "aws_lb.this", Type: "network", SGs: []*model.SecurityGroup{gNLB}}
	nlb.Listeners = []*model.Listener{{Port: 443, Proto: "tcp", LBProto: "TLS", TargetGroup: tg, Resource: "aws_lb_listener.tls"}}
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sPriv := t.Subnet(sec, "security-private", az, []string{"10.10.0.0/24", "10.10.1.0/24"}[i])
		sVPN := t.Subnet(sec, "security-vpn", az, []string{"10.10.14.0/27", "10.10.14.32/27"}[i])
		sPub := t.Subnet(lb, "lb-public", az, []string{"10.20.0.0/24", "10.20.1.0/24"}[i])
		sApp := t.Subnet(app, "app-private", az, d.appPrivate[i])
		sIntra := t.Subnet(app, "app-intra", az, []string{"10.100.240.0/26", "10.100.240.64/26"}[i])
		sJump := t.Subnet(app, "app-jump", az, []string{"10.100.250.0/26", "10.100.250.64/26"}[i])
		t.Associate(d.rtSec, sPriv)
		t.Associate(rtVPN, sVPN)
		t.Associate(d.rtLB, sPub)
		t.Associate(d.rtApp, sApp)
		t.Associate(rtIntra, sIntra)
		t.Associate(rtJump, sJump)
		t.Route(d.rtLB, "lb_to_app_"+az, d.appPrivate[i], model.TargetPeering, d.lbApp.ID)
		t.Route(d.rtApp, "app_to_lb_"+az, sPub.CIDR.String(), model.TargetPeering, d.lbApp.ID)
		t.Route(rtJump, "jump_to_security_"+az, sPriv.CIDR.String(), model.TargetPeering, d.secApp.ID)
		t.Out(gNLB, mt.Rule{From: 80, CIDR: d.appPrivate[i], Name: "nlb_to_pods_" + az})
		t.In(d.gNodes, mt.Rule{From: 80, CIDR: sPub.CIDR.String(), Name: "nodes_from_nlb_" + az})

		node := t.EP("nlb", sPub, gNLB)
		node.Kind, node.LB, node.Public = model.KindLB, nlb, true
		node.Listens = []model.Listen{{Proto: "tcp", From: 443, To: 443}}
		nlb.Members = append(nlb.Members, node)
		n := t.EP("nodes", sApp, d.gNodes)
		n.Kind = model.KindNodes
		p := t.EP("pods", sApp, d.gNodes)
		p.Kind = model.KindPods
		api := t.EP("eks-api", sIntra, gAPI)
		api.Kind, api.Listens = model.KindEKSAPI, []model.Listen{{Proto: "tcp", From: 443, To: 443}}
		sts := t.EP("vpc-endpoint:sts", sIntra, gEndpoints)
		sts.Kind, sts.Listens = model.KindInterfaceEndpoint, []model.Listen{{Proto: "tcp", From: 443, To: 443}}
		t.EP("jump-host", sJump, d.gJump)
		if i == 0 {
			t.InstanceConnect(sJump, d.gEIC)
		}
	}
	t.Probes()
	t.Internet("1.2.3.4")
	for k, v := range map[string]any{"app_internet_egress": false, "single_nat_gateway": true, "vpn_enabled": false, "interconnect": "peering", "operator_path": "instance_connect_endpoint"} {
		t.N.Facts[k] = v
	}
	return d
}

func verifyShipped(t *testing.T, d *devPeering) *policy.Result {
	t.Helper()
	p, err := policy.Load(shippedPolicy)
	if err != nil {
		t.Fatal(err)
	}
	res, err := policy.Verify(eval.New(d.t.Done()), p, policy.Options{})
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

func TestShippedPolicyHoldsOnDevPeering(t *testing.T) {
	res := verifyShipped(t, newDevPeering())
	if res.Violations != 0 {
		t.Fatalf("violations:\n%s", table(res))
	}
	for _, key := range []string{"instance-connect-to-jump-host", "instance-connect-endpoint-only-to-jump-host", "instance-connect-endpoint-to-internet",
		"jump-host-to-eks-api", "nlb-to-gateway-pods@us-east-1a", "nlb-to-gateway-pods@us-east-1b", "internet-to-gateway-via-nlb",
		"lb-vpc-to-jump-host", "security-vpc-to-app-nodes", "app-subnets-no-internet-route", "pods-to-vpc-endpoints@us-east-1b"} {
		if r := wantStatus(t, res, key, policy.StatusOK); r.Checks == 0 {
			t.Errorf("%s ran no check", key)
		}
	}
	for _, key := range []string{"vpn-to-bastion", "bastion-to-jump-host", "bastion-patching-through-s3-endpoint", "bastion-subnet-egress-through-single-nat",
		"bastion-to-app-nodes", "bastion-to-internet", "vpn-subnets-to-app-vpc", "vpn-client-to-jump-host", "app-egress-through-single-nat"} {
		wantStatus(t, res, key, policy.StatusSkipped)
	}
}

func TestShippedPolicyPeeringMissingReturnRoute(t *testing.T) {
	d := newDevPeering()
	d.rtApp.Routes = d.rtApp.Routes[:2] // local, and the route back to the first AZ's LB subnet only
	res := verifyShipped(t, d)
	r := wantStatus(t, res, "nlb-to-gateway-pods@us-east-1b", policy.StatusViolation)
	if !strings.Contains(r.Failures[0].Hop, "reply route") || !strings.Contains(r.Failures[0].Hop, "no route to 10.20.1.") {
		t.Errorf("hop %q", r.Failures[0].Hop)
	}
	wantStatus(t, res, "nlb-to-gateway-pods@us-east-1a", policy.StatusOK)
}

func TestShippedPolicyInstanceConnectSecurityGroup(t *testing.T) {
	// Its egress rule removed: the required flow fails at the endpoint.
	d := newDevPeering()
	d.gEIC.Egress = nil
	res := verifyShipped(t, d)
	r := wantStatus(t, res, "instance-connect-to-jump-host", policy.StatusViolation)
	if !strings.Contains(r.Failures[0].Hop, "sg-egress at instance-connect-endpoint@us-east-1a") {
		t.Errorf("hop %q", r.Failures[0].Hop)
	}

	// Its egress opened: it sits in the jump-host subnet, which the EKS API
	// admits, so only its own group kept it from the API.
	d = newDevPeering()
	d.t.Out(d.gEIC, mt.Rule{Proto: "-1", CIDR: "0.0.0.0/0", Name: "eic_all"})
	res = verifyShipped(t, d)
	r = wantStatus(t, res, "instance-connect-endpoint-only-to-jump-host", policy.StatusViolation)
	var to []string
	for _, f := range r.Failures {
		to = append(to, f.To)
	}
	if !slices.ContainsFunc(to, func(s string) bool { return strings.HasPrefix(s, "eks-api@") }) {
		t.Errorf("the violation should name the EKS API: %v\n%s", to, table(res))
	}
	wantStatus(t, res, "instance-connect-to-jump-host", policy.StatusOK)
}

func TestShippedPolicyPeeringHasNoTransit(t *testing.T) {
	// Routes that would be a path over a Transit Gateway lead nowhere over
	// a peering: the app VPC's default route through the LB peering (to
	// its internet gateway) and the LB VPC's route to the security VPC
	// through the app VPC.
	d := newDevPeering()
	d.t.Route(d.rtApp, "app_default", "0.0.0.0/0", model.TargetPeering, d.lbApp.ID)
	d.t.Route(d.rtLB, "lb_to_security", "10.10.0.0/20", model.TargetPeering, d.lbApp.ID)
	d.t.Route(d.rtSec, "security_to_lb", "10.20.0.0/20", model.TargetPeering, d.lbApp.ID)
	res := verifyShipped(t, d)
	if res.Violations != 0 {
		t.Fatalf("violations:\n%s", table(res))
	}
	wantStatus(t, res, "app-subnets-no-internet-route", policy.StatusOK)

	// With SSH to the nodes opened to the security VPC, the deny holds
	// as long as the peering routes only the jump-host block; routes for
	// the whole app VPC on both sides break it.
	d = newDevPeering()
	d.t.In(d.gNodes, mt.Rule{From: 22, CIDR: "10.10.0.0/20", Name: "nodes_ssh_from_security"})
	if res = verifyShipped(t, d); res.Violations != 0 {
		t.Fatalf("violations:\n%s", table(res))
	}
	d.rtSec.Routes[1].Dest = netip.MustParsePrefix("10.100.0.0/16")
	d.t.Route(d.rtApp, "app_to_security", "10.10.0.0/20", model.TargetPeering, d.secApp.ID)
	res = verifyShipped(t, d)
	r := wantStatus(t, res, "security-vpc-to-app-nodes", policy.StatusViolation)
	if !strings.Contains(strings.Join(r.Failures[0].Path, "\n"), "aws_vpc_peering_connection.security_app") {
		t.Errorf("failure %+v", r.Failures[0])
	}
}

// applicable lists the shipped policy's flows whose `when` holds for facts.
func applicable(t *testing.T, facts map[string]any) []string {
	t.Helper()
	p, err := policy.Load(shippedPolicy)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, list := range [][]policy.Flow{p.Allow, p.Deny} {
		for i := range list {
			ok, _, err := list[i].Applies(facts)
			if err != nil {
				t.Fatalf("%s: %v", list[i].Name, err)
			}
			if ok {
				out = append(out, list[i].Name)
			}
		}
	}
	return out
}

func TestShippedPolicyWhenSelectsByMode(t *testing.T) {
	always := []string{"internet-to-nlb", "internet-to-gateway-via-nlb", "nlb-to-gateway-pods", "gateway-to-org-app", "jump-host-to-eks-api",
		"pods-to-vpc-endpoints", "internet-only-to-nlb-443", "security-vpc-to-app-nodes", "app-nodes-to-internet", "app-subnets-no-internet-route",
		"lb-vpc-to-jump-host", "lb-vpc-to-security-vpc"}
	cases := []struct {
		name  string
		facts map[string]any
		want  []string
	}{
		{"prod: transit gateway, client VPN", map[string]any{"interconnect": "transit_gateway", "operator_path": "client_vpn", "vpn_enabled": true, "app_internet_egress": false, "single_nat_gateway": true},
			[]string{"vpn-to-bastion", "bastion-to-jump-host", "bastion-patching-through-s3-endpoint", "bastion-subnet-egress-through-single-nat",
				"bastion-to-app-nodes", "bastion-to-internet", "vpn-subnets-to-app-vpc", "vpn-client-to-jump-host"}},
		{"transit gateway, egress, NAT per AZ, VPN idle", map[string]any{"interconnect": "transit_gateway", "operator_path": "client_vpn", "vpn_enabled": false, "app_internet_egress": true, "single_nat_gateway": false},
			[]string{"bastion-to-jump-host", "bastion-patching-through-s3-endpoint", "bastion-subnet-egress-through-own-az-nat", "app-egress-through-own-az-nat",
				"bastion-to-app-nodes", "bastion-to-internet", "vpn-subnets-to-app-vpc"}},
		{"dev: peering, instance connect endpoint", map[string]any{"interconnect": "peering", "operator_path": "instance_connect_endpoint", "vpn_enabled": false, "app_internet_egress": false, "single_nat_gateway": true},
			[]string{"instance-connect-to-jump-host", "instance-connect-endpoint-only-to-jump-host", "instance-connect-endpoint-to-internet"}},
		{"peering, client VPN", map[string]any{"interconnect": "peering", "operator_path": "client_vpn", "vpn_enabled": true, "app_internet_egress": false, "single_nat_gateway": true},
			[]string{"vpn-to-bastion", "bastion-to-jump-host", "bastion-patching-through-s3-endpoint", "bastion-to-app-nodes", "bastion-to-internet",
				"vpn-subnets-to-app-vpc", "vpn-client-to-jump-host"}},
	}
	for _, c := range cases {
		got := applicable(t, c.facts)
		want := append(append([]string(nil), always...), c.want...)
		if c.facts["app_internet_egress"] == true {
			want = slices.DeleteFunc(want, func(s string) bool { return s == "app-nodes-to-internet" || s == "app-subnets-no-internet-route" })
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, want)
		}
	}
}

func TestShippedPolicyNeedsTheModeFacts(t *testing.T) {
	p, err := policy.Load(shippedPolicy)
	if err != nil {
		t.Fatal(err)
	}
	d := newDevPeering()
	delete(d.t.N.Facts, "operator_path")
	_, err = policy.Verify(eval.New(d.t.Done()), p, policy.Options{})
	if err == nil || !strings.Contains(err.Error(), `needs the fact "operator_path"`) {
		t.Errorf("err = %v", err)
	}
	d = newDevPeering()
	delete(d.t.N.Facts, "interconnect")
	_, err = policy.Verify(eval.New(d.t.Done()), p, policy.Options{})
	if err == nil || !strings.Contains(err.Error(), `needs the fact "interconnect"`) {
		t.Errorf("err = %v", err)
	}
}
