package eval_test

import (
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
	mt "github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model/modeltest"
)

// peered is the dev interconnect: a security, an LB and an app VPC joined
// by two peering connections (lb <-> app, security <-> app; none between
// security and lb), routes only for the design's flows, and an EC2
// Instance Connect Endpoint beside the jump host.
type peered struct {
	t                         *mt.Net
	sec, lb, app              *model.VPC
	lbApp, secApp             *model.Peering
	rtSec, rtLB, rtApp, rtJmp *model.RouteTable
	nlb, pods, jump, admin    *model.Endpoint
	eic                       *model.Endpoint
	gNLB, gPods, gJump, gEIC  *model.SecurityGroup
	gAdmin                    *model.SecurityGroup
	inet                      *model.Endpoint
}

func newPeered() *peered {
	t := mt.New()
	w := &peered{t: t}
	w.sec, w.lb, w.app = t.VPC("security", "10.10.0.0/20"), t.VPC("lb", "10.20.0.0/20"), t.VPC("app", "10.100.0.0/16")
	t.IGW(w.lb)
	sSec := t.Subnet(w.sec, "security-private", "az1", "10.10.0.0/24")
	sLB := t.Subnet(w.lb, "lb-public", "az1", "10.20.0.0/24")
	sApp := t.Subnet(w.app, "app-private", "az1", "10.100.0.0/24")
	sJump := t.Subnet(w.app, "app-jump", "az1", "10.100.250.0/24")
	w.lbApp, w.secApp = t.Peering("lb_app", w.lb, w.app), t.Peering("security_app", w.sec, w.app)

	w.rtSec, w.rtLB, w.rtApp, w.rtJmp = t.RouteTable(w.sec, "security-private"), t.RouteTable(w.lb, "lb-public"), t.RouteTable(w.app, "app-private"), t.RouteTable(w.app, "app-jump")
	t.Associate(w.rtSec, sSec)
	t.Associate(w.rtLB, sLB)
	t.Associate(w.rtApp, sApp)
	t.Associate(w.rtJmp, sJump)
	t.Route(w.rtSec, "security_to_jump", "10.100.250.0/24", model.TargetPeering, w.secApp.ID)
	t.Route(w.rtLB, "lb_default", "0.0.0.0/0", model.TargetIGW, "igw-lb")
	t.Route(w.rtLB, "lb_to_app", "10.100.0.0/24", model.TargetPeering, w.lbApp.ID)
	t.Route(w.rtApp, "app_to_lb", "10.20.0.0/24", model.TargetPeering, w.lbApp.ID)
	t.Route(w.rtJmp, "jump_to_security", "10.10.0.0/24", model.TargetPeering, w.secApp.ID)

	w.gNLB, w.gPods, w.gJump, w.gEIC, w.gAdmin = t.SG(w.lb, "nlb"), t.SG(w.app, "pods"), t.SG(w.app, "jump"), t.SG(w.app, "eic"), t.SG(w.sec, "admin")
	t.Out(w.gNLB, mt.Rule{From: 80, CIDR: "10.100.0.0/24", Name: "nlb_to_pods"})
	t.In(w.gPods, mt.Rule{From: 80, CIDR: "10.20.0.0/24", Name: "pods_from_nlb"})
	t.Out(w.gPods, mt.Rule{From: 443, CIDR: "0.0.0.0/0", Name: "pods_https"})
	t.Out(w.gAdmin, mt.Rule{Proto: "-1", CIDR: "0.0.0.0/0", Name: "admin_all"})
	// By reference across the same-region peering.
	t.In(w.gJump, mt.Rule{From: 22, Ref: w.gAdmin, Name: "jump_from_admin"}, mt.Rule{From: 22, Ref: w.gEIC, Name: "jump_from_eic"})
	t.Out(w.gEIC, mt.Rule{From: 22, Ref: w.gJump, Name: "eic_to_jump"})

	w.nlb = t.EP("nlb", sLB, w.gNLB)
	w.nlb.Public = true
	w.pods = t.EP("pods", sApp, w.gPods)
	w.jump = t.EP("jump-host", sJump, w.gJump)
	w.admin = t.EP("admin", sSec, w.gAdmin)
	w.eic = t.InstanceConnect(sJump, w.gEIC)
	w.inet = t.Internet("1.2.3.4")
	return w
}

