// Package modeltest builds small networks by hand for the evaluator's and
// the policy's tests: VPCs, subnets, route tables, security groups, network
// ACLs, Transit Gateways, VPC peering connections, NAT and internet
// gateways, EC2 Instance Connect Endpoints, endpoints.
package modeltest

import (
	"fmt"
	"net/netip"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
)

// Net wraps a network under construction.
type Net struct {
	N *model.Network
}

// New starts an empty network.
func New() *Net {
	return &Net{N: &model.Network{Facts: map[string]any{}}}
}

// Done indexes the network; call it before evaluating.
func (t *Net) Done() *model.Network {
	t.N.Finish()
	return t.N
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// VPC adds a VPC with a main route table holding the local route.
func (t *Net) VPC(label, cidr string) *model.VPC {
	v := &model.VPC{ID: "vpc-" + label, Resource: "aws_vpc." + label, Label: label, CIDRs: []netip.Prefix{pfx(cidr)}}
	v.MainRouteTable = t.RouteTable(v, "main-"+label)
	t.N.VPCs = append(t.N.VPCs, v)
	return v
}

// Subnet adds a subnet (using the VPC's main route table until Associate).
func (t *Net) Subnet(v *model.VPC, label, az, cidr string) *model.Subnet {
	s := &model.Subnet{ID: "subnet-" + label, Resource: fmt.Sprintf("aws_subnet.%s", label), Label: label, AZ: az, CIDR: pfx(cidr), VPC: v}
	v.Subnets = append(v.Subnets, s)
	t.N.Subnets = append(t.N.Subnets, s)
	return s
}

// RouteTable adds a route table with the VPC's local routes.
func (t *Net) RouteTable(v *model.VPC, name string) *model.RouteTable {
	rt := &model.RouteTable{ID: "rtb-" + name, Resource: "aws_route_table." + name, VPC: v}
	for _, c := range v.CIDRs {
		rt.Routes = append(rt.Routes, &model.Route{Dest: c, Target: model.TargetLocal, TargetID: "local", Resource: "local route of " + v.Resource})
	}
	t.N.RouteTables = append(t.N.RouteTables, rt)
	return rt
}

// Associate uses rt for the subnets.
func (t *Net) Associate(rt *model.RouteTable, subnets ...*model.Subnet) {
	for _, s := range subnets {
		s.RouteTable = rt
	}
}

// Route adds a CIDR route; the resource is aws_route.<name>.
func (t *Net) Route(rt *model.RouteTable, name, dest string, target model.RouteTarget, id string) *model.Route {
	r := &model.Route{Dest: pfx(dest), Target: target, TargetID: id, Resource: "aws_route." + name}
	rt.Routes = append(rt.Routes, r)
	return r
}

// PLRoute adds a prefix-list route (a gateway endpoint's).
func (t *Net) PLRoute(rt *model.RouteTable, pl *model.PrefixList, vpceID string) {
	rt.Routes = append(rt.Routes, &model.Route{PL: pl, Target: model.TargetEndpoint, TargetID: vpceID, Resource: "aws_vpc_endpoint." + vpceID})
}

// IGW attaches an internet gateway.
func (t *Net) IGW(v *model.VPC) *model.IGW {
	g := &model.IGW{ID: "igw-" + v.Label, Resource: "aws_internet_gateway." + v.Label, VPC: v}
	v.IGW = g
	return g
}

// NAT adds a NAT gateway (public when public) and its endpoint nat@<az>.
func (t *Net) NAT(s *model.Subnet, public bool) *model.NAT {
	n := &model.NAT{ID: "nat-" + s.AZ, Resource: fmt.Sprintf("aws_nat_gateway.this[%q]", s.AZ), Subnet: s, Public: public}
	e := &model.Endpoint{Name: "nat@" + s.AZ, Groups: []string{"nat"}, Kind: model.KindNAT, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), Public: public, Resource: n.Resource, Listens: []model.Listen{}, NAT: n}
	n.Endpoint = e
	t.N.NATs = append(t.N.NATs, n)
	t.N.Endpoints = append(t.N.Endpoints, e)
	return n
}

