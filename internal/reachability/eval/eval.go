// Package eval answers "can A reach B on port P?" over a model.Network the
// way AWS forwards a packet: the source's security group egress rules, the
// subnet's route table (longest prefix match), network ACLs at every subnet
// boundary (stateless: the reply is checked too, to an ephemeral port),
// Transit Gateway attachments, association and routes (longest prefix,
// blackholes, AZ affinity and appliance mode), VPC peering connections (no
// transitive or edge-to-edge routing), NAT and internet gateways, gateway
// endpoints, the Client VPN's authorization, routes and source NAT, EC2
// Instance Connect Endpoints, and the destination's security group ingress
// rules (stateful: no reply check) and listeners.
//
// Where AWS may pick among several ways (an appliance-mode attachment picks
// an AZ by flow hash) every way is a Path; a flow is allowed only when every
// path delivers.
package eval

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
)

// Outcome of a path or a flow.
type Outcome int

// Outcomes, worst first.
const (
	Blocked Outcome = iota
	// Partial: some paths deliver and some do not, or the reply passes a
	// network ACL for only part of the ephemeral port range.
	Partial
	Delivered
)

func (o Outcome) String() string {
	switch o {
	case Delivered:
		return "allowed"
	case Partial:
		return "partly allowed"
	}
	return "blocked"
}

// Hop is one decision on a path.
type Hop struct {
	Step   string // sg-egress, route, nacl-out, nacl-in, tgw-attachment, tgw-route, vpc-peering, nat, igw, ...
	At     string // where the decision is taken
	Rule   string // the resource (or rule) that decided
	Detail string
	OK     bool
	Reply  bool // on the return path
}

func (h Hop) String() string {
	var b strings.Builder
	if h.Reply {
		b.WriteString("reply ")
	}
	b.WriteString(h.Step)
	if h.At != "" {
		b.WriteString(" at " + h.At)
	}
	if h.Detail != "" {
		b.WriteString(": " + h.Detail)
	}
	if h.Rule != "" {
		b.WriteString(" [" + h.Rule + "]")
	}
	return b.String()
}

// Path is one way a flow can go, with its outcome.
type Path struct {
	Hops    []Hop
	Outcome Outcome
	// Via lists the NAT gateways and Client VPN ENIs the path went through.
	Via []string
	// Listener is the listener that took the flow at a load balancer.
	Listener *model.Listener
}

// Blocker returns the first hop that did not pass (nil when delivered).
func (p *Path) Blocker() *Hop {
	for i := range p.Hops {
		if !p.Hops[i].OK {
			return &p.Hops[i]
		}
	}
	return nil
}

// Flow is a connection attempt.
type Flow struct {
	From, To *model.Endpoint
	Proto    string // tcp or udp
	Port     int
}

func (f Flow) String() string {
	return fmt.Sprintf("%s -> %s %s/%d", f.From.Name, f.To.Name, f.Proto, f.Port)
}

// Verdict is the evaluation of a flow.
type Verdict struct {
	Flow  Flow
	Paths []Path
}

// Outcome is Delivered when every path delivers, Blocked when none does.
func (v *Verdict) Outcome() Outcome {
	if len(v.Paths) == 0 {
		return Blocked
	}
	all, none := true, true
	for _, p := range v.Paths {
		if p.Outcome != Delivered {
			all = false
		}
		if p.Outcome != Blocked {
			none = false
		}
	}
	switch {
	case all:
		return Delivered
	case none:
		return Blocked
	}
	return Partial
}

// Evaluator evaluates flows over one network.
type Evaluator struct {
	net  *model.Network
	tgws map[string]*model.TGW
	nats map[string]*model.NAT
	atts map[*model.TGW]map[*model.VPC]*model.TGWAttachment
	pcxs map[string]*model.Peering
}

// New prepares an evaluator.
func New(n *model.Network) *Evaluator {
	e := &Evaluator{net: n, tgws: map[string]*model.TGW{}, nats: map[string]*model.NAT{}, atts: map[*model.TGW]map[*model.VPC]*model.TGWAttachment{}, pcxs: map[string]*model.Peering{}}
	for _, pc := range n.Peerings {
		e.pcxs[pc.ID] = pc
	}
	for _, t := range n.TGWs {
		e.tgws[t.ID] = t
		e.atts[t] = map[*model.VPC]*model.TGWAttachment{}
	}
	for _, a := range n.Attachments {
		if e.atts[a.TGW] == nil {
			e.atts[a.TGW] = map[*model.VPC]*model.TGWAttachment{}
		}
		e.atts[a.TGW][a.VPC] = a
	}
	for _, nat := range n.NATs {
		e.nats[nat.ID] = nat
	}
	return e
}

// Network returns the evaluated network.
func (e *Evaluator) Network() *model.Network { return e.net }

// maxSteps bounds route lookups on one path (routing loops).
const maxSteps = 24

