// Package platform installs the cluster add-ons of deploy/platform from the
// regional stack's Terraform outputs: it reads `tofu output -json`, checks
// every output it uses, maps them onto each release's values (repointing
// images to the ECR pull-through cache), and runs kubectl and helm. The same
// outputs give the org-app chart its per-region values (AppValues).
package platform

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Outputs are the regional stack outputs (CONTRACTS.md) the platform uses.
type Outputs struct {
	Region              string
	ClusterName         string
	ClusterEndpoint     string
	ClusterCAData       string // base64 PEM, as EKS reports it
	AppVPCID            string
	LBVPCID             string
	TargetGroupARN      string
	NLBDNSName          string
	AppLogGroup         string
	MetricsLogGroup     string
	CanaryLogGroup      string
	AppSecretARN        string
	ECRRepositoryURL    string
	PullThroughPrefixes map[string]string // prefix (ecr-public, k8s, ghcr) -> upstream registry or image prefix
	VPCEndpointCIDRs    []string
	GatewayPort         int
}

// The pull-through cache prefixes of CONTRACTS.md, by upstream registry.
const (
	PrefixECRPublic = "ecr-public" // public.ecr.aws
	PrefixK8s       = "k8s"        // registry.k8s.io
	PrefixGHCR      = "ghcr"       // ghcr.io
)

// Upstreams maps each pull-through prefix to its upstream registry.
var Upstreams = map[string]string{PrefixECRPublic: "public.ecr.aws", PrefixK8s: "registry.k8s.io", PrefixGHCR: "ghcr.io"}

var (
	regionRE   = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
	clusterRE  = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
	vpcRE      = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	tgARNRE    = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):[0-9]{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)
	secretRE   = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	ecrRE      = regexp.MustCompile(`^([0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?)/([a-z0-9._/-]+)$`)
	logGroupRE = regexp.MustCompile(`^/org-app/[A-Za-z0-9_.-]+/(app|metrics|canary)$`)
)

// ParseOutputs reads `tofu output -json` and checks every value the
// platform uses; each problem names the output and what is expected.
func ParseOutputs(data []byte) (*Outputs, error) {
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("platform: outputs are not `tofu output -json`: %w", err)
	}
	// The live roots (infra/live/ENV/REGION) output the whole regional stack
	// as one object, `stack`; the stack itself outputs each value.
	if stack, ok := raw["stack"]; ok {
		if _, flat := raw["region"]; !flat {
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(stack.Value, &fields); err != nil {
				return nil, fmt.Errorf("platform: output stack is not an object of the regional stack's outputs: %w", err)
			}
			clear(raw)
			for k, v := range fields {
				raw[k] = struct {
					Value json.RawMessage `json:"value"`
				}{v}
			}
		}
	}
	var problems []string
	str := func(name string, re *regexp.Regexp, want string) string {
		r, ok := raw[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: missing (the regional stack must output it)", name))
			return ""
		}
		var s string
		if err := json.Unmarshal(r.Value, &s); err != nil {
			problems = append(problems, fmt.Sprintf("%s: must be a string, got %s", name, r.Value))
			return ""
		}
		if re != nil && !re.MatchString(s) {
			problems = append(problems, fmt.Sprintf("%s: must be %s, got %q", name, want, s))
		}
		return s
	}
	o := &Outputs{
		Region:           str("region", regionRE, "an AWS region such as us-east-1"),
		ClusterName:      str("cluster_name", clusterRE, "an EKS cluster name"),
		ClusterEndpoint:  str("cluster_endpoint", regexp.MustCompile(`^https://`), "an https URL"),
		ClusterCAData:    str("cluster_certificate_authority_data", regexp.MustCompile(`^[A-Za-z0-9+/=]{20,}$`), "base64 PEM"),
		AppVPCID:         str("app_vpc_id", vpcRE, "a VPC id (vpc-...)"),
		LBVPCID:          str("lb_vpc_id", vpcRE, "a VPC id (vpc-...)"),
		TargetGroupARN:   str("target_group_arn", tgARNRE, "a target group ARN"),
		NLBDNSName:       str("nlb_dns_name", regexp.MustCompile(`^[a-z0-9.-]+\.elb\.[a-z0-9-]+\.amazonaws\.com$`), "an NLB DNS name"),
		AppLogGroup:      str("app_log_group_name", logGroupRE, "/org-app/<name>/app"),
		MetricsLogGroup:  str("metrics_log_group_name", logGroupRE, "/org-app/<name>/metrics"),
		CanaryLogGroup:   str("canary_log_group_name", logGroupRE, "/org-app/<name>/canary"),
		AppSecretARN:     str("app_secret_arn", secretRE, "a Secrets Manager secret ARN"),
		ECRRepositoryURL: str("ecr_repository_url", ecrRE, "<account>.dkr.ecr.<region>.amazonaws.com/<repository>"),
	}
	if r, ok := raw["ecr_pull_through_prefixes"]; !ok {
		problems = append(problems, "ecr_pull_through_prefixes: missing (the regional stack must output it)")
	} else if err := json.Unmarshal(r.Value, &o.PullThroughPrefixes); err != nil {
		problems = append(problems, fmt.Sprintf("ecr_pull_through_prefixes: must be a map of strings, got %s", r.Value))
	}
	if r, ok := raw["vpc_endpoint_cidrs"]; !ok {
		problems = append(problems, "vpc_endpoint_cidrs: missing (the regional stack must output it)")
	} else if err := json.Unmarshal(r.Value, &o.VPCEndpointCIDRs); err != nil {
		problems = append(problems, fmt.Sprintf("vpc_endpoint_cidrs: must be a list of CIDRs, got %s", r.Value))
	} else {
		if len(o.VPCEndpointCIDRs) == 0 {
			problems = append(problems, "vpc_endpoint_cidrs: empty: the pods' only way to AWS APIs is the interface endpoints")
		}
		for _, c := range o.VPCEndpointCIDRs {
			if p, err := netip.ParsePrefix(c); err != nil || !p.Addr().Is4() || p.Masked() != p {
				problems = append(problems, fmt.Sprintf("vpc_endpoint_cidrs: %q is not an IPv4 network such as 10.0.32.0/24", c))
			}
		}
		sort.Strings(o.VPCEndpointCIDRs)
	}
	if r, ok := raw["gateway_port"]; !ok {
		problems = append(problems, "gateway_port: missing (the regional stack must output it)")
	} else if err := json.Unmarshal(r.Value, &o.GatewayPort); err != nil || o.GatewayPort < 1 || o.GatewayPort > 65535 {
		problems = append(problems, fmt.Sprintf("gateway_port: must be a port number, got %s", r.Value))
	}
	if m := ecrRE.FindStringSubmatch(o.ECRRepositoryURL); m != nil && o.Region != "" && m[2] != o.Region {
		problems = append(problems, fmt.Sprintf("ecr_repository_url: in region %s, but region is %s (images must come from this region's registry)", m[2], o.Region))
	}
	for name, arn := range map[string]string{"target_group_arn": o.TargetGroupARN} {
		if m := tgARNRE.FindStringSubmatch(arn); m != nil && o.Region != "" && m[1] != o.Region {
			problems = append(problems, fmt.Sprintf("%s: in region %s, but region is %s", name, m[1], o.Region))
		}
	}
	if o.AppVPCID != "" && o.AppVPCID == o.LBVPCID {
		problems = append(problems, "lb_vpc_id: equals app_vpc_id, but the NLB's target group lives in the LB VPC and the pods in the app VPC")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("platform: the stack outputs are not usable:\n  %s", strings.Join(problems, "\n  "))
	}
	return o, nil
}

