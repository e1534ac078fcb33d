package model

import (
	"fmt"
	"net/netip"
	"path"
	"sort"
	"strings"
)

// Role says whether a name is resolved as a flow's source or destination.
type Role int

// Roles.
const (
	Source Role = iota
	Destination
)

// Resolution is what a name selects.
type Resolution struct {
	Members []*Endpoint
	// Known is false when the name matches no group at all (a typo); a
	// known group may still have no member in the AZ asked for.
	Known bool
}

// Resolve turns an endpoint name into endpoints:
//
//	<group>            every member: bastion, jump-host, nodes, eks-api, nlb, nat, ...
//	<group>@<az>       the members in one AZ: bastion@us-east-1a
//	<glob>[@<az>]      groups matching a pattern: vpc-endpoint:*
//	*                  every endpoint of the network (no probes, internet or AWS services)
//	internet           one address per distinct way the rules see the internet
//	internet:<ip|cidr> one internet address
//	vpc:<label>        as a source: a probe in every subnet of the VPC (any
//	                   egress, no security group) plus its endpoints; as a
//	                   destination: the endpoints in the VPC
//	subnet:<label>[@<az>]  a probe in the subnet (no security group filtering)
func (n *Network) Resolve(name string, role Role) (Resolution, error) {
	group, az := SplitName(name)
	if group == "" {
		return Resolution{}, fmt.Errorf("empty endpoint name %q", name)
	}
	filter := func(eps []*Endpoint) []*Endpoint {
		if az == "" {
			return eps
		}
		var out []*Endpoint
		for _, e := range eps {
			if e.AZ == az {
				out = append(out, e)
			}
		}
		return out
	}
	switch {
	case group == "*":
		var out []*Endpoint
		for _, e := range n.Endpoints {
			switch e.Kind {
			case KindProbe, KindInternet, KindService:
				continue
			}
			out = append(out, e)
		}
		return Resolution{Members: filter(out), Known: true}, nil
	case strings.HasPrefix(group, "internet:"):
		spec := strings.TrimPrefix(group, "internet:")
		ip, err := netip.ParseAddr(spec)
		if err != nil {
			p, perr := netip.ParsePrefix(spec)
			if perr != nil {
				return Resolution{}, fmt.Errorf("%q: internet:<address or CIDR> expected", name)
			}
			var ok bool
			if ip, ok = pickOutside(p.Masked(), notPublic); !ok {
				return Resolution{}, fmt.Errorf("%q holds no internet address", name)
			}
		}
		if !IsPublic(ip) {
			return Resolution{}, fmt.Errorf("%q is not an internet address", name)
		}
		return Resolution{Members: []*Endpoint{InternetEndpoint(ip)}, Known: true}, nil
	case strings.HasPrefix(group, "vpc:"):
		label := strings.TrimPrefix(group, "vpc:")
		var vpc *VPC
		for _, v := range n.VPCs {
			if v.Label == label || v.ID == label {
				vpc = v
			}
		}
		if vpc == nil {
			return Resolution{}, fmt.Errorf("no VPC labelled %q (VPCs: %s)", label, strings.Join(n.vpcLabels(), ", "))
		}
		var out []*Endpoint
		for _, e := range n.Endpoints {
			if e.Subnet == nil || e.Subnet.VPC != vpc {
				continue
			}
			if e.Kind == KindProbe && role == Destination {
				continue
			}
			out = append(out, e)
		}
		return Resolution{Members: filter(out), Known: true}, nil
	case strings.ContainsAny(group, "*?["):
		if _, err := path.Match(group, ""); err != nil {
			return Resolution{}, fmt.Errorf("%q: bad pattern: %w", name, err)
		}
		var out []*Endpoint
		seen := map[*Endpoint]bool{}
		known := false
		for _, g := range n.GroupNames() {
			if ok, _ := path.Match(group, g); !ok {
				continue
			}
			known = true
			for _, e := range n.byGroup[g] {
				if !seen[e] {
					seen[e] = true
					out = append(out, e)
				}
			}
		}
		if !known {
			return Resolution{}, fmt.Errorf("%q matches no endpoint name%s", name, n.suggest(group))
		}
		return Resolution{Members: filter(out), Known: true}, nil
	}
	eps, ok := n.byGroup[group]
	if !ok {
		return Resolution{}, fmt.Errorf("no endpoint named %q%s", group, n.suggest(group))
	}
	return Resolution{Members: filter(eps), Known: true}, nil
}

func (n *Network) vpcLabels() []string {
	var out []string
	for _, v := range n.VPCs {
		out = append(out, v.Label)
	}
	sort.Strings(out)
	return out
}

// suggest lists close names for an error message.
func (n *Network) suggest(group string) string {
	var close []string
	for _, g := range n.GroupNames() {
		if strings.Contains(g, group) || strings.Contains(group, g) || sharedPrefix(g, group) >= 3 {
			close = append(close, g)
		}
	}
	if len(close) == 0 {
		return " (`reachability names` lists every name)"
	}
	if len(close) > 8 {
		close = close[:8]
	}
	return " (did you mean " + strings.Join(close, ", ") + "?)"
}

func sharedPrefix(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}