// Check evaluates a flow.
func (e *Evaluator) Check(f Flow) Verdict {
	w := &walker{e: e}
	p := pkt{src: addrOf(f.From), dst: addrOf(f.To), srcEP: f.From, dstEP: f.To, proto: f.Proto, ports: PortRange{f.Port, f.Port}}
	st := &state{legFrom: f.From, legAddr: p.src}
	w.start(p, st)
	return Verdict{Flow: f, Paths: w.out}
}

// --- walk state ----------------------------------------------------------------

type pkt struct {
	src, dst     addr
	srcEP, dstEP *model.Endpoint
	proto        string
	ports        PortRange
	reply        bool
}

type senderKind int

const (
	sendENI senderKind = iota
	sendTGW
	sendNAT
)

// sender is where a packet is routed from: an ENI, a Transit Gateway
// attachment ENI (packets arriving from the TGW) or a NAT gateway.
type sender struct {
	subnet *model.Subnet
	kind   senderKind
	ep     *model.Endpoint
}

type exitKind int

const (
	exitNone exitKind = iota
	exitIGW
	exitGatewayEndpoint
)

// leg is a stretch of a path between address translations; its reply is
// checked back from its end to its start.
type leg struct {
	from     *model.Endpoint
	fromAddr addr
	to       *model.Endpoint
	exit     exitKind
	exitAt   *model.Subnet // the subnet the reply re-enters through (IGW / gateway endpoint exits)
	noReply  bool
}

// crossing is a hop between VPCs on the current leg: a Transit Gateway
// (tgw, in, out) or a VPC peering connection (pcx).
type crossing struct {
	tgw     *model.TGW
	in, out *model.TGWAttachment
	pcx     *model.Peering
}

type state struct {
	hops      []Hop
	via       []string
	legs      []leg
	crossings []crossing
	steps     int
	partial   bool
	listener  *model.Listener

	// the current leg
	legFrom *model.Endpoint
	legAddr addr
	exit    exitKind
	exitAt  *model.Subnet
}

func (s *state) clone() *state {
	c := *s
	c.hops = append([]Hop(nil), s.hops...)
	c.via = append([]string(nil), s.via...)
	c.legs = append([]leg(nil), s.legs...)
	c.crossings = append([]crossing(nil), s.crossings...)
	return &c
}

func (s *state) add(h Hop, reply bool) {
	h.Reply = reply
	s.hops = append(s.hops, h)
}

type walker struct {
	e   *Evaluator
	out []Path
}

func (w *walker) pass(st *state, p pkt, step, at, rule, detail string) {
	st.add(Hop{Step: step, At: at, Rule: rule, Detail: detail, OK: true}, p.reply)
}

func (w *walker) block(st *state, p pkt, step, at, rule, detail string) {
	st.add(Hop{Step: step, At: at, Rule: rule, Detail: detail}, p.reply)
	w.out = append(w.out, Path{Hops: st.hops, Outcome: Blocked, Via: st.via, Listener: st.listener})
}

// --- sources ---------------------------------------------------------------------

func (w *walker) start(p pkt, st *state) {
	from := p.srcEP
	switch from.Kind {
	case model.KindInternet:
		w.outside(p, st)
	case model.KindVPNClient:
		w.vpnClient(p, st)
	case model.KindInstanceConnect:
		w.fromInstanceConnect(from, p, st)
	case model.KindNAT, model.KindVPNENI, model.KindInterfaceEndpoint:
		w.block(st, p, "source", from.Name, from.Resource, fmt.Sprintf("a %s forwards or answers connections but does not open them", from.Kind))
	case model.KindService, model.KindEKSPublic:
		w.block(st, p, "source", from.Name, from.Resource, "an AWS-managed public endpoint is not a source of connections into the network")
	default:
		w.fromENI(from, p, st)
	}
}

// fromENI sends a packet out of an endpoint's ENI: security group egress,
// then the subnet's route table.
func (w *walker) fromENI(ep *model.Endpoint, p pkt, st *state) {
	if !ep.OpenEgress && !p.reply {
		if len(ep.SGs) == 0 && ep.Kind != model.KindLB {
			w.block(st, p, "sg-egress", ep.Name, ep.Resource, "the source has no security group")
			return
		}
		if len(ep.SGs) > 0 {
			m := sgAllows(ep.SGs, true, p.dst, p.dstEP, p.proto, p.ports.From, w.e.staticRefOK(ep, p.dstEP))
			if m.rule == nil {
				w.block(st, p, "sg-egress", ep.Name, "", w.sgBlockDetail(ep.SGs, "egress", p, p.dst, m.near))
				return
			}
			w.pass(st, p, "sg-egress", ep.Name, m.rule.Resource, fmt.Sprintf("allows %s %s to %s", p.proto, ruleRange(m.rule), m.rule.Peer()))
		}
	}
	w.route(sender{subnet: ep.Subnet, kind: sendENI, ep: ep}, p, st)
}

func ruleRange(r *model.SGRule) string {
	if r.Proto == "-1" {
		return "all ports"
	}
	return PortRange{r.From, r.To}.String()
}

