package model

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tfjson"
)

// builder holds the indexes used while turning resources into a Network.
type builder struct {
	n   *Network
	doc *tfjson.Document

	byType map[string][]*tfjson.Resource

	vpcs       map[string]*VPC
	vpcRes     map[*VPC]*tfjson.Resource
	subnets    map[string]*Subnet
	rts        map[string]*RouteTable
	igws       map[string]*IGW
	nats       map[string]*NAT
	tgws       map[string]*TGW
	atts       map[string]*TGWAttachment
	tgwRTs     map[string]*TGWRouteTable
	peerings   map[string]*Peering
	sgs        map[string]*SecurityGroup
	nacls      map[string]*NACL
	pls        map[string]*PrefixList
	plService  map[string]*PrefixList // by service name
	eips       map[string]*eip        // by id and allocation id
	lts        map[string]*launchTemplate
	lbs        map[string]*LoadBalancer
	tgs        map[string]*TargetGroup
	vpns       map[string]*ClientVPN
	clusters   map[string]*cluster // by name and id
	services   map[string]*Endpoint
	mentioned  []netip.Prefix
	vpcDefSG   map[string]*VPC // VPC default SG id -> VPC
	defaultSGs map[*VPC]*SecurityGroup
}

type eip struct {
	instance string
	eni      string
}

type launchTemplate struct {
	sgs    []string
	public *bool
}

type cluster struct {
	res       *tfjson.Resource
	clusterSG *SecurityGroup
	vpc       *VPC
}

// Build makes the network model from a decoded `tofu show -json` document.
func Build(doc *tfjson.Document) (*Network, error) {
	b := &builder{
		n:          &Network{Facts: map[string]any{}},
		doc:        doc,
		byType:     map[string][]*tfjson.Resource{},
		vpcs:       map[string]*VPC{},
		vpcRes:     map[*VPC]*tfjson.Resource{},
		subnets:    map[string]*Subnet{},
		rts:        map[string]*RouteTable{},
		igws:       map[string]*IGW{},
		nats:       map[string]*NAT{},
		tgws:       map[string]*TGW{},
		atts:       map[string]*TGWAttachment{},
		tgwRTs:     map[string]*TGWRouteTable{},
		peerings:   map[string]*Peering{},
		sgs:        map[string]*SecurityGroup{},
		nacls:      map[string]*NACL{},
		pls:        map[string]*PrefixList{},
		plService:  map[string]*PrefixList{},
		eips:       map[string]*eip{},
		lts:        map[string]*launchTemplate{},
		lbs:        map[string]*LoadBalancer{},
		tgs:        map[string]*TargetGroup{},
		vpns:       map[string]*ClientVPN{},
		clusters:   map[string]*cluster{},
		services:   map[string]*Endpoint{},
		vpcDefSG:   map[string]*VPC{},
		defaultSGs: map[*VPC]*SecurityGroup{},
	}
	for i := range doc.Resources {
		r := &doc.Resources[i]
		key := r.Type
		if r.Mode == "data" {
			key = "data." + r.Type
		}
		b.byType[key] = append(b.byType[key], r)
	}
	for k, v := range doc.Variables {
		b.n.Facts[k] = v
	}
	for k, v := range doc.Outputs {
		b.n.Facts[k] = v
	}

	b.buildVPCs()
	if len(b.n.VPCs) == 0 {
		if len(b.n.Unresolved) > 0 {
			return nil, fmt.Errorf("no VPC has a known id (%d resources are known only after apply): check the state after apply, or a plan of an existing stack", len(b.n.Unresolved))
		}
		return nil, errors.New("no aws_vpc in the input: nothing to check (is this the right state?)")
	}
	b.buildSubnets()
	b.buildPrefixLists()
	b.buildRouteTables()
	b.buildIGWs()
	b.buildGatewayEndpoints()
	b.buildSGs()
	b.buildNACLs()
	b.buildTGWs()
	b.buildPeerings()
	b.buildEIPs()
	b.buildNATs()
	b.buildLaunchTemplates()
	b.buildInstances()
	b.buildASGs()
	b.buildEKS()
	b.buildInterfaceEndpoints()
	b.buildInstanceConnectEndpoints()
	b.buildLBs()
	b.buildVPNs()
	b.addLocalRoutes()
	b.buildProbes()
	b.buildInternet()
	b.nameEndpoints()
	sort.Strings(b.n.Warnings)
	sort.Strings(b.n.Unresolved)
	b.n.Finish()
	return b.n, nil
}

func (b *builder) res(types ...string) []*tfjson.Resource {
	var out []*tfjson.Resource
	for _, t := range types {
		out = append(out, b.byType[t]...)
	}
	return out
}

func (b *builder) warnf(format string, args ...any) {
	b.n.Warnings = append(b.n.Warnings, fmt.Sprintf(format, args...))
}

// need returns the string attribute k of r; when it is missing it records
// the resource as unresolved (plan unknown) or warns, and returns "".
func (b *builder) need(r *tfjson.Resource, k string) string {
	if v := r.Str(k); v != "" {
		return v
	}
	if r.IsUnknown(k) {
		b.n.Unresolved = append(b.n.Unresolved, fmt.Sprintf("%s (%s known after apply)", r.Address, k))
	} else {
		b.warnf("%s: no %s; left out of the model", r.Address, k)
	}
	return ""
}

func (b *builder) mention(p netip.Prefix) {
	if p.IsValid() {
		b.mentioned = append(b.mentioned, p)
	}
}

func parsePrefix(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, false
	}
	return p.Masked(), true
}

// --- labels -----------------------------------------------------------------

