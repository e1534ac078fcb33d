package platformverify

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// checkEndpoint: GET the public endpoint over TLS (TLS 1.2 or newer), verify
// the certificate chain and host name, demand 200 (org-app's anonymous root)
// and a certificate that stays valid for MinCertValidity.
func checkEndpoint(ctx context.Context, v *verifier) (string, []string, error) {
	tr := &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		TLSClientConfig:   &tls.Config{RootCAs: v.cfg.RootCAs, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		Timeout:   v.cfg.HTTPTimeout,
		// A redirect would hide what the endpoint itself serves.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.Endpoint, nil)
	if err != nil {
		return "", nil, fmt.Errorf("endpoint request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "no TLS answer", []string{fmt.Sprintf("GET %s: %v", v.cfg.Endpoint, err)}, nil
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))

	var findings []string
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
		return "no TLS answer", []string{fmt.Sprintf("GET %s: answered without TLS", v.cfg.Endpoint)}, nil
	}
	leaf := resp.TLS.PeerCertificates[0]
	left := time.Until(leaf.NotAfter)
	if left < v.cfg.MinCertValidity {
		findings = append(findings, fmt.Sprintf("certificate %s expires %s (in %s), want at least %s left: renew it (ACM renews DNS-validated certificates by itself; check the validation record)",
			certName(leaf.Subject.CommonName, leaf.DNSNames), leaf.NotAfter.UTC().Format(time.RFC3339), left.Round(time.Minute), v.cfg.MinCertValidity))
	}
	if resp.StatusCode != http.StatusOK {
		findings = append(findings, fmt.Sprintf("GET %s answered %d, want 200 (org-app's anonymous root)", v.cfg.Endpoint, resp.StatusCode))
	}
	summary := fmt.Sprintf("%s answered %d over %s; certificate %s valid until %s",
		v.cfg.Endpoint, resp.StatusCode, tls.VersionName(resp.TLS.Version),
		certName(leaf.Subject.CommonName, leaf.DNSNames), leaf.NotAfter.UTC().Format("2006-01-02"))
	return summary, findings, nil
}

func certName(cn string, dns []string) string {
	if len(dns) > 0 {
		return dns[0]
	}
	if cn != "" {
		return cn
	}
	return "(unnamed)"
}

// checkNLBTargets: every NLB is enabled in every expected AZ and each of its
// target groups has at least one healthy target in every expected AZ, and no
// registered target fails its health check. IP targets in the app VPC are
// registered with availability zone "all" (they live outside the target
// group's VPC), so a target's AZ is the AZ of the subnet holding its address.
func checkNLBTargets(ctx context.Context, v *verifier) (string, []string, error) {
	lbs, err := v.inv.NLBs(ctx)
	if err != nil {
		return "", nil, err
	}
	subnets, err := v.inv.Subnets(ctx)
	if err != nil {
		return "", nil, err
	}
	var findings, summaries []string
	for _, lb := range lbs {
		name := aws.ToString(lb.LoadBalancerName)
		enabled := map[string]bool{}
		for _, z := range lb.AvailabilityZones {
			enabled[aws.ToString(z.ZoneName)] = true
		}
		for _, az := range v.cfg.AZs {
			if !enabled[az] {
				findings = append(findings, fmt.Sprintf("%s: not enabled in %s", name, az))
			}
		}
		var tgs []elbtypes.TargetGroup
		p := elb.NewDescribeTargetGroupsPaginator(v.api.ELB, &elb.DescribeTargetGroupsInput{LoadBalancerArn: lb.LoadBalancerArn})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return "", nil, fmt.Errorf("describe target groups of %s: %w", name, err)
			}
			tgs = append(tgs, page.TargetGroups...)
		}
		if len(tgs) == 0 {
			findings = append(findings, fmt.Sprintf("%s: no target group", name))
			continue
		}
		for _, tg := range tgs {
			tgName := aws.ToString(tg.TargetGroupName)
			out, err := v.api.ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
			if err != nil {
				return "", nil, fmt.Errorf("describe target health of %s: %w", tgName, err)
			}
			healthy := map[string]int{}
			total := 0
			for _, d := range out.TargetHealthDescriptions {
				if d.Target == nil || d.TargetHealth == nil {
					continue
				}
				id := aws.ToString(d.Target.Id)
				az := targetAZ(d.Target, subnets)
				if az == "" {
					findings = append(findings, fmt.Sprintf("%s: target %s is in no subnet of the environment's VPCs", tgName, id))
					continue
				}
				switch d.TargetHealth.State {
				case elbtypes.TargetHealthStateEnumHealthy:
					healthy[az]++
					total++
				case elbtypes.TargetHealthStateEnumUnhealthy:
					findings = append(findings, fmt.Sprintf("%s: target %s in %s is unhealthy (%s)", tgName, id, az, healthReason(d.TargetHealth)))
				}
			}
			for _, az := range v.cfg.AZs {
				if healthy[az] == 0 {
					findings = append(findings, fmt.Sprintf("%s: no healthy target in %s", tgName, az))
				}
			}
			summaries = append(summaries, fmt.Sprintf("%s/%s: %d healthy targets (%s)", name, tgName, total, perAZ(healthy, v.cfg.AZs)))
		}
	}
	return strings.Join(summaries, "; "), findings, nil
}

func healthReason(h *elbtypes.TargetHealth) string {
	if d := aws.ToString(h.Description); d != "" {
		return string(h.Reason) + ": " + d
	}
	return string(h.Reason)
}

// targetAZ is the AZ of a target: its own when it names one, otherwise the AZ
// of the environment subnet holding its IP address.
func targetAZ(t *elbtypes.TargetDescription, subnets []ec2types.Subnet) string {
	if az := aws.ToString(t.AvailabilityZone); az != "" && az != "all" {
		return az
	}
	ip, err := netip.ParseAddr(aws.ToString(t.Id))
	if err != nil {
		return ""
	}
	for _, s := range subnets {
		pfx, err := netip.ParsePrefix(aws.ToString(s.CidrBlock))
		if err == nil && pfx.Contains(ip) {
			return aws.ToString(s.AvailabilityZone)
		}
	}
	return ""
}

// perAZ renders counts as "us-east-1a=2 us-east-1b=1", expected AZs first.
func perAZ(counts map[string]int, azs []string) string {
	keys := slices.Clone(azs)
	var extra []string
	for az := range counts {
		if !slices.Contains(azs, az) {
			extra = append(extra, az)
		}
	}
	sort.Strings(extra)
	keys = append(keys, extra...)
	parts := make([]string, len(keys))
	for i, az := range keys {
		parts[i] = fmt.Sprintf("%s=%d", az, counts[az])
	}
	return strings.Join(parts, " ")
}
