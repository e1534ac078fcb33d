// Package model is the network graph the evaluator walks: VPCs, subnets,
// route tables, gateways, Transit Gateways, VPC peering connections,
// security groups, network ACLs, prefix lists, load balancers, Client VPN
// endpoints, EC2 Instance Connect Endpoints and the named endpoints (the
// things a policy talks about: bastions, nodes, the EKS API, ...).
//
// Build makes a Network from the resources of a `tofu show -json` document;
// tests may also assemble a Network by hand and call Finish.
package model

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Network is the whole model.
type Network struct {
	VPCs           []*VPC
	Subnets        []*Subnet
	RouteTables    []*RouteTable
	TGWs           []*TGW
	Attachments    []*TGWAttachment
	TGWRouteTables []*TGWRouteTable
	Peerings       []*Peering
	SGs            []*SecurityGroup
	NACLs          []*NACL
	PrefixLists    []*PrefixList
	LBs            []*LoadBalancer
	VPNs           []*ClientVPN
	NATs           []*NAT
	Endpoints      []*Endpoint

	// Warnings are things the model could not resolve and how it treated them.
	Warnings []string
	// Unresolved lists resources whose network wiring a plan knows only after
	// apply (the model leaves them out).
	Unresolved []string
	// Facts are root outputs and plan variables, for policy `when:` conditions.
	Facts map[string]any

	byGroup map[string][]*Endpoint
}

// VPC is one VPC.
type VPC struct {
	ID       string
	Resource string
	Label    string
	CIDRs    []netip.Prefix
	Subnets  []*Subnet
	IGW      *IGW
	// MainRouteTable serves subnets with no explicit association.
	MainRouteTable *RouteTable
	// DefaultNACL serves subnets with no explicit association; nil is the
	// AWS default network ACL, which allows everything both ways.
	DefaultNACL *NACL
}

// Contains reports whether ip is inside one of the VPC's CIDRs.
func (v *VPC) Contains(ip netip.Addr) bool {
	for _, c := range v.CIDRs {
		if c.Contains(ip) {
			return true
		}
	}
	return false
}

// Subnet is one subnet.
type Subnet struct {
	ID          string
	Resource    string
	Label       string
	AZ          string
	CIDR        netip.Prefix
	VPC         *VPC
	RouteTable  *RouteTable // explicit association, or nil for the VPC's main table
	NACL        *NACL       // explicit association, or nil for the VPC's default
	MapPublicIP bool

	nextHost uint32
}

// Routes returns the route table that applies to the subnet.
func (s *Subnet) Routes() *RouteTable {
	if s.RouteTable != nil {
		return s.RouteTable
	}
	return s.VPC.MainRouteTable
}

// ACL returns the network ACL of the subnet; nil means the AWS default ACL
// that allows everything.
func (s *Subnet) ACL() *NACL {
	if s.NACL != nil {
		return s.NACL
	}
	return s.VPC.DefaultNACL
}

// Name is the subnet's label and AZ, for messages.
func (s *Subnet) Name() string {
	if s.Label != "" {
		return fmt.Sprintf("subnet %s@%s (%s)", s.Label, s.AZ, s.CIDR)
	}
	return fmt.Sprintf("subnet %s (%s)", s.ID, s.CIDR)
}

// RouteTarget is the kind of a route's next hop.
type RouteTarget string

// Route targets.
const (
	TargetLocal    RouteTarget = "local"
	TargetIGW      RouteTarget = "internet-gateway"
	TargetNAT      RouteTarget = "nat-gateway"
	TargetTGW      RouteTarget = "transit-gateway"
	TargetEndpoint RouteTarget = "gateway-endpoint"
	TargetPeering  RouteTarget = "vpc-peering"
	TargetENI      RouteTarget = "network-interface"
	TargetInstance RouteTarget = "instance"
	TargetEIGW     RouteTarget = "egress-only-internet-gateway"
	TargetVGW      RouteTarget = "virtual-private-gateway"
	TargetOther    RouteTarget = "other"
)

// Route is one VPC route.
type Route struct {
	Dest     netip.Prefix // zero when PL is set
	PL       *PrefixList  // prefix-list destination
	Target   RouteTarget
	TargetID string
	Resource string // address of the aws_route, or "<table> inline route", or "local"
}

// DestString prints the destination.
func (r *Route) DestString() string {
	if r.PL != nil {
		return r.PL.String()
	}
	return r.Dest.String()
}

// RouteTable is one VPC route table.
type RouteTable struct {
	ID       string
	Resource string
	VPC      *VPC
	Routes   []*Route
}

// IGW is an internet gateway attached to a VPC.
type IGW struct {
	ID       string
	Resource string
	VPC      *VPC
}

