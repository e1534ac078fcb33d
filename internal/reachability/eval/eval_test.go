package eval_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
	mt "github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model/modeltest"
)

func check(t *testing.T, n *model.Network, from, to *model.Endpoint, port int) eval.Verdict {
	t.Helper()
	return eval.New(n).Check(eval.Flow{From: from, To: to, Proto: "tcp", Port: port})
}

// wantBlocked asserts every path is blocked, the first blocking hop is of
// the given step and its rule or detail mentions each of the given words.
func wantBlocked(t *testing.T, v eval.Verdict, step string, words ...string) {
	t.Helper()
	if o := v.Outcome(); o != eval.Blocked {
		t.Fatalf("%s: outcome %s, want blocked; hops:\n%s", v.Flow, o, hops(v))
	}
	h := v.Paths[0].Blocker()
	if h == nil {
		t.Fatalf("%s: blocked path without a blocking hop:\n%s", v.Flow, hops(v))
	}
	if h.Step != step {
		t.Fatalf("%s: blocked at %q (%s), want %q; hops:\n%s", v.Flow, h.Step, h, step, hops(v))
	}
	for _, w := range words {
		if !strings.Contains(h.String(), w) {
			t.Errorf("%s: blocking hop %q does not mention %q", v.Flow, h, w)
		}
	}
}

func wantDelivered(t *testing.T, v eval.Verdict) {
	t.Helper()
	if o := v.Outcome(); o != eval.Delivered {
		t.Fatalf("%s: outcome %s, want allowed; hops:\n%s", v.Flow, o, hops(v))
	}
}

func hops(v eval.Verdict) string {
	var b strings.Builder
	for i, p := range v.Paths {
		b.WriteString("path " + p.Outcome.String() + "\n")
		for _, h := range v.Paths[i].Hops {
			b.WriteString("  " + h.String() + "\n")
		}
	}
	return b.String()
}

// oneVPC: two subnets, a web and a db instance; web may reach db on 5432.
type oneVPC struct {
	t       *mt.Net
	web, db *model.Endpoint
	sWeb    *model.Subnet
	sDB     *model.Subnet
	gWeb    *model.SecurityGroup
	gDB     *model.SecurityGroup
}

func newOneVPC() *oneVPC {
	t := mt.New()
	v := t.VPC("main", "10.0.0.0/16")
	o := &oneVPC{t: t}
	o.sWeb = t.Subnet(v, "web", "az1", "10.0.1.0/24")
	o.sDB = t.Subnet(v, "db", "az1", "10.0.2.0/24")
	o.gWeb, o.gDB = t.SG(v, "web"), t.SG(v, "db")
	t.Out(o.gWeb, mt.Rule{From: 5432, CIDR: "10.0.2.0/24", Name: "web_to_db"})
	t.In(o.gDB, mt.Rule{From: 5432, Ref: o.gWeb, Name: "db_from_web"})
	o.web = t.EP("web", o.sWeb, o.gWeb)
	o.db = t.EP("db", o.sDB, o.gDB)
	return o
}

func TestSameVPCAllowedAndNamesTheRules(t *testing.T) {
	o := newOneVPC()
	v := check(t, o.t.Done(), o.web, o.db, 5432)
	wantDelivered(t, v)
	text := hops(v)
	for _, want := range []string{"aws_vpc_security_group_egress_rule.web_to_db", "aws_vpc_security_group_ingress_rule.db_from_web", "local route"} {
		if !strings.Contains(text, want) {
			t.Errorf("path does not name %s:\n%s", want, text)
		}
	}
}

func TestBlockedBySecurityGroupIngress(t *testing.T) {
	o := newOneVPC()
	wantBlocked(t, check(t, o.t.Done(), o.web, o.db, 5433), "sg-egress", "no egress rule")
	o = newOneVPC()
	o.t.Out(o.gWeb, mt.Rule{From: 5433, CIDR: "10.0.0.0/16"})
	wantBlocked(t, check(t, o.t.Done(), o.web, o.db, 5433), "sg-ingress", "no ingress rule", "aws_security_group.db")
}

func TestBlockedBySecurityGroupEgress(t *testing.T) {
	o := newOneVPC()
	o.gWeb.Egress = nil
	wantBlocked(t, check(t, o.t.Done(), o.web, o.db, 5432), "sg-egress", "aws_security_group.web")
}