var azRe = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]+[a-z]$`)

var genericNames = map[string]bool{"this": true, "default": true, "self": true, "node": true, "nodes": true, "cluster": true, "all": true}

var labelClean = regexp.MustCompile(`[^a-z0-9.-]+`)

// label derives the short name of a resource: its resource name, with a
// for_each key that is not an AZ appended (or used alone when the resource
// name is generic such as "this"), the module name for a generic name
// without a useful key, and underscores as hyphens.
func label(r *tfjson.Resource) string {
	name := r.Name
	switch idx := r.Index.(type) {
	case string:
		switch {
		case azRe.MatchString(idx):
			if genericNames[name] {
				name = moduleLabel(r.Module, name)
			}
		case genericNames[name]:
			name = idx
		default:
			name = name + "-" + idx
		}
	case int:
		if genericNames[name] {
			name = moduleLabel(r.Module, name)
		}
		if idx > 0 {
			name = fmt.Sprintf("%s-%d", name, idx)
		}
	default:
		if genericNames[name] {
			name = moduleLabel(r.Module, name)
		}
	}
	name = strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	return strings.Trim(labelClean.ReplaceAllString(name, "-"), "-")
}

func moduleLabel(module, fallback string) string {
	if module == "" {
		return fallback
	}
	parts := strings.Split(module, ".")
	last := parts[len(parts)-1]
	if i := strings.Index(last, "["); i > 0 {
		last = last[:i]
	}
	return last
}

// --- VPCs and subnets ---------------------------------------------------------

func (b *builder) buildVPCs() {
	for _, r := range b.res("aws_vpc", "aws_default_vpc") {
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		v := &VPC{ID: id, Resource: r.Address, Label: label(r)}
		if p, ok := parsePrefix(r.Str("cidr_block")); ok {
			v.CIDRs = append(v.CIDRs, p)
		} else {
			b.warnf("%s: no IPv4 cidr_block", r.Address)
		}
		b.vpcs[id] = v
		b.vpcRes[v] = r
		b.n.VPCs = append(b.n.VPCs, v)
		if sg := r.Str("default_security_group_id"); sg != "" {
			b.vpcDefSG[sg] = v
		}
	}
	for _, r := range b.res("aws_vpc_ipv4_cidr_block_association") {
		v := b.vpcs[r.Str("vpc_id")]
		p, ok := parsePrefix(r.Str("cidr_block"))
		if v == nil || !ok {
			b.warnf("%s: VPC %q or CIDR unknown; secondary CIDR ignored", r.Address, r.Str("vpc_id"))
			continue
		}
		v.CIDRs = append(v.CIDRs, p)
	}
	uniqueLabels(b.n.VPCs, func(v *VPC) *string { return &v.Label })
}

func uniqueLabels[T any](items []T, get func(T) *string) {
	seen := map[string]int{}
	for _, it := range items {
		l := get(it)
		seen[*l]++
		if n := seen[*l]; n > 1 {
			*l = fmt.Sprintf("%s-%d", *l, n)
		}
	}
}

func (b *builder) buildSubnets() {
	for _, r := range b.res("aws_subnet", "aws_default_subnet") {
		id := b.need(r, "id")
		vpcID := b.need(r, "vpc_id")
		if id == "" || vpcID == "" {
			continue
		}
		v := b.vpcs[vpcID]
		if v == nil {
			b.warnf("%s: VPC %s is not in the input; subnet ignored", r.Address, vpcID)
			continue
		}
		p, ok := parsePrefix(r.Str("cidr_block"))
		if !ok {
			b.warnf("%s: no IPv4 cidr_block; subnet ignored", r.Address)
			continue
		}
		pub, _ := r.Bool("map_public_ip_on_launch")
		s := &Subnet{ID: id, Resource: r.Address, Label: label(r), AZ: r.Str("availability_zone"), CIDR: p, VPC: v, MapPublicIP: pub}
		b.subnets[id] = s
		v.Subnets = append(v.Subnets, s)
		b.n.Subnets = append(b.n.Subnets, s)
	}
}

func (b *builder) subnet(r *tfjson.Resource, id string) *Subnet {
	s := b.subnets[id]
	if s == nil && id != "" {
		b.warnf("%s: subnet %s is not in the input; ignored", r.Address, id)
	}
	return s
}

// --- prefix lists -------------------------------------------------------------

var awsServicePL = regexp.MustCompile(`^com\.amazonaws\.[a-z0-9-]+\.[a-z0-9.-]+$`)

func (b *builder) buildPrefixLists() {
	add := func(r *tfjson.Resource, id, name string, entries []string) {
		if id == "" {
			return
		}
		pl := &PrefixList{ID: id, Resource: r.Address, Name: name}
		if awsServicePL.MatchString(name) {
			// AWS service lists are held by name: their entries are the
			// service's public ranges (faked offline, changing online).
			pl.Service = name
			if prev := b.plService[name]; prev != nil {
				b.pls[id] = prev
				return
			}
			b.plService[name] = pl
		} else {
			for _, c := range entries {
				if p, ok := parsePrefix(c); ok {
					pl.CIDRs = append(pl.CIDRs, p)
					b.mention(p)
				} else {
					b.warnf("%s: entry %q is not an IPv4 CIDR; ignored", r.Address, c)
				}
			}
		}
		b.pls[id] = pl
		b.n.PrefixLists = append(b.n.PrefixLists, pl)
	}
	for _, r := range b.res("aws_ec2_managed_prefix_list", "data.aws_ec2_managed_prefix_list") {
		var cidrs []string
		for _, key := range []string{"entry", "entries"} {
			for _, e := range r.Objs(key) {
				cidrs = append(cidrs, tfjson.ObjStr(e, "cidr"))
			}
		}
		add(r, b.need(r, "id"), r.Str("name"), cidrs)
	}
	for _, r := range b.res("data.aws_prefix_list") {
		add(r, b.need(r, "id"), r.Str("name"), r.Strs("cidr_blocks"))
	}
	for _, r := range b.res("aws_ec2_managed_prefix_list_entry") {
		pl := b.pls[r.Str("prefix_list_id")]
		p, ok := parsePrefix(r.Str("cidr"))
		if pl == nil || !ok {
			b.warnf("%s: prefix list %q or CIDR unknown; entry ignored", r.Address, r.Str("prefix_list_id"))
			continue
		}
		if pl.Service == "" {
			pl.CIDRs = append(pl.CIDRs, p)
			b.mention(p)
		}
	}
}

func (b *builder) prefixList(r *tfjson.Resource, id string) *PrefixList {
	if pl := b.pls[id]; pl != nil {
		return pl
	}
	b.warnf("%s: prefix list %s is not in the input; treated as matching no address", r.Address, id)
	pl := &PrefixList{ID: id, Name: id}
	b.pls[id] = pl
	b.n.PrefixLists = append(b.n.PrefixLists, pl)
	return pl
}

// --- route tables ---------------------------------------------------------------

func (b *builder) buildRouteTables() {
	for _, r := range b.res("aws_route_table", "aws_default_route_table") {
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		vpcID := r.Str("vpc_id")
		v := b.vpcs[vpcID]
		if r.Type == "aws_default_route_table" {
			// Its vpc_id is computed; find the VPC by its default table id.
			def := r.Str("default_route_table_id")
			for _, cand := range b.n.VPCs {
				vr := b.vpcRes[cand]
				if vr.Str("default_route_table_id") == def || vr.Str("main_route_table_id") == def {
					v = cand
				}
			}
		}
		if v == nil {
			b.warnf("%s: VPC %q is not in the input; route table ignored", r.Address, vpcID)
			continue
		}
		rt := &RouteTable{ID: id, Resource: r.Address, VPC: v}
		b.rts[id] = rt
		if r.Type == "aws_default_route_table" {
			b.rts[r.Str("default_route_table_id")] = rt
			v.MainRouteTable = rt
		}
		b.n.RouteTables = append(b.n.RouteTables, rt)
		for _, o := range r.Objs("route") {
			b.addRoute(r, rt, o, r.Address+" inline route")
		}
	}
	for _, r := range b.res("aws_main_route_table_association") {
		v, rt := b.vpcs[r.Str("vpc_id")], b.rts[r.Str("route_table_id")]
		if v == nil || rt == nil {
			b.warnf("%s: VPC or route table not in the input; ignored", r.Address)
			continue
		}
		v.MainRouteTable = rt
	}
	for _, v := range b.n.VPCs {
		if v.MainRouteTable != nil {
			continue
		}
		vr := b.vpcRes[v]
		for _, k := range []string{"main_route_table_id", "default_route_table_id"} {
			if rt := b.rts[vr.Str(k)]; rt != nil && v.MainRouteTable == nil {
				v.MainRouteTable = rt
			}
		}
		if v.MainRouteTable == nil {
			rt := &RouteTable{ID: vr.Str("main_route_table_id"), Resource: v.Resource + " main route table (not managed: local routes only)", VPC: v}
			v.MainRouteTable = rt
			b.n.RouteTables = append(b.n.RouteTables, rt)
		}
	}
	for _, r := range b.res("aws_route") {
		rt := b.rts[r.Str("route_table_id")]
		if rt == nil {
			if r.IsUnknown("route_table_id") {
				b.n.Unresolved = append(b.n.Unresolved, r.Address+" (route_table_id known after apply)")
			} else {
				b.warnf("%s: route table %q is not in the input; route ignored", r.Address, r.Str("route_table_id"))
			}
			continue
		}
		b.addRoute(r, rt, r.Values, r.Address)
	}
	for _, r := range b.res("aws_route_table_association") {
		sid := r.Str("subnet_id")
		if sid == "" {
			continue // a gateway (edge) association: ingress routing is not modelled
		}
		s, rt := b.subnets[sid], b.rts[r.Str("route_table_id")]
		if s == nil || rt == nil {
			if r.IsUnknown("subnet_id") || r.IsUnknown("route_table_id") {
				b.n.Unresolved = append(b.n.Unresolved, r.Address+" (ids known after apply)")
			} else {
				b.warnf("%s: subnet or route table not in the input; association ignored", r.Address)
			}
			continue
		}
		s.RouteTable = rt
	}
}

// routeTargetKeys are the target attributes of a route in the order they
// are read: the stand-in provider fills computed ones (instance_id) with
// fakes, and AWS reports instance_id beside network_interface_id, so the
// explicit gateway kinds come first.
var routeTargetKeys = []struct {
	key string
	t   RouteTarget
}{
	{"gateway_id", ""},
	{"nat_gateway_id", TargetNAT},
	{"transit_gateway_id", TargetTGW},
	{"vpc_endpoint_id", TargetEndpoint},
	{"vpc_peering_connection_id", TargetPeering},
	{"egress_only_gateway_id", TargetEIGW},
	{"local_gateway_id", TargetOther},
	{"carrier_gateway_id", TargetOther},
	{"core_network_arn", TargetOther},
	{"network_interface_id", TargetENI},
	{"instance_id", TargetInstance},
}

func (b *builder) addRoute(r *tfjson.Resource, rt *RouteTable, o map[string]any, where string) {
	route := &Route{Resource: where}
	dest := tfjson.ObjStr(o, "destination_cidr_block")
	if dest == "" {
		dest = tfjson.ObjStr(o, "cidr_block")
	}
	pl := tfjson.ObjStr(o, "destination_prefix_list_id")
	switch {
	case dest != "":
		p, ok := parsePrefix(dest)
		if !ok {
			b.warnf("%s: destination %q is not an IPv4 CIDR; route ignored", where, dest)
			return
		}
		route.Dest = p
		b.mention(p)
	case pl != "":
		route.PL = b.prefixList(r, pl)
	default:
		return // IPv6-only route
	}
	if route.PL == nil {
		route.Resource = fmt.Sprintf("%s (%s)", where, route.Dest)
	}
	for _, k := range routeTargetKeys {
		id := tfjson.ObjStr(o, k.key)
		if id == "" {
			continue
		}
		t := k.t
		if k.key == "gateway_id" {
			switch {
			case id == "local":
				t = TargetLocal
			case strings.HasPrefix(id, "vgw-"):
				t = TargetVGW
			case strings.HasPrefix(id, "vpce-"):
				t = TargetEndpoint
			default:
				t = TargetIGW
			}
		}
		route.Target, route.TargetID = t, id
		break
	}
	if route.Target == "" {
		b.warnf("%s: no target; route ignored", where)
		return
	}
	rt.Routes = append(rt.Routes, route)
}

func (b *builder) addLocalRoutes() {
	for _, rt := range b.n.RouteTables {
		var local []*Route
		for _, c := range rt.VPC.CIDRs {
			local = append(local, &Route{Dest: c, Target: TargetLocal, TargetID: "local", Resource: fmt.Sprintf("local route %s of %s", c, rt.VPC.Resource)})
		}
		rt.Routes = append(local, rt.Routes...)
	}
}

func (b *builder) buildIGWs() {
	for _, r := range b.res("aws_internet_gateway") {
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		g := &IGW{ID: id, Resource: r.Address}
		b.igws[id] = g
		if v := b.vpcs[r.Str("vpc_id")]; v != nil {
			g.VPC, v.IGW = v, g
		}
	}
	for _, r := range b.res("aws_internet_gateway_attachment") {
		g, v := b.igws[r.Str("internet_gateway_id")], b.vpcs[r.Str("vpc_id")]
		if g == nil || v == nil {
			b.warnf("%s: gateway or VPC not in the input; ignored", r.Address)
			continue
		}
		g.VPC, v.IGW = v, g
	}
	// Resolve IGW route targets now that gateways are known.
	for _, rt := range b.n.RouteTables {
		for _, route := range rt.Routes {
			if route.Target == TargetIGW {
				if g := b.igws[route.TargetID]; g == nil || g.VPC != rt.VPC {
					b.warnf("%s: internet gateway %s is not attached to %s", route.Resource, route.TargetID, rt.VPC.Resource)
				}
			}
		}
	}
}

// --- gateway endpoints ----------------------------------------------------------

func shortService(full string) string {
	parts := strings.SplitN(full, ".", 4)
	if len(parts) == 4 && parts[0] == "com" && parts[1] == "amazonaws" {
		return parts[3]
	}
	return full
}

func (b *builder) serviceEndpoint(service string, res string) *Endpoint {
	if e := b.services[service]; e != nil {
		return e
	}
	e := &Endpoint{
		Kind: KindService, Service: service, Resource: res,
		Groups:  []string{"vpc-endpoint:" + shortService(service)},
		Listens: []Listen{{Proto: "tcp", From: 443, To: 443}, {Proto: "tcp", From: 80, To: 80}},
	}
	b.services[service] = e
	b.n.Endpoints = append(b.n.Endpoints, e)
	return e
}

func (b *builder) buildGatewayEndpoints() {
	rtAssoc := map[string][]string{}
	for _, r := range b.res("aws_vpc_endpoint_route_table_association") {
		rtAssoc[r.Str("vpc_endpoint_id")] = append(rtAssoc[r.Str("vpc_endpoint_id")], r.Str("route_table_id"))
	}
	for _, r := range b.res("aws_vpc_endpoint") {
		if !strings.EqualFold(r.Str("vpc_endpoint_type"), "Gateway") {
			continue
		}
		id := b.need(r, "id")
		service := r.Str("service_name")
		if id == "" || service == "" {
			continue
		}
		pl := b.plService[service]
		if pl == nil {
			pl = &PrefixList{ID: r.Str("prefix_list_id"), Resource: r.Address, Name: service, Service: service}
			b.plService[service] = pl
			b.n.PrefixLists = append(b.n.PrefixLists, pl)
		}
		if plID := r.Str("prefix_list_id"); plID != "" {
			b.pls[plID] = pl
		}
		b.serviceEndpoint(service, r.Address)
		for _, rtID := range append(r.Strs("route_table_ids"), rtAssoc[id]...) {
			rt := b.rts[rtID]
			if rt == nil {
				b.warnf("%s: route table %s is not in the input", r.Address, rtID)
				continue
			}
			rt.Routes = append(rt.Routes, &Route{PL: pl, Target: TargetEndpoint, TargetID: id, Resource: r.Address + " (route to " + service + ")"})
		}
	}
}

// --- security groups --------------------------------------------------------------

func (b *builder) buildSGs() {
	for _, r := range b.res("aws_security_group", "aws_default_security_group") {
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		g := &SecurityGroup{ID: id, Resource: r.Address, Name: r.Str("name"), VPC: b.vpcs[r.Str("vpc_id")]}
		b.sgs[id] = g
		b.n.SGs = append(b.n.SGs, g)
		if r.Type == "aws_default_security_group" && g.VPC != nil {
			b.defaultSGs[g.VPC] = g
		}
	}
	// A managed default group answers to the VPC's default_security_group_id.
	for sgID, v := range b.vpcDefSG {
		if g := b.defaultSGs[v]; g != nil {
			b.sgs[sgID] = g
		}
	}
	b.clusterSGs()
	for _, r := range b.res("aws_security_group", "aws_default_security_group") {
		g := b.sgs[r.Str("id")]
		if g == nil {
			continue
		}
		for _, dir := range []string{"ingress", "egress"} {
			for i, o := range r.Objs(dir) {
				where := fmt.Sprintf("%s %s[%d]", r.Address, dir, i)
				b.addSGRules(r, g, dir == "egress", o, "protocol", where)
			}
		}
	}
	for _, r := range b.res("aws_security_group_rule") {
		g := b.sg(r, r.Str("security_group_id"))
		if g == nil {
			continue
		}
		b.addSGRules(r, g, r.Str("type") == "egress", r.Values, "protocol", r.Address)
	}
	for _, r := range b.res("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule") {
		g := b.sg(r, r.Str("security_group_id"))
		if g == nil {
			continue
		}
		b.addSGRules(r, g, r.Type == "aws_vpc_security_group_egress_rule", r.Values, "ip_protocol", r.Address)
	}
}

// sg looks up a security group id; ids not in the state become empty groups
// (with a warning), except a VPC's unmanaged default group, which gets the
// AWS default rules.
func (b *builder) sg(r *tfjson.Resource, id string) *SecurityGroup {
	if id == "" {
		if r.IsUnknown("security_group_id") {
			b.n.Unresolved = append(b.n.Unresolved, r.Address+" (security_group_id known after apply)")
		}
		return nil
	}
	if g := b.sgs[id]; g != nil {
		return g
	}
	if v := b.vpcDefSG[id]; v != nil {
		g := &SecurityGroup{ID: id, VPC: v, Note: "default group of " + v.Resource + ", not managed: AWS default rules"}
		all, _ := netip.ParsePrefix("0.0.0.0/0")
		g.Ingress = []*SGRule{{Proto: "-1", RefSG: g, Resource: g.ID + " default rule (all from itself)"}}
		g.Egress = []*SGRule{{Proto: "-1", CIDR: all, Resource: g.ID + " default rule (all egress)"}}
		b.sgs[id] = g
		b.n.SGs = append(b.n.SGs, g)
		return g
	}
	b.warnf("%s: security group %s is not in the input; treated as a group with no rules", r.Address, id)
	g := &SecurityGroup{ID: id, Note: "not in the input: no rules"}
	b.sgs[id] = g
	b.n.SGs = append(b.n.SGs, g)
	return g
}

func (b *builder) sgList(r *tfjson.Resource, ids []string) []*SecurityGroup {
	var out []*SecurityGroup
	seen := map[*SecurityGroup]bool{}
	for _, id := range ids {
		if g := b.sg(r, id); g != nil && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

func normProto(p string) string {
	switch strings.ToLower(p) {
	case "", "-1", "all":
		return "-1"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	}
	return strings.ToLower(p)
}

// addSGRules adds one rule per peer of a rule object (inline rules and
// aws_security_group_rule may name several peers).
func (b *builder) addSGRules(r *tfjson.Resource, g *SecurityGroup, egress bool, o map[string]any, protoKey, where string) {
	proto := normProto(tfjson.ObjStr(o, protoKey))
	from, _ := tfjson.AsInt(o["from_port"])
	to, _ := tfjson.AsInt(o["to_port"])
	if proto == "-1" {
		from, to = 0, 65535
	}
	if (proto == "tcp" || proto == "udp") && from == -1 {
		from, to = 0, 65535
	}
	mk := func() *SGRule { return &SGRule{Proto: proto, From: from, To: to, Resource: where} }
	var rules []*SGRule
	cidrs := tfjson.AsStrs(o["cidr_blocks"])
	if c := tfjson.ObjStr(o, "cidr_ipv4"); c != "" {
		cidrs = append(cidrs, c)
	}
	for _, c := range cidrs {
		p, ok := parsePrefix(c)
		if !ok {
			b.warnf("%s: CIDR %q is not IPv4; ignored", where, c)
			continue
		}
		rule := mk()
		rule.CIDR = p
		b.mention(p)
		rules = append(rules, rule)
	}
	pls := tfjson.AsStrs(o["prefix_list_ids"])
	if p := tfjson.ObjStr(o, "prefix_list_id"); p != "" {
		pls = append(pls, p)
	}
	for _, id := range pls {
		rule := mk()
		rule.PL = b.prefixList(r, id)
		rules = append(rules, rule)
	}
	refs := tfjson.AsStrs(o["security_groups"])
	for _, k := range []string{"source_security_group_id", "referenced_security_group_id"} {
		if s := tfjson.ObjStr(o, k); s != "" {
			refs = append(refs, s)
		}
	}
	if self, _ := tfjson.AsBool(o["self"]); self {
		refs = append(refs, g.ID)
	}
	for _, id := range refs {
		// Inline rules may name a group as "<account>/sg-..." (EC2-Classic style).
		if i := strings.LastIndex(id, "/"); i >= 0 {
			id = id[i+1:]
		}
		rule := mk()
		rule.RefSG = b.sg(r, id)
		if id == g.ID {
			rule.RefSG = g
		}
		rules = append(rules, rule)
	}
	if egress {
		g.Egress = append(g.Egress, rules...)
	} else {
		g.Ingress = append(g.Ingress, rules...)
	}
}

// --- network ACLs ---------------------------------------------------------------------

func (b *builder) buildNACLs() {
	for _, r := range b.res("aws_network_acl", "aws_default_network_acl") {
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		a := &NACL{ID: id, Resource: r.Address}
		b.nacls[id] = a
		b.n.NACLs = append(b.n.NACLs, a)
		if r.Type == "aws_default_network_acl" {
			def := r.Str("default_network_acl_id")
			b.nacls[def] = a
			for _, v := range b.n.VPCs {
				if b.vpcRes[v].Str("default_network_acl_id") == def {
					v.DefaultNACL = a
				}
			}
		}
		for _, dir := range []string{"ingress", "egress"} {
			for _, o := range r.Objs(dir) {
				n, _ := tfjson.AsInt(o["rule_no"])
				b.addNACLRule(a, dir == "egress", n, tfjson.ObjStr(o, "action"), o, fmt.Sprintf("%s %s rule %d", r.Address, dir, n))
			}
		}
		for _, sid := range r.Strs("subnet_ids") {
			if s := b.subnet(r, sid); s != nil {
				s.NACL = a
			}
		}
	}
	for _, r := range b.res("aws_network_acl_rule") {
		a := b.nacls[r.Str("network_acl_id")]
		if a == nil {
			b.warnf("%s: network ACL %q is not in the input; rule ignored", r.Address, r.Str("network_acl_id"))
			continue
		}
		eg, _ := r.Bool("egress")
		n, _ := r.Int("rule_number")
		b.addNACLRule(a, eg, n, r.Str("rule_action"), r.Values, r.Address)
	}
	for _, r := range b.res("aws_network_acl_association") {
		a, s := b.nacls[r.Str("network_acl_id")], b.subnets[r.Str("subnet_id")]
		if a == nil || s == nil {
			b.warnf("%s: network ACL or subnet not in the input; association ignored", r.Address)
			continue
		}
		s.NACL = a
	}
	for _, a := range b.n.NACLs {
		sortNACL(a)
	}
}

// sortNACL orders rules by number.
func sortNACL(a *NACL) {
	sort.SliceStable(a.Ingress, func(i, j int) bool { return a.Ingress[i].Number < a.Ingress[j].Number })
	sort.SliceStable(a.Egress, func(i, j int) bool { return a.Egress[i].Number < a.Egress[j].Number })
}

func (b *builder) addNACLRule(a *NACL, egress bool, number int, action string, o map[string]any, where string) {
	c := tfjson.ObjStr(o, "cidr_block")
	if c == "" {
		return // IPv6 rule
	}
	p, ok := parsePrefix(c)
	if !ok {
		b.warnf("%s: CIDR %q is not IPv4; rule ignored", where, c)
		return
	}
	b.mention(p)
	proto := normProto(tfjson.ObjStr(o, "protocol"))
	from, _ := tfjson.AsInt(o["from_port"])
	to, _ := tfjson.AsInt(o["to_port"])
	if proto == "-1" || (from == 0 && to == 0 && proto != "icmp") {
		from, to = 0, 65535
	}
	rule := &NACLRule{Number: number, Allow: strings.EqualFold(action, "allow"), Proto: proto, From: from, To: to, CIDR: p, Resource: where}
	if egress {
		a.Egress = append(a.Egress, rule)
	} else {
		a.Ingress = append(a.Ingress, rule)
	}
}

// --- Transit Gateways ---------------------------------------------------------------------

func enabled(r *tfjson.Resource, k string) bool {
	return strings.EqualFold(r.Str(k), "enable")
}

func (b *builder) buildTGWs() {
	defAssoc := map[*TGW]string{}
	defProp := map[*TGW]string{}
	for _, r := range b.res("aws_ec2_transit_gateway") {
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		t := &TGW{ID: id, Resource: r.Address, SGReferencing: enabled(r, "security_group_referencing_support")}
		b.tgws[id] = t
		b.n.TGWs = append(b.n.TGWs, t)
		if enabled(r, "default_route_table_association") {
			defAssoc[t] = r.Str("association_default_route_table_id")
		}
		if enabled(r, "default_route_table_propagation") {
			defProp[t] = r.Str("propagation_default_route_table_id")
		}
	}
	for _, r := range b.res("aws_ec2_transit_gateway_route_table") {
		id := b.need(r, "id")
		t := b.tgws[r.Str("transit_gateway_id")]
		if id == "" || t == nil {
			continue
		}
		rt := &TGWRouteTable{ID: id, Resource: r.Address, TGW: t}
		b.tgwRTs[id] = rt
		b.n.TGWRouteTables = append(b.n.TGWRouteTables, rt)
	}
	defaultRT := func(t *TGW, id string) *TGWRouteTable {
		if rt := b.tgwRTs[id]; rt != nil {
			return rt
		}
		rt := &TGWRouteTable{ID: id, Resource: t.Resource + " default route table", TGW: t}
		b.tgwRTs[id] = rt
		b.n.TGWRouteTables = append(b.n.TGWRouteTables, rt)
		return rt
	}
	for _, r := range b.res("aws_ec2_transit_gateway_vpc_attachment") {
		id := b.need(r, "id")
		t := b.tgws[r.Str("transit_gateway_id")]
		v := b.vpcs[r.Str("vpc_id")]
		if id == "" || t == nil || v == nil {
			if id != "" {
				b.warnf("%s: transit gateway or VPC not in the input; attachment ignored", r.Address)
			}
			continue
		}
		a := &TGWAttachment{ID: id, Resource: r.Address, TGW: t, VPC: v, Subnets: map[string]*Subnet{},
			ApplianceMode: enabled(r, "appliance_mode_support"), SGReferencing: enabled(r, "security_group_referencing_support")}
		for _, sid := range r.Strs("subnet_ids") {
			s := b.subnet(r, sid)
			if s == nil {
				continue
			}
			if prev := a.Subnets[s.AZ]; prev != nil {
				b.warnf("%s: two subnets in %s (%s, %s); AWS allows one per AZ", r.Address, s.AZ, prev.ID, s.ID)
				continue
			}
			a.Subnets[s.AZ] = s
		}
		b.atts[id] = a
		b.n.Attachments = append(b.n.Attachments, a)
		if rtID, ok := defAssoc[t]; ok && boolDefault(r, "transit_gateway_default_route_table_association", true) {
			a.RouteTable = defaultRT(t, rtID)
			a.AssociationResource = t.Resource + " default association"
		}
		if rtID, ok := defProp[t]; ok && boolDefault(r, "transit_gateway_default_route_table_propagation", true) {
			rt := defaultRT(t, rtID)
			for _, c := range v.CIDRs {
				rt.Routes = append(rt.Routes, &TGWRoute{Dest: c, Attachment: a, Propagated: true, Resource: t.Resource + " default propagation of " + r.Address})
			}
		}
	}
	for _, r := range b.res("aws_ec2_transit_gateway_vpc_attachment_accepter") {
		a := b.atts[r.Str("transit_gateway_attachment_id")]
		if a == nil {
			continue
		}
		a.ApplianceMode = a.ApplianceMode || enabled(r, "appliance_mode_support")
		a.SGReferencing = a.SGReferencing && enabled(r, "security_group_referencing_support")
	}
	for _, r := range b.res("aws_ec2_transit_gateway_route_table_association") {
		a, rt := b.atts[r.Str("transit_gateway_attachment_id")], b.tgwRTs[r.Str("transit_gateway_route_table_id")]
		if a == nil || rt == nil {
			b.warnf("%s: attachment or route table not in the input; association ignored", r.Address)
			continue
		}
		a.RouteTable = rt
		a.AssociationResource = r.Address
	}
	for _, r := range b.res("aws_ec2_transit_gateway_route_table_propagation") {
		a, rt := b.atts[r.Str("transit_gateway_attachment_id")], b.tgwRTs[r.Str("transit_gateway_route_table_id")]
		if a == nil || rt == nil {
			b.warnf("%s: attachment or route table not in the input; propagation ignored", r.Address)
			continue
		}
		for _, c := range a.VPC.CIDRs {
			rt.Routes = append(rt.Routes, &TGWRoute{Dest: c, Attachment: a, Propagated: true, Resource: r.Address})
		}
	}
	for _, r := range b.res("aws_ec2_transit_gateway_route") {
		rt := b.tgwRTs[r.Str("transit_gateway_route_table_id")]
		p, ok := parsePrefix(r.Str("destination_cidr_block"))
		if rt == nil || !ok {
			b.warnf("%s: route table or destination unknown; route ignored", r.Address)
			continue
		}
		b.mention(p)
		route := &TGWRoute{Dest: p, Resource: r.Address}
		if bh, _ := r.Bool("blackhole"); bh {
			route.Blackhole = true
		} else {
			route.Attachment = b.atts[r.Str("transit_gateway_attachment_id")]
			if route.Attachment == nil {
				b.warnf("%s: attachment %q is not in the input; treated as a blackhole", r.Address, r.Str("transit_gateway_attachment_id"))
				route.Blackhole = true
			}
		}
		rt.Routes = append(rt.Routes, route)
	}
}

func boolDefault(r *tfjson.Resource, k string, def bool) bool {
	if v, ok := r.Bool(k); ok {
		return v
	}
	return def
}

// --- VPC peering ------------------------------------------------------------------------

var regionRe = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$`)