func TestPeeringDesignFlowsHold(t *testing.T) {
	w := newPeered()
	n := w.t.Done()
	v := check(t, n, w.nlb, w.pods, 80)
	wantDelivered(t, v)
	for _, want := range []string{"vpc-peering at aws_vpc_peering_connection.lb_app: aws_vpc.lb -> aws_vpc.app (accept_status active)", "aws_route.lb_to_app", "reply route", "aws_route.app_to_lb"} {
		if !strings.Contains(hops(v), want) {
			t.Errorf("path does not show %q:\n%s", want, hops(v))
		}
	}
	v = check(t, n, w.admin, w.jump, 22)
	wantDelivered(t, v)
	if !strings.Contains(hops(v), "jump_from_admin") {
		t.Errorf("a security group reference across a same-region peering applies:\n%s", hops(v))
	}
	v = check(t, n, w.eic, w.jump, 22)
	wantDelivered(t, v)
	if !strings.Contains(hops(v), "EC2 Instance Connect tunnel") || !strings.Contains(hops(v), "eic_to_jump") {
		t.Errorf("path:\n%s", hops(v))
	}
}

func TestPeeringMissingRoute(t *testing.T) {
	w := newPeered()
	w.rtLB.Routes = w.rtLB.Routes[:2] // local and the default route to the IGW
	v := check(t, w.t.Done(), w.nlb, w.pods, 80)
	wantBlocked(t, v, "igw", "10.100.0.")
	if !strings.Contains(hops(v), "aws_route.lb_default") {
		t.Errorf("without its peering route the LB subnet sends 10.100/24 to the default route:\n%s", hops(v))
	}
	w.rtLB.Routes = w.rtLB.Routes[:1]
	wantBlocked(t, check(t, w.t.N, w.nlb, w.pods, 80), "route", "no route to 10.100.0.", "aws_route_table.lb-public")
}

func TestPeeringMissingReturnRoute(t *testing.T) {
	w := newPeered()
	w.rtApp.Routes = w.rtApp.Routes[:1]
	v := check(t, w.t.Done(), w.nlb, w.pods, 80)
	wantBlocked(t, v, "route", "no route to 10.20.0.", "aws_route_table.app-private")
	if !v.Paths[0].Blocker().Reply {
		t.Errorf("the missing route is on the return path:\n%s", hops(v))
	}
}

func TestPeeringReturnRouteThroughOtherPeering(t *testing.T) {
	// The app subnet answers the LB subnet through the security peering:
	// that connection does not join the LB VPC.
	w := newPeered()
	w.rtApp.Routes[1].TargetID = w.secApp.ID
	v := check(t, w.t.Done(), w.nlb, w.pods, 80)
	wantBlocked(t, v, "vpc-peering", "10.20.0.", "aws_vpc.security")
	if !v.Paths[0].Blocker().Reply {
		t.Errorf("the wrong peering is on the return path:\n%s", hops(v))
	}
}

func TestPeeringNoTransitToThirdVPC(t *testing.T) {
	// lb -> security through app: a route sends the security VPC's CIDR
	// over the lb-app peering; the app VPC never forwards it.
	w := newPeered()
	w.t.Route(w.rtLB, "lb_to_security", "10.10.0.0/20", model.TargetPeering, w.lbApp.ID)
	w.gAdmin.Ingress = append(w.gAdmin.Ingress, &model.SGRule{Proto: "-1", From: 0, To: 65535, CIDR: netipPrefix("0.0.0.0/0"), Resource: "admin_open"})
	w.gNLB.Egress = append(w.gNLB.Egress, &model.SGRule{Proto: "-1", From: 0, To: 65535, CIDR: netipPrefix("0.0.0.0/0"), Resource: "nlb_open"})
	wantBlocked(t, check(t, w.t.Done(), w.nlb, w.admin, 22), "vpc-peering", "is not in aws_vpc.app (10.100.0.0/16)", "no transit")
}