func TestSecurityGroupReferenceNeedsMembership(t *testing.T) {
	o := newOneVPC()
	other := o.t.SG(o.sWeb.VPC, "other")
	o.web.SGs = []*model.SecurityGroup{o.gWeb, other}
	o.gDB.Ingress[0].RefSG = other
	wantDelivered(t, check(t, o.t.Done(), o.web, o.db, 5432))
	o.web.SGs = []*model.SecurityGroup{o.gWeb}
	wantBlocked(t, check(t, o.t.N, o.web, o.db, 5432), "sg-ingress")
}

func TestNACLInboundDeny(t *testing.T) {
	o := newOneVPC()
	o.t.NACL("db", []mt.ACLRule{
		{N: 90, Allow: false, From: 5432, CIDR: "10.0.1.0/24"},
		{N: 100, Allow: true, Proto: "-1", CIDR: "0.0.0.0/0"},
	}, []mt.ACLRule{{N: 100, Allow: true, Proto: "-1", CIDR: "0.0.0.0/0"}}, o.sDB)
	wantBlocked(t, check(t, o.t.Done(), o.web, o.db, 5432), "nacl-in", "aws_network_acl_rule.db_in_90", "denies tcp/5432 from 10.0.1.")
}

func TestNACLFirstMatchWinsByNumber(t *testing.T) {
	o := newOneVPC()
	// The allow (100) comes before the deny (200): allowed.
	o.t.NACL("db", []mt.ACLRule{
		{N: 100, Allow: true, Proto: "-1", CIDR: "0.0.0.0/0"},
		{N: 200, Allow: false, From: 5432, CIDR: "10.0.1.0/24"},
	}, []mt.ACLRule{{N: 100, Allow: true, Proto: "-1", CIDR: "0.0.0.0/0"}}, o.sDB)
	wantDelivered(t, check(t, o.t.Done(), o.web, o.db, 5432))
}

func TestNACLReturnPathNeedsEphemeralPorts(t *testing.T) {
	// The db subnet's ACL admits 5432 in, and lets out only HTTPS: the reply,
	// addressed to the client's ephemeral port, is dropped (stateless).
	o := newOneVPC()
	o.t.NACL("db", []mt.ACLRule{{N: 100, Allow: true, From: 5432, CIDR: "10.0.1.0/24"}},
		[]mt.ACLRule{{N: 100, Allow: true, From: 443, CIDR: "10.0.1.0/24"}}, o.sDB)
	v := check(t, o.t.Done(), o.web, o.db, 5432)
	wantBlocked(t, v, "nacl-out", "implicit deny", "1024-65535")
	if h := v.Paths[0].Blocker(); !h.Reply {
		t.Errorf("the blocking hop should be on the reply: %s", h)
	}

	// Opening 1024-65535 out fixes it.
	o.sDB.NACL.Egress = append(o.sDB.NACL.Egress, &model.NACLRule{Number: 110, Allow: true, Proto: "tcp", From: 1024, To: 65535, CIDR: netipPrefix("10.0.1.0/24"), Resource: "eph"})
	wantDelivered(t, check(t, o.t.N, o.web, o.db, 5432))
}

func TestNACLReturnPathPartialEphemeral(t *testing.T) {
	o := newOneVPC()
	o.t.NACL("db", []mt.ACLRule{{N: 100, Allow: true, Proto: "-1", CIDR: "0.0.0.0/0"}},
		[]mt.ACLRule{{N: 100, Allow: true, From: 32768, To: 65535, CIDR: "10.0.1.0/24"}}, o.sDB)
	v := check(t, o.t.Done(), o.web, o.db, 5432)
	if v.Outcome() != eval.Partial {
		t.Fatalf("outcome %s, want partly allowed:\n%s", v.Outcome(), hops(v))
	}
	if !strings.Contains(hops(v), "allows only part of tcp/1024-65535") {
		t.Errorf("no partial-range hop:\n%s", hops(v))
	}
}

func TestNoNACLInsideOneSubnet(t *testing.T) {
	o := newOneVPC()
	deny := []mt.ACLRule{{N: 100, Allow: false, Proto: "-1", CIDR: "0.0.0.0/0"}}
	o.t.NACL("db", deny, deny, o.sDB)
	peer := o.t.EP("peer", o.sDB, o.gWeb)
	o.t.Out(o.gWeb, mt.Rule{From: 5432, CIDR: "10.0.0.0/16"})
	wantDelivered(t, check(t, o.t.Done(), peer, o.db, 5432))
}