// buildPeerings reads VPC peering connections between VPCs of the input
// (and the accept_status of their accepter resources). Routes name them by
// id (vpc_peering_connection_id), as aws_route or inline routes.
func (b *builder) buildPeerings() {
	for _, r := range b.res("aws_vpc_peering_connection") {
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		req, acc := b.vpcs[r.Str("vpc_id")], b.vpcs[r.Str("peer_vpc_id")]
		if req == nil || acc == nil {
			b.warnf("%s: VPC %q or peer VPC %q is not in the input; connection left out (routes to it block)", r.Address, r.Str("vpc_id"), r.Str("peer_vpc_id"))
			continue
		}
		if req == acc {
			b.warnf("%s: joins %s to itself; connection left out", r.Address, req.Resource)
			continue
		}
		pc := &Peering{ID: id, Resource: r.Address, Requester: req, Accepter: acc, Status: r.Str("accept_status"), StatusResource: r.Address}
		region, peer := r.Str("region"), r.Str("peer_region")
		pc.CrossRegion = regionRe.MatchString(region) && regionRe.MatchString(peer) && region != peer
		b.peerings[id] = pc
		b.n.Peerings = append(b.n.Peerings, pc)
	}
	for _, r := range b.res("aws_vpc_peering_connection_accepter") {
		pc := b.peerings[r.Str("vpc_peering_connection_id")]
		if pc == nil {
			continue // the requester is in another state: its VPC is not modelled
		}
		if st := r.Str("accept_status"); st != "" {
			pc.Status, pc.StatusResource = st, r.Address
		}
	}
	for _, rt := range b.n.RouteTables {
		for _, route := range rt.Routes {
			if route.Target != TargetPeering {
				continue
			}
			pc := b.peerings[route.TargetID]
			switch {
			case pc == nil:
				b.warnf("%s: VPC peering connection %s is not in the input", route.Resource, route.TargetID)
			case pc.Peer(rt.VPC) == nil:
				b.warnf("%s: VPC peering connection %s does not join %s", route.Resource, route.TargetID, rt.VPC.Resource)
			}
		}
	}
}

