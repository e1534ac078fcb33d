package platformverify

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The VPC roles of the network module ("network/role" tag).
const (
	roleApp      = "app"
	roleLB       = "lb"
	roleSecurity = "security"
	roleTag      = "network/role"
)

// lazy memoises one discovery call so that checks sharing it call AWS once.
type lazy[T any] struct {
	done bool
	v    T
	err  error
}

func (l *lazy[T]) get(f func() (T, error)) (T, error) {
	if !l.done {
		l.v, l.err = f()
		l.done = true
	}
	return l.v, l.err
}

type vpc struct {
	ID, Name, Role, CIDR string
}

type vpcSet struct {
	all    []vpc          // every VPC tagged with the env and region
	byRole map[string]vpc // app, lb, security
}

func (s vpcSet) ids() []string {
	ids := make([]string, len(s.all))
	for i, v := range s.all {
		ids[i] = v.ID
	}
	return ids
}

// inventory finds the environment's resources once and shares them.
type inventory struct {
	cfg       Config
	api       Clients
	vpcs      lazy[vpcSet]
	subnets   lazy[[]ec2types.Subnet]
	instances lazy[[]ec2types.Instance]
	nlbs      lazy[[]elbtypes.LoadBalancer]
	cluster   lazy[*ekstypes.Cluster]
}

func newInventory(cfg Config, api Clients) *inventory {
	return &inventory{cfg: cfg, api: api}
}

func filter(name string, values ...string) ec2types.Filter {
	return ec2types.Filter{Name: aws.String(name), Values: values}
}

func tagValue(tags []ec2types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func (inv *inventory) envFilters() []ec2types.Filter {
	return []ec2types.Filter{filter("tag:env", inv.cfg.Env), filter("tag:region", inv.cfg.Region)}
}

// VPCs: every VPC tagged env and region (and named with the prefix, when
// given); exactly one per role must exist.
func (inv *inventory) VPCs(ctx context.Context) (vpcSet, error) {
	return inv.vpcs.get(func() (vpcSet, error) {
		set := vpcSet{byRole: map[string]vpc{}}
		p := ec2.NewDescribeVpcsPaginator(inv.api.EC2, &ec2.DescribeVpcsInput{Filters: inv.envFilters()})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return set, fmt.Errorf("describe VPCs: %w", err)
			}
			for _, v := range page.Vpcs {
				x := vpc{
					ID:   aws.ToString(v.VpcId),
					Name: tagValue(v.Tags, "Name"),
					Role: tagValue(v.Tags, roleTag),
					CIDR: aws.ToString(v.CidrBlock),
				}
				if inv.cfg.Name != "" && !strings.HasPrefix(x.Name, inv.cfg.Name) {
					continue
				}
				set.all = append(set.all, x)
			}
		}
		sort.Slice(set.all, func(i, j int) bool { return set.all[i].ID < set.all[j].ID })
		for _, role := range []string{roleApp, roleLB, roleSecurity} {
			var found []string
			for _, v := range set.all {
				if v.Role == role {
					found = append(found, v.ID)
					set.byRole[role] = v
				}
			}
			switch len(found) {
			case 0:
				return set, fmt.Errorf("no VPC tagged env=%s region=%s %s=%s%s", inv.cfg.Env, inv.cfg.Region, roleTag, role, inv.nameHint())
			case 1:
			default:
				return set, fmt.Errorf("%d VPCs tagged env=%s region=%s %s=%s (%s): pass --name to pick one stack", len(found), inv.cfg.Env, inv.cfg.Region, roleTag, role, strings.Join(found, ", "))
			}
		}
		return set, nil
	})
}

func (inv *inventory) nameHint() string {
	if inv.cfg.Name == "" {
		return ""
	}
	return " named " + inv.cfg.Name + "*"
}

// Subnets of every environment VPC.
func (inv *inventory) Subnets(ctx context.Context) ([]ec2types.Subnet, error) {
	return inv.subnets.get(func() ([]ec2types.Subnet, error) {
		vpcs, err := inv.VPCs(ctx)
		if err != nil {
			return nil, err
		}
		var out []ec2types.Subnet
		p := ec2.NewDescribeSubnetsPaginator(inv.api.EC2, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{filter("vpc-id", vpcs.ids()...)}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe subnets: %w", err)
			}
			for _, s := range page.Subnets {
				if slices.Contains(vpcs.ids(), aws.ToString(s.VpcId)) {
					out = append(out, s)
				}
			}
		}
		return out, nil
	})
}