// twoVPC: VPC a (10.1/16) and b (10.2/16) joined by a TGW; x in a, y in b.
type twoVPC struct {
	t          *mt.Net
	a, b       *model.VPC
	sa, sb     *model.Subnet
	ta, tb     *model.Subnet
	rta, rtb   *model.RouteTable
	tgw        *model.TGW
	attA, attB *model.TGWAttachment
	tableA     *model.TGWRouteTable
	tableB     *model.TGWRouteTable
	x, y       *model.Endpoint
	gx, gy     *model.SecurityGroup
}

func newTwoVPC() *twoVPC {
	t := mt.New()
	w := &twoVPC{t: t}
	w.a, w.b = t.VPC("a", "10.1.0.0/16"), t.VPC("b", "10.2.0.0/16")
	w.sa, w.ta = t.Subnet(w.a, "a-work", "az1", "10.1.1.0/24"), t.Subnet(w.a, "a-tgw", "az1", "10.1.255.0/28")
	w.sb, w.tb = t.Subnet(w.b, "b-work", "az1", "10.2.1.0/24"), t.Subnet(w.b, "b-tgw", "az1", "10.2.255.0/28")
	w.tgw = t.TGW("hub", false)
	w.attA, w.attB = t.Attach(w.tgw, w.a, w.ta), t.Attach(w.tgw, w.b, w.tb)
	w.tableA, w.tableB = t.TGWTable(w.tgw, "a", w.attA), t.TGWTable(w.tgw, "b", w.attB)
	t.TGWRoute(w.tableA, "a_to_b", "10.2.0.0/16", w.attB)
	t.TGWRoute(w.tableB, "b_to_a", "10.1.0.0/16", w.attA)
	w.rta, w.rtb = t.RouteTable(w.a, "a-work"), t.RouteTable(w.b, "b-work")
	t.Associate(w.rta, w.sa)
	t.Associate(w.rtb, w.sb)
	t.Route(w.rta, "a_to_tgw", "10.2.0.0/16", model.TargetTGW, w.tgw.ID)
	t.Route(w.rtb, "b_to_tgw", "10.1.0.0/16", model.TargetTGW, w.tgw.ID)
	w.gx, w.gy = t.SG(w.a, "x"), t.SG(w.b, "y")
	t.Out(w.gx, mt.Rule{From: 22, CIDR: "10.2.1.0/24"})
	t.In(w.gy, mt.Rule{From: 22, CIDR: "10.1.1.0/24"})
	w.x, w.y = t.EP("x", w.sa, w.gx), t.EP("y", w.sb, w.gy)
	return w
}

func TestAcrossTGW(t *testing.T) {
	w := newTwoVPC()
	v := check(t, w.t.Done(), w.x, w.y, 22)
	wantDelivered(t, v)
	for _, want := range []string{"aws_ec2_transit_gateway_route.a_to_b", "reply tgw-route", "aws_ec2_transit_gateway_route.b_to_a"} {
		if !strings.Contains(hops(v), want) {
			t.Errorf("path does not show %q:\n%s", want, hops(v))
		}
	}
}

func TestMissingVPCRoute(t *testing.T) {
	w := newTwoVPC()
	w.rta.Routes = w.rta.Routes[:1] // local only
	wantBlocked(t, check(t, w.t.Done(), w.x, w.y, 22), "route", "no route to 10.2.1.", "aws_route_table.a-work")
}

func TestMissingReturnRoute(t *testing.T) {
	w := newTwoVPC()
	w.rtb.Routes = w.rtb.Routes[:1]
	v := check(t, w.t.Done(), w.x, w.y, 22)
	wantBlocked(t, v, "route", "no route to 10.1.1.")
	if !v.Paths[0].Blocker().Reply {
		t.Error("the missing route is on the return path")
	}
}

func TestTGWAttachmentNotAssociated(t *testing.T) {
	w := newTwoVPC()
	w.attA.RouteTable = nil
	wantBlocked(t, check(t, w.t.Done(), w.x, w.y, 22), "tgw-route", "not associated")
}