// --- EIPs, NAT gateways ---------------------------------------------------------------------

func (b *builder) buildEIPs() {
	for _, r := range b.res("aws_eip") {
		e := &eip{instance: r.Str("instance"), eni: r.Str("network_interface")}
		for _, k := range []string{"id", "allocation_id"} {
			if id := r.Str(k); id != "" {
				b.eips[id] = e
			}
		}
	}
	for _, r := range b.res("aws_eip_association") {
		e := b.eips[r.Str("allocation_id")]
		if e == nil {
			e = &eip{}
		}
		if i := r.Str("instance_id"); i != "" {
			e.instance = i
		}
		if n := r.Str("network_interface_id"); n != "" {
			e.eni = n
		}
		b.eips["assoc:"+r.Address] = e
	}
}

func (b *builder) instanceHasEIP(id string) bool {
	for _, e := range b.eips {
		if e.instance == id {
			return true
		}
	}
	return false
}

func (b *builder) buildNATs() {
	for _, r := range b.res("aws_nat_gateway") {
		id := b.need(r, "id")
		s := b.subnet(r, b.need(r, "subnet_id"))
		if id == "" || s == nil {
			continue
		}
		public := !strings.EqualFold(r.Str("connectivity_type"), "private")
		if public && r.Str("allocation_id") == "" {
			b.warnf("%s: public NAT gateway without an allocation_id", r.Address)
		}
		nat := &NAT{ID: id, Resource: r.Address, Subnet: s, Public: public}
		ep := &Endpoint{Kind: KindNAT, Groups: []string{"nat", "nat:" + label(r)}, AZ: s.AZ, Subnet: s, Public: public, Resource: r.Address, Listens: []Listen{}, NAT: nat}
		ep.Addr = b.knownAddr(s, r.Str("private_ip"))
		nat.Endpoint = ep
		b.nats[id] = nat
		b.n.NATs = append(b.n.NATs, nat)
		b.n.Endpoints = append(b.n.Endpoints, ep)
	}
	for _, rt := range b.n.RouteTables {
		for _, route := range rt.Routes {
			if route.Target == TargetNAT && b.nats[route.TargetID] == nil {
				b.warnf("%s: NAT gateway %s is not in the input", route.Resource, route.TargetID)
			}
		}
	}
}

