package policy_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
	mt "github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model/modeltest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/policy"
)

// design is a small version of the platform: an LB VPC (public NLB and a
// NAT gateway per AZ behind an internet gateway) and an app VPC (pods) in
// two AZs, joined by a Transit Gateway.
type design struct {
	t        *mt.Net
	tg       *model.TargetGroup
	natRoute map[string]*model.Route
	podSG    *model.SecurityGroup
	appRT    *model.RouteTable
	tApp     *model.TGWRouteTable
	attLB    *model.TGWAttachment
}

func newDesign(egress bool) *design {
	t := mt.New()
	d := &design{t: t, natRoute: map[string]*model.Route{}}
	lb, app := t.VPC("lb", "10.20.0.0/16"), t.VPC("app", "10.100.0.0/16")
	t.IGW(lb)
	hub := t.TGW("hub", false)
	rtPublic := t.RouteTable(lb, "public")
	t.Route(rtPublic, "public_default", "0.0.0.0/0", model.TargetIGW, "igw-lb")
	t.Route(rtPublic, "public_to_app", "10.100.0.0/16", model.TargetTGW, hub.ID)
	d.appRT = t.RouteTable(app, "app")
	t.Route(d.appRT, "app_to_nlb", "10.20.0.0/23", model.TargetTGW, hub.ID)
	if egress {
		t.Route(d.appRT, "app_default", "0.0.0.0/0", model.TargetTGW, hub.ID)
	}
	nlbSG, podSG := t.SG(lb, "nlb"), t.SG(app, "pods")
	d.podSG = podSG
	t.In(nlbSG, mt.Rule{From: 443, CIDR: "0.0.0.0/0", Name: "nlb_https"})
	t.Out(nlbSG, mt.Rule{From: 80, CIDR: "10.100.0.0/16", Name: "nlb_to_pods"})
	t.In(podSG, mt.Rule{From: 80, CIDR: "10.20.0.0/23", Name: "pods_from_nlb"}, mt.Rule{From: 8080, Ref: podSG, Name: "pods_from_pods"})
	t.Out(podSG, mt.Rule{From: 8080, Ref: podSG, Name: "pods_to_pods"}, mt.Rule{From: 443, CIDR: "0.0.0.0/0", Name: "pods_https"})
	d.tg = &model.TargetGroup{ARN: "arn:tg", Resource: "aws_lb_target_group.gateway", Port: 80, Proto: "TCP", TargetType: "ip"}
	lbm := &model.LoadBalancer{ARN: "arn:lb", Resource: "aws_lb.this", Type: "network", SGs: []*model.SecurityGroup{nlbSG}}
	lbm.Listeners = []*model.Listener{{Port: 443, Proto: "tcp", LBProto: "TLS", TargetGroup: d.tg, Resource: "aws_lb_listener.tls"}}
	var appTGW, lbTGW []*model.Subnet
	for i, az := range []string{"az1", "az2"} {
		pub := t.Subnet(lb, "lb-public", az, []string{"10.20.0.0/24", "10.20.1.0/24"}[i])
		t.Associate(rtPublic, pub)
		nat := t.NAT(pub, true)
		ts := t.Subnet(lb, "lb-tgw", az, []string{"10.20.255.0/28", "10.20.255.16/28"}[i])
		rt := t.RouteTable(lb, "lb-tgw-"+az)
		t.Associate(rt, ts)
		d.natRoute[az] = t.Route(rt, "nat_"+az, "0.0.0.0/0", model.TargetNAT, nat.ID)
		lbTGW = append(lbTGW, ts)
		node := t.EP("nlb", pub, nlbSG)
		node.Kind, node.LB, node.Public = model.KindLB, lbm, true
		node.Listens = []model.Listen{{Proto: "tcp", From: 443, To: 443}}
		lbm.Members = append(lbm.Members, node)
		s := t.Subnet(app, "app-private", az, []string{"10.100.0.0/24", "10.100.1.0/24"}[i])
		t.Associate(d.appRT, s)
		appTGW = append(appTGW, t.Subnet(app, "app-tgw", az, []string{"10.100.255.0/28", "10.100.255.16/28"}[i]))
		t.EP("pods", s, podSG)
	}
	attApp := t.Attach(hub, app, appTGW...)
	d.attLB = t.Attach(hub, lb, lbTGW...)
	d.tApp = t.TGWTable(hub, "app", attApp)
	tLB := t.TGWTable(hub, "lb", d.attLB)
	t.TGWRoute(d.tApp, "app_to_nlb", "10.20.0.0/23", d.attLB)
	if egress {
		t.TGWRoute(d.tApp, "app_default", "0.0.0.0/0", d.attLB)
		t.TGWRoute(d.tApp, "app_no_private", "10.0.0.0/8", nil)
	}
	t.TGWRoute(tLB, "lb_to_app", "10.100.0.0/16", attApp)
	t.Internet("1.2.3.4")
	t.N.Facts["app_internet_egress"] = egress
	return d
}

