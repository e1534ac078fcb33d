// Package invariants checks a whole OpenTofu state or plan (tofu show -json)
// for the properties the platform promises everywhere at once: one and only
// one door open to the internet (the NLB on 443), a private EKS endpoint with
// encrypted secrets and every control-plane log, node groups in every AZ,
// IMDSv2 on every launch template, private and encrypted buckets, log groups
// with a retention, rotating KMS keys, deletion protection in prod.
//
// Module tests assert these one resource at a time; this package asserts them
// over everything a root creates, so a resource added anywhere that breaks a
// promise fails the build.
package invariants

import (
	"fmt"
	"sort"
	"strings"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tfjson"
)

// Options say what the root is expected to be.
type Options struct {
	// Prod requires deletion protection on load balancers and clusters.
	Prod bool
	// AZs, when set, are the zones every EKS cluster's node groups must
	// cover together.
	AZs []string
	// PublicNLB requires the one internet-facing rule to exist (a regional
	// stack); without it, zero such rules is fine too (global, bootstrap).
	PublicNLB bool
}

// Violation is one broken promise, naming the resource that breaks it.
type Violation struct {
	Rule    string
	Address string
	Detail  string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %s: %s", v.Rule, v.Address, v.Detail)
}

// The rules, by name.
const (
	RuleWorldIngress      = "world-ingress-only-nlb-443"
	RuleEKSPrivate        = "eks-endpoint-private"
	RuleEKSSecrets        = "eks-secrets-encrypted" //nolint:gosec // a rule name, not a credential
	RuleEKSLogs           = "eks-all-log-types"
	RuleNodeGroupsAZs     = "node-groups-cover-every-az"
	RuleIMDSv2            = "launch-template-imdsv2"
	RuleBucketPrivate     = "s3-public-access-blocked"
	RuleBucketEncrypted   = "s3-encrypted"
	RuleLogRetention      = "log-group-retention"
	RuleKMSRotation       = "kms-key-rotation"
	RuleDeletionProtected = "prod-deletion-protection"
)

// EKSLogTypes are the five control-plane log types.
var EKSLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

var worldCIDRs = map[string]bool{"0.0.0.0/0": true, "::/0": true}

// Check returns every violation in doc, sorted by rule then address.
func Check(doc *tfjson.Document, opts Options) []Violation {
	c := checker{doc: doc, opts: opts}
	c.worldIngress()
	c.eks()
	c.launchTemplates()
	c.buckets()
	c.logGroups()
	c.kmsKeys()
	c.deletionProtection()
	sort.Slice(c.out, func(i, j int) bool {
		if c.out[i].Rule != c.out[j].Rule {
			return c.out[i].Rule < c.out[j].Rule
		}
		return c.out[i].Address < c.out[j].Address
	})
	return c.out
}

type checker struct {
	doc  *tfjson.Document
	opts Options
	out  []Violation
}

func (c *checker) fail(rule string, r *tfjson.Resource, format string, args ...any) {
	c.out = append(c.out, Violation{Rule: rule, Address: r.Address, Detail: fmt.Sprintf(format, args...)})
}

