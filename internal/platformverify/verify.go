// Package platformverify checks a deployed environment the way InSpec or
// Serverspec would: it reads the live AWS resources of one environment in one
// region through the AWS APIs, probes the public endpoint over TLS, and
// reports one pass/fail verdict per invariant of the design:
//
//   - the public endpoint answers over TLS with a valid certificate;
//   - the NLB spans every AZ and has a healthy target in each;
//   - the EKS API endpoint is private only;
//   - EKS nodes run in every AZ;
//   - no security group admits 0.0.0.0/0 (or ::/0) except the NLB's on 443;
//   - every VPC has an active flow log of all traffic;
//   - the app VPC has no internet gateway and no default route (with
//     app_internet_egress, the default route leads only to the Transit Gateway);
//   - every instance requires IMDSv2.
//
// Resources are found by the tags every live root sets through default_tags
// (env, region) and the network module's "network/role" VPC tag, so the tool
// needs no state file and sees what is really there.
package platformverify

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Config says which environment to check and what to expect of it.
type Config struct {
	// Region is the AWS region of the environment, e.g. us-east-1.
	Region string
	// Env is the value of the "env" tag (dev, staging, prod).
	Env string
	// Name, when set, is the resource name prefix of the stack (e.g.
	// org-app-prod-use1): VPC Name tags, the NLB name and the cluster name must
	// start with it. It tells two stacks of one env and region apart.
	Name string
	// Cluster is the EKS cluster name; empty means: the one cluster tagged with
	// env and region.
	Cluster string
	// AZs are the availability zones the environment must span.
	AZs []string
	// AppInternetEgress mirrors the stack's app_internet_egress input: when
	// true the app VPC may have a default route, but only to the Transit Gateway.
	AppInternetEgress bool
	// Endpoint is the public HTTPS URL of the service in this region.
	Endpoint string
	// MinCertValidity is how long the endpoint's certificate must still be
	// valid; a certificate expiring sooner fails the check.
	MinCertValidity time.Duration
	// RootCAs verifies the endpoint's certificate; nil means the system roots.
	RootCAs *x509.CertPool
	// HTTPTimeout bounds the endpoint probe.
	HTTPTimeout time.Duration
}

var (
	regionRE = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	tagRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
)

// Validate reports the first problem of the configuration as an error that
// names the setting and what is allowed.
func (c *Config) Validate() error {
	if !regionRE.MatchString(c.Region) {
		return fmt.Errorf("region %q: want an AWS region name such as us-east-1", c.Region)
	}
	if !tagRE.MatchString(c.Env) {
		return fmt.Errorf("env %q: want the environment's env tag value (letters, digits, '.', '_', '-'), e.g. prod", c.Env)
	}
	if c.Name != "" && !tagRE.MatchString(c.Name) {
		return fmt.Errorf("name %q: want a resource name prefix (letters, digits, '.', '_', '-'), e.g. org-app-prod-use1", c.Name)
	}
	if c.Cluster != "" && !tagRE.MatchString(c.Cluster) {
		return fmt.Errorf("cluster %q: want an EKS cluster name (letters, digits, '.', '_', '-')", c.Cluster)
	}
	if len(c.AZs) == 0 {
		return errors.New("azs: want at least one availability zone of the region, e.g. us-east-1a,us-east-1b")
	}
	seen := map[string]bool{}
	for _, az := range c.AZs {
		suffix, ok := strings.CutPrefix(az, c.Region)
		if !ok || len(suffix) != 1 || suffix[0] < 'a' || suffix[0] > 'z' {
			return fmt.Errorf("azs: %q is not an availability zone of %s (want e.g. %sa)", az, c.Region, c.Region)
		}
		if seen[az] {
			return fmt.Errorf("azs: %q is listed twice", az)
		}
		seen[az] = true
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("endpoint %q: want an https URL of the service, e.g. https://api.example.com/", c.Endpoint)
	}
	if c.MinCertValidity < 0 {
		return fmt.Errorf("minimum certificate validity %s: want zero or more", c.MinCertValidity)
	}
	if c.HTTPTimeout <= 0 {
		return fmt.Errorf("HTTP timeout %s: want more than zero", c.HTTPTimeout)
	}
	return nil
}

// Status is the verdict of one check.
type Status string

// The verdicts. A check that cannot be evaluated (an API error, a resource
// that cannot be found) fails: the tool never passes what it could not see.
const (
	Pass Status = "PASS"
	Fail Status = "FAIL"
)

// Result is the outcome of one check.
type Result struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Status      Status   `json:"status"`
	Summary     string   `json:"summary"`
	Findings    []string `json:"findings,omitempty"`
}

// Report is the outcome of every check.
type Report struct {
	Region  string   `json:"region"`
	Env     string   `json:"env"`
	Results []Result `json:"results"`
}

// Passed reports whether every check passed.
func (r *Report) Passed() bool {
	for _, res := range r.Results {
		if res.Status != Pass {
			return false
		}
	}
	return len(r.Results) > 0
}

// check is one invariant. run returns a summary line and the findings that
// break the invariant (none means pass), or an error when it could not look.
type check struct {
	id, description string
	run             func(ctx context.Context, v *verifier) (summary string, findings []string, err error)
}

// Checks lists the check ids in the order they run.
func Checks() []string {
	ids := make([]string, len(checks))
	for i, c := range checks {
		ids[i] = c.id
	}
	return ids
}

var checks = []check{
	{"endpoint-tls", "endpoint answers over TLS with a valid certificate", checkEndpoint},
	{"nlb-targets", "NLB spans every AZ with a healthy target in each", checkNLBTargets},
	{"eks-endpoint-private", "EKS API endpoint is private only", checkEKSEndpoint},
	{"nodes-per-az", "EKS nodes run in every AZ", checkNodesPerAZ},
	{"sg-world-ingress", "no security group admits 0.0.0.0/0 except the NLB on 443", checkWorldIngress},
	{"flow-logs", "every VPC has an active flow log of all traffic", checkFlowLogs},
	{"app-vpc-egress", "app VPC has no internet gateway and no default route unless egress is on", checkAppEgress},
	{"imdsv2", "every instance requires IMDSv2", checkIMDSv2},
}

// Run validates cfg and runs every check against the environment through
// the given API clients.
func Run(ctx context.Context, cfg Config, api Clients) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if api.EC2 == nil || api.ELB == nil || api.EKS == nil {
		return nil, errors.New("platformverify: the EC2, ELBv2 and EKS clients are all required")
	}
	v := &verifier{cfg: cfg, api: api, inv: newInventory(cfg, api)}
	rep := &Report{Region: cfg.Region, Env: cfg.Env}
	for _, c := range checks {
		res := Result{ID: c.id, Description: c.description}
		summary, findings, err := c.run(ctx, v)
		switch {
		case err != nil:
			res.Status, res.Summary = Fail, "could not check: "+err.Error()
		case len(findings) > 0:
			res.Status, res.Summary, res.Findings = Fail, summary, findings
		default:
			res.Status, res.Summary = Pass, summary
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// verifier carries what every check needs.
type verifier struct {
	cfg Config
	api Clients
	inv *inventory
}
