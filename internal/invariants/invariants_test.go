package invariants

import (
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tfjson"
)

func res(typ, name string, values map[string]any) tfjson.Resource {
	return tfjson.Resource{Address: typ + "." + name, Mode: "managed", Type: typ, Name: name, Values: values}
}

// good is a small root that keeps every promise.
func good() *tfjson.Document {
	return &tfjson.Document{Resources: []tfjson.Resource{
		res("aws_vpc_security_group_ingress_rule", "nlb_https", map[string]any{"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 443.0, "to_port": 443.0}),
		res("aws_vpc_security_group_ingress_rule", "nodes_gateway", map[string]any{"cidr_ipv4": "10.20.0.0/24", "ip_protocol": "tcp", "from_port": 80.0, "to_port": 80.0}),
		res("aws_eks_cluster", "this", map[string]any{
			"name":                      "c",
			"deletion_protection":       true,
			"vpc_config":                []any{map[string]any{"endpoint_public_access": false, "endpoint_private_access": true}},
			"encryption_config":         []any{map[string]any{"resources": []any{"secrets"}, "provider": []any{map[string]any{"key_arn": "arn:aws:kms:us-east-1:111122223333:key/k"}}}},
			"enabled_cluster_log_types": []any{"api", "audit", "authenticator", "controllerManager", "scheduler"},
		}),
		res("aws_subnet", "a", map[string]any{"id": "subnet-a", "availability_zone": "us-east-1a"}),
		res("aws_subnet", "b", map[string]any{"id": "subnet-b", "availability_zone": "us-east-1b"}),
		res("aws_eks_node_group", "a", map[string]any{"cluster_name": "c", "subnet_ids": []any{"subnet-a"}}),
		res("aws_eks_node_group", "b", map[string]any{"cluster_name": "c", "subnet_ids": []any{"subnet-b"}}),
		res("aws_launch_template", "nodes", map[string]any{"metadata_options": []any{map[string]any{"http_tokens": "required", "http_put_response_hop_limit": 1.0}}}),
		res("aws_s3_bucket", "logs", map[string]any{"id": "logs", "bucket": "logs"}),
		res("aws_s3_bucket_public_access_block", "logs", map[string]any{"bucket": "logs", "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}),
		res("aws_s3_bucket_server_side_encryption_configuration", "logs", map[string]any{"bucket": "logs", "rule": []any{map[string]any{"apply_server_side_encryption_by_default": []any{map[string]any{"sse_algorithm": "aws:kms"}}}}}),
		res("aws_cloudwatch_log_group", "app", map[string]any{"retention_in_days": 90.0}),
		res("aws_kms_key", "logs", map[string]any{"enable_key_rotation": true}),
		res("aws_lb", "nlb", map[string]any{"enable_deletion_protection": true}),
	}}
}

var prod = Options{Prod: true, AZs: []string{"us-east-1a", "us-east-1b"}, PublicNLB: true}

func TestGoodRootHasNoViolations(t *testing.T) {
	if v := Check(good(), prod); len(v) != 0 {
		t.Fatalf("violations in a conforming root: %v", v)
	}
}

func TestEachBrokenPromiseIsReported(t *testing.T) {
	cases := []struct {
		name    string
		rule    string
		address string
		mutate  func(d *tfjson.Document)
		opts    Options
	}{
		{"ssh open to the world", RuleWorldIngress, "aws_security_group_rule.ssh", func(d *tfjson.Document) {
			d.Resources = append(d.Resources, res("aws_security_group_rule", "ssh", map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 22.0, "to_port": 22.0, "cidr_blocks": []any{"0.0.0.0/0"}}))
		}, prod},
		{"a second world rule on 443", RuleWorldIngress, "aws_security_group.other", func(d *tfjson.Document) {
			d.Resources = append(d.Resources, res("aws_security_group", "other", map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "from_port": 443.0, "to_port": 443.0, "ipv6_cidr_blocks": []any{"::/0"}}}}))
		}, prod},
		{"no way in for customers", RuleWorldIngress, "(root)", func(d *tfjson.Document) {
			find(d, "aws_vpc_security_group_ingress_rule").Values["cidr_ipv4"] = "10.20.0.0/24"
		}, prod},
		{"public endpoint", RuleEKSPrivate, "aws_eks_cluster.this", func(d *tfjson.Document) {
			find(d, "aws_eks_cluster").Values["vpc_config"] = []any{map[string]any{"endpoint_public_access": true, "endpoint_private_access": true}}
		}, prod},
		{"secrets not encrypted", RuleEKSSecrets, "aws_eks_cluster.this", func(d *tfjson.Document) {
			find(d, "aws_eks_cluster").Values["encryption_config"] = []any{}
		}, prod},
		{"a log type missing", RuleEKSLogs, "aws_eks_cluster.this", func(d *tfjson.Document) {
			find(d, "aws_eks_cluster").Values["enabled_cluster_log_types"] = []any{"api", "audit"}
		}, prod},
		{"an AZ without nodes", RuleNodeGroupsAZs, "aws_eks_cluster.this", func(d *tfjson.Document) {
			find(d, "aws_eks_node_group").Values["subnet_ids"] = []any{"subnet-b"}
		}, prod},
		{"IMDSv1 allowed", RuleIMDSv2, "aws_launch_template.nodes", func(d *tfjson.Document) {
			find(d, "aws_launch_template").Values["metadata_options"] = []any{map[string]any{"http_tokens": "optional", "http_put_response_hop_limit": 1.0}}
		}, prod},
		{"hop limit 2", RuleIMDSv2, "aws_launch_template.nodes", func(d *tfjson.Document) {
			find(d, "aws_launch_template").Values["metadata_options"] = []any{map[string]any{"http_tokens": "required", "http_put_response_hop_limit": 2.0}}
		}, prod},
		{"bucket policy may be public", RuleBucketPrivate, "aws_s3_bucket.logs", func(d *tfjson.Document) {
			find(d, "aws_s3_bucket_public_access_block").Values["block_public_policy"] = false
		}, prod},
		{"bucket without encryption", RuleBucketEncrypted, "aws_s3_bucket.logs", func(d *tfjson.Document) {
			find(d, "aws_s3_bucket_server_side_encryption_configuration").Values["bucket"] = "another"
		}, prod},
		{"log group kept forever", RuleLogRetention, "aws_cloudwatch_log_group.app", func(d *tfjson.Document) {
			find(d, "aws_cloudwatch_log_group").Values["retention_in_days"] = 0.0
		}, prod},
		{"key not rotating", RuleKMSRotation, "aws_kms_key.logs", func(d *tfjson.Document) {
			find(d, "aws_kms_key").Values["enable_key_rotation"] = false
		}, prod},
		{"prod NLB deletable", RuleDeletionProtected, "aws_lb.nlb", func(d *tfjson.Document) {
			find(d, "aws_lb").Values["enable_deletion_protection"] = false
		}, prod},
		{"prod cluster deletable", RuleDeletionProtected, "aws_eks_cluster.this", func(d *tfjson.Document) {
			find(d, "aws_eks_cluster").Values["deletion_protection"] = false
		}, prod},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := good()
			tc.mutate(d)
			v := Check(d, tc.opts)
			if len(v) != 1 || v[0].Rule != tc.rule || v[0].Address != tc.address {
				t.Fatalf("got %v, want one %s violation on %s", v, tc.rule, tc.address)
			}
			if !strings.Contains(v[0].String(), tc.address) {
				t.Errorf("message %q does not name the resource", v[0])
			}
		})
	}
}

func TestDeletionProtectionIsRequiredOnlyInProd(t *testing.T) {
	d := good()
	find(d, "aws_lb").Values["enable_deletion_protection"] = false
	find(d, "aws_eks_cluster").Values["deletion_protection"] = false
	if v := Check(d, Options{AZs: prod.AZs, PublicNLB: true}); len(v) != 0 {
		t.Fatalf("dev root: %v", v)
	}
}

func find(d *tfjson.Document, typ string) *tfjson.Resource {
	for i := range d.Resources {
		if d.Resources[i].Type == typ {
			return &d.Resources[i]
		}
	}
	panic("no " + typ)
}