// Registry is the ECR registry host of ecr_repository_url.
func (o *Outputs) Registry() string {
	m := ecrRE.FindStringSubmatch(o.ECRRepositoryURL)
	if m == nil {
		return ""
	}
	return m[1]
}

// ImagePrefix is where the images of the upstream registry behind prefix
// (ecr-public, k8s, ghcr) are pulled from in this region: the registry's
// pull-through cache repository namespace. ecr_pull_through_prefixes may be
// keyed by the upstream registry (the regional stack: "ghcr.io" =>
// "<registry>/ghcr") or by the prefix (the registry module: "ghcr" =>
// "ghcr.io"); a value is the full image prefix or the upstream registry.
func (o *Outputs) ImagePrefix(prefix string) (string, error) {
	upstream := Upstreams[prefix]
	v, ok := o.PullThroughPrefixes[upstream]
	if !ok {
		v, ok = o.PullThroughPrefixes[prefix]
	}
	if !ok {
		have := make([]string, 0, len(o.PullThroughPrefixes))
		for k := range o.PullThroughPrefixes {
			have = append(have, k)
		}
		slices.Sort(have)
		return "", fmt.Errorf("platform: ecr_pull_through_prefixes has no entry for %s (%q; has %s): the add-ons' images from %s are pulled through it; enable that pull-through cache rule in the registry module",
			upstream, prefix, strings.Join(have, ", "), upstream)
	}
	if strings.Contains(v, ".dkr.ecr.") {
		if !strings.HasPrefix(v, o.Registry()+"/") {
			return "", fmt.Errorf("platform: ecr_pull_through_prefixes[%s] = %q is not in this region's registry %s", upstream, v, o.Registry())
		}
		return strings.TrimSuffix(v, "/"), nil
	}
	if strings.TrimSuffix(strings.TrimPrefix(v, "https://"), "/") != upstream {
		return "", fmt.Errorf("platform: ecr_pull_through_prefixes[%s] = %q, want the upstream %s or an image prefix in %s", prefix, v, upstream, o.Registry())
	}
	return o.Registry() + "/" + prefix, nil
}