// NAT is a NAT gateway.
type NAT struct {
	ID       string
	Resource string
	Subnet   *Subnet
	Public   bool // connectivity_type public, with an Elastic IP
	Endpoint *Endpoint
}

// TGW is a Transit Gateway.
type TGW struct {
	ID       string
	Resource string
	// SGReferencing: security_group_referencing_support on the TGW.
	SGReferencing bool
}

// TGWAttachment is a VPC attachment.
type TGWAttachment struct {
	ID       string
	Resource string
	TGW      *TGW
	VPC      *VPC
	// Subnets holds the attachment subnet of each AZ.
	Subnets       map[string]*Subnet
	ApplianceMode bool
	SGReferencing bool
	// RouteTable is the associated TGW route table (nil: not associated).
	RouteTable *TGWRouteTable
	// AssociationResource names what associated it.
	AssociationResource string
}

// AZs returns the attachment's AZs, sorted.
func (a *TGWAttachment) AZs() []string {
	azs := make([]string, 0, len(a.Subnets))
	for az := range a.Subnets {
		azs = append(azs, az)
	}
	sort.Strings(azs)
	return azs
}

// TGWRoute is a static route, a propagated route or a blackhole.
type TGWRoute struct {
	Dest       netip.Prefix
	Attachment *TGWAttachment // nil for a blackhole
	Blackhole  bool
	Propagated bool
	Resource   string
}

// TGWRouteTable is a Transit Gateway route table.
type TGWRouteTable struct {
	ID       string
	Resource string
	TGW      *TGW
	Routes   []*TGWRoute
}

// Peering is a VPC peering connection between two VPCs of the input.
type Peering struct {
	ID       string
	Resource string
	// Requester is the VPC of vpc_id, Accepter the one of peer_vpc_id.
	Requester, Accepter *VPC
	// Status is accept_status as the state holds it ("" when absent);
	// StatusResource names the resource that reported it (the connection or
	// its aws_vpc_peering_connection_accepter).
	Status         string
	StatusResource string
	// CrossRegion: region and peer_region are both region names and differ
	// (security group references do not apply across regions).
	CrossRegion bool
}

// Peer returns the VPC at the other end of the connection from v, or nil
// when the connection does not join v.
func (p *Peering) Peer(v *VPC) *VPC {
	switch v {
	case p.Requester:
		return p.Accepter
	case p.Accepter:
		return p.Requester
	}
	return nil
}

// peeringInactive are the AWS accept_status values of a connection that
// carries no traffic.
var peeringInactive = map[string]string{
	"initiating-request": "not yet requested",
	"pending-acceptance": "not accepted yet",
	"provisioning":       "still being provisioned",
	"rejected":           "rejected by the accepter",
	"failed":             "failed",
	"expired":            "expired before it was accepted",
	"deleting":           "being deleted",
	"deleted":            "deleted",
}

// Usable reports whether the connection carries traffic, with a note: an
// AWS status other than "active" blocks it; a value that is no AWS status
// (the offline stand-in's fake, or none) is treated as active, as the model
// treats Transit Gateway attachments, whose state it does not read.
func (p *Peering) Usable() (bool, string) {
	st := strings.ToLower(strings.TrimSpace(p.Status))
	if st == "active" {
		return true, "accept_status active"
	}
	if why, bad := peeringInactive[st]; bad {
		return false, fmt.Sprintf("accept_status %q: the connection is %s and carries no traffic", p.Status, why)
	}
	if st == "" {
		return true, "accept_status not in the input: treated as active"
	}
	return true, fmt.Sprintf("accept_status %q is not an AWS status (offline stand-in): treated as active", p.Status)
}

// SecurityGroup is a security group and its rules.
type SecurityGroup struct {
	ID       string
	Resource string
	Name     string
	VPC      *VPC
	Ingress  []*SGRule
	Egress   []*SGRule
	// Note says how the group was derived when it is not in the state (EKS
	// cluster security group, VPC default group, unknown id).
	Note string
}

// Label names the group for messages.
func (g *SecurityGroup) Label() string {
	switch {
	case g.Resource != "":
		return g.Resource
	case g.Note != "":
		return g.ID + " (" + g.Note + ")"
	}
	return g.ID
}

// SGRule is one security group rule (a single peer).
type SGRule struct {
	Proto    string // "-1", "tcp", "udp", "icmp", or a number
	From, To int
	CIDR     netip.Prefix // valid when set
	PL       *PrefixList
	RefSG    *SecurityGroup
	Resource string
}

// Peer prints the rule's peer.
func (r *SGRule) Peer() string {
	switch {
	case r.RefSG != nil:
		return "sg " + r.RefSG.ID
	case r.PL != nil:
		return r.PL.String()
	}
	return r.CIDR.String()
}