func (w *walker) sgBlockDetail(groups []*model.SecurityGroup, dir string, p pkt, peer addr, near *model.SGRule) string {
	peerWord := "to"
	if dir == "ingress" {
		peerWord = "from"
	}
	d := fmt.Sprintf("no %s rule of %s allows %s/%d %s %s", dir, sgNames(groups), p.proto, p.ports.From, peerWord, peer)
	if near != nil {
		d += fmt.Sprintf("; %s names %s, but security group references do not apply across this path (across a Transit Gateway security_group_referencing_support must be enabled on the TGW and on both attachments; across a VPC peering connection they apply only within one region)", near.Resource, near.Peer())
	}
	return d
}

// staticRefOK: does a security group reference from a's rules to b's group
// apply? Same VPC, VPCs joined by a TGW with referencing enabled on the
// TGW and both attachments, or by a usable same-region peering connection.
func (e *Evaluator) staticRefOK(a, b *model.Endpoint) bool {
	if a == nil || b == nil || a.Subnet == nil || b.Subnet == nil {
		return false
	}
	if a.Subnet.VPC == b.Subnet.VPC {
		return true
	}
	for _, pc := range e.net.Peerings {
		if ok, _ := pc.Usable(); ok && !pc.CrossRegion && pc.Peer(a.Subnet.VPC) == b.Subnet.VPC {
			return true
		}
	}
	for t, byVPC := range e.atts {
		x, y := byVPC[a.Subnet.VPC], byVPC[b.Subnet.VPC]
		if x != nil && y != nil && t.SGReferencing && x.SGReferencing && y.SGReferencing {
			return true
		}
	}
	return false
}

// pathRefOK: does a reference at the destination match the source across
// the TGWs and peering connections this leg crossed?
func pathRefOK(src, dst *model.Endpoint, crossings []crossing) bool {
	if src == nil || dst == nil || src.Subnet == nil || dst.Subnet == nil {
		return false
	}
	for _, c := range crossings {
		if c.pcx != nil {
			if c.pcx.CrossRegion {
				return false
			}
			continue
		}
		if !c.tgw.SGReferencing || !c.in.SGReferencing || !c.out.SGReferencing {
			return false
		}
	}
	return src.Subnet.VPC == dst.Subnet.VPC || len(crossings) > 0
}

// --- network ACLs -------------------------------------------------------------------

// nacl checks one side of a subnet boundary. It returns false (and records
// a blocked path) when the ACL denies the whole range.
func (w *walker) nacl(s *model.Subnet, egress bool, p pkt, st *state) bool {
	acl := s.ACL()
	if acl == nil {
		return true // the AWS default ACL allows everything
	}
	step, peer, rules, word := "nacl-in", p.src, acl.Ingress, "from"
	if egress {
		step, peer, rules, word = "nacl-out", p.dst, acl.Egress, "to"
	}
	res := naclCheck(rules, peer, p.proto, p.ports)
	at := s.Name()
	desc := fmt.Sprintf("%s/%s %s %s", p.proto, p.ports, word, peer)
	switch {
	case res.all:
		w.pass(st, p, step, at, res.allow.Resource, "allows "+desc)
		return true
	case res.any:
		st.partial = true
		rule := acl.Resource + " (no matching rule: implicit deny)"
		if res.deny != nil {
			rule = res.deny.Resource
		}
		st.add(Hop{Step: step, At: at, Rule: rule, Detail: fmt.Sprintf("allows only part of %s (by %s)", desc, res.allow.Resource), OK: true}, p.reply)
		return true
	}
	rule := acl.Resource + " (no matching rule: implicit deny)"
	if res.deny != nil {
		rule = res.deny.Resource
	}
	w.block(st, p, step, at, rule, "denies "+desc)
	return false
}

// crossENI: from a sender's subnet to an ENI (or NAT) in subnet to.
func (w *walker) crossENI(snd sender, to *model.Subnet, p pkt, st *state) bool {
	if snd.subnet == to {
		return true // no ACL inside a subnet; TGW ENI -> same subnet: not evaluated
	}
	return w.nacl(snd.subnet, true, p, st) && w.nacl(to, false, p, st)
}

// crossToTGW: from an ENI (or NAT) to the TGW attachment ENI in subnet ts.
// Per AWS, the TGW subnet's inbound rules apply (and the source subnet's
// outbound); when they are the same subnet both of its rule sets apply.
func (w *walker) crossToTGW(snd sender, ts *model.Subnet, p pkt, st *state) bool {
	if snd.kind == sendTGW {
		return true
	}
	return w.nacl(snd.subnet, true, p, st) && w.nacl(ts, false, p, st)
}

// --- routing --------------------------------------------------------------------------

