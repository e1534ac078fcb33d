package model_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tfjson"
)

func build(t *testing.T) *model.Network {
	t.Helper()
	doc, err := tfjson.ReadFile("testdata/state.json")
	if err != nil {
		t.Fatal(err)
	}
	n, err := model.Build(doc)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func one(t *testing.T, n *model.Network, name string) *model.Endpoint {
	t.Helper()
	res, err := n.Resolve(name, model.Destination)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 1 {
		t.Fatalf("%s: %d members, want 1", name, len(res.Members))
	}
	return res.Members[0]
}

func subnet(t *testing.T, n *model.Network, id string) *model.Subnet {
	t.Helper()
	for _, s := range n.Subnets {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no subnet %s", id)
	return nil
}

func TestBuildVPCsSubnetsAndLabels(t *testing.T) {
	n := build(t)
	if len(n.VPCs) != 1 || n.VPCs[0].Label != "main" || len(n.VPCs[0].CIDRs) != 2 {
		t.Fatalf("VPCs: %+v", n.VPCs)
	}
	for id, label := range map[string]string{"subnet-pub": "public", "subnet-priv": "private", "subnet-pods": "pods"} {
		if got := subnet(t, n, id).Label; got != label {
			t.Errorf("%s label %q, want %q", id, got, label)
		}
	}
	if n.Facts["egress"] != true {
		t.Errorf("facts: %v", n.Facts)
	}
}

func TestBuildRoutes(t *testing.T) {
	n := build(t)
	// An unassociated subnet uses the managed default (main) route table.
	if rt := subnet(t, n, "subnet-pods").Routes(); rt.Resource != "module.net.aws_default_route_table.main" {
		t.Errorf("pods subnet route table %s, want the default route table", rt.Resource)
	}
	priv := subnet(t, n, "subnet-priv").Routes()
	var kinds []string
	for _, r := range priv.Routes {
		kinds = append(kinds, r.DestString()+"="+string(r.Target))
	}
	want := []string{"10.0.0.0/16=local", "100.64.0.0/16=local", "0.0.0.0/0=nat-gateway", "prefix list com.amazonaws.us-east-1.s3=gateway-endpoint"}
	if !slices.Equal(kinds, want) {
		t.Errorf("private routes %v, want %v (the stand-in's fake instance_id must not win over nat_gateway_id)", kinds, want)
	}
	pub := subnet(t, n, "subnet-pub").Routes()
	if last := pub.Routes[len(pub.Routes)-1]; last.Target != model.TargetIGW || !strings.Contains(last.Resource, "inline route") {
		t.Errorf("public inline route: %+v", last)
	}
}

func TestBuildPrefixListsSecurityGroupsAndACLs(t *testing.T) {
	n := build(t)
	var s3 *model.PrefixList
	for _, pl := range n.PrefixLists {
		if pl.Service == "com.amazonaws.us-east-1.s3" {
			if s3 != nil && s3 != pl {
				t.Error("the data source's and the endpoint's S3 prefix list must be one symbol")
			}
			s3 = pl
		}
		if pl.ID == "pl-office" && len(pl.CIDRs) != 2 {
			t.Errorf("office prefix list entries: %v", pl.CIDRs)
		}
	}
	if s3 == nil || len(s3.CIDRs) != 0 {
		t.Fatalf("S3 prefix list should be symbolic: %+v", s3)
	}
	sgs := map[string]*model.SecurityGroup{}
	for _, g := range n.SGs {
		sgs[g.ID] = g
	}
	if web := sgs["sg-web"]; len(web.Ingress) != 3 || web.Ingress[2].RefSG != web || len(web.Egress) != 1 || web.Egress[0].Proto != "-1" {
		t.Errorf("web inline rules: in %d, out %d", len(web.Ingress), len(web.Egress))
	}
	if w := sgs["sg-worker"]; len(w.Ingress) != 1 || w.Ingress[0].RefSG != sgs["sg-web"] || len(w.Egress) != 3 || w.Egress[1].PL != s3 {
		t.Errorf("worker rules: %+v %+v", w.Ingress, w.Egress)
	}
	if g := sgs["sg-not-in-state"]; g == nil || !strings.Contains(g.Note, "not in the input") {
		t.Error("an unknown group id should become an empty group")
	}
	if !slices.ContainsFunc(n.Warnings, func(w string) bool { return strings.Contains(w, "sg-not-in-state") }) {
		t.Errorf("no warning for the unknown group: %v", n.Warnings)
	}
	acl := subnet(t, n, "subnet-priv").ACL()
	var order []int
	for _, r := range acl.Ingress {
		order = append(order, r.Number)
	}
	if !slices.Equal(order, []int{100, 150, 200}) || acl.Ingress[2].From != 0 || acl.Ingress[2].To != 65535 {
		t.Errorf("ACL ingress order %v (rules must be sorted; protocol -1 covers every port)", order)
	}
	if subnet(t, n, "subnet-pub").ACL() != nil {
		t.Error("a subnet without an ACL association uses the (unmanaged, allow-all) default ACL")
	}
}

func TestBuildEndpoints(t *testing.T) {
	n := build(t)
	web := one(t, n, "web")
	if !web.Public || web.Subnet.ID != "subnet-pub" || !web.Subnet.CIDR.Contains(web.Addr) {
		t.Errorf("web: public %v subnet %s addr %s (a private_ip outside the subnet is replaced)", web.Public, web.Subnet.ID, web.Addr)
	}
	workers, _ := n.Resolve("worker", model.Source)
	if len(workers.Members) != 2 || workers.Members[0].Public || workers.Members[0].SGs[0].ID != "sg-worker" {
		t.Errorf("ASG members: %v", workers.Members)
	}
	api := one(t, n, "eks-api@us-east-1a")
	if len(api.SGs) != 1 || !strings.Contains(api.SGs[0].Note, "EKS cluster security group") {
		t.Errorf("EKS API ENI security groups: %v", api.SGs)
	}
	pub := one(t, n, "eks-api@public")
	if len(pub.PublicCIDRs) != 2 || pub.ResolvesPrivatelyIn != api.Subnet.VPC {
		t.Errorf("public endpoint CIDRs %v, private DNS in %v", pub.PublicCIDRs, pub.ResolvesPrivatelyIn)
	}
	if model.Applicable(api, pub) || model.Applicable(web, web) || !model.Applicable(one(t, n, "internet:1.0.0.1"), pub) {
		t.Error("Applicable: inside the cluster VPC the public endpoint is not a destination; nothing is its own destination")
	}
	nodes := one(t, n, "general-nodes")
	if nodes.SGs[0] != api.SGs[0] || one(t, n, "nodes") != nodes || one(t, n, "pods@us-east-1a").Subnet != nodes.Subnet {
		t.Error("nodes without a launch template get the cluster security group; pods share their subnet")
	}
	nlb := one(t, n, "nlb")
	if len(nlb.Listens) != 1 || nlb.Listens[0].From != 443 || nlb.LB.Listeners[0].TargetGroup.Port != 8080 {
		t.Errorf("NLB: %+v", nlb.Listens)
	}
	if ep := one(t, n, "vpc-endpoint:sts"); ep.Kind != model.KindInterfaceEndpoint || ep.SGs[0].ID != "sg-endpoints" {
		t.Errorf("sts endpoint: %+v", ep)
	}
	if s3 := one(t, n, "vpc-endpoint:s3"); s3.Kind != model.KindService {
		t.Errorf("s3: %+v", s3)
	}
	nat := one(t, n, "nat@us-east-1a")
	if !nat.Subnet.CIDR.Contains(nat.Addr) {
		t.Errorf("NAT address %s outside its subnet", nat.Addr)
	}
	var reps []string
	for _, e := range n.Group("internet") {
		reps = append(reps, e.Addr.String())
	}
	if !slices.Equal(reps, []string{"1.0.0.0", "8.8.4.0", "8.8.8.0"}) {
		t.Errorf("internet representatives %v", reps)
	}
}

func TestResolveNames(t *testing.T) {
	n := build(t)
	for name, want := range map[string]int{
		"worker@us-east-1b":  1,
		"worker@us-east-1c":  0,
		"vpc-endpoint:*":     2,
		"vpc:main":           0, // filled below
		"subnet:private":     1,
		"internet:8.8.4.9":   1,
		"internet:9.0.0.0/8": 1,
	} {
		res, err := n.Resolve(name, model.Source)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if name != "vpc:main" && len(res.Members) != want {
			t.Errorf("%s: %d members, want %d", name, len(res.Members), want)
		}
	}
	src, _ := n.Resolve("vpc:main", model.Source)
	dst, _ := n.Resolve("vpc:main", model.Destination)
	if len(src.Members) != len(dst.Members)+3 {
		t.Errorf("vpc:main as a source adds one probe per subnet: %d vs %d", len(src.Members), len(dst.Members))
	}
	for _, bad := range []string{"wrker", "internet:10.0.0.1", "vpc:nope", "nothing-*", "internet:x"} {
		if _, err := n.Resolve(bad, model.Source); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
	_, err := n.Resolve("workr", model.Source)
	if err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("want a suggestion: %v", err)
	}
}

func TestBuiltModelEvaluates(t *testing.T) {
	n := build(t)
	ev := eval.New(n)
	flow := func(from, to string, port int) eval.Outcome {
		a, b := one(t, n, from), one(t, n, to)
		v := ev.Check(eval.Flow{From: a, To: b, Proto: "tcp", Port: port})
		return v.Outcome()
	}
	cases := []struct {
		from, to string
		port     int
		want     eval.Outcome
	}{
		{"internet:1.0.0.1", "web", 443, eval.Delivered},
		{"worker@us-east-1a", "vpc-endpoint:s3", 443, eval.Delivered},
		{"worker@us-east-1a", "internet:1.0.0.1", 443, eval.Blocked},
		{"worker@us-east-1a", "internet:8.8.4.9", 22, eval.Delivered}, // office prefix list, through the NAT
		{"worker@us-east-1a", "vpc-endpoint:sts", 443, eval.Delivered},
		{"internet:8.8.8.8", "eks-api@public", 443, eval.Delivered},
		{"internet:1.0.0.1", "eks-api@public", 443, eval.Blocked},
		{"internet:1.0.0.1", "nlb", 443, eval.Delivered},
		{"internet:1.0.0.1", "nlb", 80, eval.Blocked},
	}
	for _, c := range cases {
		if got := flow(c.from, c.to, c.port); got != c.want {
			t.Errorf("%s -> %s:%d = %s, want %s", c.from, c.to, c.port, got, c.want)
		}
	}
}

func TestPublicRepresentatives(t *testing.T) {
	p := func(s string) netip.Prefix { return netip.MustParsePrefix(s) }
	reps := model.PublicRepresentatives([]netip.Prefix{p("0.0.0.0/1"), p("1.0.0.0/8"), p("10.0.0.0/8"), p("52.0.0.0/8")})
	var got []string
	for _, r := range reps {
		got = append(got, r.String())
	}
	// 0/0 minus 0/1 starts at 128.0.0.0; 0/1 minus 1/8 and 52/8 (and 0/8)
	// starts at 2.0.0.0; 10/8 holds no internet address.
	if !slices.Equal(got, []string{"128.0.0.0", "2.0.0.0", "1.0.0.0", "52.0.0.0"}) {
		t.Errorf("representatives %v", got)
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := model.Build(&tfjson.Document{}); err == nil || !strings.Contains(err.Error(), "no aws_vpc") {
		t.Errorf("empty input: %v", err)
	}
}

func TestBuildPlanWithUnknowns(t *testing.T) {
	doc := &tfjson.Document{Kind: tfjson.KindPlan, Resources: []tfjson.Resource{
		{Address: "aws_vpc.a", Mode: "managed", Type: "aws_vpc", Name: "a", Values: map[string]any{"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
		{Address: "aws_subnet.new", Mode: "managed", Type: "aws_subnet", Name: "new", Values: map[string]any{"cidr_block": "10.0.1.0/24"}, Unknown: []string{"id", "vpc_id"}},
	}}
	n, err := model.Build(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Unresolved) == 0 || !strings.Contains(n.Unresolved[0], "aws_subnet.new (id known after apply)") {
		t.Errorf("unresolved: %v", n.Unresolved)
	}
	doc.Resources[0].Values = map[string]any{"cidr_block": "10.0.0.0/16"}
	doc.Resources[0].Unknown = []string{"id"}
	if _, err := model.Build(doc); err == nil || !strings.Contains(err.Error(), "known only after apply") {
		t.Errorf("a plan with no known VPC: %v", err)
	}
}

func buildFile(t *testing.T, path string) *model.Network {
	t.Helper()
	doc, err := tfjson.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := model.Build(doc)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBuildPeeringAndInstanceConnect(t *testing.T) {
	n := buildFile(t, "testdata/peering.json")
	if len(n.Peerings) != 1 {
		t.Fatalf("peerings: %+v", n.Peerings)
	}
	pc := n.Peerings[0]
	if pc.Requester.Label != "lb" || pc.Accepter.Label != "app" || pc.CrossRegion {
		t.Errorf("peering %+v (a fake peer_region is not another region)", pc)
	}
	if pc.Status != "active" || pc.StatusResource != "aws_vpc_peering_connection_accepter.lb_app" {
		t.Errorf("the accepter's accept_status wins: %q from %s", pc.Status, pc.StatusResource)
	}
	for sid, want := range map[string]string{"subnet-lb": "10.100.0.0/24=vpc-peering pcx-1 inline", "subnet-app": "10.20.0.0/24=vpc-peering pcx-1 aws_route.app_to_lb"} {
		var got []string
		for _, r := range subnet(t, n, sid).Routes().Routes {
			if r.Target == model.TargetPeering && r.TargetID == "pcx-1" {
				kind := "aws_route.app_to_lb"
				if strings.Contains(r.Resource, "inline route") {
					kind = "inline"
				}
				got = append(got, r.DestString()+"="+string(r.Target)+" "+r.TargetID+" "+kind)
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s peering routes %v, want [%s] (vpc_peering_connection_id must win over a fake instance_id)", sid, got, want)
		}
	}
	if !slices.ContainsFunc(n.Warnings, func(w string) bool { return strings.Contains(w, "pcx-gone is not in the input") }) {
		t.Errorf("no warning for the route to an unknown peering: %v", n.Warnings)
	}
	eic := one(t, n, "instance-connect-endpoint@us-east-1a")
	if eic.Kind != model.KindInstanceConnect || eic.PreserveClientIP || eic.Subnet.ID != "subnet-jump" || len(eic.SGs) != 1 || eic.SGs[0].ID != "sg-eic" || len(eic.Listens) != 0 {
		t.Errorf("instance connect endpoint: %+v", eic)
	}
	if one(t, n, "instance-connect-endpoint:access") != eic {
		t.Error("the endpoint is also named by its label")
	}
	if n.Facts["interconnect"] != "peering" || n.Facts["operator_path"] != "instance_connect_endpoint" {
		t.Errorf("facts %v", n.Facts)
	}
	ev := eval.New(n)
	for _, c := range []struct {
		from, to string
		port     int
		want     eval.Outcome
	}{
		{"web", "app", 80, eval.Delivered}, // SG references across the same-region peering
		{"app", "web", 80, eval.Blocked},
		{"instance-connect-endpoint", "jump-host", 22, eval.Delivered},
		{"instance-connect-endpoint", "app", 22, eval.Blocked},
		{"web", "jump-host", 22, eval.Blocked}, // its group lets out HTTP to the app group only
	} {
		v := ev.Check(eval.Flow{From: one(t, n, c.from), To: one(t, n, c.to), Proto: "tcp", Port: c.port})
		if v.Outcome() != c.want {
			t.Errorf("%s -> %s:%d = %s, want %s", c.from, c.to, c.port, v.Outcome(), c.want)
		}
	}
	// A peering that is not accepted carries nothing.
	pc.Status = "pending-acceptance"
	if v := ev.Check(eval.Flow{From: one(t, n, "web"), To: one(t, n, "app"), Proto: "tcp", Port: 80}); v.Outcome() != eval.Blocked {
		t.Errorf("pending-acceptance: %s", v.Outcome())
	}
}