// knownAddr uses an address from the state when it lies in the subnet (the
// offline stand-in fills private IPs with one fixed fake), else allocates one.
func (b *builder) knownAddr(s *Subnet, ip string) netip.Addr {
	if a, err := netip.ParseAddr(ip); err == nil && s.CIDR.Contains(a) {
		s.ReserveAddr(a)
		return a
	}
	return s.AllocAddr()
}

// --- instances, ASGs, launch templates -----------------------------------------------------

func (b *builder) buildLaunchTemplates() {
	for _, r := range b.res("aws_launch_template") {
		lt := &launchTemplate{sgs: r.Strs("vpc_security_group_ids")}
		for _, ni := range r.Objs("network_interfaces") {
			lt.sgs = append(lt.sgs, tfjson.AsStrs(ni["security_groups"])...)
			if v, ok := tfjson.AsBool(ni["associate_public_ip_address"]); ok && lt.public == nil {
				lt.public = &v
			}
		}
		for _, k := range []string{"id", "name"} {
			if id := r.Str(k); id != "" {
				b.lts[k+":"+id] = lt
			}
		}
	}
}

func (b *builder) launchTemplate(r *tfjson.Resource, spec []map[string]any) *launchTemplate {
	for _, s := range spec {
		for _, k := range []struct{ attr, kind string }{{"id", "id"}, {"launch_template_id", "id"}, {"name", "name"}, {"launch_template_name", "name"}} {
			if v := tfjson.ObjStr(s, k.attr); v != "" {
				if lt := b.lts[k.kind+":"+v]; lt != nil {
					return lt
				}
				b.warnf("%s: launch template %s is not in the input", r.Address, v)
				return nil
			}
		}
	}
	return nil
}