func (w *walker) route(snd sender, p pkt, st *state) {
	st.steps++
	if st.steps > maxSteps {
		w.block(st, p, "route", snd.subnet.Name(), "", "routing loop")
		return
	}
	rt := snd.subnet.Routes()
	at := snd.subnet.Name()
	r := lookupRoute(rt, p.dst)
	if r == nil {
		w.block(st, p, "route", at, rt.Resource, fmt.Sprintf("no route to %s", p.dst))
		return
	}
	next := string(r.Target)
	if r.Target != model.TargetLocal {
		next += " " + r.TargetID
	}
	w.pass(st, p, "route", at, r.Resource, fmt.Sprintf("%s -> %s", r.DestString(), next))
	switch r.Target {
	case model.TargetLocal:
		w.local(snd, p, st)
	case model.TargetIGW:
		w.toIGW(snd, r, p, st)
	case model.TargetNAT:
		w.toNAT(snd, r, p, st)
	case model.TargetTGW:
		w.toTGW(snd, r, p, st)
	case model.TargetEndpoint:
		w.toGatewayEndpoint(snd, r, p, st)
	case model.TargetPeering:
		w.toPeering(snd, r, p, st)
	default:
		w.block(st, p, "route", at, r.Resource, fmt.Sprintf("next hop %s %s is not modelled (only local, internet gateway, NAT gateway, transit gateway, VPC peering and gateway endpoint routes are)", r.Target, r.TargetID))
	}
}

func (w *walker) local(snd sender, p pkt, st *state) {
	vpc := snd.subnet.VPC
	if p.dst.svc != "" || !vpc.Contains(p.dst.ip) {
		w.block(st, p, "route", snd.subnet.Name(), "", fmt.Sprintf("local route for an address outside %s", vpc.Resource))
		return
	}
	dstEP := p.dstEP
	if dstEP == nil || dstEP.Subnet == nil || dstEP.Subnet.VPC != vpc || dstEP.Addr != p.dst.ip {
		w.block(st, p, "deliver", snd.subnet.Name(), "", fmt.Sprintf("%s is local to %s but the destination is not there", p.dst, vpc.Resource))
		return
	}
	if !w.crossENI(snd, dstEP.Subnet, p, st) {
		return
	}
	w.arrive(dstEP, p, st)
}

func (w *walker) toIGW(snd sender, r *model.Route, p pkt, st *state) {
	at := snd.subnet.Name()
	vpc := snd.subnet.VPC
	if vpc.IGW == nil || vpc.IGW.ID != r.TargetID {
		w.block(st, p, "igw", at, r.Resource, fmt.Sprintf("internet gateway %s is not attached to %s", r.TargetID, vpc.Resource))
		return
	}
	public := false
	switch snd.kind {
	case sendENI:
		public = snd.ep.Public
	case sendNAT:
		public = snd.ep.NAT != nil && snd.ep.NAT.Public
	}
	if !public {
		who := "the transit gateway attachment ENI"
		if snd.ep != nil {
			who = snd.ep.Name
		}
		w.block(st, p, "igw", at, vpc.IGW.Resource, fmt.Sprintf("%s has no public IP: the internet gateway drops its traffic (a private address reaches the internet only through a NAT gateway)", who))
		return
	}
	if !p.dst.public() {
		w.block(st, p, "igw", at, vpc.IGW.Resource, fmt.Sprintf("%s is not an internet address", p.dst))
		return
	}
	if !w.nacl(snd.subnet, true, p, st) {
		return
	}
	w.pass(st, p, "igw", vpc.Resource, vpc.IGW.Resource, "to the internet from "+snd.ep.Name+"'s public address")
	if p.reply {
		w.deliver(st, p)
		return
	}
	// The internet gateway maps the private source to its public address:
	// the leg ends there and a new one starts from that public address.
	pub := &model.Endpoint{Kind: model.KindInternet, Name: "public IP of " + snd.ep.Name, Public: true}
	st.exit, st.exitAt = exitIGW, snd.subnet
	w.newLeg(st, pub)
	p.src, p.srcEP = addrOf(pub), pub
	w.outside(p, st)
}

func (w *walker) toNAT(snd sender, r *model.Route, p pkt, st *state) {
	nat := w.e.nats[r.TargetID]
	if nat == nil {
		w.block(st, p, "nat", snd.subnet.Name(), r.Resource, fmt.Sprintf("NAT gateway %s is not in the model", r.TargetID))
		return
	}
	ep := nat.Endpoint
	if p.reply {
		w.block(st, p, "nat", ep.Name, nat.Resource, "the reply is routed into a NAT gateway that did not see the request (asymmetric route)")
		return
	}
	if snd.kind == sendNAT && snd.ep == ep {
		w.block(st, p, "nat", ep.Name, r.Resource, "route points the NAT gateway's own subnet back at it (loop)")
		return
	}
	if !w.crossENI(snd, nat.Subnet, p, st) {
		return
	}
	kind := "public"
	if !nat.Public {
		kind = "private"
	}
	w.pass(st, p, "nat", ep.Name, nat.Resource, fmt.Sprintf("%s NAT gateway: source becomes %s", kind, ep.Addr))
	st.via = append(st.via, ep.Name)
	w.newLeg(st, ep)
	p.src, p.srcEP = addr{ip: ep.Addr}, ep
	w.route(sender{subnet: nat.Subnet, kind: sendNAT, ep: ep}, p, st)
}

