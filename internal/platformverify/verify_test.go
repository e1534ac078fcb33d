package platformverify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/platformverify"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/platformverify/awsfake"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/testpki"
)

// env is one recorded environment: fake AWS APIs answering from
// testdata/aws (prod, us-east-1, three AZs, everything as designed) and an
// HTTPS endpoint with a certificate from a test CA.
type env struct {
	fake    *awsfake.Server
	clients platformverify.Clients
	cfg     platformverify.Config
	status  int // what the endpoint answers
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{fake: awsfake.New(t, "testdata/aws"), status: http.StatusOK}
	// The SDK's default retryer stays on, as in production: recorded errors
	// (4xx) are not retried, and a transient loopback hiccup is.
	awsCfg := aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}
	e.clients = platformverify.Clients{
		EC2: ec2.NewFromConfig(awsCfg, func(o *ec2.Options) { o.BaseEndpoint = aws.String(e.fake.URL(awsfake.EC2)) }),
		ELB: elb.NewFromConfig(awsCfg, func(o *elb.Options) { o.BaseEndpoint = aws.String(e.fake.URL(awsfake.ELBv2)) }),
		EKS: eks.NewFromConfig(awsCfg, func(o *eks.Options) { o.BaseEndpoint = aws.String(e.fake.URL(awsfake.EKS)) }),
	}

	ca := testpki.NewCA(t, "platform-verify test CA")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(e.status)
		_, _ = w.Write([]byte(`{"name":"org-app"}`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server(t, "localhost").TLS}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	e.cfg = platformverify.Config{
		Region:          "us-east-1",
		Env:             "prod",
		Name:            "org-app-prod-use1",
		AZs:             []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		Endpoint:        strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/",
		MinCertValidity: time.Hour, // the test certificate lives 24 h
		RootCAs:         ca.Pool(),
		HTTPTimeout:     5 * time.Second,
	}
	return e
}

func (e *env) run(t *testing.T) *platformverify.Report {
	t.Helper()
	rep, err := platformverify.Run(context.Background(), e.cfg, e.clients)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := len(rep.Results), len(platformverify.Checks()); got != want {
		t.Fatalf("%d results, want %d", got, want)
	}
	return rep
}

func result(t *testing.T, rep *platformverify.Report, id string) platformverify.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no result for check %s", id)
	return platformverify.Result{}
}

func dump(rep *platformverify.Report) string {
	var b bytes.Buffer
	_ = rep.WriteText(&b)
	return b.String()
}

func TestHealthyEnvironmentPasses(t *testing.T) {
	e := newEnv(t)
	rep := e.run(t)
	if !rep.Passed() {
		t.Fatalf("want every check to pass:\n%s", dump(rep))
	}
	// The summaries prove the recordings were read, not just found empty.
	for id, want := range map[string]string{
		"endpoint-tls":         "answered 200 over TLS 1.3",
		"nlb-targets":          "3 healthy targets (us-east-1a=1 us-east-1b=1 us-east-1c=1)",
		"eks-endpoint-private": "cluster org-app-prod-use1 (Kubernetes 1.35, ACTIVE): public=false private=true",
		"nodes-per-az":         "3 running nodes of org-app-prod-use1 (us-east-1a=1 us-east-1b=1 us-east-1c=1)",
		"sg-world-ingress":     "5 security groups in 3 VPCs; tcp 443 from the internet on the NLB's: sg-0e1b00000000000a1",
		"flow-logs":            "3 VPCs checked",
		"app-vpc-egress":       "app VPC vpc-0c33c0ffee0000003, egress off: 3 route tables, 0 default routes",
		"imdsv2":               "7 instances, 7 require IMDSv2",
	} {
		if got := result(t, rep, id).Summary; !strings.Contains(got, want) {
			t.Errorf("%s summary = %q, want it to contain %q", id, got, want)
		}
	}
}