// NACL is a network ACL.
type NACL struct {
	ID       string
	Resource string
	Ingress  []*NACLRule
	Egress   []*NACLRule
}

// NACLRule is one numbered rule.
type NACLRule struct {
	Number   int
	Allow    bool
	Proto    string
	From, To int
	CIDR     netip.Prefix
	Resource string
}

// PrefixList is a managed prefix list: a customer list with entries, or an
// AWS service list (com.amazonaws.<region>.<service>) held symbolically.
type PrefixList struct {
	ID       string
	Resource string
	Name     string
	// Service is set for AWS-managed service lists; its addresses are those
	// of the service, matched by name, not by CIDR.
	Service string
	CIDRs   []netip.Prefix
}

func (p *PrefixList) String() string {
	if p.Service != "" {
		return "prefix list " + p.Service
	}
	if p.Name != "" {
		return "prefix list " + p.Name
	}
	return "prefix list " + p.ID
}

// LoadBalancer is an NLB or ALB.
type LoadBalancer struct {
	ARN       string
	Resource  string
	Label     string
	Type      string // network, application, gateway
	Internal  bool
	SGs       []*SecurityGroup
	Members   []*Endpoint
	Listeners []*Listener
}

// Listener is one LB listener.
type Listener struct {
	Port        int
	Proto       string // tcp or udp (the transport)
	LBProto     string // TCP, TLS, UDP, TCP_UDP, HTTP, HTTPS
	TargetGroup *TargetGroup
	Resource    string
}

// TargetGroup is an LB target group.
type TargetGroup struct {
	ARN              string
	Resource         string
	Port             int
	Proto            string
	TargetType       string
	VPC              *VPC
	PreserveClientIP bool
	Targets          []Target
}

// Target is a registered target (aws_lb_target_group_attachment).
type Target struct {
	ID       string // IP address or instance id
	Port     int
	Resource string
}

// ClientVPN is a Client VPN endpoint.
type ClientVPN struct {
	ID         string
	Resource   string
	ClientCIDR netip.Prefix
	VPC        *VPC
	SGs        []*SecurityGroup
	// Associations are the association ENIs (one per associated subnet).
	Associations []*Endpoint
	Auth         []*VPNAuthRule
	Routes       []*VPNRoute
}

// VPNAuthRule is an authorization rule.
type VPNAuthRule struct {
	CIDR      netip.Prefix
	AllGroups bool
	Group     string
	Resource  string
}

// VPNRoute is a Client VPN route to an associated subnet.
type VPNRoute struct {
	Dest     netip.Prefix
	Subnet   *Subnet
	Resource string
}

// Kind is what an endpoint is.
type Kind string

// Endpoint kinds.
const (
	KindInstance          Kind = "instance"
	KindNodes             Kind = "nodes"
	KindPods              Kind = "pods"
	KindEKSAPI            Kind = "eks-api"
	KindEKSPublic         Kind = "eks-api-public"
	KindInterfaceEndpoint Kind = "interface-endpoint"
	KindService           Kind = "aws-service"
	KindLB                Kind = "load-balancer"
	KindNAT               Kind = "nat-gateway"
	KindVPNClient         Kind = "vpn-client"
	KindVPNENI            Kind = "vpn-eni"
	KindInternet          Kind = "internet"
	KindProbe             Kind = "probe"
	// KindInstanceConnect is an EC2 Instance Connect Endpoint's network
	// interface: the source of the connections it tunnels to instances.
	KindInstanceConnect Kind = "instance-connect-endpoint"
)

// Listen is a port an endpoint accepts.
type Listen struct {
	Proto string
	From  int
	To    int
}

// Endpoint is something a flow starts or ends at: an ENI in a subnet with
// security groups (instances, nodes, pods, the EKS API, interface endpoints,
// LB nodes, NAT gateways, Client VPN ENIs, probes), a Client VPN client, an
// internet address or an AWS service reached through a gateway endpoint.
type Endpoint struct {
	// Name is unique: "bastion@us-east-1a", "internet[1.0.0.0]".
	Name string
	// Groups are the names that select it (without "@az").
	Groups []string
	Kind   Kind
	AZ     string
	Subnet *Subnet // nil outside VPCs
	Addr   netip.Addr
	// Service is the AWS service name of a KindService endpoint.
	Service string
	SGs     []*SecurityGroup
	// Public: has a public IP or Elastic IP (reachable through an IGW).
	Public   bool
	Resource string
	// Listens is what it accepts; nil accepts every port.
	Listens []Listen
	// OpenEgress / OpenIngress: a probe with no security group filtering.
	OpenEgress  bool
	OpenIngress bool

	LB          *LoadBalancer
	NAT         *NAT
	VPN         *ClientVPN
	VPNENI      *Endpoint      // KindVPNClient: the association ENI it is NATed to
	PublicCIDRs []netip.Prefix // KindEKSPublic: public_access_cidrs
	// ResolvesPrivatelyIn is set on a public EKS endpoint whose cluster also
	// has private access: inside this VPC the API name resolves to the
	// private ENIs, so the public endpoint is not a destination from there.
	ResolvesPrivatelyIn *VPC
	// PreserveClientIP: a KindInstanceConnect endpoint whose connections
	// carry the operator's own address (preserve_client_ip = true).
	PreserveClientIP bool
}