// newLeg closes the current leg at 'to' (an address translation or the
// destination) and opens one from it.
func (w *walker) newLeg(st *state, to *model.Endpoint) {
	st.legs = append(st.legs, leg{from: st.legFrom, fromAddr: st.legAddr, to: to, exit: st.exit, exitAt: st.exitAt})
	st.legFrom, st.legAddr = to, addrOf(to)
	st.exit, st.exitAt = exitNone, nil
	st.crossings = nil
}

func (w *walker) toTGW(snd sender, r *model.Route, p pkt, st *state) {
	at := snd.subnet.Name()
	tgw := w.e.tgws[r.TargetID]
	if tgw == nil {
		w.block(st, p, "tgw-attachment", at, r.Resource, fmt.Sprintf("transit gateway %s is not in the model", r.TargetID))
		return
	}
	in := w.e.atts[tgw][snd.subnet.VPC]
	if in == nil {
		w.block(st, p, "tgw-attachment", at, r.Resource, fmt.Sprintf("%s is not attached to %s", snd.subnet.VPC.Resource, tgw.Resource))
		return
	}
	az := snd.subnet.AZ
	ts := in.Subnets[az]
	if ts == nil {
		w.block(st, p, "tgw-attachment", at, in.Resource, fmt.Sprintf("the attachment has no subnet in %s: resources in that AZ cannot reach the transit gateway", az))
		return
	}
	if !w.crossToTGW(snd, ts, p, st) {
		return
	}
	w.pass(st, p, "tgw-attachment", ts.Name(), in.Resource, "into "+tgw.Resource)
	if in.RouteTable == nil {
		w.block(st, p, "tgw-route", tgw.Resource, in.Resource, "the attachment is not associated with any TGW route table")
		return
	}
	tr := lookupTGWRoute(in.RouteTable, p.dst)
	switch {
	case tr == nil:
		w.block(st, p, "tgw-route", in.RouteTable.Resource, in.RouteTable.Resource, fmt.Sprintf("no route to %s in the TGW route table associated with the attachment (via %s)", p.dst, in.AssociationResource))
		return
	case tr.Blackhole:
		w.block(st, p, "tgw-route", in.RouteTable.Resource, tr.Resource, fmt.Sprintf("%s is a blackhole route", tr.Dest))
		return
	case tr.Attachment == in:
		w.block(st, p, "tgw-route", in.RouteTable.Resource, tr.Resource, "the route leads back to the attachment the packet came from")
		return
	}
	out := tr.Attachment
	how := "static"
	if tr.Propagated {
		how = "propagated"
	}
	w.pass(st, p, "tgw-route", in.RouteTable.Resource, tr.Resource, fmt.Sprintf("%s (%s) -> %s", tr.Dest, how, out.Resource))
	var azs []string
	why := ""
	switch {
	case out.ApplianceMode:
		azs = out.AZs()
		why = " (appliance mode: the TGW picks the AZ by flow hash)"
	case out.Subnets[ts.AZ] != nil:
		azs = []string{ts.AZ}
	default:
		azs = out.AZs()
		why = fmt.Sprintf(" (no attachment subnet in %s)", ts.AZ)
	}
	if len(azs) == 0 {
		w.block(st, p, "tgw-exit", tgw.Resource, out.Resource, "the destination attachment has no subnets")
		return
	}
	for _, outAZ := range azs {
		bst := st
		if len(azs) > 1 {
			bst = st.clone()
		}
		exit := out.Subnets[outAZ]
		bst.crossings = append(bst.crossings, crossing{tgw: tgw, in: in, out: out})
		w.pass(bst, p, "tgw-exit", exit.Name(), out.Resource, "into "+out.VPC.Resource+why)
		w.route(sender{subnet: exit, kind: sendTGW}, p, bst)
	}
}

