package chartcheck

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/deploy/platform"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/chartrender"
)

const (
	orgAppChart    = "../charts/org-app"
	gatewayChart   = "../platform/charts/platform-gateway"
	platformDir    = "../platform"
	prodValues     = "../values/prod.yaml"
	localValues    = "../values/local.yaml"
	outputsFixture = "../platform/testdata/outputs-prod-us-east-1.json"
	metricsJSON    = "../../infra/modules/observability/metrics.json"
	release        = "org-app"
	namespace      = "org-app"
	// testDigest stands for the digest CD passes with --set image.digest.
	testDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	// The sidecar digests `platformdeploy app-values -resolve-digests` would
	// resolve in the region's ECR pull-through cache.
	fluentBitDigest = "sha256:f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1"
	adotDigest      = "sha256:adadadadadadadadadadadadadadadadadadadadadadadadadadadadadadadad"
)

// fixedDigests resolves each third-party image by its values key.
type fixedDigests map[string]string

func (f fixedDigests) Resolve(_ context.Context, ref platform.ImageRef) (string, error) {
	if d, ok := f[ref.Key]; ok {
		return d, nil
	}
	return "", fmt.Errorf("no digest for %s", ref.Key)
}

func render(t *testing.T, files []string, set ...string) *chartrender.Result {
	t.Helper()
	res, err := chartrender.Render(chartrender.Options{ChartDir: orgAppChart, ReleaseName: release, Namespace: namespace, ValueFiles: files, Set: set})
	if err != nil {
		t.Fatalf("render %v %v: %v", files, set, err)
	}
	return res
}

func renderErr(files []string, set ...string) error {
	_, err := chartrender.Render(chartrender.Options{ChartDir: orgAppChart, ReleaseName: release, Namespace: namespace, ValueFiles: files, Set: set})
	return err
}