func TestPeeringNoEdgeToEdgeInternet(t *testing.T) {
	// app -> internet through the LB VPC's internet gateway over the
	// peering: the peering delivers only to the LB VPC's addresses.
	w := newPeered()
	w.t.Route(w.rtApp, "app_default", "0.0.0.0/0", model.TargetPeering, w.lbApp.ID)
	wantBlocked(t, check(t, w.t.Done(), w.pods, w.inet, 443), "vpc-peering", "1.2.3.4 is not in aws_vpc.lb", "internet gateway", "edge-to-edge")
}

func TestPeeringRouteToConnectionOfOtherVPCs(t *testing.T) {
	w := newPeered()
	w.t.Route(w.rtSec, "security_to_lb", "10.20.0.0/24", model.TargetPeering, w.lbApp.ID)
	w.gNLB.Ingress = append(w.gNLB.Ingress, &model.SGRule{Proto: "tcp", From: 443, To: 443, CIDR: netipPrefix("0.0.0.0/0"), Resource: "nlb_https"})
	wantBlocked(t, check(t, w.t.Done(), w.admin, w.nlb, 443), "vpc-peering", "aws_vpc_peering_connection.lb_app does not join aws_vpc.security")
}

func TestPeeringNotInModel(t *testing.T) {
	w := newPeered()
	w.rtLB.Routes[2].TargetID = "pcx-gone"
	wantBlocked(t, check(t, w.t.Done(), w.nlb, w.pods, 80), "vpc-peering", "pcx-gone is not in the model")
}

func TestPeeringAcceptStatus(t *testing.T) {
	w := newPeered()
	n := w.t.Done()
	for status, ok := range map[string]bool{"pending-acceptance": false, "rejected": false, "deleted": false, "active": true, "": true, "fake-accept-status-1a2b3c": true} {
		w.lbApp.Status = status
		v := check(t, n, w.nlb, w.pods, 80)
		if !ok {
			wantBlocked(t, v, "vpc-peering", "accept_status \""+status+"\"", "carries no traffic")
			continue
		}
		wantDelivered(t, v)
		if status != "active" && !strings.Contains(hops(v), "treated as active") {
			t.Errorf("status %q: the path should say it is treated as active:\n%s", status, hops(v))
		}
	}
}

func TestPeeringSecurityGroupsDecide(t *testing.T) {
	w := newPeered()
	w.gPods.Ingress = nil
	wantBlocked(t, check(t, w.t.Done(), w.nlb, w.pods, 80), "sg-ingress", "no ingress rule of aws_security_group.pods allows tcp/80 from 10.20.0.")
	w = newPeered()
	wantBlocked(t, check(t, w.t.Done(), w.nlb, w.pods, 81), "sg-egress", "aws_security_group.nlb")
}

func TestPeeringCrossRegionReferenceDoesNotApply(t *testing.T) {
	w := newPeered()
	w.secApp.CrossRegion = true
	wantBlocked(t, check(t, w.t.Done(), w.admin, w.jump, 22), "sg-ingress", "jump_from_admin", "only within one region")
}

func TestPeeringNACLs(t *testing.T) {
	w := newPeered()
	pods := w.pods.Subnet
	w.t.NACL("app", []mt.ACLRule{{N: 100, Allow: true, Proto: "-1", CIDR: "10.100.0.0/16"}},
		[]mt.ACLRule{{N: 100, Allow: true, Proto: "-1", CIDR: "0.0.0.0/0"}}, pods)
	wantBlocked(t, check(t, w.t.Done(), w.nlb, w.pods, 80), "nacl-in", "implicit deny", "from 10.20.0.")
	pods.NACL.Ingress = append(pods.NACL.Ingress, &model.NACLRule{Number: 110, Allow: true, Proto: "tcp", From: 80, To: 80, CIDR: netipPrefix("10.20.0.0/24"), Resource: "app_in_110"})
	wantDelivered(t, check(t, w.t.N, w.nlb, w.pods, 80))
}