// SG adds an empty security group.
func (t *Net) SG(v *model.VPC, name string) *model.SecurityGroup {
	g := &model.SecurityGroup{ID: "sg-" + name, Resource: "aws_security_group." + name, Name: name, VPC: v}
	t.N.SGs = append(t.N.SGs, g)
	return g
}

// Rule is a security group rule spec for In/Out.
type Rule struct {
	Proto    string // tcp, udp, -1
	From, To int
	CIDR     string
	Ref      *model.SecurityGroup
	PL       *model.PrefixList
	Name     string
}

func (r Rule) build(g *model.SecurityGroup, dir string) *model.SGRule {
	proto := r.Proto
	if proto == "" {
		proto = "tcp"
	}
	from, to := r.From, r.To
	if to == 0 {
		to = from
	}
	if proto == "-1" {
		from, to = 0, 65535
	}
	name := r.Name
	if name == "" {
		name = fmt.Sprintf("%s_%s_%d", g.Name, dir, len(g.Ingress)+len(g.Egress))
	}
	sr := &model.SGRule{Proto: proto, From: from, To: to, RefSG: r.Ref, PL: r.PL, Resource: "aws_vpc_security_group_" + dir + "_rule." + name}
	if r.CIDR != "" {
		sr.CIDR = pfx(r.CIDR)
	}
	return sr
}

// In adds ingress rules.
func (t *Net) In(g *model.SecurityGroup, rules ...Rule) {
	for _, r := range rules {
		g.Ingress = append(g.Ingress, r.build(g, "ingress"))
	}
}

// Out adds egress rules.
func (t *Net) Out(g *model.SecurityGroup, rules ...Rule) {
	for _, r := range rules {
		g.Egress = append(g.Egress, r.build(g, "egress"))
	}
}

// ACLRule is a network ACL rule spec.
type ACLRule struct {
	N        int
	Allow    bool
	Proto    string
	From, To int
	CIDR     string
}

// NACL adds a network ACL with the given rules and associates it.
func (t *Net) NACL(name string, in, out []ACLRule, subnets ...*model.Subnet) *model.NACL {
	a := &model.NACL{ID: "acl-" + name, Resource: "aws_network_acl." + name}
	mk := func(r ACLRule, dir string) *model.NACLRule {
		proto := r.Proto
		if proto == "" {
			proto = "tcp"
		}
		from, to := r.From, r.To
		if to == 0 {
			to = from
		}
		if proto == "-1" {
			from, to = 0, 65535
		}
		return &model.NACLRule{Number: r.N, Allow: r.Allow, Proto: proto, From: from, To: to, CIDR: pfx(r.CIDR), Resource: fmt.Sprintf("aws_network_acl_rule.%s_%s_%d", name, dir, r.N)}
	}
	for _, r := range in {
		a.Ingress = append(a.Ingress, mk(r, "in"))
	}
	for _, r := range out {
		a.Egress = append(a.Egress, mk(r, "out"))
	}
	for _, s := range subnets {
		s.NACL = a
	}
	t.N.NACLs = append(t.N.NACLs, a)
	return a
}

// EP adds an instance-like endpoint named <group>@<az> in the subnet.
func (t *Net) EP(group string, s *model.Subnet, sgs ...*model.SecurityGroup) *model.Endpoint {
	e := &model.Endpoint{Name: group + "@" + s.AZ, Groups: []string{group}, Kind: model.KindInstance, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: sgs, Resource: "aws_instance." + group}
	t.N.Endpoints = append(t.N.Endpoints, e)
	return e
}

// Internet adds an internet address endpoint.
func (t *Net) Internet(ip string) *model.Endpoint {
	e := model.InternetEndpoint(netip.MustParseAddr(ip))
	t.N.Endpoints = append(t.N.Endpoints, e)
	return e
}

// TGW adds a Transit Gateway.
func (t *Net) TGW(name string, sgRef bool) *model.TGW {
	g := &model.TGW{ID: "tgw-" + name, Resource: "aws_ec2_transit_gateway." + name, SGReferencing: sgRef}
	t.N.TGWs = append(t.N.TGWs, g)
	return g
}

