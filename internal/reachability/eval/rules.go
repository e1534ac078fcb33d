package eval

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
)

// Ephemeral is the port range a reply is addressed to. AWS recommends
// allowing 1024-65535 in network ACLs for return traffic, since clients
// pick their source port anywhere in it.
var Ephemeral = PortRange{From: 1024, To: 65535}

// PortRange is an inclusive range of ports.
type PortRange struct{ From, To int }

func (p PortRange) String() string {
	if p.From == p.To {
		return fmt.Sprint(p.From)
	}
	return fmt.Sprintf("%d-%d", p.From, p.To)
}

// addr is a packet address: an IPv4 address, or an AWS service held by name
// (reached through a gateway endpoint or a service prefix list).
type addr struct {
	ip  netip.Addr
	svc string
	// pub names an endpoint whose public address (an Elastic IP or public
	// IP the state does not fix) this is.
	pub string
}

func addrOf(e *model.Endpoint) addr {
	switch {
	case e.Service != "":
		return addr{svc: e.Service}
	case !e.Addr.IsValid():
		return addr{pub: e.Name}
	}
	return addr{ip: e.Addr}
}

func (a addr) String() string {
	switch {
	case a.svc != "":
		return a.svc
	case a.pub != "":
		return a.pub
	}
	return a.ip.String()
}

// inPrefix: a service address, or a public address the state does not
// fix, is only known to be inside 0.0.0.0/0.
func (a addr) inPrefix(p netip.Prefix) bool {
	if a.svc != "" || a.pub != "" {
		return p.Bits() == 0
	}
	return p.Contains(a.ip)
}

// inPL returns whether the address is in the prefix list and the length of
// the matching prefix (33 for a service match: more specific than any CIDR).
func (a addr) inPL(pl *model.PrefixList) (int, bool) {
	if pl.Service != "" {
		return 33, a.svc != "" && a.svc == pl.Service
	}
	if a.pub != "" {
		return 0, false
	}
	best, ok := -1, false
	for _, c := range pl.CIDRs {
		if a.inPrefix(c) && c.Bits() > best {
			best, ok = c.Bits(), true
		}
	}
	return best, ok
}

func (a addr) public() bool {
	return a.svc != "" || a.pub != "" || model.IsPublic(a.ip)
}

func protoMatch(rule, pkt string) bool {
	return rule == "-1" || rule == pkt
}

// lookupRoute is longest-prefix match over a VPC route table.
func lookupRoute(rt *model.RouteTable, dst addr) *model.Route {
	var best *model.Route
	bestLen := -1
	for _, r := range rt.Routes {
		l, ok := -1, false
		if r.PL != nil {
			l, ok = dst.inPL(r.PL)
		} else if dst.inPrefix(r.Dest) {
			l, ok = r.Dest.Bits(), true
		}
		if ok && l > bestLen {
			best, bestLen = r, l
		}
	}
	return best
}

// lookupTGWRoute is longest-prefix match over a TGW route table; a static
// route wins over a propagated one of the same prefix.
func lookupTGWRoute(rt *model.TGWRouteTable, dst addr) *model.TGWRoute {
	var best *model.TGWRoute
	for _, r := range rt.Routes {
		if !dst.inPrefix(r.Dest) {
			continue
		}
		if best == nil || r.Dest.Bits() > best.Dest.Bits() || (r.Dest.Bits() == best.Dest.Bits() && best.Propagated && !r.Propagated) {
			best = r
		}
	}
	return best
}

// sgMatch is the outcome of a security group check.
type sgMatch struct {
	rule *model.SGRule
	// near is a rule that names the peer's security group but does not
	// apply because the reference does not cross the path (TGW without
	// security group referencing).
	near *model.SGRule
}

// sgAllows checks the rules of groups in one direction against the peer
// (its address and, for references, its endpoint). refOK says whether a
// reference to a group held by the peer applies across the path.
func sgAllows(groups []*model.SecurityGroup, egress bool, peer addr, peerEP *model.Endpoint, proto string, port int, refOK bool) sgMatch {
	var m sgMatch
	for _, g := range groups {
		rules := g.Ingress
		if egress {
			rules = g.Egress
		}
		for _, r := range rules {
			if !protoMatch(r.Proto, proto) || port < r.From || port > r.To {
				continue
			}
			switch {
			case r.RefSG != nil:
				if peerEP != nil && peerEP.HasSG(r.RefSG) {
					if refOK {
						m.rule = r
						return m
					}
					m.near = r
				}
			case r.PL != nil:
				if _, ok := peer.inPL(r.PL); ok {
					m.rule = r
					return m
				}
			case r.CIDR.IsValid():
				if peer.inPrefix(r.CIDR) {
					m.rule = r
					return m
				}
			}
		}
	}
	return m
}

func sgNames(groups []*model.SecurityGroup) string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.Label()
	}
	return strings.Join(names, ", ")
}

// naclResult is a network ACL decision over a port range.
type naclResult struct {
	all, any bool
	allow    *model.NACLRule // a rule that allowed (some of) the range
	deny     *model.NACLRule // the rule that denied (some of) it; nil with !all: the implicit deny
}

// naclCheck evaluates rules (sorted by number, first match wins) for a
// packet to or from peer: outbound rules match the destination, inbound
// rules the source; the port range is the packet's destination port(s).
func naclCheck(rules []*model.NACLRule, peer addr, proto string, ports PortRange) naclResult {
	open := []PortRange{ports} // ports not yet decided
	var res naclResult
	allowed, denied := false, false
	for _, r := range rules {
		if len(open) == 0 {
			break
		}
		if !protoMatch(r.Proto, proto) || !peer.inPrefix(r.CIDR) {
			continue
		}
		var rest []PortRange
		for _, o := range open {
			lo, hi := max(o.From, r.From), min(o.To, r.To)
			if lo > hi {
				rest = append(rest, o)
				continue
			}
			if r.Allow {
				allowed = true
				if res.allow == nil {
					res.allow = r
				}
			} else {
				denied = true
				if res.deny == nil {
					res.deny = r
				}
			}
			if o.From < lo {
				rest = append(rest, PortRange{o.From, lo - 1})
			}
			if hi < o.To {
				rest = append(rest, PortRange{hi + 1, o.To})
			}
		}
		open = rest
	}
	if len(open) > 0 {
		denied = true
	}
	res.any = allowed
	res.all = allowed && !denied
	return res
}

// PortPoints returns one port per class of ports in [lo, hi] that every
// security group rule, network ACL rule and listener of the network treats
// alike: checking these ports checks the whole range.
func PortPoints(n *model.Network, lo, hi int) []int {
	cuts := map[int]bool{lo: true}
	add := func(from, to int) {
		for _, c := range []int{from, to + 1} {
			if c > lo && c <= hi {
				cuts[c] = true
			}
		}
	}
	for _, g := range n.SGs {
		for _, r := range append(append([]*model.SGRule(nil), g.Ingress...), g.Egress...) {
			add(r.From, r.To)
		}
	}
	for _, a := range n.NACLs {
		for _, r := range append(append([]*model.NACLRule(nil), a.Ingress...), a.Egress...) {
			add(r.From, r.To)
		}
	}
	for _, e := range n.Endpoints {
		for _, l := range e.Listens {
			add(l.From, l.To)
		}
	}
	out := make([]int, 0, len(cuts))
	for c := range cuts {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}
