package platformverify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const (
	anyIPv4 = "0.0.0.0/0"
	anyIPv6 = "::/0"
)

// checkWorldIngress: the only ingress rule open to the internet is TCP 443 on
// a security group of the NLB. Egress rules are out of scope here (the
// reachability proof covers them).
func checkWorldIngress(ctx context.Context, v *verifier) (string, []string, error) {
	vpcs, err := v.inv.VPCs(ctx)
	if err != nil {
		return "", nil, err
	}
	lbs, err := v.inv.NLBs(ctx)
	if err != nil {
		return "", nil, err
	}
	nlbSG := map[string]bool{}
	for _, lb := range lbs {
		for _, sg := range lb.SecurityGroups {
			nlbSG[sg] = true
		}
	}
	var findings, open []string
	n := 0
	p := ec2.NewDescribeSecurityGroupsPaginator(v.api.EC2, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{filter("vpc-id", vpcs.ids()...)}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("describe security groups: %w", err)
		}
		for _, sg := range page.SecurityGroups {
			if !slices.Contains(vpcs.ids(), aws.ToString(sg.VpcId)) {
				continue
			}
			n++
			id := aws.ToString(sg.GroupId)
			for _, perm := range sg.IpPermissions {
				world := worldRanges(perm)
				if len(world) == 0 {
					continue
				}
				if nlbSG[id] && aws.ToString(perm.IpProtocol) == "tcp" && aws.ToInt32(perm.FromPort) == 443 && aws.ToInt32(perm.ToPort) == 443 {
					open = append(open, id)
					continue
				}
				where := "not the NLB's"
				if nlbSG[id] {
					where = "the NLB's, but only tcp 443 may be open"
				}
				findings = append(findings, fmt.Sprintf("%s (%s, %s) admits %s on %s: %s",
					id, aws.ToString(sg.GroupName), aws.ToString(sg.VpcId), strings.Join(world, " and "), portRange(perm), where))
			}
		}
	}
	summary := fmt.Sprintf("%d security groups in %d VPCs", n, len(vpcs.all))
	if len(open) > 0 {
		slices.Sort(open)
		summary += "; tcp 443 from the internet on the NLB's: " + strings.Join(slices.Compact(open), ", ")
	}
	return summary, findings, nil
}

func worldRanges(p ec2types.IpPermission) []string {
	var out []string
	for _, r := range p.IpRanges {
		if aws.ToString(r.CidrIp) == anyIPv4 {
			out = append(out, anyIPv4)
		}
	}
	for _, r := range p.Ipv6Ranges {
		if aws.ToString(r.CidrIpv6) == anyIPv6 {
			out = append(out, anyIPv6)
		}
	}
	return out
}

func portRange(p ec2types.IpPermission) string {
	proto := aws.ToString(p.IpProtocol)
	switch proto {
	case "-1":
		return "all protocols and ports"
	case "icmp", "icmpv6", "1", "58":
		return proto
	}
	from, to := aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort)
	if from == to {
		return fmt.Sprintf("%s %d", proto, from)
	}
	return fmt.Sprintf("%s %d-%d", proto, from, to)
}

// checkFlowLogs: every environment VPC has a flow log that is active,
// captures all traffic and delivers.
func checkFlowLogs(ctx context.Context, v *verifier) (string, []string, error) {
	vpcs, err := v.inv.VPCs(ctx)
	if err != nil {
		return "", nil, err
	}
	byVPC := map[string][]ec2types.FlowLog{}
	p := ec2.NewDescribeFlowLogsPaginator(v.api.EC2, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{filter("resource-id", vpcs.ids()...)}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("describe flow logs: %w", err)
		}
		for _, fl := range page.FlowLogs {
			id := aws.ToString(fl.ResourceId)
			byVPC[id] = append(byVPC[id], fl)
		}
	}
	var findings []string
	for _, x := range vpcs.all {
		logs := byVPC[x.ID]
		label := fmt.Sprintf("%s (%s)", x.ID, x.Name)
		if len(logs) == 0 {
			findings = append(findings, label+": no flow log")
			continue
		}
		ok := false
		var states []string
		for _, fl := range logs {
			good := aws.ToString(fl.FlowLogStatus) == "ACTIVE" && fl.TrafficType == ec2types.TrafficTypeAll &&
				aws.ToString(fl.DeliverLogsStatus) != "FAILED"
			ok = ok || good
			states = append(states, fmt.Sprintf("%s status=%s traffic=%s delivery=%s", aws.ToString(fl.FlowLogId),
				aws.ToString(fl.FlowLogStatus), fl.TrafficType, aws.ToString(fl.DeliverLogsStatus)))
		}
		if !ok {
			findings = append(findings, fmt.Sprintf("%s: no active flow log of ALL traffic that delivers (%s)", label, strings.Join(states, "; ")))
		}
	}
	return fmt.Sprintf("%d VPCs checked", len(vpcs.all)), findings, nil
}