func TestDiscoveryAsksForTheEnvironmentOnly(t *testing.T) {
	e := newEnv(t)
	e.run(t)

	// Loopback under the race detector now and then breaks a connection and
	// the SDK retries, so count distinct calls rather than requests.
	vpcs := distinct(e.fake.Requests(awsfake.EC2, "DescribeVpcs"))
	if len(vpcs) != 1 {
		t.Fatalf("DescribeVpcs asked %d different things, want one call (memoised): %v", len(vpcs), vpcs)
	}
	p := vpcs[0].Params
	if p.Get("Filter.1.Name") != "tag:env" || p.Get("Filter.1.Value.1") != "prod" ||
		p.Get("Filter.2.Name") != "tag:region" || p.Get("Filter.2.Value.1") != "us-east-1" {
		t.Errorf("DescribeVpcs filters = %v, want tag:env=prod and tag:region=us-east-1", p)
	}

	inst := distinct(e.fake.Requests(awsfake.EC2, "DescribeInstances"))
	if len(inst) != 2 || inst[0].Params.Get("NextToken") != "" || inst[1].Params.Get("NextToken") != "page2" {
		t.Fatalf("DescribeInstances requests = %v, want page 1 then NextToken=page2", inst)
	}
	for _, k := range []string{"Filter.1.Value.1", "Filter.1.Value.2", "Filter.1.Value.3"} {
		if !strings.HasPrefix(inst[0].Params.Get(k), "vpc-") {
			t.Errorf("DescribeInstances %s = %q, want the three VPC ids", k, inst[0].Params.Get(k))
		}
	}

	// --name filters clusters before describing them.
	if got := e.fake.Requests(awsfake.EKS, "GET /clusters/another-team"); len(got) != 0 {
		t.Errorf("described another-team's cluster %d times; its name lacks the prefix", len(got))
	}
}