func TestTGWNoRouteThenPropagation(t *testing.T) {
	w := newTwoVPC()
	w.tableA.Routes = nil
	wantBlocked(t, check(t, w.t.Done(), w.x, w.y, 22), "tgw-route", "no route to 10.2.1.", "aws_ec2_transit_gateway_route_table.a")
	// Propagating b's attachment into a's table restores the route.
	w.t.Propagate(w.tableA, w.attB)
	v := check(t, w.t.N, w.x, w.y, 22)
	wantDelivered(t, v)
	if !strings.Contains(hops(v), "(propagated)") {
		t.Errorf("the path should use the propagated route:\n%s", hops(v))
	}
}

func TestTGWBlackholeLongestPrefix(t *testing.T) {
	w := newTwoVPC()
	// A blackhole for the exact work subnet beats the /16 route.
	w.t.TGWRoute(w.tableA, "drop_b_work", "10.2.1.0/24", nil)
	wantBlocked(t, check(t, w.t.Done(), w.x, w.y, 22), "tgw-route", "blackhole", "aws_ec2_transit_gateway_route.drop_b_work")
}

func TestTGWStaticBeatsPropagated(t *testing.T) {
	w := newTwoVPC()
	w.tableA.Routes = nil
	w.t.Propagate(w.tableA, w.attB)
	w.t.TGWRoute(w.tableA, "static_blackhole", "10.2.0.0/16", nil)
	wantBlocked(t, check(t, w.t.Done(), w.x, w.y, 22), "tgw-route", "static_blackhole")
}

func TestNoAttachmentSubnetInAZ(t *testing.T) {
	w := newTwoVPC()
	other := w.t.Subnet(w.a, "a-work-2", "az2", "10.1.2.0/24")
	w.t.Associate(w.rta, other)
	x2 := w.t.EP("x", other, w.gx)
	w.gy.Ingress[0].CIDR = netipPrefix("10.1.0.0/16")
	wantBlocked(t, check(t, w.t.Done(), x2, w.y, 22), "tgw-attachment", "no subnet in az2")
}

func TestSecurityGroupReferenceAcrossTGW(t *testing.T) {
	// y admits x's security group by reference instead of by CIDR.
	w := newTwoVPC()
	w.gy.Ingress[0].CIDR = netipPrefix("0.0.0.0/0").Masked()
	w.gy.Ingress = []*model.SGRule{{Proto: "tcp", From: 22, To: 22, RefSG: w.gx, Resource: "aws_vpc_security_group_ingress_rule.y_from_x"}}
	// AWS: references do not match across a TGW unless referencing support
	// is on for the TGW and both attachments.
	wantBlocked(t, check(t, w.t.Done(), w.x, w.y, 22), "sg-ingress", "y_from_x", "security_group_referencing_support")
	w.tgw.SGReferencing, w.attA.SGReferencing = true, true
	wantBlocked(t, check(t, w.t.N, w.x, w.y, 22), "sg-ingress", "security_group_referencing_support")
	w.attB.SGReferencing = true
	wantDelivered(t, check(t, w.t.N, w.x, w.y, 22))
}

func TestLongestPrefixOverridesDefaultRoute(t *testing.T) {
	// a's default route goes to an internet gateway, but b's /16 is more
	// specific and goes to the TGW.
	w := newTwoVPC()
	w.t.IGW(w.a)
	w.rta.Routes = w.rta.Routes[:1]
	w.t.Route(w.rta, "a_default", "0.0.0.0/0", model.TargetIGW, "igw-a")
	wantBlocked(t, check(t, w.t.Done(), w.x, w.y, 22), "igw", "no public IP")
	w.t.Route(w.rta, "a_to_b", "10.2.0.0/16", model.TargetTGW, w.tgw.ID)
	v := check(t, w.t.N, w.x, w.y, 22)
	wantDelivered(t, v)
	if !strings.Contains(hops(v), "aws_route.a_to_b") {
		t.Errorf("expected the /16 route:\n%s", hops(v))
	}
}

// egress: an app VPC in two AZs sends 0.0.0.0/0 to a TGW; an egress VPC's
// TGW subnets route to the NAT gateway of their AZ; NAT -> IGW.
type egress struct {
	t         *mt.Net
	app       map[string]*model.Endpoint
	nat       map[string]*model.NAT
	attEgress *model.TGWAttachment
	rtTGW     map[string]*model.RouteTable
	inet      *model.Endpoint
}