// toPeering sends a packet over a VPC peering connection. AWS delivers it
// straight to the destination's network interface in the peer VPC (the
// peer's route tables are not consulted on the way in), and only when both
// addresses belong to the two VPCs: a peering is not transitive, and the
// peer's internet gateway, NAT gateways, Transit Gateway attachments,
// gateway endpoints and other peerings are never reachable through it (no
// edge-to-edge routing). The reply is routed by the destination subnet's
// route table, which must send it back over the connection.
func (w *walker) toPeering(snd sender, r *model.Route, p pkt, st *state) {
	at := snd.subnet.Name()
	pc := w.e.pcxs[r.TargetID]
	if pc == nil {
		w.block(st, p, "vpc-peering", at, r.Resource, fmt.Sprintf("VPC peering connection %s is not in the model", r.TargetID))
		return
	}
	vpc := snd.subnet.VPC
	peer := pc.Peer(vpc)
	if peer == nil {
		w.block(st, p, "vpc-peering", at, r.Resource, fmt.Sprintf("%s does not join %s (it joins %s and %s)", pc.Resource, vpc.Resource, pc.Requester.Resource, pc.Accepter.Resource))
		return
	}
	usable, status := pc.Usable()
	if !usable {
		w.block(st, p, "vpc-peering", pc.Resource, pc.StatusResource, status)
		return
	}
	if p.src.svc != "" || p.src.pub != "" || !vpc.Contains(p.src.ip) {
		from := "the packet"
		if snd.kind == sendTGW {
			from = "a packet arriving from a transit gateway"
		}
		w.block(st, p, "vpc-peering", pc.Resource, pc.Resource, fmt.Sprintf("source %s is not an address of %s: %s cannot be forwarded over a VPC peering connection, which carries only traffic between addresses of its two VPCs (no transitive routing)", p.src, vpc.Resource, from))
		return
	}
	if p.dst.svc != "" || p.dst.pub != "" || !peer.Contains(p.dst.ip) {
		w.block(st, p, "vpc-peering", pc.Resource, pc.Resource, fmt.Sprintf("%s is not in %s (%s): a VPC peering connection delivers only to addresses of the peer VPC, never on through its internet gateway, NAT gateways, transit gateway, gateway endpoints or other peerings (no transit, no edge-to-edge routing)", p.dst, peer.Resource, prefixes(peer.CIDRs)))
		return
	}
	dstEP := p.dstEP
	if dstEP == nil || dstEP.Subnet == nil || dstEP.Subnet.VPC != peer || dstEP.Addr != p.dst.ip {
		w.block(st, p, "deliver", pc.Resource, "", fmt.Sprintf("%s is in %s but the destination is not there", p.dst, peer.Resource))
		return
	}
	w.pass(st, p, "vpc-peering", pc.Resource, pc.Resource, fmt.Sprintf("%s -> %s (%s)", vpc.Resource, peer.Resource, status))
	if !w.crossENI(snd, dstEP.Subnet, p, st) {
		return
	}
	st.crossings = append(st.crossings, crossing{pcx: pc})
	w.arrive(dstEP, p, st)
}

func prefixes(ps []netip.Prefix) string {
	out := make([]string, len(ps))
	for i, c := range ps {
		out[i] = c.String()
	}
	return strings.Join(out, ", ")
}

func (w *walker) toGatewayEndpoint(snd sender, r *model.Route, p pkt, st *state) {
	at := snd.subnet.Name()
	if p.dst.svc == "" || r.PL == nil || r.PL.Service != p.dst.svc {
		w.block(st, p, "gateway-endpoint", at, r.Resource, fmt.Sprintf("a gateway endpoint delivers only to its service, not to %s", p.dst))
		return
	}
	if snd.kind == sendTGW {
		w.block(st, p, "gateway-endpoint", at, r.Resource, "a gateway endpoint serves only sources in its own VPC (not traffic arriving from a transit gateway)")
		return
	}
	if p.reply {
		w.block(st, p, "gateway-endpoint", at, r.Resource, "a reply cannot be sent into a gateway endpoint")
		return
	}
	if !w.nacl(snd.subnet, true, p, st) {
		return
	}
	w.pass(st, p, "gateway-endpoint", at, r.Resource, "to "+p.dst.svc)
	st.exit, st.exitAt = exitGatewayEndpoint, snd.subnet
	w.arrive(p.dstEP, p, st)
}

// --- the internet -----------------------------------------------------------------------

// outside: the packet is on the internet (from an internet address, or
// after leaving through an internet gateway).
func (w *walker) outside(p pkt, st *state) {
	dst := p.dstEP
	switch {
	case p.reply:
		w.deliver(st, p)
	case dst.Kind == model.KindInternet || dst.Kind == model.KindService:
		w.arrive(dst, p, st)
	case dst.Kind == model.KindEKSPublic:
		for _, c := range dst.PublicCIDRs {
			if p.src.inPrefix(c) {
				w.pass(st, p, "eks-public-endpoint", dst.Name, dst.Resource, fmt.Sprintf("public_access_cidrs %s admits %s", c, p.src))
				w.arrive(dst, p, st)
				return
			}
		}
		w.block(st, p, "eks-public-endpoint", dst.Name, dst.Resource, fmt.Sprintf("public_access_cidrs do not admit %s", p.src))
	case dst.InVPC():
		w.inbound(dst, p, st)
	default:
		w.block(st, p, "deliver", "internet", "", fmt.Sprintf("%s cannot be reached from the internet", dst.Name))
	}
}

// inbound: from the internet through the VPC's internet gateway to an ENI
// with a public address.
func (w *walker) inbound(dst *model.Endpoint, p pkt, st *state) {
	vpc := dst.Subnet.VPC
	if vpc.IGW == nil {
		w.block(st, p, "igw", vpc.Resource, vpc.Resource, "the VPC has no internet gateway")
		return
	}
	if !dst.Public {
		w.block(st, p, "igw", vpc.Resource, dst.Resource, fmt.Sprintf("%s has no public IP", dst.Name))
		return
	}
	w.pass(st, p, "igw", vpc.Resource, vpc.IGW.Resource, "from the internet to "+dst.Name+"'s public address")
	if !w.nacl(dst.Subnet, false, p, st) {
		return
	}
	w.arrive(dst, p, st)
}