func (c *checker) managed(typ string) []*tfjson.Resource {
	var out []*tfjson.Resource
	for i := range c.doc.Resources {
		r := &c.doc.Resources[i]
		if r.Mode == "managed" && r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// worldIngress: the only rule admitting the whole internet is TCP 443 (the
// NLB's listener), and there is exactly one such rule.
func (c *checker) worldIngress() {
	type open struct {
		r          *tfjson.Resource
		proto      string
		from, to   int
		descriptor string
	}
	var opens []open
	for _, r := range c.managed("aws_vpc_security_group_ingress_rule") {
		for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
			if worldCIDRs[r.Str(k)] {
				from, _ := r.Int("from_port")
				to, _ := r.Int("to_port")
				opens = append(opens, open{r, r.Str("ip_protocol"), from, to, r.Str(k)})
			}
		}
	}
	for _, r := range c.managed("aws_security_group_rule") {
		if r.Str("type") != "ingress" {
			continue
		}
		for _, cidr := range append(r.Strs("cidr_blocks"), r.Strs("ipv6_cidr_blocks")...) {
			if worldCIDRs[cidr] {
				from, _ := r.Int("from_port")
				to, _ := r.Int("to_port")
				opens = append(opens, open{r, r.Str("protocol"), from, to, cidr})
			}
		}
	}
	for _, r := range c.managed("aws_security_group") {
		for _, in := range r.Objs("ingress") {
			for _, cidr := range append(tfjson.AsStrs(in["cidr_blocks"]), tfjson.AsStrs(in["ipv6_cidr_blocks"])...) {
				if worldCIDRs[cidr] {
					from, _ := tfjson.AsInt(in["from_port"])
					to, _ := tfjson.AsInt(in["to_port"])
					opens = append(opens, open{r, tfjson.ObjStr(in, "protocol"), from, to, cidr})
				}
			}
		}
	}
	var https []open
	for _, o := range opens {
		if strings.ToLower(o.proto) != "tcp" && o.proto != "6" || o.from != 443 || o.to != 443 {
			c.fail(RuleWorldIngress, o.r, "admits %s on %s %d-%d; the only internet-facing port is TCP 443 on the NLB", o.descriptor, o.proto, o.from, o.to)
			continue
		}
		https = append(https, o)
	}
	if c.opts.PublicNLB && len(https) == 0 {
		c.out = append(c.out, Violation{Rule: RuleWorldIngress, Address: "(root)", Detail: "no rule admits TCP 443 from the internet: the NLB is unreachable"})
	}
	for _, o := range https[min(1, len(https)):] {
		c.fail(RuleWorldIngress, o.r, "a second rule admits %s on 443 (first: %s); exactly one is allowed", o.descriptor, https[0].r.Address)
	}
}

func (c *checker) eks() {
	clusters := c.managed("aws_eks_cluster")
	for _, r := range clusters {
		vpc := first(r.Objs("vpc_config"))
		if pub, ok := tfjson.AsBool(vpc["endpoint_public_access"]); !ok || pub {
			c.fail(RuleEKSPrivate, r, "endpoint_public_access must be false")
		}
		if priv, ok := tfjson.AsBool(vpc["endpoint_private_access"]); !ok || !priv {
			c.fail(RuleEKSPrivate, r, "endpoint_private_access must be true")
		}
		secrets := false
		for _, e := range r.Objs("encryption_config") {
			for _, res := range tfjson.AsStrs(e["resources"]) {
				if res == "secrets" && len(tfjson.AsObjs(e["provider"])) > 0 && tfjson.ObjStr(first(tfjson.AsObjs(e["provider"])), "key_arn") != "" {
					secrets = true
				}
			}
		}
		if !secrets {
			c.fail(RuleEKSSecrets, r, "encryption_config must encrypt \"secrets\" with a KMS key")
		}
		have := map[string]bool{}
		for _, t := range r.Strs("enabled_cluster_log_types") {
			have[t] = true
		}
		var missing []string
		for _, t := range EKSLogTypes {
			if !have[t] {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			c.fail(RuleEKSLogs, r, "enabled_cluster_log_types lacks %s", strings.Join(missing, ", "))
		}
		if c.opts.Prod {
			if on, ok := r.Bool("deletion_protection"); !ok || !on {
				c.fail(RuleDeletionProtected, r, "deletion_protection must be true in prod")
			}
		}
	}
	if len(clusters) == 0 || len(c.opts.AZs) == 0 {
		return
	}
	subnetAZ := map[string]string{}
	for _, s := range c.managed("aws_subnet") {
		subnetAZ[s.Str("id")] = s.Str("availability_zone")
	}
	for _, cl := range clusters {
		covered := map[string]bool{}
		for _, ng := range c.managed("aws_eks_node_group") {
			if ng.Str("cluster_name") != cl.Str("name") {
				continue
			}
			for _, id := range ng.Strs("subnet_ids") {
				covered[subnetAZ[id]] = true
			}
		}
		var missing []string
		for _, az := range c.opts.AZs {
			if !covered[az] {
				missing = append(missing, az)
			}
		}
		if len(missing) > 0 {
			c.fail(RuleNodeGroupsAZs, cl, "no node group has a subnet in %s", strings.Join(missing, ", "))
		}
	}
}

func (c *checker) launchTemplates() {
	for _, r := range c.managed("aws_launch_template") {
		md := first(r.Objs("metadata_options"))
		if tfjson.ObjStr(md, "http_tokens") != "required" {
			c.fail(RuleIMDSv2, r, "metadata_options.http_tokens must be \"required\" (IMDSv2)")
		}
		if hops, ok := tfjson.AsInt(md["http_put_response_hop_limit"]); !ok || hops != 1 {
			c.fail(RuleIMDSv2, r, "metadata_options.http_put_response_hop_limit must be 1 (no instance credentials for containers)")
		}
	}
}

// buckets: every bucket has a public access block with all four settings on
// and a server-side encryption configuration.
func (c *checker) buckets() {
	blocked := map[string]bool{}
	for _, r := range c.managed("aws_s3_bucket_public_access_block") {
		all := true
		for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			if on, ok := r.Bool(k); !ok || !on {
				all = false
			}
		}
		if all {
			blocked[r.Str("bucket")] = true
		}
	}
	encrypted := map[string]bool{}
	for _, r := range c.managed("aws_s3_bucket_server_side_encryption_configuration") {
		for _, rule := range r.Objs("rule") {
			if alg := tfjson.ObjStr(first(tfjson.AsObjs(rule["apply_server_side_encryption_by_default"])), "sse_algorithm"); alg != "" {
				encrypted[r.Str("bucket")] = true
			}
		}
	}
	for _, r := range c.managed("aws_s3_bucket") {
		id, name := r.Str("id"), r.Str("bucket")
		if !blocked[id] && !blocked[name] {
			c.fail(RuleBucketPrivate, r, "no public access block with all four settings on")
		}
		if !encrypted[id] && !encrypted[name] {
			c.fail(RuleBucketEncrypted, r, "no server-side encryption configuration")
		}
	}
}

func (c *checker) logGroups() {
	for _, r := range c.managed("aws_cloudwatch_log_group") {
		if days, ok := r.Int("retention_in_days"); !ok || days <= 0 {
			c.fail(RuleLogRetention, r, "retention_in_days must be set (logs are not kept forever)")
		}
	}
}

func (c *checker) kmsKeys() {
	for _, r := range c.managed("aws_kms_key") {
		if on, ok := r.Bool("enable_key_rotation"); !ok || !on {
			c.fail(RuleKMSRotation, r, "enable_key_rotation must be true")
		}
	}
}

func (c *checker) deletionProtection() {
	if !c.opts.Prod {
		return
	}
	for _, r := range c.managed("aws_lb") {
		if on, ok := r.Bool("enable_deletion_protection"); !ok || !on {
			c.fail(RuleDeletionProtected, r, "enable_deletion_protection must be true in prod")
		}
	}
}

func first(l []map[string]any) map[string]any {
	if len(l) == 0 {
		return map[string]any{}
	}
	return l[0]
}