func newEgress() *egress {
	t := mt.New()
	e := &egress{t: t, app: map[string]*model.Endpoint{}, nat: map[string]*model.NAT{}, rtTGW: map[string]*model.RouteTable{}}
	app, out := t.VPC("app", "10.100.0.0/16"), t.VPC("egress", "10.20.0.0/16")
	t.IGW(out)
	hub := t.TGW("hub", false)
	rtApp := t.RouteTable(app, "app")
	t.Route(rtApp, "app_default", "0.0.0.0/0", model.TargetTGW, hub.ID)
	rtPublic := t.RouteTable(out, "public")
	t.Route(rtPublic, "public_default", "0.0.0.0/0", model.TargetIGW, "igw-egress")
	t.Route(rtPublic, "public_to_app", "10.100.0.0/16", model.TargetTGW, hub.ID)
	g := t.SG(app, "app")
	t.Out(g, mt.Rule{From: 443, CIDR: "0.0.0.0/0"})
	var appTGW, outTGW []*model.Subnet
	for i, az := range []string{"az1", "az2"} {
		s := t.Subnet(app, "app-"+az, az, []string{"10.100.0.0/24", "10.100.1.0/24"}[i])
		t.Associate(rtApp, s)
		appTGW = append(appTGW, t.Subnet(app, "app-tgw-"+az, az, []string{"10.100.255.0/28", "10.100.255.16/28"}[i]))
		pub := t.Subnet(out, "public-"+az, az, []string{"10.20.0.0/24", "10.20.1.0/24"}[i])
		t.Associate(rtPublic, pub)
		e.nat[az] = t.NAT(pub, true)
		ts := t.Subnet(out, "egress-tgw-"+az, az, []string{"10.20.255.0/28", "10.20.255.16/28"}[i])
		outTGW = append(outTGW, ts)
		rt := t.RouteTable(out, "egress-tgw-"+az)
		t.Associate(rt, ts)
		t.Route(rt, "nat_"+az, "0.0.0.0/0", model.TargetNAT, e.nat[az].ID)
		e.rtTGW[az] = rt
		e.app[az] = t.EP("app", s, g)
	}
	attApp := t.Attach(hub, app, appTGW...)
	e.attEgress = t.Attach(hub, out, outTGW...)
	tApp, tOut := t.TGWTable(hub, "app", attApp), t.TGWTable(hub, "egress", e.attEgress)
	t.TGWRoute(tApp, "app_default", "0.0.0.0/0", e.attEgress)
	t.TGWRoute(tOut, "egress_to_app", "10.100.0.0/16", attApp)
	e.inet = t.Internet("1.2.3.4")
	return e
}

func TestNATPerAZ(t *testing.T) {
	e := newEgress()
	n := e.t.Done()
	for _, az := range []string{"az1", "az2"} {
		v := check(t, n, e.app[az], e.inet, 443)
		wantDelivered(t, v)
		if len(v.Paths) != 1 || len(v.Paths[0].Via) != 1 || v.Paths[0].Via[0] != "nat@"+az {
			t.Errorf("%s: want one path through nat@%s, got %d paths, via %v", az, az, len(v.Paths), v.Paths[0].Via)
		}
	}
}

func TestApplianceModeSpreadsAcrossNATs(t *testing.T) {
	e := newEgress()
	e.attEgress.ApplianceMode = true
	v := check(t, e.t.Done(), e.app["az1"], e.inet, 443)
	wantDelivered(t, v)
	var via []string
	for _, p := range v.Paths {
		via = append(via, p.Via...)
	}
	if strings.Join(via, ",") != "nat@az1,nat@az2" {
		t.Errorf("appliance mode: want a path through each AZ's NAT, got %v", via)
	}
}

func TestNATRouteToWrongAZ(t *testing.T) {
	e := newEgress()
	e.rtTGW["az1"].Routes[1].TargetID = e.nat["az2"].ID
	v := check(t, e.t.Done(), e.app["az1"], e.inet, 443)
	wantDelivered(t, v)
	if v.Paths[0].Via[0] != "nat@az2" {
		t.Errorf("the miswired route should send az1 through nat@az2, got %v", v.Paths[0].Via)
	}
}

func TestPrivateNATCannotReachInternet(t *testing.T) {
	e := newEgress()
	e.nat["az1"].Public = false
	wantBlocked(t, check(t, e.t.Done(), e.app["az1"], e.inet, 443), "igw", "no public IP")
}

func TestNATAcceptsNoInboundConnections(t *testing.T) {
	e := newEgress()
	wantBlocked(t, check(t, e.t.Done(), e.inet, e.nat["az1"].Endpoint, 443), "listener", "NAT gateway accepts no connections")
}