// --- arrival and replies --------------------------------------------------------------------

func (w *walker) arrive(dst *model.Endpoint, p pkt, st *state) {
	if p.reply {
		w.deliver(st, p)
		return
	}
	if dst.Kind == model.KindVPNClient {
		w.block(st, p, "deliver", dst.Name, dst.Resource, "Client VPN clients cannot be reached from the VPC (their traffic is source-NATed one way)")
		return
	}
	if !dst.OpenIngress && dst.InVPC() {
		if len(dst.SGs) == 0 {
			if dst.Kind != model.KindLB && dst.Kind != model.KindNAT {
				w.block(st, p, "sg-ingress", dst.Name, dst.Resource, "the destination has no security group")
				return
			}
		} else {
			m := sgAllows(dst.SGs, false, p.src, p.srcEP, p.proto, p.ports.From, pathRefOK(p.srcEP, dst, st.crossings))
			if m.rule == nil {
				w.block(st, p, "sg-ingress", dst.Name, "", w.sgBlockDetail(dst.SGs, "ingress", p, p.src, m.near))
				return
			}
			w.pass(st, p, "sg-ingress", dst.Name, m.rule.Resource, fmt.Sprintf("allows %s %s from %s", p.proto, ruleRange(m.rule), m.rule.Peer()))
		}
	}
	if dst.Listens != nil && !listens(dst, p.proto, p.ports.From) {
		w.block(st, p, "listener", dst.Name, dst.Resource, fmt.Sprintf("%s does not accept %s/%d%s", dst.Name, p.proto, p.ports.From, listenHint(dst)))
		return
	}
	if dst.LB != nil {
		for _, l := range dst.LB.Listeners {
			if l.Proto == p.proto && l.Port == p.ports.From {
				st.listener = l
				detail := fmt.Sprintf("%s %d", l.LBProto, l.Port)
				if l.TargetGroup != nil {
					detail += fmt.Sprintf(" forwards to %s (%s targets, port %d)", l.TargetGroup.Resource, l.TargetGroup.TargetType, l.TargetGroup.Port)
				}
				w.pass(st, p, "listener", dst.Name, l.Resource, detail)
				break
			}
		}
	}
	w.pass(st, p, "deliver", dst.Name, "", fmt.Sprintf("%s/%d delivered to %s", p.proto, p.ports.From, dst.AddrString()))
	w.newLeg(st, dst)
	w.replies(st, p)
}

func listens(e *model.Endpoint, proto string, port int) bool {
	for _, l := range e.Listens {
		if l.Proto == proto && port >= l.From && port <= l.To {
			return true
		}
	}
	return false
}

func listenHint(e *model.Endpoint) string {
	switch e.Kind {
	case model.KindNAT:
		return " (a NAT gateway accepts no connections: it only forwards those that start inside)"
	case model.KindVPNENI:
		return " (a Client VPN ENI accepts no connections)"
	case model.KindLB:
		var ports []string
		for _, l := range e.LB.Listeners {
			ports = append(ports, fmt.Sprintf("%s/%d", l.Proto, l.Port))
		}
		if len(ports) == 0 {
			return " (no listener)"
		}
		return " (listeners: " + strings.Join(ports, ", ") + ")"
	case model.KindEKSAPI, model.KindEKSPublic:
		return " (the EKS API listens on tcp/443)"
	case model.KindInterfaceEndpoint:
		return " (interface endpoints are used on tcp/443)"
	case model.KindInstanceConnect:
		return " (an EC2 Instance Connect Endpoint accepts no connections from the network: operators reach it through the EC2 Instance Connect API, authorized by IAM)"
	}
	return ""
}

// deliver ends a reply walk successfully.
func (w *walker) deliver(st *state, p pkt) {
	outcome := Delivered
	if st.partial {
		outcome = Partial
	}
	w.out = append(w.out, Path{Hops: st.hops, Outcome: outcome, Via: st.via, Listener: st.listener})
}

// replies checks every leg's return path (routes and network ACLs toward
// the address the request came from, to an ephemeral port), last leg first,
// and records the path's outcome.
func (w *walker) replies(st *state, fwd pkt) {
	for i := len(st.legs) - 1; i >= 0; i-- {
		l := st.legs[i]
		if l.noReply || l.from == nil || l.to == nil {
			continue
		}
		src := addrOf(l.to)
		if l.exit == exitIGW && i+1 < len(st.legs) {
			// Replies re-enter through the internet gateway from the far end.
			src = addrOf(st.legs[i+1].to)
		}
		rp := pkt{src: src, dst: l.fromAddr, srcEP: l.to, dstEP: l.from, proto: fwd.proto, ports: Ephemeral, reply: true}
		sub := &walker{e: w.e}
		rst := &state{}
		sub.replyLeg(l, rp, rst)
		worst := Path{Outcome: Delivered}
		for j, rpth := range sub.out {
			if j == 0 || rpth.Outcome < worst.Outcome {
				worst = rpth
			}
		}
		st.hops = append(st.hops, worst.Hops...)
		if worst.Outcome == Blocked {
			w.out = append(w.out, Path{Hops: st.hops, Outcome: Blocked, Via: st.via, Listener: st.listener})
			return
		}
		if worst.Outcome == Partial {
			st.partial = true
		}
	}
	w.deliver(st, fwd)
}