// Attach adds a VPC attachment with one subnet per AZ.
func (t *Net) Attach(g *model.TGW, v *model.VPC, subnets ...*model.Subnet) *model.TGWAttachment {
	a := &model.TGWAttachment{ID: "tgw-attach-" + v.Label, Resource: "aws_ec2_transit_gateway_vpc_attachment." + v.Label, TGW: g, VPC: v, Subnets: map[string]*model.Subnet{}}
	for _, s := range subnets {
		a.Subnets[s.AZ] = s
	}
	t.N.Attachments = append(t.N.Attachments, a)
	return a
}

// TGWTable adds a TGW route table associated with the attachments.
func (t *Net) TGWTable(g *model.TGW, name string, assoc ...*model.TGWAttachment) *model.TGWRouteTable {
	rt := &model.TGWRouteTable{ID: "tgw-rtb-" + name, Resource: "aws_ec2_transit_gateway_route_table." + name, TGW: g}
	for _, a := range assoc {
		a.RouteTable = rt
		a.AssociationResource = "aws_ec2_transit_gateway_route_table_association." + name
	}
	t.N.TGWRouteTables = append(t.N.TGWRouteTables, rt)
	return rt
}

// TGWRoute adds a static route (nil attachment: a blackhole).
func (t *Net) TGWRoute(rt *model.TGWRouteTable, name, dest string, a *model.TGWAttachment) {
	rt.Routes = append(rt.Routes, &model.TGWRoute{Dest: pfx(dest), Attachment: a, Blackhole: a == nil, Resource: "aws_ec2_transit_gateway_route." + name})
}

// Propagate adds the attachment's VPC CIDRs as propagated routes.
func (t *Net) Propagate(rt *model.TGWRouteTable, a *model.TGWAttachment) {
	for _, c := range a.VPC.CIDRs {
		rt.Routes = append(rt.Routes, &model.TGWRoute{Dest: c, Attachment: a, Propagated: true, Resource: "aws_ec2_transit_gateway_route_table_propagation." + a.VPC.Label})
	}
}

// ServicePL adds an AWS service prefix list and the service endpoint
// vpc-endpoint:<short>.
func (t *Net) ServicePL(short string) (*model.PrefixList, *model.Endpoint) {
	svc := "com.amazonaws.us-east-1." + short
	pl := &model.PrefixList{ID: "pl-" + short, Name: svc, Service: svc}
	t.N.PrefixLists = append(t.N.PrefixLists, pl)
	e := &model.Endpoint{Name: "vpc-endpoint:" + short, Groups: []string{"vpc-endpoint:" + short}, Kind: model.KindService, Service: svc, Listens: []model.Listen{{Proto: "tcp", From: 443, To: 443}}}
	t.N.Endpoints = append(t.N.Endpoints, e)
	return pl, e
}

// Peering adds an active VPC peering connection pcx-<name> between the
// requester and the accepter VPC.
func (t *Net) Peering(name string, requester, accepter *model.VPC) *model.Peering {
	pc := &model.Peering{ID: "pcx-" + name, Resource: "aws_vpc_peering_connection." + name, Requester: requester, Accepter: accepter, Status: "active", StatusResource: "aws_vpc_peering_connection." + name}
	t.N.Peerings = append(t.N.Peerings, pc)
	return pc
}

// InstanceConnect adds an EC2 Instance Connect Endpoint (client IP not
// preserved) named instance-connect-endpoint@<az> in the subnet.
func (t *Net) InstanceConnect(s *model.Subnet, sgs ...*model.SecurityGroup) *model.Endpoint {
	e := &model.Endpoint{Name: "instance-connect-endpoint@" + s.AZ, Groups: []string{"instance-connect-endpoint"}, Kind: model.KindInstanceConnect, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: sgs, Resource: "aws_ec2_instance_connect_endpoint.this", Listens: []model.Listen{}}
	t.N.Endpoints = append(t.N.Endpoints, e)
	return e
}

// Probes adds a probe (subnet:<label>@<az>: no security group filtering)
// in every subnet, as model.Build does.
func (t *Net) Probes() {
	for _, s := range t.N.Subnets {
		t.N.Endpoints = append(t.N.Endpoints, &model.Endpoint{Name: "subnet:" + s.Label + "@" + s.AZ, Groups: []string{"subnet:" + s.Label}, Kind: model.KindProbe, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), OpenEgress: true, OpenIngress: true, Resource: s.Resource})
	}
}