// Applicable reports whether a flow from one endpoint to another is a
// meaningful check: not an endpoint to itself, and not a source inside a
// cluster's VPC to the public API endpoint its DNS never answers there.
func Applicable(from, to *Endpoint) bool {
	if from == to {
		return false
	}
	if to.Kind == KindEKSPublic && to.ResolvesPrivatelyIn != nil && from.Subnet != nil && from.Subnet.VPC == to.ResolvesPrivatelyIn {
		return false
	}
	return true
}

// InVPC reports whether the endpoint sits in a subnet.
func (e *Endpoint) InVPC() bool { return e.Subnet != nil }

// HasSG reports whether the endpoint's ENI is in security group g.
func (e *Endpoint) HasSG(g *SecurityGroup) bool {
	for _, s := range e.SGs {
		if s == g {
			return true
		}
	}
	return false
}

// AddrString prints the endpoint's address.
func (e *Endpoint) AddrString() string {
	if e.Service != "" {
		return e.Service
	}
	return e.Addr.String()
}

// Finish indexes the endpoints by group; Build calls it, hand-made models
// must call it before evaluation.
func (n *Network) Finish() {
	n.byGroup = map[string][]*Endpoint{}
	for _, e := range n.Endpoints {
		for _, g := range e.Groups {
			n.byGroup[g] = append(n.byGroup[g], e)
		}
	}
}

// Group returns the endpoints selected by a group name.
func (n *Network) Group(name string) []*Endpoint {
	return n.byGroup[name]
}

// GroupNames returns every group name, sorted.
func (n *Network) GroupNames() []string {
	names := make([]string, 0, len(n.byGroup))
	for g := range n.byGroup {
		names = append(names, g)
	}
	sort.Strings(names)
	return names
}

// AZs returns every AZ that holds a subnet, sorted.
func (n *Network) AZs() []string {
	seen := map[string]bool{}
	for _, s := range n.Subnets {
		if s.AZ != "" {
			seen[s.AZ] = true
		}
	}
	out := make([]string, 0, len(seen))
	for az := range seen {
		out = append(out, az)
	}
	sort.Strings(out)
	return out
}

// VPCOf returns the VPC whose CIDRs contain ip, or nil.
func (n *Network) VPCOf(ip netip.Addr) *VPC {
	for _, v := range n.VPCs {
		if v.Contains(ip) {
			return v
		}
	}
	return nil
}

// SubnetOf returns the subnet of vpc that contains ip, or nil.
func SubnetOf(vpc *VPC, ip netip.Addr) *Subnet {
	var best *Subnet
	for _, s := range vpc.Subnets {
		if s.CIDR.Contains(ip) && (best == nil || s.CIDR.Bits() > best.CIDR.Bits()) {
			best = s
		}
	}
	return best
}

// EndpointAt returns an endpoint with address ip in subnet s, or nil.
func (n *Network) EndpointAt(s *Subnet, ip netip.Addr) *Endpoint {
	for _, e := range n.Endpoints {
		if e.Subnet == s && e.Addr == ip {
			return e
		}
	}
	return nil
}

// AllocAddr hands out the next unused host address of the subnet (the first
// four and the last address are AWS-reserved).
func (s *Subnet) AllocAddr() netip.Addr {
	size := uint32(1) << (32 - s.CIDR.Bits())
	if size <= 5 {
		return s.CIDR.Addr()
	}
	off := 4 + s.nextHost%(size-5)
	s.nextHost++
	return addOffset(s.CIDR.Masked().Addr(), off)
}

// ReserveAddr marks a known address as used so AllocAddr skips past it.
func (s *Subnet) ReserveAddr(ip netip.Addr) {
	off := u32(ip) - u32(s.CIDR.Masked().Addr())
	if off >= 4 && off-4 >= s.nextHost {
		s.nextHost = off - 4 + 1
	}
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func addOffset(a netip.Addr, off uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], u32(a)+off)
	return netip.AddrFrom4(b)
}

// SplitName splits "bastion@us-east-1a" into the group and the AZ.
func SplitName(name string) (group, az string) {
	if i := strings.LastIndex(name, "@"); i >= 0 {
		return name[:i], name[i+1:]
	}
	return name, ""
}