func (w *walker) replyLeg(l leg, p pkt, st *state) {
	switch {
	case l.to.InVPC():
		kind := sendENI
		if l.to.Kind == model.KindNAT {
			kind = sendNAT
		}
		w.route(sender{subnet: l.to.Subnet, kind: kind, ep: l.to}, p, st)
	case l.exit == exitIGW:
		vpc := l.exitAt.VPC
		if vpc.IGW == nil {
			w.block(st, p, "igw", vpc.Resource, vpc.Resource, "no internet gateway for the reply")
			return
		}
		w.pass(st, p, "igw", vpc.Resource, vpc.IGW.Resource, "reply from the internet to "+l.from.Name+"'s public address")
		if w.nacl(l.exitAt, false, p, st) {
			w.deliver(st, p)
		}
	case l.exit == exitGatewayEndpoint:
		w.pass(st, p, "gateway-endpoint", l.exitAt.Name(), "", "reply from "+p.src.String())
		if w.nacl(l.exitAt, false, p, st) {
			w.deliver(st, p)
		}
	default:
		w.deliver(st, p) // both ends outside VPCs (the internet to a public AWS endpoint)
	}
}

// --- EC2 Instance Connect Endpoint --------------------------------------------------------

// fromInstanceConnect: an operator's tunnel through an EC2 Instance Connect
// Endpoint opens a TCP connection from the endpoint's network interface
// (client IP preservation off: the source address is the interface's, in
// its subnet), through its security groups' egress rules and its subnet's
// route table, like any ENI.
func (w *walker) fromInstanceConnect(ep *model.Endpoint, p pkt, st *state) {
	if p.proto != "tcp" {
		w.block(st, p, "source", ep.Name, ep.Resource, fmt.Sprintf("an EC2 Instance Connect Endpoint tunnels TCP only, not %s", p.proto))
		return
	}
	if ep.PreserveClientIP {
		w.block(st, p, "source", ep.Name, ep.Resource, "preserve_client_ip is true (the operator's own address would be the source): not modelled; set preserve_client_ip = false")
		return
	}
	w.pass(st, p, "source", ep.Name, ep.Resource, fmt.Sprintf("EC2 Instance Connect tunnel: the connection starts at the endpoint's interface %s (client IP not preserved)", ep.Addr))
	w.fromENI(ep, p, st)
}

// --- Client VPN ----------------------------------------------------------------------------

func (w *walker) vpnClient(p pkt, st *state) {
	c := p.srcEP
	vpn := c.VPN
	var auth *model.VPNAuthRule
	for _, a := range vpn.Auth {
		if p.dst.inPrefix(a.CIDR) && (auth == nil || a.CIDR.Bits() > auth.CIDR.Bits()) {
			auth = a
		}
	}
	if auth == nil {
		w.block(st, p, "vpn-authorization", c.Name, vpn.Resource, fmt.Sprintf("no authorization rule covers %s", p.dst))
		return
	}
	who := "every authenticated client"
	if !auth.AllGroups {
		who = "members of group " + auth.Group
	}
	w.pass(st, p, "vpn-authorization", c.Name, auth.Resource, fmt.Sprintf("%s may reach %s", who, auth.CIDR))
	var route *model.VPNRoute
	for _, r := range vpn.Routes {
		if !p.dst.inPrefix(r.Dest) {
			continue
		}
		if route == nil || r.Dest.Bits() > route.Dest.Bits() || (r.Dest.Bits() == route.Dest.Bits() && r.Subnet == c.VPNENI.Subnet) {
			route = r
		}
	}
	if route == nil {
		w.block(st, p, "vpn-route", c.Name, vpn.Resource, fmt.Sprintf("the Client VPN route table has no route to %s", p.dst))
		return
	}
	var eni *model.Endpoint
	for _, a := range vpn.Associations {
		if a.Subnet == route.Subnet {
			eni = a
		}
	}
	if eni == nil {
		w.block(st, p, "vpn-route", c.Name, route.Resource, fmt.Sprintf("route target %s is not an associated subnet", route.Subnet.Name()))
		return
	}
	w.pass(st, p, "vpn-route", c.Name, route.Resource, fmt.Sprintf("%s via %s; source NAT to %s (%s)", route.Dest, route.Subnet.Name(), eni.Name, eni.Addr))
	st.via = append(st.via, eni.Name)
	st.legs = append(st.legs, leg{from: c, fromAddr: p.src, to: eni, noReply: true})
	st.legFrom, st.legAddr = eni, addrOf(eni)
	p.src, p.srcEP = addrOf(eni), eni
	w.fromENI(eni, p, st)
}