// Instances in any environment VPC that are not terminated: the bastions,
// the jump host and the EKS nodes (launched by Auto Scaling, so they carry
// the launch template's tags, not the provider's default_tags: they are found
// by VPC).
func (inv *inventory) Instances(ctx context.Context) ([]ec2types.Instance, error) {
	return inv.instances.get(func() ([]ec2types.Instance, error) {
		vpcs, err := inv.VPCs(ctx)
		if err != nil {
			return nil, err
		}
		var out []ec2types.Instance
		p := ec2.NewDescribeInstancesPaginator(inv.api.EC2, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
			filter("vpc-id", vpcs.ids()...),
			filter("instance-state-name", "pending", "running", "stopping", "stopped"),
		}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe instances: %w", err)
			}
			for _, r := range page.Reservations {
				for _, i := range r.Instances {
					if slices.Contains(vpcs.ids(), aws.ToString(i.VpcId)) {
						out = append(out, i)
					}
				}
			}
		}
		sort.Slice(out, func(i, j int) bool { return aws.ToString(out[i].InstanceId) < aws.ToString(out[j].InstanceId) })
		return out, nil
	})
}

// NLBs: the internet-facing network load balancers in the LB VPC.
func (inv *inventory) NLBs(ctx context.Context) ([]elbtypes.LoadBalancer, error) {
	return inv.nlbs.get(func() ([]elbtypes.LoadBalancer, error) {
		vpcs, err := inv.VPCs(ctx)
		if err != nil {
			return nil, err
		}
		lbVPC := vpcs.byRole[roleLB].ID
		var out []elbtypes.LoadBalancer
		p := elb.NewDescribeLoadBalancersPaginator(inv.api.ELB, &elb.DescribeLoadBalancersInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe load balancers: %w", err)
			}
			for _, lb := range page.LoadBalancers {
				if aws.ToString(lb.VpcId) != lbVPC || lb.Type != elbtypes.LoadBalancerTypeEnumNetwork ||
					lb.Scheme != elbtypes.LoadBalancerSchemeEnumInternetFacing {
					continue
				}
				if inv.cfg.Name != "" && !strings.HasPrefix(aws.ToString(lb.LoadBalancerName), inv.cfg.Name) {
					continue
				}
				out = append(out, lb)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no internet-facing network load balancer in the LB VPC %s%s", lbVPC, inv.nameHint())
		}
		return out, nil
	})
}

// Cluster: the named cluster, or the one cluster tagged env and region.
func (inv *inventory) Cluster(ctx context.Context) (*ekstypes.Cluster, error) {
	return inv.cluster.get(func() (*ekstypes.Cluster, error) {
		if inv.cfg.Cluster != "" {
			out, err := inv.api.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(inv.cfg.Cluster)})
			if err != nil {
				return nil, fmt.Errorf("describe cluster %s: %w", inv.cfg.Cluster, err)
			}
			if out.Cluster == nil {
				return nil, fmt.Errorf("describe cluster %s: empty answer", inv.cfg.Cluster)
			}
			return out.Cluster, nil
		}
		var found []*ekstypes.Cluster
		p := eks.NewListClustersPaginator(inv.api.EKS, &eks.ListClustersInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list clusters: %w", err)
			}
			for _, name := range page.Clusters {
				if inv.cfg.Name != "" && !strings.HasPrefix(name, inv.cfg.Name) {
					continue
				}
				out, err := inv.api.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
				if err != nil {
					return nil, fmt.Errorf("describe cluster %s: %w", name, err)
				}
				if c := out.Cluster; c != nil && c.Tags["env"] == inv.cfg.Env && c.Tags["region"] == inv.cfg.Region {
					found = append(found, c)
				}
			}
		}
		switch len(found) {
		case 0:
			return nil, fmt.Errorf("no EKS cluster tagged env=%s region=%s%s", inv.cfg.Env, inv.cfg.Region, inv.nameHint())
		case 1:
			return found[0], nil
		default:
			names := make([]string, len(found))
			for i, c := range found {
				names[i] = aws.ToString(c.Name)
			}
			return nil, fmt.Errorf("%d EKS clusters tagged env=%s region=%s (%s): pass --cluster", len(found), inv.cfg.Env, inv.cfg.Region, strings.Join(names, ", "))
		}
	})
}