const designPolicy = `
version: 1
aliases:
  gateway-pods: pods
allow:
  - name: public-path
    from: internet
    to: gateway-pods
    port: 443
    via: [nlb]
  - name: nlb-each-az
    for_each_az: true
    from: nlb@{az}
    to: gateway-pods
    port: 80
  - name: pod-to-pod
    from: pods
    to: pods
    port: 8080
  - name: egress-own-nat
    for_each_az: true
    from: pods@{az}
    to: internet
    port: 443
    via: ["nat@{az}"]
    when: {app_internet_egress: true}
deny:
  - name: internet-only-nlb
    from: internet
    to: "*"
    port: any
    proto: any
    except:
      - to: nlb
        port: 443
  - name: no-egress
    from: pods
    to: internet
    port: any
    when: {app_internet_egress: false}
`

func verify(t *testing.T, d *design, src string, facts map[string]any) *policy.Result {
	t.Helper()
	p, err := policy.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := policy.Verify(eval.New(d.t.Done()), p, policy.Options{Facts: facts})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rows(res *policy.Result) map[string]policy.Row {
	out := map[string]policy.Row{}
	for _, r := range res.Rows {
		key := r.Flow
		if r.AZ != "" {
			key += "@" + r.AZ
		}
		out[key] = r
	}
	return out
}

func wantStatus(t *testing.T, res *policy.Result, key string, want policy.Status) policy.Row {
	t.Helper()
	r, ok := rows(res)[key]
	if !ok {
		t.Fatalf("no row %s in %v", key, rows(res))
	}
	if r.Status != want {
		t.Fatalf("%s: %s, want %s", key, r.Summary(), want)
	}
	return r
}

func TestDesignHolds(t *testing.T) {
	for _, egress := range []bool{false, true} {
		res := verify(t, newDesign(egress), designPolicy, nil)
		if res.Violations != 0 {
			var b bytes.Buffer
			_ = policy.WriteTable(&b, res)
			t.Fatalf("egress %v: violations:\n%s", egress, b.String())
		}
		wantStatus(t, res, "nlb-each-az@az1", policy.StatusOK)
		wantStatus(t, res, "nlb-each-az@az2", policy.StatusOK)
		if egress {
			wantStatus(t, res, "egress-own-nat@az2", policy.StatusOK)
			wantStatus(t, res, "no-egress", policy.StatusSkipped)
		} else {
			wantStatus(t, res, "egress-own-nat", policy.StatusSkipped)
			r := wantStatus(t, res, "no-egress", policy.StatusOK)
			if r.Checks == 0 {
				t.Error("no-egress ran no check")
			}
		}
	}
}

func TestFactOverride(t *testing.T) {
	// The network says false; --var says true: the egress flows apply and
	// fail (there is no default route).
	res := verify(t, newDesign(false), designPolicy, map[string]any{"app_internet_egress": true})
	r := wantStatus(t, res, "egress-own-nat@az1", policy.StatusViolation)
	if !strings.Contains(r.Failures[0].Reason, "no route to 1.2.3.4") {
		t.Errorf("reason: %s", r.Failures[0].Reason)
	}
}

func TestMissingFactIsAnInputError(t *testing.T) {
	d := newDesign(false)
	delete(d.t.N.Facts, "app_internet_egress")
	p, _ := policy.Parse([]byte(designPolicy))
	_, err := policy.Verify(eval.New(d.t.Done()), p, policy.Options{})
	if err == nil || !strings.Contains(err.Error(), `needs the fact "app_internet_egress"`) || !strings.Contains(err.Error(), "--var") {
		t.Errorf("err = %v", err)
	}
}

func TestNATMiswiredPerAZ(t *testing.T) {
	d := newDesign(true)
	d.natRoute["az1"].TargetID = "nat-az2"
	res := verify(t, d, designPolicy, nil)
	r := wantStatus(t, res, "egress-own-nat@az1", policy.StatusViolation)
	if !strings.Contains(r.Failures[0].Reason, "avoids nat@az1: it goes through nat@az2") {
		t.Errorf("reason: %s", r.Failures[0].Reason)
	}
	wantStatus(t, res, "egress-own-nat@az2", policy.StatusOK)
}

func TestApplianceModeBreaksOwnAZEgress(t *testing.T) {
	d := newDesign(true)
	d.attLB.ApplianceMode = true
	res := verify(t, d, designPolicy, nil)
	r := wantStatus(t, res, "egress-own-nat@az1", policy.StatusViolation)
	if !strings.Contains(r.Failures[0].Reason, "appliance mode") {
		t.Errorf("reason: %s", r.Failures[0].Reason)
	}
}

func TestClosedSecurityGroupRuleNamesTheHop(t *testing.T) {
	d := newDesign(false)
	d.podSG.Ingress = d.podSG.Ingress[1:] // drop pods_from_nlb
	res := verify(t, d, designPolicy, nil)
	for _, key := range []string{"public-path", "nlb-each-az@az1", "nlb-each-az@az2"} {
		r := wantStatus(t, res, key, policy.StatusViolation)
		if !strings.Contains(r.Failures[0].Hop, "sg-ingress at pods@") || !strings.Contains(r.Failures[0].Hop, "no ingress rule of aws_security_group.pods allows tcp/80") {
			t.Errorf("%s: deciding hop %q", key, r.Failures[0].Hop)
		}
	}
}

func TestOpenedFlowNamesTheRule(t *testing.T) {
	d := newDesign(false)
	// Someone adds an SSH listener and opens the NLB's group to it.
	nlbSG := d.t.N.SGs[0]
	d.t.In(nlbSG, mt.Rule{From: 22, CIDR: "0.0.0.0/0", Name: "nlb_ssh_oops"})
	for _, e := range d.t.N.Endpoints {
		if e.Kind == model.KindLB {
			e.Listens = append(e.Listens, model.Listen{Proto: "tcp", From: 22, To: 22})
		}
	}
	res := verify(t, d, designPolicy, nil)
	r := wantStatus(t, res, "internet-only-nlb", policy.StatusViolation)
	f := r.Failures[0]
	if f.Port != 22 || f.Outcome != "allowed" || !strings.Contains(strings.Join(f.Path, "\n"), "aws_vpc_security_group_ingress_rule.nlb_ssh_oops") {
		t.Errorf("failure %+v", f)
	}
}

func TestRemovedTGWRoute(t *testing.T) {
	d := newDesign(false)
	d.tApp.Routes = nil
	res := verify(t, d, designPolicy, nil)
	r := wantStatus(t, res, "nlb-each-az@az1", policy.StatusViolation)
	if !strings.Contains(r.Failures[0].Hop, "reply tgw-route") || !strings.Contains(r.Failures[0].Hop, "aws_ec2_transit_gateway_route_table.app") {
		t.Errorf("hop %q", r.Failures[0].Hop)
	}
}

func TestClientIPPreservationBreaksCrossVPCTargets(t *testing.T) {
	d := newDesign(false)
	d.tg.PreserveClientIP = true
	res := verify(t, d, designPolicy, nil)
	r := wantStatus(t, res, "public-path", policy.StatusViolation)
	if !strings.Contains(r.Failures[0].Reason, "load balancer to target") || !strings.Contains(r.Failures[0].From, "client IP 1.2.3.4 preserved") {
		t.Errorf("failure %+v", r.Failures[0])
	}
}

func TestMissingMembers(t *testing.T) {
	src := `
version: 1
allow:
  - {name: a, for_each_az: true, from: "pods@{az}", to: "nlb@{az}", port: 443}
deny:
  - {name: d, for_each_az: true, from: "pods@{az}", to: "nlb@{az}", port: 22}
azs: [az1, az9]
`
	res := verify(t, newDesign(false), src, nil)
	r := wantStatus(t, res, "a@az9", policy.StatusViolation)
	if !strings.Contains(r.Note, "no endpoint pods@az9") {
		t.Errorf("note %q", r.Note)
	}
	wantStatus(t, res, "d@az9", policy.StatusNothing)
	wantStatus(t, res, "a@az1", policy.StatusOK)
}

func TestUnknownNameIsAnInputError(t *testing.T) {
	p, err := policy.Parse([]byte("version: 1\nallow:\n  - {name: x, from: gatway-pods, to: nlb, port: 443}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = policy.Verify(eval.New(newDesign(false).t.Done()), p, policy.Options{})
	if err == nil || !strings.Contains(err.Error(), `allow "x"`) || !strings.Contains(err.Error(), "gatway-pods") {
		t.Errorf("err = %v", err)
	}
}

func TestReports(t *testing.T) {
	d := newDesign(false)
	d.podSG.Ingress = d.podSG.Ingress[1:]
	res := verify(t, d, designPolicy, nil)
	var b bytes.Buffer
	if err := policy.WriteTable(&b, res); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"FLOW", "VIOLATION", "deciding hop: sg-ingress", "nlb-each-az @az1 (expect allow)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if err := policy.WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	var back policy.Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Violations != res.Violations || len(back.Rows) != len(res.Rows) {
		t.Errorf("JSON round trip: %v, %d violations", err, back.Violations)
	}
}

func TestParseErrors(t *testing.T) {
	base := "version: 1\nallow:\n  - name: x\n    from: a\n    to: b\n    port: 443\n"
	cases := map[string]string{
		"":                                                  "empty policy",
		base + "extra: 1\n":                                 "field extra not found",
		strings.Replace(base, "1", "2", 1):                  "version: must be 1",
		base + "---\nversion: 1\n":                          "more than one YAML document",
		"version: 1\n":                                      "no flows",
		strings.Replace(base, "443", "0", 1):                "port \"0\"",
		strings.Replace(base, "443", "70000", 1):            "port \"70000\"",
		strings.Replace(base, "443", "\"9-3\"", 1):          "port \"9-3\"",
		strings.Replace(base, "    port: 443\n", "", 1):     "port: required",
		strings.Replace(base, "from: a", "from: a@{az}", 1): "for_each_az is not true",
		base + "    for_each_az: true\n":                    "no name uses {az}",
		base + "    proto: icmp\n":                          "proto \"icmp\"",
		base + "    except: [{to: b}]\n":                    "only deny flows",
		base + "    when: {x: [1]}\n":                       "boolean, number or string",
		base + "    from2: a\n":                             "field from2 not found",
		strings.Replace(base, "name: x", "name: X Y", 1):    "name: required",
		base + "  - {name: x, from: a, to: b, port: 1}\n":   "used twice",
		"version: 1\ndeny:\n  - {name: d, from: a, to: b, port: 1, via: [c]}\n":               "only allowed flows name a path",
		"version: 1\naliases: {\"A B\": x}\nallow:\n  - {name: x, from: a, to: b, port: 1}\n": "not a valid alias name",
		"version: 1\nallow:\n  - {name: x, from: a, to: \"b@{zone}\", port: 1}\n":             "the only placeholder is {az}",
	}
	for src, want := range cases {
		_, err := policy.Parse([]byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("policy %q:\nerror %v\nwant %q", src, err, want)
		}
	}
}

func TestPorts(t *testing.T) {
	p, err := policy.Parse([]byte("version: 1\nallow:\n  - {name: x, from: a, to: b, port: [22, \"1000-2000\", any]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ports := p.Allow[0].Port
	if !ports.Any || !ports.Contains(1500) || ports.String() != "any" {
		t.Errorf("ports %+v", ports)
	}
	if policy.ParseFact("true") != true || policy.ParseFact("3") != 3 || policy.ParseFact("x y") != "x y" {
		t.Error("ParseFact")
	}
}

func TestShippedPolicyParses(t *testing.T) {
	p, err := policy.Load("../../../infra/reachability/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Allow) == 0 || len(p.Deny) == 0 {
		t.Errorf("shipped policy: %d allow, %d deny", len(p.Allow), len(p.Deny))
	}
}
