package platform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/chartrender"
)

const (
	orgAppChart = "../charts/org-app"
	prodValues  = "../values/prod.yaml"
	devValues   = "../values/dev.yaml"
	testDigest  = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// sidecarDigests stands for the region's ECR: every third-party image
// resolves to a fixed digest.
type sidecarDigests struct{}

func (sidecarDigests) Resolve(_ context.Context, ref ImageRef) (string, error) {
	return "sha256:" + strings.Repeat("ab", 32), nil
}

// orgAppFiles are the values files of an org-app install in env, in the
// order scripts/ci/release.sh passes them: deploy/values/prod.yaml, then
// deploy/values/ENV.yaml, then the region's values from the outputs with the
// sidecar images pinned (platformdeploy app-values -resolve-digests).
func orgAppFiles(t *testing.T, env ...string) []string {
	t.Helper()
	files := append([]string{prodValues}, env...)
	vals, err := AppValues(outputs(t))
	if err != nil {
		t.Fatal(err)
	}
	merged, err := LoadValues(orgAppChart, files, vals)
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := ThirdPartyImages(merged)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PinImages(context.Background(), vals, imgs, sidecarDigests{}); err != nil {
		t.Fatal(err)
	}
	data, err := yaml.Marshal(vals)
	if err != nil {
		t.Fatal(err)
	}
	region := filepath.Join(t.TempDir(), "region.yaml")
	if err := os.WriteFile(region, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return append(files, region)
}

func renderOrgApp(files []string) (*chartrender.Result, error) {
	return chartrender.Render(chartrender.Options{ChartDir: orgAppChart, ReleaseName: "org-app", Namespace: "org-app",
		ValueFiles: files, Set: []string{"image.digest=" + testDigest}})
}

// restrictedViolations evaluates every pod template the objects would create
// at Pod Security restricted (latest), as the org-app namespace enforces.
func restrictedViolations(t *testing.T, res *chartrender.Result) []string {
	t.Helper()
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	var out []string
	pods := 0
	for _, o := range res.Objects {
		var meta *corev1.PodTemplateSpec
		var spec *corev1.PodSpec
		switch x := o.Typed.(type) {
		case *appsv1.Deployment:
			meta, spec = &x.Spec.Template, &x.Spec.Template.Spec
		case *corev1.Pod:
			meta, spec = &corev1.PodTemplateSpec{ObjectMeta: x.ObjectMeta}, &x.Spec
		default:
			continue
		}
		pods++
		for _, r := range e.EvaluatePod(lv, &meta.ObjectMeta, spec) {
			if !r.Allowed {
				out = append(out, fmt.Sprintf("%s: %s: %s", o.Key(), r.ForbiddenReason, r.ForbiddenDetail))
			}
		}
	}
	if pods == 0 {
		t.Fatal("no pod templates rendered")
	}
	return out
}

// TestOrgAppDevValues renders org-app as release.sh installs it in dev
// (prod.yaml + dev.yaml + region values): it passes the chart's schema and
// templates, runs 2-6 pods (ADR 0142: one node at rest), keeps the PDB and
// the zone spread that let one pod serve while the other restarts, and every
// pod passes Pod Security restricted. prod's own install keeps 3.
func TestOrgAppDevValues(t *testing.T) {
	for _, c := range []struct {
		name               string
		env                []string
		minPods, maxPods   int32
		zones              int64
		wantCanaryReplicas int32
	}{
		{"prod", nil, 3, 12, 3, 1},
		{"dev", []string{devValues}, 2, 6, 1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := renderOrgApp(orgAppFiles(t, c.env...))
			if err != nil {
				t.Fatalf("render (schema, templates): %v", err)
			}
			if z, _ := res.Values["zones"].(float64); int64(z) != c.zones {
				t.Errorf("zones %v, want %d", res.Values["zones"], c.zones)
			}
			hpa, ok := res.Find("HorizontalPodAutoscaler", "org-app").Typed.(*autoscalingv2.HorizontalPodAutoscaler)
			if !ok || hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas != c.minPods || hpa.Spec.MaxReplicas != c.maxPods {
				t.Fatalf("HPA rendered %v, spec %+v, want %d-%d replicas", ok, hpa.Spec, c.minPods, c.maxPods)
			}
			d := res.Find("Deployment", "org-app").Typed.(*appsv1.Deployment)
			if d.Spec.Replicas != nil {
				t.Errorf("Deployment sets replicas %d while the HPA owns them", *d.Spec.Replicas)
			}
			// A rolling restart adds a pod before it stops one; a drain evicts one at a
			// time: with 2 pods, one always serves.
			ru := d.Spec.Strategy.RollingUpdate
			if ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 || ru.MaxSurge == nil || ru.MaxSurge.IntValue() != 1 {
				t.Errorf("rolling update %+v, want maxSurge 1 and maxUnavailable 0", ru)
			}
			pdb, ok := res.Find("PodDisruptionBudget", "org-app").Typed.(*policyv1.PodDisruptionBudget)
			if !ok || pdb.Spec.MaxUnavailable == nil || pdb.Spec.MaxUnavailable.IntValue() != 1 || pdb.Spec.MinAvailable != nil ||
				c.minPods-int32(pdb.Spec.MaxUnavailable.IntValue()) < 1 {
				t.Errorf("PDB %+v: with %d pods a drain must leave one serving and never be blocked", pdb, c.minPods)
			}
			// The zone spread is maxSkew 1: satisfiable on one node in one zone.
			for _, tsc := range d.Spec.Template.Spec.TopologySpreadConstraints {
				if tsc.MaxSkew != 1 || (tsc.MinDomains != nil && *tsc.MinDomains > 1) {
					t.Errorf("topology spread %+v cannot place %d pods on one node", tsc, c.minPods)
				}
			}
			canary := res.Find("Deployment", "org-app-canary").Typed.(*appsv1.Deployment)
			if canary.Spec.Replicas == nil || *canary.Spec.Replicas != c.wantCanaryReplicas {
				t.Errorf("canary replicas %v, want %d", canary.Spec.Replicas, c.wantCanaryReplicas)
			}
			if v := restrictedViolations(t, res); len(v) > 0 {
				t.Errorf("Pod Security restricted: %s", strings.Join(v, "; "))
			}
		})
	}
	// The chart still refuses a dev minimum below its zones: dev.yaml's zones 1 is
	// what lets 2 pods pass, not a weaker check.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("autoscaling:\n  minReplicas: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := renderOrgApp(append(orgAppFiles(t), bad)); err == nil || !strings.Contains(err.Error(), "must be at least zones") {
		t.Errorf("minReplicas 2 with prod's 3 zones: %v, want the chart's refusal", err)
	}
}
