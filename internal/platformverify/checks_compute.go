package platformverify

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// checkEKSEndpoint: the cluster API is reachable only inside the VPC, and the
// cluster lives in the app VPC.
func checkEKSEndpoint(ctx context.Context, v *verifier) (string, []string, error) {
	c, err := v.inv.Cluster(ctx)
	if err != nil {
		return "", nil, err
	}
	vpcs, err := v.inv.VPCs(ctx)
	if err != nil {
		return "", nil, err
	}
	name := aws.ToString(c.Name)
	rvc := c.ResourcesVpcConfig
	if rvc == nil {
		return "", nil, fmt.Errorf("cluster %s: no VPC configuration in the answer", name)
	}
	var findings []string
	if rvc.EndpointPublicAccess {
		findings = append(findings, fmt.Sprintf("cluster %s: public endpoint enabled (public access CIDRs: %s)", name, strings.Join(rvc.PublicAccessCidrs, ", ")))
	}
	if !rvc.EndpointPrivateAccess {
		findings = append(findings, fmt.Sprintf("cluster %s: private endpoint disabled", name))
	}
	if app := vpcs.byRole[roleApp].ID; aws.ToString(rvc.VpcId) != app {
		findings = append(findings, fmt.Sprintf("cluster %s: in VPC %s, not the app VPC %s", name, aws.ToString(rvc.VpcId), app))
	}
	return fmt.Sprintf("cluster %s (Kubernetes %s, %s): public=%t private=%t", name, aws.ToString(c.Version), c.Status,
		rvc.EndpointPublicAccess, rvc.EndpointPrivateAccess), findings, nil
}

// isNode reports whether an instance is a node of the cluster: managed node
// groups tag their instances eks:cluster-name; self-managed nodes carry
// kubernetes.io/cluster/<name> = owned.
func isNode(i ec2types.Instance, cluster string) bool {
	return tagValue(i.Tags, "eks:cluster-name") == cluster || tagValue(i.Tags, "kubernetes.io/cluster/"+cluster) == "owned"
}

// checkNodesPerAZ: at least one running node of the cluster in every AZ.
func checkNodesPerAZ(ctx context.Context, v *verifier) (string, []string, error) {
	c, err := v.inv.Cluster(ctx)
	if err != nil {
		return "", nil, err
	}
	instances, err := v.inv.Instances(ctx)
	if err != nil {
		return "", nil, err
	}
	name := aws.ToString(c.Name)
	counts := map[string]int{}
	total := 0
	for _, i := range instances {
		if !isNode(i, name) || i.State == nil || i.State.Name != ec2types.InstanceStateNameRunning || i.Placement == nil {
			continue
		}
		counts[aws.ToString(i.Placement.AvailabilityZone)]++
		total++
	}
	var findings []string
	for _, az := range v.cfg.AZs {
		if counts[az] == 0 {
			findings = append(findings, fmt.Sprintf("no running node of %s in %s", name, az))
		}
	}
	return fmt.Sprintf("%d running nodes of %s (%s)", total, name, perAZ(counts, v.cfg.AZs)), findings, nil
}

// checkIMDSv2: every instance in the environment's VPCs requires session
// tokens (or has the metadata service off). No instance at all fails: the
// design always runs nodes, bastions and a jump host, so an empty answer
// means the tool is looking in the wrong place.
func checkIMDSv2(ctx context.Context, v *verifier) (string, []string, error) {
	instances, err := v.inv.Instances(ctx)
	if err != nil {
		return "", nil, err
	}
	if len(instances) == 0 {
		return "no instances", []string{"no instance in the environment's VPCs (expected EKS nodes, bastions and the jump host)"}, nil
	}
	var findings []string
	for _, i := range instances {
		mo := i.MetadataOptions
		if mo != nil && (mo.HttpTokens == ec2types.HttpTokensStateRequired || mo.HttpEndpoint == ec2types.InstanceMetadataEndpointStateDisabled) {
			continue
		}
		tokens := "unknown"
		if mo != nil {
			tokens = string(mo.HttpTokens)
		}
		findings = append(findings, fmt.Sprintf("%s%s: IMDSv1 allowed (http tokens %s); set metadata_options http_tokens = \"required\" in its launch template",
			aws.ToString(i.InstanceId), instanceLabel(i), tokens))
	}
	return fmt.Sprintf("%d instances, %d require IMDSv2", len(instances), len(instances)-len(findings)), findings, nil
}

func instanceLabel(i ec2types.Instance) string {
	var parts []string
	if n := tagValue(i.Tags, "Name"); n != "" {
		parts = append(parts, n)
	}
	if i.Placement != nil && i.Placement.AvailabilityZone != nil {
		parts = append(parts, *i.Placement.AvailabilityZone)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