func TestInternetNeedsPublicIP(t *testing.T) {
	e := newEgress()
	n := e.t.Done()
	wantBlocked(t, check(t, n, e.inet, e.app["az1"], 443), "igw", "no internet gateway")
	// A public instance in the egress VPC's public subnet.
	pub := n.NATs[0].Subnet
	g := e.t.SG(pub.VPC, "web")
	e.t.In(g, mt.Rule{From: 443, CIDR: "0.0.0.0/0"})
	web := e.t.EP("web", pub, g)
	n = e.t.Done()
	wantBlocked(t, check(t, n, e.inet, web, 443), "igw", "has no public IP")
	web.Public = true
	wantDelivered(t, check(t, n, e.inet, web, 443))
}

func TestReplyIntoNATIsAsymmetric(t *testing.T) {
	// A public web server whose subnet's default route is a NAT gateway:
	// the reply to an internet client goes into the NAT, which drops it.
	e := newEgress()
	pub := e.nat["az1"].Subnet
	rt := e.t.RouteTable(pub.VPC, "bad")
	e.t.Route(rt, "bad_default", "0.0.0.0/0", model.TargetNAT, e.nat["az2"].ID)
	e.t.Associate(rt, pub)
	g := e.t.SG(pub.VPC, "web")
	e.t.In(g, mt.Rule{From: 443, CIDR: "0.0.0.0/0"})
	web := e.t.EP("web", pub, g)
	web.Public = true
	wantBlocked(t, check(t, e.t.Done(), e.inet, web, 443), "nat", "asymmetric")
}

func TestGatewayEndpointAndPrefixList(t *testing.T) {
	o := newOneVPC()
	pl, s3 := o.t.ServicePL("s3")
	o.t.PLRoute(o.sWeb.VPC.MainRouteTable, pl, "vpce-s3")
	n := o.t.Done()
	wantBlocked(t, check(t, n, o.web, s3, 443), "sg-egress")
	o.t.Out(o.gWeb, mt.Rule{From: 443, PL: pl, Name: "web_to_s3"})
	v := check(t, n, o.web, s3, 443)
	wantDelivered(t, v)
	if !strings.Contains(hops(v), "gateway-endpoint") {
		t.Errorf("want the gateway endpoint hop:\n%s", hops(v))
	}
	// Without the endpoint's route the service is not routed.
	o.sWeb.VPC.MainRouteTable.Routes = o.sWeb.VPC.MainRouteTable.Routes[:1]
	wantBlocked(t, check(t, n, o.web, s3, 443), "route", "no route to com.amazonaws.us-east-1.s3")
}

func TestCIDRRuleOnlyWholeInternetMatchesAService(t *testing.T) {
	o := newOneVPC()
	pl, s3 := o.t.ServicePL("s3")
	o.t.PLRoute(o.sWeb.VPC.MainRouteTable, pl, "vpce-s3")
	o.t.Out(o.gWeb, mt.Rule{From: 443, CIDR: "52.0.0.0/8"})
	n := o.t.Done()
	wantBlocked(t, check(t, n, o.web, s3, 443), "sg-egress")
	o.t.Out(o.gWeb, mt.Rule{From: 443, CIDR: "0.0.0.0/0"})
	wantDelivered(t, check(t, n, o.web, s3, 443))
}

func TestListenerPorts(t *testing.T) {
	o := newOneVPC()
	lb := &model.LoadBalancer{ARN: "arn:lb", Resource: "aws_lb.nlb", Type: "network"}
	l := &model.Listener{Port: 443, Proto: "tcp", LBProto: "TLS", Resource: "aws_lb_listener.tls", TargetGroup: &model.TargetGroup{Resource: "aws_lb_target_group.gw", Port: 80, TargetType: "ip"}}
	lb.Listeners = []*model.Listener{l}
	node := o.t.EP("nlb", o.sDB)
	node.Kind, node.LB, node.SGs = model.KindLB, lb, nil
	node.Listens = []model.Listen{{Proto: "tcp", From: 443, To: 443}}
	o.t.Out(o.gWeb, mt.Rule{Proto: "-1", CIDR: "10.0.0.0/16"})
	n := o.t.Done()
	v := check(t, n, o.web, node, 443)
	wantDelivered(t, v)
	if v.Paths[0].Listener != l {
		t.Error("the path should record the listener")
	}
	wantBlocked(t, check(t, n, o.web, node, 22), "listener", "listeners: tcp/443")
}