// checkAppEgress: no internet gateway attached to the app VPC, and no default
// route in any of its route tables — unless app_internet_egress is on, in
// which case default routes may lead only to the Transit Gateway (and on to
// the LB VPC's NAT gateways).
func checkAppEgress(ctx context.Context, v *verifier) (string, []string, error) {
	vpcs, err := v.inv.VPCs(ctx)
	if err != nil {
		return "", nil, err
	}
	app := vpcs.byRole[roleApp].ID
	var findings []string

	igws := ec2.NewDescribeInternetGatewaysPaginator(v.api.EC2, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{filter("attachment.vpc-id", app)}})
	for igws.HasMorePages() {
		page, err := igws.NextPage(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("describe internet gateways: %w", err)
		}
		for _, g := range page.InternetGateways {
			for _, a := range g.Attachments {
				if aws.ToString(a.VpcId) == app {
					findings = append(findings, fmt.Sprintf("internet gateway %s is attached to the app VPC %s", aws.ToString(g.InternetGatewayId), app))
				}
			}
		}
	}

	tables, defaults := 0, 0
	rts := ec2.NewDescribeRouteTablesPaginator(v.api.EC2, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{filter("vpc-id", app)}})
	for rts.HasMorePages() {
		page, err := rts.NextPage(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("describe route tables: %w", err)
		}
		for _, rt := range page.RouteTables {
			if aws.ToString(rt.VpcId) != app {
				continue
			}
			tables++
			for _, r := range rt.Routes {
				dst := aws.ToString(r.DestinationCidrBlock)
				if dst == "" {
					dst = aws.ToString(r.DestinationIpv6CidrBlock)
				}
				target := routeTarget(r)
				if strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
					findings = append(findings, fmt.Sprintf("%s routes %s to internet gateway %s", aws.ToString(rt.RouteTableId), dst, target))
					continue
				}
				if dst != anyIPv4 && dst != anyIPv6 {
					continue
				}
				defaults++
				switch {
				case !v.cfg.AppInternetEgress:
					findings = append(findings, fmt.Sprintf("%s routes %s to %s, but app_internet_egress is off", aws.ToString(rt.RouteTableId), dst, target))
				case r.TransitGatewayId == nil:
					findings = append(findings, fmt.Sprintf("%s routes %s to %s; egress must go through the Transit Gateway to the LB VPC's NAT gateways", aws.ToString(rt.RouteTableId), dst, target))
				}
			}
		}
	}
	if tables == 0 {
		return "", nil, fmt.Errorf("no route table in the app VPC %s", app)
	}
	mode := "egress off"
	if v.cfg.AppInternetEgress {
		mode = "egress on (default routes only to the Transit Gateway)"
	}
	return fmt.Sprintf("app VPC %s, %s: %d route tables, %d default routes", app, mode, tables, defaults), findings, nil
}

func routeTarget(r ec2types.Route) string {
	for _, t := range []*string{r.GatewayId, r.NatGatewayId, r.TransitGatewayId, r.EgressOnlyInternetGatewayId,
		r.VpcPeeringConnectionId, r.NetworkInterfaceId, r.InstanceId, r.LocalGatewayId, r.CarrierGatewayId, r.CoreNetworkArn} {
		if s := aws.ToString(t); s != "" {
			return s
		}
	}
	return "an unknown target"
}