// distinct drops repeated requests (SDK retries), keeping the first of each.
func distinct(reqs []awsfake.Request) []awsfake.Request {
	seen := map[string]bool{}
	var out []awsfake.Request
	for _, r := range reqs {
		if k := r.Params.Encode(); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

func TestClusterFoundByTagsWithoutName(t *testing.T) {
	e := newEnv(t)
	e.cfg.Name = ""
	rep := e.run(t)
	if !rep.Passed() {
		t.Fatalf("want pass:\n%s", dump(rep))
	}
	if got := e.fake.Requests(awsfake.EKS, "GET /clusters/another-team"); len(got) == 0 {
		t.Errorf("another-team never described; without --name every cluster is described, then filtered by its tags")
	}
}

// Each recorded fault fails exactly its check, with findings naming it.
func TestEachFaultFailsItsCheck(t *testing.T) {
	cases := []struct {
		name      string
		overrides [][3]string // service, recording, replacement
		mutate    func(*env)
		check     string
		findings  []string
	}{
		{
			name:     "endpoint certificate not trusted",
			mutate:   func(e *env) { e.cfg.RootCAs = nil },
			check:    "endpoint-tls",
			findings: []string{"certificate signed by unknown authority"},
		},
		{
			name:     "endpoint certificate expires too soon",
			mutate:   func(e *env) { e.cfg.MinCertValidity = 14 * 24 * time.Hour },
			check:    "endpoint-tls",
			findings: []string{"certificate localhost expires", "want at least 336h0m0s left"},
		},
		{
			name:     "endpoint answers 503",
			mutate:   func(e *env) { e.status = http.StatusServiceUnavailable },
			check:    "endpoint-tls",
			findings: []string{"answered 503, want 200"},
		},
		{
			name:      "NLB missing an AZ",
			overrides: [][3]string{{awsfake.ELBv2, "DescribeLoadBalancers", "failing/DescribeLoadBalancers.two-azs.xml"}},
			check:     "nlb-targets",
			findings:  []string{"org-app-prod-use1: not enabled in us-east-1c"},
		},
		{
			name:      "targets unhealthy, missing or stray",
			overrides: [][3]string{{awsfake.ELBv2, "DescribeTargetHealth", "failing/DescribeTargetHealth.unhealthy.xml"}},
			check:     "nlb-targets",
			findings: []string{
				"org-app-prod-use1-gw: target 10.30.70.21 in us-east-1c is unhealthy (Target.FailedHealthChecks: Health checks failed)",
				"org-app-prod-use1-gw: target 10.99.0.9 is in no subnet of the environment's VPCs",
				"org-app-prod-use1-gw: no healthy target in us-east-1b",
				"org-app-prod-use1-gw: no healthy target in us-east-1c",
			},
		},
		{
			name:      "EKS public endpoint",
			overrides: [][3]string{{awsfake.EKS, "clusters/org-app-prod-use1", "failing/eks-cluster.public.json"}},
			check:     "eks-endpoint-private",
			findings:  []string{"public endpoint enabled (public access CIDRs: 0.0.0.0/0)", "private endpoint disabled"},
		},
		{
			name:      "no node in one AZ",
			overrides: [][3]string{{awsfake.EC2, "DescribeInstances", "failing/DescribeInstances.no-node-in-c.xml"}},
			check:     "nodes-per-az",
			findings:  []string{"no running node of org-app-prod-use1 in us-east-1c"},
		},
		{
			name:      "security groups open to the world",
			overrides: [][3]string{{awsfake.EC2, "DescribeSecurityGroups", "failing/DescribeSecurityGroups.world-open.xml"}},
			check:     "sg-world-ingress",
			findings: []string{
				"sg-0e1b00000000000b2 (org-app-prod-use1-bastion, vpc-0a11c0ffee0000001) admits 0.0.0.0/0 on tcp 22: not the NLB's",
				"sg-0e1b00000000000a1 (org-app-prod-use1-nlb, vpc-0b22c0ffee0000002) admits ::/0 on tcp 80: the NLB's, but only tcp 443 may be open",
			},
		},
		{
			name:      "flow logs missing or partial",
			overrides: [][3]string{{awsfake.EC2, "DescribeFlowLogs", "failing/DescribeFlowLogs.app-missing-lb-reject.xml"}},
			check:     "flow-logs",
			findings: []string{
				"vpc-0c33c0ffee0000003 (org-app-prod-use1-app): no flow log",
				"vpc-0b22c0ffee0000002 (org-app-prod-use1-lb): no active flow log of ALL traffic that delivers (fl-0f10000000000b002 status=ACTIVE traffic=REJECT delivery=SUCCESS)",
			},
		},
		{
			name:      "internet gateway on the app VPC",
			overrides: [][3]string{{awsfake.EC2, "DescribeInternetGateways", "failing/DescribeInternetGateways.attached-to-app.xml"}},
			check:     "app-vpc-egress",
			findings:  []string{"internet gateway igw-0a9c00000000000a1 is attached to the app VPC vpc-0c33c0ffee0000003"},
		},
		{
			name:      "default route while egress is off",
			overrides: [][3]string{{awsfake.EC2, "DescribeRouteTables", "failing/DescribeRouteTables.default-to-tgw.xml"}},
			check:     "app-vpc-egress",
			findings:  []string{"rtb-0a7000000000000a1 routes 0.0.0.0/0 to tgw-0d7a00000000000a1, but app_internet_egress is off"},
		},
		{
			name:      "egress on, but a default route skips the Transit Gateway",
			overrides: [][3]string{{awsfake.EC2, "DescribeRouteTables", "failing/DescribeRouteTables.default-to-nat.xml"}},
			mutate:    func(e *env) { e.cfg.AppInternetEgress = true },
			check:     "app-vpc-egress",
			findings:  []string{"rtb-0a7000000000000b1 routes 0.0.0.0/0 to nat-0a8b00000000000b1; egress must go through the Transit Gateway"},
		},
		{
			name:      "an instance allows IMDSv1",
			overrides: [][3]string{{awsfake.EC2, "DescribeInstances.page2", "failing/DescribeInstances.page2.imdsv1.xml"}},
			check:     "imdsv2",
			findings:  []string{"i-0c7e000000000a001 (org-app-prod-use1-jump-host, us-east-1a): IMDSv1 allowed (http tokens optional)"},
		},
		{
			name:      "API denies a call",
			overrides: [][3]string{{awsfake.EC2, "DescribeSecurityGroups", "failing/ec2-unauthorized.xml"}},
			check:     "sg-world-ingress",
			findings:  []string{"could not check: describe security groups:", "UnauthorizedOperation"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			for _, o := range tc.overrides {
				e.fake.Override(o[0], o[1], o[2])
			}
			if tc.mutate != nil {
				tc.mutate(e)
			}
			rep := e.run(t)
			if rep.Passed() {
				t.Fatalf("report passed, want %s to fail:\n%s", tc.check, dump(rep))
			}
			for _, r := range rep.Results {
				if r.ID != tc.check && r.Status != platformverify.Pass {
					t.Errorf("%s failed too (%s %v); only %s should", r.ID, r.Summary, r.Findings, tc.check)
				}
			}
			got := result(t, rep, tc.check)
			if got.Status != platformverify.Fail {
				t.Fatalf("%s = %s, want FAIL", tc.check, got.Status)
			}
			text := got.Summary + "\n" + strings.Join(got.Findings, "\n")
			for _, f := range tc.findings {
				if !strings.Contains(text, f) {
					t.Errorf("%s output lacks %q:\n%s", tc.check, f, text)
				}
			}
		})
	}
}

func TestEgressOnAllowsDefaultRouteToTransitGateway(t *testing.T) {
	e := newEnv(t)
	e.fake.Override(awsfake.EC2, "DescribeRouteTables", "failing/DescribeRouteTables.default-to-tgw.xml")
	e.cfg.AppInternetEgress = true
	rep := e.run(t)
	if !rep.Passed() {
		t.Fatalf("want pass with egress on and default routes to the TGW:\n%s", dump(rep))
	}
	if got := result(t, rep, "app-vpc-egress").Summary; !strings.Contains(got, "3 default routes") {
		t.Errorf("summary %q, want it to count 3 default routes", got)
	}
}

// Checks that depend on a resource the tool cannot find fail with the
// reason; they never pass on an empty answer.
func TestMissingResourcesFailTheirChecks(t *testing.T) {
	t.Run("no app VPC", func(t *testing.T) {
		e := newEnv(t)
		e.fake.Override(awsfake.EC2, "DescribeVpcs", "failing/DescribeVpcs.no-app.xml")
		rep := e.run(t)
		for _, r := range rep.Results {
			if r.ID == "endpoint-tls" {
				if r.Status != platformverify.Pass {
					t.Errorf("endpoint-tls needs no VPC, got %s", r.Status)
				}
				continue
			}
			if r.Status != platformverify.Fail || !strings.Contains(r.Summary, "no VPC tagged env=prod region=us-east-1 network/role=app") {
				t.Errorf("%s = %s %q, want FAIL naming the missing app VPC", r.ID, r.Status, r.Summary)
			}
		}
	})
	t.Run("another stack's name", func(t *testing.T) {
		e := newEnv(t)
		e.cfg.Name = "org-app-prod-use2"
		rep := e.run(t)
		if got := result(t, rep, "flow-logs"); got.Status != platformverify.Fail || !strings.Contains(got.Summary, "named org-app-prod-use2*") {
			t.Errorf("flow-logs = %s %q, want FAIL naming the prefix", got.Status, got.Summary)
		}
	})
	t.Run("named cluster absent", func(t *testing.T) {
		e := newEnv(t)
		e.cfg.Cluster = "org-app-prod-use1"
		e.fake.Override(awsfake.EKS, "clusters/org-app-prod-use1", "failing/eks-not-found.json")
		rep := e.run(t)
		for _, id := range []string{"eks-endpoint-private", "nodes-per-az"} {
			got := result(t, rep, id)
			if got.Status != platformverify.Fail || !strings.Contains(got.Summary, "ResourceNotFoundException") {
				t.Errorf("%s = %s %q, want FAIL with the API error", id, got.Status, got.Summary)
			}
		}
	})
	t.Run("no instances", func(t *testing.T) {
		e := newEnv(t)
		e.fake.Override(awsfake.EC2, "DescribeInstances", "failing/DescribeInstances.empty.xml")
		rep := e.run(t)
		got := result(t, rep, "imdsv2")
		if got.Status != platformverify.Fail || !strings.Contains(strings.Join(got.Findings, ""), "no instance in the environment's VPCs") {
			t.Errorf("imdsv2 = %s %v, want FAIL: no instances", got.Status, got.Findings)
		}
	})
}

func TestConfigValidation(t *testing.T) {
	good := func() platformverify.Config {
		return platformverify.Config{
			Region: "us-west-2", Env: "prod", AZs: []string{"us-west-2a", "us-west-2b"},
			Endpoint: "https://api.example.com/", MinCertValidity: time.Hour, HTTPTimeout: time.Second,
		}
	}
	if err := (func() *platformverify.Config { c := good(); return &c })().Validate(); err != nil {
		t.Fatalf("good config rejected: %v", err)
	}
	for _, tc := range []struct {
		mutate func(*platformverify.Config)
		want   string
	}{
		{func(c *platformverify.Config) { c.Region = "useast1" }, `region "useast1": want an AWS region name`},
		{func(c *platformverify.Config) { c.Env = "" }, `env "": want the environment's env tag value`},
		{func(c *platformverify.Config) { c.Name = "bad name" }, `name "bad name": want a resource name prefix`},
		{func(c *platformverify.Config) { c.Cluster = "a/b" }, `cluster "a/b": want an EKS cluster name`},
		{func(c *platformverify.Config) { c.AZs = nil }, "azs: want at least one availability zone"},
		{func(c *platformverify.Config) { c.AZs = []string{"us-east-1a"} }, `azs: "us-east-1a" is not an availability zone of us-west-2`},
		{func(c *platformverify.Config) { c.AZs = []string{"us-west-2a", "us-west-2a"} }, `azs: "us-west-2a" is listed twice`},
		{func(c *platformverify.Config) { c.Endpoint = "http://api.example.com/" }, "want an https URL"},
		{func(c *platformverify.Config) { c.Endpoint = "https://user:pw@api.example.com/" }, "want an https URL"},
		{func(c *platformverify.Config) { c.MinCertValidity = -time.Second }, "want zero or more"},
		{func(c *platformverify.Config) { c.HTTPTimeout = 0 }, "want more than zero"},
	} {
		c := good()
		tc.mutate(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate() = %v, want an error containing %q", err, tc.want)
		}
	}
	if _, err := platformverify.Run(context.Background(), good(), platformverify.Clients{}); err == nil || !strings.Contains(err.Error(), "clients are all required") {
		t.Errorf("Run without clients = %v, want an error", err)
	}
}

func TestReportFormats(t *testing.T) {
	e := newEnv(t)
	e.fake.Override(awsfake.EC2, "DescribeSecurityGroups", "failing/DescribeSecurityGroups.world-open.xml")
	rep := e.run(t)

	text := dump(rep)
	for _, want := range []string{
		"platform-verify: env prod, region us-east-1\n",
		"CHECK                 RESULT  DETAIL\n",
		"sg-world-ingress      FAIL    5 security groups in 3 VPCs",
		"\n                              - sg-0e1b00000000000b2 (org-app-prod-use1-bastion",
		"imdsv2                PASS    7 instances",
		"FAIL: 7 of 8 checks passed\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}

	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Passed  bool `json:"passed"`
		Results []struct {
			ID       string   `json:"id"`
			Status   string   `json:"status"`
			Findings []string `json:"findings"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, b.String())
	}
	if doc.Passed || len(doc.Results) != 8 || doc.Results[4].ID != "sg-world-ingress" || doc.Results[4].Status != "FAIL" || len(doc.Results[4].Findings) != 2 {
		t.Errorf("JSON report = %+v, want passed=false and sg-world-ingress FAIL with 2 findings", doc)
	}
}