func (b *builder) addMember(e *Endpoint) {
	b.n.Endpoints = append(b.n.Endpoints, e)
}

func (b *builder) buildInstances() {
	for _, r := range b.res("aws_instance") {
		s := b.subnet(r, b.need(r, "subnet_id"))
		if s == nil {
			continue
		}
		lt := b.launchTemplate(r, r.Objs("launch_template"))
		ids := r.Strs("vpc_security_group_ids")
		if len(ids) == 0 && lt != nil {
			ids = lt.sgs
		}
		sgs := b.sgList(r, ids)
		if len(sgs) == 0 {
			sgs = b.sgList(r, []string{b.vpcRes[s.VPC].Str("default_security_group_id")})
		}
		public := s.MapPublicIP
		if v, ok := r.Bool("associate_public_ip_address"); ok {
			public = v
		} else if lt != nil && lt.public != nil {
			public = *lt.public
		}
		public = public || b.instanceHasEIP(r.Str("id"))
		l := label(r)
		b.addMember(&Endpoint{Kind: KindInstance, Groups: []string{l}, AZ: s.AZ, Subnet: s, Addr: b.knownAddr(s, r.Str("private_ip")), SGs: sgs, Public: public, Resource: r.Address})
	}
}

func (b *builder) buildASGs() {
	for _, r := range b.res("aws_autoscaling_group") {
		spec := r.Objs("launch_template")
		for _, mip := range r.Objs("mixed_instances_policy") {
			for _, lt := range tfjson.AsObjs(mip["launch_template"]) {
				spec = append(spec, tfjson.AsObjs(lt["launch_template_specification"])...)
			}
		}
		lt := b.launchTemplate(r, spec)
		if lt == nil {
			b.warnf("%s: no launch template in the input; its instances are left out", r.Address)
			continue
		}
		sgs := b.sgList(r, lt.sgs)
		l := label(r)
		for _, sid := range r.Strs("vpc_zone_identifier") {
			s := b.subnet(r, sid)
			if s == nil {
				continue
			}
			if len(sgs) == 0 {
				sgs = b.sgList(r, []string{b.vpcRes[s.VPC].Str("default_security_group_id")})
			}
			public := s.MapPublicIP
			if lt.public != nil {
				public = *lt.public
			}
			b.addMember(&Endpoint{Kind: KindInstance, Groups: []string{l}, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: sgs, Public: public, Resource: r.Address})
		}
	}
}

// --- EKS ----------------------------------------------------------------------------------

// clusterSGs creates the security group EKS makes for every cluster (its id
// is only known from the cluster's vpc_config): all traffic from itself and
// all egress, plus whatever rules the state adds to it.
func (b *builder) clusterSGs() {
	all, _ := netip.ParsePrefix("0.0.0.0/0")
	for _, r := range b.res("aws_eks_cluster") {
		c := &cluster{res: r}
		for _, k := range []string{"name", "id"} {
			if v := r.Str(k); v != "" {
				b.clusters[v] = c
			}
		}
		for _, vc := range r.Objs("vpc_config") {
			for _, sid := range tfjson.AsStrs(vc["subnet_ids"]) {
				if s := b.subnets[sid]; s != nil {
					c.vpc = s.VPC
				}
			}
			id := tfjson.ObjStr(vc, "cluster_security_group_id")
			if id == "" {
				continue
			}
			if g := b.sgs[id]; g != nil {
				c.clusterSG = g
				continue
			}
			g := &SecurityGroup{ID: id, VPC: c.vpc, Note: "EKS cluster security group of " + r.Address + ": all traffic from itself, all egress"}
			g.Ingress = []*SGRule{{Proto: "-1", From: 0, To: 65535, RefSG: g, Resource: "EKS-managed rule of " + id + " (all from itself)"}}
			g.Egress = []*SGRule{{Proto: "-1", From: 0, To: 65535, CIDR: all, Resource: "EKS-managed rule of " + id + " (all egress)"}}
			b.sgs[id] = g
			b.n.SGs = append(b.n.SGs, g)
			c.clusterSG = g
		}
	}
}

