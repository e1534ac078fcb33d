package platform

import (
	"fmt"
)

// V is a values tree.
type V = map[string]any

// GeneratedValues maps the stack outputs onto each release's values, on top
// of its static values file: what depends on the account and the region
// (cluster, VPCs, target group, image locations in the ECR pull-through
// cache). Every release of releases.yaml has an entry.
func GeneratedValues(o *Outputs) (map[string]V, error) {
	ecrPublic, err := o.ImagePrefix(PrefixECRPublic)
	if err != nil {
		return nil, err
	}
	k8s, err := o.ImagePrefix(PrefixK8s)
	if err != nil {
		return nil, err
	}
	ghcr, err := o.ImagePrefix(PrefixGHCR)
	if err != nil {
		return nil, err
	}
	return map[string]V{
		"aws-load-balancer-controller": {
			"clusterName": o.ClusterName,
			"region":      o.Region,
			"vpcId":       o.AppVPCID,
			"image":       V{"repository": ecrPublic + "/eks/aws-load-balancer-controller"},
		},
		"secrets-store-csi-driver": {
			"linux": V{
				"image":              V{"repository": k8s + "/csi-secrets-store/driver"},
				"crds":               V{"image": V{"repository": k8s + "/csi-secrets-store/driver-crds"}},
				"registrarImage":     V{"repository": k8s + "/sig-storage/csi-node-driver-registrar"},
				"livenessProbeImage": V{"repository": k8s + "/sig-storage/livenessprobe"},
			},
		},
		"secrets-store-csi-driver-provider-aws": {
			"awsRegion": o.Region,
			"image":     V{"repository": ecrPublic + "/aws-secrets-manager/secrets-store-csi-driver-provider-aws"},
		},
		"cluster-autoscaler": {
			"autoDiscovery": V{"clusterName": o.ClusterName},
			"awsRegion":     o.Region,
			"image":         V{"repository": k8s + "/autoscaling/cluster-autoscaler"},
		},
		"nginx-gateway-fabric": {
			"nginxGateway": V{"image": V{"repository": ghcr + "/nginx/nginx-gateway-fabric"}},
			"nginx":        V{"image": V{"repository": ghcr + "/nginx/nginx-gateway-fabric/nginx"}},
		},
		"platform-gateway": {
			"gateway": V{"listenerPort": o.GatewayPort},
			"targetGroupBinding": V{
				"targetGroupARN": o.TargetGroupARN,
				"vpcID":          o.LBVPCID,
			},
		},
	}, nil
}

// AppValues are the org-app chart's per-region values (on top of
// deploy/values/<env>.yaml): image repository, region, secret, log groups,
// sidecar images from the pull-through cache and the VPC endpoint CIDRs.
// The image digest is not here: it is the release's, given at deploy time.
func AppValues(o *Outputs) (V, error) {
	ecrPublic, err := o.ImagePrefix(PrefixECRPublic)
	if err != nil {
		return nil, err
	}
	if o.GatewayPort < 1 {
		return nil, fmt.Errorf("platform: gateway_port %d", o.GatewayPort)
	}
	cidrs := make([]any, 0, len(o.VPCEndpointCIDRs))
	for _, c := range o.VPCEndpointCIDRs {
		cidrs = append(cidrs, c)
	}
	return V{
		"aws":   V{"region": o.Region},
		"image": V{"repository": o.ECRRepositoryURL},
		"secret": V{
			"source": "csi",
			"csi":    V{"secretArn": o.AppSecretARN},
		},
		"fluentBit": V{
			"logGroupName": o.AppLogGroup,
			"image":        V{"repository": ecrPublic + "/aws-observability/aws-for-fluent-bit"},
		},
		"adot": V{
			"logGroupName": o.MetricsLogGroup,
			"image":        V{"repository": ecrPublic + "/aws-observability/aws-otel-collector"},
		},
		"canary": V{
			"fluentBit": V{"logGroupName": o.CanaryLogGroup},
		},
		"networkPolicy": V{"vpcEndpointCIDRs": cidrs},
	}, nil
}