// fixtureOutputs parses the recorded `tofu output -json` of a prod region.
func fixtureOutputs(t *testing.T) *platform.Outputs {
	t.Helper()
	data, err := os.ReadFile(outputsFixture)
	if err != nil {
		t.Fatal(err)
	}
	o, err := platform.ParseOutputs(data)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// prodFiles are the values files of a prod install: deploy/values/prod.yaml
// plus the region values `platformdeploy app-values -resolve-digests` writes
// from the outputs, with the sidecar images pinned (scripts/ci/release.sh).
func prodFiles(t *testing.T) []string {
	t.Helper()
	return prodValuesFiles(t, true)
}

// unpinnedProdFiles are prodFiles from app-values without -resolve-digests:
// the sidecar images by tag only.
func unpinnedProdFiles(t *testing.T) []string {
	t.Helper()
	return prodValuesFiles(t, false)
}

func prodValuesFiles(t *testing.T, pin bool) []string {
	t.Helper()
	vals, err := platform.AppValues(fixtureOutputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if pin {
		merged, err := platform.LoadValues(orgAppChart, []string{prodValues}, vals)
		if err != nil {
			t.Fatal(err)
		}
		imgs, err := platform.ThirdPartyImages(merged)
		if err != nil {
			t.Fatal(err)
		}
		if len(imgs) != 2 {
			t.Fatalf("prod runs third-party images %v, want Fluent Bit and ADOT", imgs)
		}
		if _, err := platform.PinImages(context.Background(), vals, imgs, fixedDigests{"fluentBit.image": fluentBitDigest, "adot.image": adotDigest}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := yaml.Marshal(vals)
	if err != nil {
		t.Fatal(err)
	}
	region := filepath.Join(t.TempDir(), "region.yaml")
	if err := os.WriteFile(region, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{prodValues, region}
}

func writeValues(t *testing.T, yml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(p, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func get[T any](t *testing.T, res *chartrender.Result, kind, name string) T {
	t.Helper()
	o := res.Find(kind, name)
	if o == nil {
		t.Fatalf("no %s/%s rendered (have %v)", kind, name, res.Keys())
	}
	v, ok := o.Typed.(T)
	if !ok {
		t.Fatalf("%s/%s decoded as %T", kind, name, o.Typed)
	}
	return v
}

// podTemplates returns every pod spec the objects would create, by object key.
func podTemplates(res *chartrender.Result) map[string]corev1.PodTemplateSpec {
	out := map[string]corev1.PodTemplateSpec{}
	for _, o := range res.Objects {
		switch x := o.Typed.(type) {
		case *appsv1.Deployment:
			out[o.Key()] = x.Spec.Template
		case *appsv1.StatefulSet:
			out[o.Key()] = x.Spec.Template
		case *appsv1.DaemonSet:
			out[o.Key()] = x.Spec.Template
		case *corev1.Pod:
			out[o.Key()] = corev1.PodTemplateSpec{ObjectMeta: x.ObjectMeta, Spec: x.Spec}
		}
	}
	return out
}

var psaEvaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	return e
}()

// psaViolations evaluates a pod template at Pod Security level restricted,
// latest version, and returns one line per forbidden check.
func psaViolations(pt corev1.PodTemplateSpec) []string {
	var out []string
	lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	for _, r := range psaEvaluator.EvaluatePod(lv, &pt.ObjectMeta, &pt.Spec) {
		if !r.Allowed {
			out = append(out, fmt.Sprintf("%s: %s", r.ForbiddenReason, r.ForbiddenDetail))
		}
	}
	return out
}

func checkPSA(t *testing.T, res *chartrender.Result) {
	t.Helper()
	pts := podTemplates(res)
	if len(pts) == 0 {
		t.Fatal("no pod templates rendered")
	}
	for key, pt := range pts {
		if v := psaViolations(pt); len(v) > 0 {
			t.Errorf("%s violates Pod Security restricted: %s", key, strings.Join(v, "; "))
		}
	}
}

func container(t *testing.T, spec corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %q", name)
	return corev1.Container{}
}

func names(cs []corev1.Container) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// portNumber resolves a probe or service port (number or name) in c.
func portNumber(t *testing.T, c corev1.Container, p intstr.IntOrString) int32 {
	t.Helper()
	if p.Type == intstr.Int {
		return p.IntVal
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return cp.ContainerPort
		}
	}
	t.Fatalf("container %s has no port %s", c.Name, p.String())
	return 0
}

func selects(t *testing.T, sel *metav1.LabelSelector, podLabels map[string]string) bool {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatal(err)
	}
	return !s.Empty() && s.Matches(labels.Set(podLabels))
}

func mountPath(t *testing.T, c corev1.Container, volume string) string {
	t.Helper()
	for _, m := range c.VolumeMounts {
		if m.Name == volume {
			return m.MountPath
		}
	}
	t.Fatalf("container %s does not mount volume %s", c.Name, volume)
	return ""
}

func argAfter(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// metricsSource is infra/modules/observability/metrics.json.
type metricsSource struct {
	App struct {
		Namespace        string            `json:"namespace"`
		ServiceDimension string            `json:"service_dimension"`
		ServiceName      string            `json:"service_name"`
		Metrics          map[string]string `json:"metrics"`
	} `json:"app"`
	Canary struct {
		Namespace     string            `json:"namespace"`
		FlowDimension string            `json:"flow_dimension"`
		Metrics       map[string]string `json:"metrics"`
	} `json:"canary"`
}

func loadMetrics(t *testing.T) metricsSource {
	t.Helper()
	data, err := os.ReadFile(metricsJSON)
	if err != nil {
		t.Fatal(err)
	}
	var m metricsSource
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.App.Namespace == "" || m.Canary.Namespace == "" || len(m.App.Metrics) == 0 {
		t.Fatalf("%s lacks app/canary namespaces or metrics", metricsJSON)
	}
	return m
}

// fluentBitConf parses Fluent Bit's classic configuration into sections.
type fbSection struct {
	name string
	kv   map[string]string
}

func parseFluentBit(t *testing.T, conf string) []fbSection {
	t.Helper()
	var out []fbSection
	sc := bufio.NewScanner(strings.NewReader(conf))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			out = append(out, fbSection{name: strings.Trim(line, "[]"), kv: map[string]string{}})
		default:
			if len(out) == 0 {
				t.Fatalf("fluent-bit.conf: %q outside a section", line)
			}
			k, v, ok := strings.Cut(line, " ")
			if !ok {
				t.Fatalf("fluent-bit.conf: %q is not 'key value'", line)
			}
			key := strings.ToLower(k)
			if _, dup := out[len(out)-1].kv[key]; dup {
				t.Fatalf("fluent-bit.conf: [%s] sets %s twice", out[len(out)-1].name, k)
			}
			out[len(out)-1].kv[key] = strings.TrimSpace(v)
		}
	}
	return out
}

func fbOne(t *testing.T, secs []fbSection, name string) map[string]string {
	t.Helper()
	var found []map[string]string
	for _, s := range secs {
		if s.name == name {
			found = append(found, s.kv)
		}
	}
	if len(found) != 1 {
		t.Fatalf("fluent-bit.conf has %d [%s] sections, want 1", len(found), name)
	}
	return found[0]
}