func (b *builder) buildEKS() {
	for _, r := range b.res("aws_eks_cluster") {
		c := b.clusters[r.Str("name")]
		if c == nil {
			c = b.clusters[r.Str("id")]
		}
		if c == nil {
			continue
		}
		groups := []string{"eks-api", "eks-api:" + label(r)}
		for _, vc := range r.Objs("vpc_config") {
			sgs := b.sgList(r, tfjson.AsStrs(vc["security_group_ids"]))
			if c.clusterSG != nil {
				sgs = append(sgs, c.clusterSG)
			}
			private, _ := tfjson.AsBool(vc["endpoint_private_access"])
			public, ok := tfjson.AsBool(vc["endpoint_public_access"])
			if !ok {
				public = true // the AWS default
			}
			var privateVPC *VPC
			if private {
				for _, sid := range tfjson.AsStrs(vc["subnet_ids"]) {
					s := b.subnet(r, sid)
					if s == nil {
						continue
					}
					b.addMember(&Endpoint{Kind: KindEKSAPI, Groups: groups, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: sgs, Resource: r.Address, Listens: []Listen{{Proto: "tcp", From: 443, To: 443}}})
					privateVPC = s.VPC
				}
			}
			if public {
				cidrs := tfjson.AsStrs(vc["public_access_cidrs"])
				if len(cidrs) == 0 {
					cidrs = []string{"0.0.0.0/0"}
				}
				e := &Endpoint{Kind: KindEKSPublic, Groups: groups, AZ: "public", Public: true, Resource: r.Address, Listens: []Listen{{Proto: "tcp", From: 443, To: 443}}, ResolvesPrivatelyIn: privateVPC}
				for _, cs := range cidrs {
					if p, ok := parsePrefix(cs); ok {
						e.PublicCIDRs = append(e.PublicCIDRs, p)
						b.mention(p)
					}
				}
				b.addMember(e)
			}
		}
	}
	for _, r := range b.res("aws_eks_node_group") {
		c := b.clusters[r.Str("cluster_name")]
		lt := b.launchTemplate(r, r.Objs("launch_template"))
		var sgs []*SecurityGroup
		if lt != nil {
			sgs = b.sgList(r, lt.sgs)
		}
		if len(sgs) == 0 {
			// EKS gives nodes the cluster security group unless the launch
			// template names security groups.
			if c == nil || c.clusterSG == nil {
				b.warnf("%s: cluster %q or its security group is not in the input; nodes have no security group", r.Address, r.Str("cluster_name"))
			} else {
				sgs = []*SecurityGroup{c.clusterSG}
			}
		}
		l := label(r)
		for _, sid := range r.Strs("subnet_ids") {
			s := b.subnet(r, sid)
			if s == nil {
				continue
			}
			public := s.MapPublicIP
			if lt != nil && lt.public != nil {
				public = *lt.public
			}
			b.addMember(&Endpoint{Kind: KindNodes, Groups: []string{l + "-nodes", "nodes"}, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: sgs, Public: public, Resource: r.Address})
			// VPC CNI: pods take secondary addresses of the node's ENIs, in
			// the node's subnet, with the node's security groups.
			b.addMember(&Endpoint{Kind: KindPods, Groups: []string{l + "-pods", "pods"}, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: sgs, Resource: r.Address + " (pods, VPC CNI)"})
		}
	}
}

// --- interface endpoints --------------------------------------------------------------------

func (b *builder) buildInterfaceEndpoints() {
	subnetAssoc := map[string][]string{}
	for _, r := range b.res("aws_vpc_endpoint_subnet_association") {
		subnetAssoc[r.Str("vpc_endpoint_id")] = append(subnetAssoc[r.Str("vpc_endpoint_id")], r.Str("subnet_id"))
	}
	sgAssoc := map[string][]string{}
	for _, r := range b.res("aws_vpc_endpoint_security_group_association") {
		sgAssoc[r.Str("vpc_endpoint_id")] = append(sgAssoc[r.Str("vpc_endpoint_id")], r.Str("security_group_id"))
	}
	for _, r := range b.res("aws_vpc_endpoint") {
		if !strings.EqualFold(r.Str("vpc_endpoint_type"), "Interface") {
			continue
		}
		id := b.need(r, "id")
		if id == "" {
			continue
		}
		v := b.vpcs[r.Str("vpc_id")]
		sgIDs := append(r.Strs("security_group_ids"), sgAssoc[id]...)
		if len(sgIDs) == 0 && v != nil {
			sgIDs = []string{b.vpcRes[v].Str("default_security_group_id")}
		}
		sgs := b.sgList(r, sgIDs)
		group := "vpc-endpoint:" + shortService(r.Str("service_name"))
		for _, sid := range append(r.Strs("subnet_ids"), subnetAssoc[id]...) {
			s := b.subnet(r, sid)
			if s == nil {
				continue
			}
			b.addMember(&Endpoint{Kind: KindInterfaceEndpoint, Groups: []string{group}, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: sgs, Resource: r.Address, Listens: []Listen{{Proto: "tcp", From: 443, To: 443}}})
		}
	}
}

// --- EC2 Instance Connect Endpoints -------------------------------------------------------

// buildInstanceConnectEndpoints adds an endpoint per EC2 Instance Connect
// Endpoint: its network interface in its subnet, with its security groups
// (the VPC's default group when none is named). preserve_client_ip
// defaults to true, as in AWS and the provider.
func (b *builder) buildInstanceConnectEndpoints() {
	for _, r := range b.res("aws_ec2_instance_connect_endpoint") {
		s := b.subnet(r, b.need(r, "subnet_id"))
		if s == nil {
			continue
		}
		ids := r.Strs("security_group_ids")
		if len(ids) == 0 {
			ids = []string{b.vpcRes[s.VPC].Str("default_security_group_id")}
		}
		preserve := true
		if v, ok := r.Bool("preserve_client_ip"); ok {
			preserve = v
		}
		b.addMember(&Endpoint{Kind: KindInstanceConnect, Groups: []string{"instance-connect-endpoint", "instance-connect-endpoint:" + label(r)}, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: b.sgList(r, ids), Resource: r.Address, Listens: []Listen{}, PreserveClientIP: preserve})
	}
}

// --- load balancers -------------------------------------------------------------------------

func transport(lbProto string) []string {
	switch strings.ToUpper(lbProto) {
	case "UDP":
		return []string{"udp"}
	case "TCP_UDP":
		return []string{"tcp", "udp"}
	case "GENEVE":
		return []string{"udp"}
	}
	return []string{"tcp"}
}