func TestInstanceConnectEndpoint(t *testing.T) {
	w := newPeered()
	n := w.t.Done()
	wantDelivered(t, check(t, n, w.eic, w.jump, 22))
	// Its security group lets out SSH to the jump host's group only.
	w.t.In(w.gPods, mt.Rule{From: 22, CIDR: "10.100.0.0/16", Name: "pods_ssh"})
	wantBlocked(t, check(t, n, w.eic, w.pods, 22), "sg-egress", "aws_security_group.eic")
	wantBlocked(t, check(t, n, w.eic, w.jump, 2222), "sg-egress", "no egress rule of aws_security_group.eic allows tcp/2222")
	vu := eval.New(n).Check(eval.Flow{From: w.eic, To: w.jump, Proto: "udp", Port: 22})
	wantBlocked(t, vu, "source", "TCP only")
	// Nothing in the network connects to it.
	w.t.Out(w.gJump, mt.Rule{Proto: "-1", CIDR: "0.0.0.0/0", Name: "jump_all"})
	w.t.In(w.gEIC, mt.Rule{Proto: "-1", CIDR: "0.0.0.0/0", Name: "eic_in_all"})
	wantBlocked(t, check(t, n, w.jump, w.eic, 22), "listener", "accepts no connections from the network")
}

func TestInstanceConnectBlockedByItsEgress(t *testing.T) {
	w := newPeered()
	w.gEIC.Egress = nil
	wantBlocked(t, check(t, w.t.Done(), w.eic, w.jump, 22), "sg-egress", "no egress rule of aws_security_group.eic allows tcp/22")
	// The jump host's ingress by reference is what admits it.
	w = newPeered()
	w.gJump.Ingress = w.gJump.Ingress[:1]
	wantBlocked(t, check(t, w.t.Done(), w.eic, w.jump, 22), "sg-ingress", "aws_security_group.jump")
}

func TestInstanceConnectPreservedClientIPNotModelled(t *testing.T) {
	w := newPeered()
	w.eic.PreserveClientIP = true
	wantBlocked(t, check(t, w.t.Done(), w.eic, w.jump, 22), "source", "preserve_client_ip")
}

func TestPeeringNotTransitiveFromTGW(t *testing.T) {
	// A fourth VPC reaches the app VPC through a Transit Gateway, whose
	// attachment subnet routes the LB subnet over the lb-app peering: the
	// peering does not carry a source outside the app VPC.
	w := newPeered()
	ext := w.t.VPC("ext", "10.30.0.0/16")
	sExt := w.t.Subnet(ext, "ext", "az1", "10.30.0.0/24")
	sAppTGW := w.t.Subnet(w.app, "app-tgw", "az1", "10.100.255.0/28")
	sExtTGW := w.t.Subnet(ext, "ext-tgw", "az1", "10.30.255.0/28")
	hub := w.t.TGW("hub", false)
	attExt, attApp := w.t.Attach(hub, ext, sExtTGW), w.t.Attach(hub, w.app, sAppTGW)
	w.t.TGWRoute(w.t.TGWTable(hub, "ext", attExt), "ext_to_lb", "10.20.0.0/24", attApp)
	rtExt := w.t.RouteTable(ext, "ext")
	w.t.Associate(rtExt, sExt)
	w.t.Route(rtExt, "ext_to_lb", "10.20.0.0/24", model.TargetTGW, hub.ID)
	rtAppTGW := w.t.RouteTable(w.app, "app-tgw")
	w.t.Associate(rtAppTGW, sAppTGW)
	w.t.Route(rtAppTGW, "app_tgw_to_lb", "10.20.0.0/24", model.TargetPeering, w.lbApp.ID)
	g := w.t.SG(ext, "ext")
	w.t.Out(g, mt.Rule{Proto: "-1", CIDR: "0.0.0.0/0"})
	src := w.t.EP("ext", sExt, g)
	w.t.In(w.gNLB, mt.Rule{From: 443, CIDR: "0.0.0.0/0"})
	v := check(t, w.t.Done(), src, w.nlb, 443)
	wantBlocked(t, v, "vpc-peering", "source 10.30.0.", "arriving from a transit gateway", "no transitive routing")
	if !strings.Contains(hops(v), "tgw-exit") {
		t.Errorf("the packet should have crossed the TGW first:\n%s", hops(v))
	}
}
