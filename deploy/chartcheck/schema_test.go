package chartcheck

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/chartrender"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
)

// TestBadValuesRejected: wrong values stop the install with a message that
// names the key (the schema) or the rule (the templates).
func TestBadValuesRejected(t *testing.T) {
	cases := []struct {
		name  string
		files func(t *testing.T) []string
		set   []string
		want  []string // all must appear in the error
	}{
		{
			name:  "bad values file",
			files: func(*testing.T) []string { return []string{"testdata/bad-values.yaml"} },
			want: []string{
				"additional properties 'replicas' not allowed",
				"/image/pullPolicy", "value must be one of",
				"/autoscaling/minReplicas", "want integer",
				"/config/server/drainDelay",
				"/config", "additional properties 'prot' not allowed",
			},
		},
		{
			name:  "prod without an image digest",
			files: prodFiles,
			want:  []string{"/image/digest", "minLength"},
		},
		{
			name:  "prod with a tag instead of a digest",
			files: prodFiles,
			set:   []string{"image.digest=v1.2.3"},
			want:  []string{"/image/digest", "does not match pattern"},
		},
		{
			name: "csi without a secret ARN",
			files: func(t *testing.T) []string {
				return []string{writeValues(t, "secret:\n  source: csi\naws:\n  region: us-east-1\n")}
			},
			want: []string{"/secret/csi/secretArn", "minLength"},
		},
		{
			name: "fluent bit without a log group",
			files: func(t *testing.T) []string {
				return []string{writeValues(t, "fluentBit:\n  enabled: true\n")}
			},
			want: []string{"/fluentBit/logGroupName", "/aws/region"},
		},
		{
			name:  "fewer HPA replicas than zones",
			files: func(*testing.T) []string { return nil },
			set:   []string{"zones=4", "autoscaling.minReplicas=3"},
			want:  []string{"autoscaling.minReplicas (3) must be at least zones (4)"},
		},
		{
			name:  "fewer replicas than zones",
			files: func(*testing.T) []string { return nil },
			set:   []string{"autoscaling.enabled=false", "replicaCount=2"},
			want:  []string{"replicaCount (2) must be at least zones (3)"},
		},
		{
			name:  "a drain delay the grace period cannot be derived from",
			files: func(*testing.T) []string { return nil },
			set:   []string{"config.server.drainDelay=1m"},
			want:  []string{"/config/server/drainDelay", "does not match pattern"},
		},
		{
			name:  "another Pod Security level",
			files: func(*testing.T) []string { return nil },
			set:   []string{"namespace.podSecurityLevel=privileged"},
			want:  []string{"/namespace/podSecurityLevel"},
		},
		{
			name:  "a 443 destination that is not a CIDR",
			files: func(*testing.T) []string { return nil },
			set:   []string{"networkPolicy.vpcEndpointCIDRs={0.0.0.0}"},
			want:  []string{"/networkPolicy/vpcEndpointCIDRs/0"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := renderErr(c.files(t), c.set...)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestSchemaIsClosed: every object in values.schema.json lists its
// properties and rejects others (label maps constrain keys and values), and
// every key the chart's values.yaml sets is in it.
func TestSchemaIsClosed(t *testing.T) {
	for _, chart := range []string{orgAppChart, gatewayChart} {
		data, err := os.ReadFile(chart + "/values.schema.json")
		if err != nil {
			t.Fatal(err)
		}
		var schema map[string]any
		if err := json.Unmarshal(data, &schema); err != nil {
			t.Fatal(err)
		}
		var walk func(path string, s map[string]any)
		walk = func(path string, s map[string]any) {
			isObject := s["type"] == "object" || s["properties"] != nil
			if isObject {
				switch ap := s["additionalProperties"].(type) {
				case bool:
					if ap {
						t.Errorf("%s %s: additionalProperties true", chart, path)
					}
				case map[string]any:
					if s["propertyNames"] == nil {
						t.Errorf("%s %s: a map without propertyNames", chart, path)
					}
				default:
					// Subschemas inside if/then/allOf only add constraints to
					// properties declared (and closed) at the same path.
					if !strings.Contains(path, "allOf") {
						t.Errorf("%s %s: object schema without additionalProperties false", chart, path)
					}
				}
			}
			for k, v := range s {
				switch vv := v.(type) {
				case map[string]any:
					walk(path+"/"+k, vv)
				case []any:
					for i, item := range vv {
						if m, ok := item.(map[string]any); ok {
							walk(path+"/"+k+"/"+itoa(i), m)
						}
					}
				}
			}
		}
		walk("#", schema)
	}
}

// TestSchemaConfigKeysAreOrgAppKeys: the config keys the schema admits are
// keys org-app's loader knows (the loader would reject the others at start).
func TestSchemaConfigKeysAreOrgAppKeys(t *testing.T) {
	data, err := os.ReadFile(orgAppChart + "/values.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	var known []string
	for _, k := range config.Keys() {
		known = append(known, k.Path)
	}
	var leaves func(prefix string, raw json.RawMessage)
	n := 0
	leaves = func(prefix string, raw json.RawMessage) {
		var s struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		if len(s.Properties) == 0 {
			n++
			if !slices.Contains(known, prefix) {
				t.Errorf("schema admits config key %s, which org-app does not know (it knows %v)", prefix, known)
			}
			return
		}
		for k, v := range s.Properties {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			leaves(p, v)
		}
	}
	leaves("", schema.Properties["config"])
	if n < 10 {
		t.Errorf("only %d config keys in the schema", n)
	}
}

// TestHelmLint runs `helm lint --strict` (the SDK's) on both charts with
// their default values and, for org-app, the prod and local values.
func TestHelmLint(t *testing.T) {
	kv, err := common.ParseKubeVersion(chartrender.DefaultKubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	prod, err := chartrender.Values(prodFiles(t), []string{"image.digest=" + testDigest})
	if err != nil {
		t.Fatal(err)
	}
	local, err := chartrender.Values([]string{localValues}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := chartrender.Values(nil, []string{"targetGroupBinding.targetGroupARN=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gw/0123456789abcdef", "targetGroupBinding.vpcID=vpc-0123456789abcdef0"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		chart   string
		vals    map[string]any
		wantErr bool
	}{
		{"org-app defaults", orgAppChart, nil, false},
		{"org-app prod", orgAppChart, prod, false},
		{"org-app local", orgAppChart, local, false},
		{"org-app with an unknown key", orgAppChart, map[string]any{"replicas": 3}, true},
		{"platform-gateway defaults", gatewayChart, nil, false},
		{"platform-gateway with a target group", gatewayChart, gw, false},
		{"platform-gateway with a target group but no VPC", gatewayChart, map[string]any{"targetGroupBinding": map[string]any{
			"targetGroupARN": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gw/0123456789abcdef"}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := action.NewLint()
			l.Strict = true
			l.Namespace = namespace
			l.KubeVersion = kv
			res := l.Run([]string{c.chart}, c.vals)
			for _, m := range res.Messages {
				t.Logf("lint: %s", m.Error())
			}
			if res.TotalChartsLinted != 1 || (len(res.Errors) > 0) != c.wantErr {
				t.Errorf("helm lint --strict: %d charts linted, errors (want some: %v): %v", res.TotalChartsLinted, c.wantErr, res.Errors)
			}
		})
	}
}