func TestClientVPN(t *testing.T) {
	tn := mt.New()
	v := tn.VPC("sec", "10.10.0.0/20")
	sVPN, sBastion := tn.Subnet(v, "vpn", "az1", "10.10.14.0/27"), tn.Subnet(v, "bastion", "az1", "10.10.0.0/23")
	gVPN, gBastion := tn.SG(v, "vpn"), tn.SG(v, "bastion")
	tn.Out(gVPN, mt.Rule{From: 22, Ref: gBastion})
	// A rule for the client CIDR never matches: clients are source-NATed.
	tn.In(gBastion, mt.Rule{From: 22, CIDR: "10.200.0.0/22", Name: "bastion_from_client_cidr"})
	bastion := tn.EP("bastion", sBastion, gBastion)
	vpn := &model.ClientVPN{ID: "cvpn-1", Resource: "aws_ec2_client_vpn_endpoint.this", ClientCIDR: netipPrefix("10.200.0.0/22"), VPC: v, SGs: []*model.SecurityGroup{gVPN}}
	eni := &model.Endpoint{Name: "vpn-eni@az1", Groups: []string{"vpn-eni"}, Kind: model.KindVPNENI, AZ: "az1", Subnet: sVPN, Addr: sVPN.AllocAddr(), SGs: vpn.SGs, Listens: []model.Listen{}, VPN: vpn}
	client := &model.Endpoint{Name: "vpn-client@az1", Groups: []string{"vpn-client"}, Kind: model.KindVPNClient, AZ: "az1", Addr: netipAddr("10.200.0.10"), VPN: vpn, VPNENI: eni, Listens: []model.Listen{}}
	vpn.Associations = []*model.Endpoint{eni}
	vpn.Routes = []*model.VPNRoute{{Dest: v.CIDRs[0], Subnet: sVPN, Resource: "association route"}}
	tn.N.VPNs = append(tn.N.VPNs, vpn)
	tn.N.Endpoints = append(tn.N.Endpoints, eni, client)
	n := tn.Done()

	wantBlocked(t, check(t, n, client, bastion, 22), "vpn-authorization", "no authorization rule")
	vpn.Auth = []*model.VPNAuthRule{{CIDR: sBastion.CIDR, AllGroups: true, Resource: "aws_ec2_client_vpn_authorization_rule.bastion"}}
	wantBlocked(t, check(t, n, client, bastion, 22), "sg-ingress", "from 10.10.14.")
	tn.In(gBastion, mt.Rule{From: 22, Ref: gVPN, Name: "bastion_from_vpn_sg"})
	v2 := check(t, n, client, bastion, 22)
	wantDelivered(t, v2)
	if !strings.Contains(hops(v2), "source NAT to vpn-eni@az1") || !strings.Contains(hops(v2), "bastion_from_vpn_sg") {
		t.Errorf("the path should show the source NAT and the SG reference:\n%s", hops(v2))
	}
	wantBlocked(t, check(t, n, bastion, client, 22), "sg-egress")
}

func TestRoutingLoopIsBounded(t *testing.T) {
	w := newTwoVPC()
	// b's TGW subnet sends everything back to the TGW, whose b table sends
	// 10.2/16 to b: a loop.
	rt := w.t.RouteTable(w.b, "b-tgw")
	w.t.Associate(rt, w.tb)
	rt.Routes = nil
	w.t.Route(rt, "b_loop", "10.2.0.0/16", model.TargetTGW, w.tgw.ID)
	w.t.TGWRoute(w.tableB, "b_self", "10.2.0.0/16", w.attA)
	w.t.TGWRoute(w.tableA, "a_back", "10.2.1.0/24", w.attB)
	v := check(t, w.t.Done(), w.x, w.y, 22)
	if v.Outcome() != eval.Blocked {
		t.Fatalf("outcome %s, want blocked:\n%s", v.Outcome(), hops(v))
	}
}

func TestPortPoints(t *testing.T) {
	o := newOneVPC()
	got := eval.PortPoints(o.t.Done(), 1, 65535)
	want := []int{1, 5432, 5433}
	if len(got) != len(want) {
		t.Fatalf("PortPoints = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("PortPoints = %v, want %v", got, want)
		}
	}
}

func netipPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func netipAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