func (b *builder) buildLBs() {
	for _, r := range b.res("aws_lb_target_group", "aws_alb_target_group") {
		arn := b.need(r, "arn")
		if arn == "" {
			continue
		}
		port, _ := r.Int("port")
		tt := r.Str("target_type")
		if tt == "" {
			tt = "instance"
		}
		tg := &TargetGroup{ARN: arn, Resource: r.Address, Port: port, Proto: r.Str("protocol"), TargetType: tt, VPC: b.vpcs[r.Str("vpc_id")]}
		if v, ok := r.Bool("preserve_client_ip"); ok {
			tg.PreserveClientIP = v
		} else {
			// AWS default: on for instance targets, off for ip targets with TCP/TLS.
			tg.PreserveClientIP = tt == "instance" || strings.EqualFold(tg.Proto, "UDP") || strings.EqualFold(tg.Proto, "TCP_UDP")
		}
		b.tgs[arn] = tg
		if id := r.Str("id"); id != "" {
			b.tgs[id] = tg
		}
	}
	for _, r := range b.res("aws_lb_target_group_attachment", "aws_alb_target_group_attachment") {
		tg := b.tgs[r.Str("target_group_arn")]
		if tg == nil {
			continue
		}
		port, _ := r.Int("port")
		tg.Targets = append(tg.Targets, Target{ID: r.Str("target_id"), Port: port, Resource: r.Address})
	}
	for _, r := range b.res("aws_lb", "aws_alb") {
		arn := b.need(r, "arn")
		if arn == "" {
			continue
		}
		typ := r.Str("load_balancer_type")
		if typ == "" {
			typ = "application"
		}
		internal, _ := r.Bool("internal")
		lb := &LoadBalancer{ARN: arn, Resource: r.Address, Label: label(r), Type: typ, Internal: internal, SGs: b.sgList(r, r.Strs("security_groups"))}
		b.lbs[arn] = lb
		if id := r.Str("id"); id != "" {
			b.lbs[id] = lb
		}
		b.n.LBs = append(b.n.LBs, lb)
		kind := map[string]string{"network": "nlb", "application": "alb", "gateway": "gwlb"}[typ]
		if kind == "" {
			kind = "lb"
		}
		subnetIDs := r.Strs("subnets")
		ips := map[string]string{}
		for _, m := range r.Objs("subnet_mapping") {
			sid := tfjson.ObjStr(m, "subnet_id")
			ips[sid] = tfjson.ObjStr(m, "private_ipv4_address")
			subnetIDs = append(subnetIDs, sid)
		}
		seen := map[string]bool{}
		for _, sid := range subnetIDs {
			if seen[sid] {
				continue
			}
			seen[sid] = true
			s := b.subnet(r, sid)
			if s == nil {
				continue
			}
			e := &Endpoint{Kind: KindLB, Groups: []string{kind, kind + ":" + lb.Label}, AZ: s.AZ, Subnet: s, Addr: b.knownAddr(s, ips[sid]), SGs: lb.SGs, Public: !internal, Resource: r.Address, Listens: []Listen{}, LB: lb}
			lb.Members = append(lb.Members, e)
			b.addMember(e)
		}
	}
	for _, r := range b.res("aws_lb_listener", "aws_alb_listener") {
		lb := b.lbs[r.Str("load_balancer_arn")]
		if lb == nil {
			b.warnf("%s: load balancer %q is not in the input; listener ignored", r.Address, r.Str("load_balancer_arn"))
			continue
		}
		port, _ := r.Int("port")
		proto := r.Str("protocol")
		var tg *TargetGroup
		for _, a := range r.Objs("default_action") {
			if arn := tfjson.ObjStr(a, "target_group_arn"); arn != "" {
				tg = b.tgs[arn]
			}
			for _, f := range tfjson.AsObjs(a["forward"]) {
				for _, t := range tfjson.AsObjs(f["target_group"]) {
					if g := b.tgs[tfjson.ObjStr(t, "arn")]; g != nil && tg == nil {
						tg = g
					}
				}
			}
		}
		for _, tr := range transport(proto) {
			lb.Listeners = append(lb.Listeners, &Listener{Port: port, Proto: tr, LBProto: proto, TargetGroup: tg, Resource: r.Address})
			for _, m := range lb.Members {
				m.Listens = append(m.Listens, Listen{Proto: tr, From: port, To: port})
			}
		}
	}
}

// --- Client VPN --------------------------------------------------------------------------------

func (b *builder) buildVPNs() {
	for _, r := range b.res("aws_ec2_client_vpn_endpoint") {
		id := b.need(r, "id")
		cidr, ok := parsePrefix(r.Str("client_cidr_block"))
		if id == "" || !ok {
			continue
		}
		v := b.vpcs[r.Str("vpc_id")]
		vpn := &ClientVPN{ID: id, Resource: r.Address, ClientCIDR: cidr, VPC: v}
		ids := r.Strs("security_group_ids")
		if len(ids) == 0 && v != nil {
			ids = []string{b.vpcRes[v].Str("default_security_group_id")}
		}
		vpn.SGs = b.sgList(r, ids)
		b.vpns[id] = vpn
		b.n.VPNs = append(b.n.VPNs, vpn)
	}
	for _, r := range b.res("aws_ec2_client_vpn_network_association") {
		vpn := b.vpns[r.Str("client_vpn_endpoint_id")]
		s := b.subnet(r, b.need(r, "subnet_id"))
		if vpn == nil || s == nil {
			continue
		}
		if vpn.VPC == nil {
			vpn.VPC = s.VPC
		}
		eni := &Endpoint{Kind: KindVPNENI, Groups: []string{"vpn-eni"}, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), SGs: vpn.SGs, Resource: r.Address, Listens: []Listen{}, VPN: vpn}
		vpn.Associations = append(vpn.Associations, eni)
		b.addMember(eni)
		clientAddr := vpn.ClientCIDR.Masked().Addr()
		for range 10 + len(vpn.Associations) {
			clientAddr = clientAddr.Next()
		}
		client := &Endpoint{Kind: KindVPNClient, Groups: []string{"vpn-client"}, AZ: s.AZ, Addr: clientAddr, Resource: vpn.Resource, Listens: []Listen{}, VPN: vpn, VPNENI: eni}
		b.addMember(client)
		// Associating a subnet routes its VPC's CIDRs through it.
		for _, c := range s.VPC.CIDRs {
			vpn.Routes = append(vpn.Routes, &VPNRoute{Dest: c, Subnet: s, Resource: r.Address + " (VPC route added by the association)"})
		}
	}
	for _, r := range b.res("aws_ec2_client_vpn_authorization_rule") {
		vpn := b.vpns[r.Str("client_vpn_endpoint_id")]
		p, ok := parsePrefix(r.Str("target_network_cidr"))
		if vpn == nil || !ok {
			continue
		}
		all, _ := r.Bool("authorize_all_groups")
		vpn.Auth = append(vpn.Auth, &VPNAuthRule{CIDR: p, AllGroups: all, Group: r.Str("access_group_id"), Resource: r.Address})
		b.mention(p)
	}
	for _, r := range b.res("aws_ec2_client_vpn_route") {
		vpn := b.vpns[r.Str("client_vpn_endpoint_id")]
		p, ok := parsePrefix(r.Str("destination_cidr_block"))
		s := b.subnets[r.Str("target_vpc_subnet_id")]
		if vpn == nil || !ok || s == nil {
			b.warnf("%s: endpoint, destination or subnet unknown; route ignored", r.Address)
			continue
		}
		vpn.Routes = append(vpn.Routes, &VPNRoute{Dest: p, Subnet: s, Resource: r.Address})
		b.mention(p)
	}
}

// --- probes and the internet --------------------------------------------------------------------

func (b *builder) buildProbes() {
	for _, s := range b.n.Subnets {
		b.addMember(&Endpoint{Kind: KindProbe, Groups: []string{"subnet:" + s.Label}, AZ: s.AZ, Subnet: s, Addr: s.AllocAddr(), OpenEgress: true, OpenIngress: true, Resource: s.Resource})
	}
}

func (b *builder) buildInternet() {
	for _, ip := range PublicRepresentatives(b.mentioned) {
		b.addMember(InternetEndpoint(ip))
	}
}

// InternetEndpoint is an internet address as an endpoint.
func InternetEndpoint(ip netip.Addr) *Endpoint {
	return &Endpoint{Kind: KindInternet, Name: "internet[" + ip.String() + "]", Groups: []string{"internet"}, Addr: ip, Public: true}
}

// nameEndpoints gives every endpoint a unique name: its first group and AZ.
func (b *builder) nameEndpoints() {
	seen := map[string]int{}
	for _, e := range b.n.Endpoints {
		if e.Name != "" {
			continue
		}
		name := e.Groups[0]
		if e.AZ != "" {
			name += "@" + e.AZ
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			if e.Subnet != nil {
				name = fmt.Sprintf("%s~%s", name, e.Subnet.Label)
			}
			if seen[name]++; seen[name] > 1 {
				name = fmt.Sprintf("%s~%d", name, n)
			}
		}
		e.Name = name
	}
	sort.SliceStable(b.n.Endpoints, func(i, j int) bool { return b.n.Endpoints[i].Name < b.n.Endpoints[j].Name })
}
