package chartcheck

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/canary"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/chartrender"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
)

// install is one way of installing the chart, with what it must render.
type install struct {
	name     string
	files    func(t *testing.T) []string
	set      []string
	sidecars bool // Fluent Bit + ADOT on org-app, Fluent Bit on the canary
	csi      bool
	want     []string // Kind/name that must be rendered
	notWant  []string // Kind/name that must not be rendered
}

// prodObjects must render with prod's values and with dev's, which layer
// over prod's.
var prodObjects = []string{"Namespace/org-app", "SecretProviderClass/org-app", "HTTPRoute/org-app", "ConfigMap/org-app-fluent-bit",
	"ConfigMap/org-app-adot", "ConfigMap/org-app-canary-fluent-bit", "Deployment/org-app", "Deployment/org-app-canary",
	"HorizontalPodAutoscaler/org-app", "PodDisruptionBudget/org-app", "NetworkPolicy/org-app", "Pod/org-app-test-canary"}

var installs = []install{
	{
		name:  "default values",
		files: func(*testing.T) []string { return nil },
		want: []string{"ServiceAccount/org-app", "ServiceAccount/org-app-canary", "ConfigMap/org-app", "Service/org-app",
			"Deployment/org-app", "Deployment/org-app-canary", "HorizontalPodAutoscaler/org-app", "PodDisruptionBudget/org-app",
			"NetworkPolicy/org-app", "NetworkPolicy/org-app-canary", "Pod/org-app-test-canary"},
		notWant: []string{"Namespace/org-app", "SecretProviderClass/org-app", "HTTPRoute/org-app",
			"ConfigMap/org-app-fluent-bit", "ConfigMap/org-app-adot", "ConfigMap/org-app-canary-fluent-bit"},
	},
	{
		name:     "prod values",
		files:    prodFiles,
		set:      []string{"image.digest=" + testDigest},
		sidecars: true,
		csi:      true,
		want:     prodObjects,
	},
	{
		// dev layers deploy/values/dev.yaml over prod.yaml (scripts/ci/release.sh):
		// one zone, an HPA of 2-6, to fit one node at rest (ADR 0142).
		name: "dev values",
		files: func(t *testing.T) []string {
			f := prodFiles(t)
			return []string{f[0], "../values/dev.yaml", f[1]}
		},
		set:      []string{"image.digest=" + testDigest},
		sidecars: true,
		csi:      true,
		want:     prodObjects,
	},
	{
		name:    "local values (e2e)",
		files:   func(*testing.T) []string { return []string{localValues} },
		set:     []string{"image.tag=e2e", "image.pullPolicy=Never", "namespace.create=true"}, // as make e2e installs it
		want:    []string{"Namespace/org-app", "Deployment/org-app", "Pod/org-app-test-canary"},
		notWant: []string{"SecretProviderClass/org-app", "ConfigMap/org-app-fluent-bit", "ConfigMap/org-app-adot"},
	},
}

func TestOrgAppChart(t *testing.T) {
	for _, in := range installs {
		t.Run(in.name, func(t *testing.T) {
			res := render(t, in.files(t), in.set...)
			for _, k := range in.want {
				if kind, name, _ := strings.Cut(k, "/"); res.Find(kind, name) == nil {
					t.Errorf("%s not rendered (have %v)", k, res.Keys())
				}
			}
			for _, k := range in.notWant {
				if kind, name, _ := strings.Cut(k, "/"); res.Find(kind, name) != nil {
					t.Errorf("%s rendered, but must not be", k)
				}
			}
			for _, o := range res.Objects {
				if o.GVK.Kind != "Namespace" && o.NS != namespace {
					t.Errorf("%s in namespace %q, want the release namespace %q", o.Key(), o.NS, namespace)
				}
			}
			if o := res.Find("Namespace", namespace); o != nil {
				ns := o.Typed.(*corev1.Namespace)
				if ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" || ns.Labels["pod-security.kubernetes.io/enforce-version"] != "latest" {
					t.Errorf("namespace labels %v: Pod Security restricted (latest) must be enforced", ns.Labels)
				}
				if ns.Annotations["helm.sh/resource-policy"] != "keep" {
					t.Error("the namespace holds the release record: uninstall must keep it (helm.sh/resource-policy: keep)")
				}
			}
			t.Run("pod security restricted", func(t *testing.T) { checkPSA(t, res) })
			cfg := checkConfig(t, res, in.sidecars)
			t.Run("deployment", func(t *testing.T) { checkDeployment(t, res, cfg, in) })
			t.Run("autoscaling and disruption", func(t *testing.T) { checkScaling(t, res) })
			t.Run("network policy", func(t *testing.T) { checkNetworkPolicy(t, res, cfg, in) })
			t.Run("service and route", func(t *testing.T) { checkServiceAndRoute(t, res, cfg) })
			t.Run("canary", func(t *testing.T) { checkCanary(t, res, cfg, in) })
			if in.sidecars {
				t.Run("sidecar config", func(t *testing.T) { checkSidecarConfig(t, res, cfg) })
			}
			if in.csi {
				t.Run("secret provider class", func(t *testing.T) { checkSecretProviderClass(t, res) })
			}
			if !strings.Contains(res.Notes, "helm test org-app") {
				t.Errorf("NOTES.txt does not say how to run helm test:\n%s", res.Notes)
			}
		})
	}
}

// checkConfig parses the rendered config file with org-app's own loader.
func checkConfig(t *testing.T, res *chartrender.Result, sidecars bool) *config.Config {
	t.Helper()
	cm := get[*corev1.ConfigMap](t, res, "ConfigMap", "org-app")
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cm.Data["config.yaml"]), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("org-app rejects the rendered config:\n%v\n---\n%s", err, cm.Data["config.yaml"])
	}
	if sidecars != (cfg.LogFile.Path != "") {
		t.Errorf("logFile.path = %q with the Fluent Bit sidecar %v", cfg.LogFile.Path, sidecars)
	}
	return cfg
}

func checkDeployment(t *testing.T, res *chartrender.Result, cfg *config.Config, in install) {
	d := get[*appsv1.Deployment](t, res, "Deployment", "org-app")
	spec := d.Spec.Template.Spec
	podLabels := d.Spec.Template.Labels
	if !selects(t, d.Spec.Selector, podLabels) {
		t.Errorf("deployment selector %v does not select its pods %v", d.Spec.Selector, podLabels)
	}
	if ru := d.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable.IntValue() != 0 || ru.MaxSurge.IntValue() != 1 {
		t.Errorf("rolling update %+v, want maxSurge 1, maxUnavailable 0", d.Spec.Strategy.RollingUpdate)
	}

	// Spread: zones strictly, nodes as far as possible, both over this Deployment's pods.
	var zone, node *corev1.TopologySpreadConstraint
	for i, c := range spec.TopologySpreadConstraints {
		switch c.TopologyKey {
		case "topology.kubernetes.io/zone":
			zone = &spec.TopologySpreadConstraints[i]
		case "kubernetes.io/hostname":
			node = &spec.TopologySpreadConstraints[i]
		}
	}
	if zone == nil || zone.MaxSkew != 1 || zone.WhenUnsatisfiable != corev1.DoNotSchedule || !selects(t, zone.LabelSelector, podLabels) {
		t.Errorf("zone spread %+v, want maxSkew 1, DoNotSchedule, selecting the pods", zone)
	}
	if node == nil || node.MaxSkew != 1 || node.WhenUnsatisfiable != corev1.ScheduleAnyway || !selects(t, node.LabelSelector, podLabels) {
		t.Errorf("node spread %+v, want maxSkew 1, ScheduleAnyway, selecting the pods", node)
	}

	app := container(t, spec, "org-app")
	if !slices.Equal(app.Args, []string{"/config/config.yaml"}) || mountPath(t, app, "config") != "/config" {
		t.Errorf("org-app args %q, config mounted at %q: want the config file /config/config.yaml", app.Args, mountPath(t, app, "config"))
	}
	// Probes on the health listener, ports as the config says.
	for name, p := range map[string]*corev1.Probe{"startup": app.StartupProbe, "liveness": app.LivenessProbe, "readiness": app.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("org-app has no HTTP %s probe", name)
			continue
		}
		if got := portNumber(t, app, p.HTTPGet.Port); int(got) != cfg.Healthcheck.Port {
			t.Errorf("%s probe on port %d, config healthcheck.port is %d", name, got, cfg.Healthcheck.Port)
		}
	}
	if app.StartupProbe.HTTPGet.Path != "/startupz" || app.LivenessProbe.HTTPGet.Path != "/livez" || app.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("probe paths %s %s %s", app.StartupProbe.HTTPGet.Path, app.LivenessProbe.HTTPGet.Path, app.ReadinessProbe.HTTPGet.Path)
	}
	for name, want := range map[string]int{"http": cfg.Port, "health": cfg.Healthcheck.Port, "metrics": cfg.Metrics.Port} {
		if got := portNumber(t, app, intstr.FromString(name)); int(got) != want {
			t.Errorf("container port %s = %d, config says %d", name, got, want)
		}
	}

	// Grace period longer than preStop + drain + shutdown.
	if app.Lifecycle == nil || app.Lifecycle.PreStop == nil || app.Lifecycle.PreStop.Sleep == nil {
		t.Fatal("org-app has no preStop sleep")
	}
	preStop := time.Duration(app.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	need := preStop + cfg.Server.DrainDelay.D() + cfg.Server.ShutdownTimeout.D()
	if grace := time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second; grace <= need {
		t.Errorf("terminationGracePeriodSeconds %s, not longer than preStop %s + drainDelay %s + shutdownTimeout %s",
			grace, preStop, cfg.Server.DrainDelay, cfg.Server.ShutdownTimeout)
	}

	if app.Resources.Requests.Cpu().IsZero() || app.Resources.Requests.Memory().IsZero() || app.Resources.Limits.Memory().IsZero() {
		t.Errorf("org-app resources %+v: requests and a memory limit are required", app.Resources)
	}
	if spec.ServiceAccountName != "org-app" {
		t.Errorf("serviceAccountName %q, the Pod Identity association is for org-app", spec.ServiceAccountName)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Error("the API token is mounted: org-app and its sidecars do not call the Kubernetes API")
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range app.Env {
		env[e.Name] = e
	}
	if az := env["AVAILABILITY_ZONE"]; az.ValueFrom == nil || az.ValueFrom.FieldRef == nil ||
		az.ValueFrom.FieldRef.FieldPath != "metadata.labels['topology.kubernetes.io/zone']" {
		t.Errorf("AVAILABILITY_ZONE %+v, want the node zone label copied onto the pod", az)
	}
	secretFile := env["DEVOPS_SECRET_FILE"].Value
	if filepath.Dir(secretFile) != mountPath(t, app, "devops-secret") {
		t.Errorf("DEVOPS_SECRET_FILE %q is not in the devops-secret volume at %s", secretFile, mountPath(t, app, "devops-secret"))
	}
	if _, ok := env["DEVOPS_SECRET"]; ok {
		t.Error("DEVOPS_SECRET as an env var: use the mounted file (rotation, no secret in the pod spec)")
	}
	vol := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		vol[v.Name] = v
	}
	if in.csi {
		if c := vol["devops-secret"].CSI; c == nil || c.Driver != "secrets-store.csi.k8s.io" || c.VolumeAttributes["secretProviderClass"] != "org-app" {
			t.Errorf("devops-secret volume %+v, want the secrets-store CSI driver with SecretProviderClass org-app", vol["devops-secret"])
		}
	} else if s := vol["devops-secret"].Secret; s == nil || s.SecretName != "devopssecret" {
		t.Errorf("devops-secret volume %+v, want Secret devopssecret", vol["devops-secret"])
	}
	if mountPath(t, app, "tmp") != "/tmp" || vol["tmp"].EmptyDir == nil {
		t.Error("/tmp is not an emptyDir")
	}
	if in.name == "prod values" && !strings.HasSuffix(app.Image, "@"+testDigest) {
		t.Errorf("prod image %q is not pinned by digest", app.Image)
	}

	// Sidecars: native (restartPolicy Always), present exactly when toggled on.
	wantSidecars := []string(nil)
	if in.sidecars {
		wantSidecars = []string{"fluent-bit", "adot-collector"}
	}
	if got := names(spec.InitContainers); !slices.Equal(got, wantSidecars) {
		t.Errorf("init containers %v, want sidecars %v", got, wantSidecars)
	}
	for _, c := range spec.InitContainers {
		if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			t.Errorf("%s is not a native sidecar (restartPolicy Always)", c.Name)
		}
		if c.StartupProbe == nil || c.LivenessProbe == nil {
			t.Errorf("%s lacks startup or liveness probe", c.Name)
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s resources %+v: requests and a memory limit are required", c.Name, c.Resources)
		}
		if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
			t.Errorf("%s has a writable root file system", c.Name)
		}
	}
	if in.sidecars {
		// org-app writes its log file where Fluent Bit reads it.
		fb := container(t, spec, "fluent-bit")
		logDir := mountPath(t, app, "app-logs")
		if filepath.Dir(cfg.LogFile.Path) != logDir || mountPath(t, fb, "app-logs") != logDir {
			t.Errorf("logFile.path %s, org-app mounts app-logs at %s, fluent-bit at %s", cfg.LogFile.Path, logDir, mountPath(t, fb, "app-logs"))
		}
		limit := vol["app-logs"].EmptyDir.SizeLimit
		need := int64(cfg.LogFile.MaxSizeMB*(cfg.LogFile.MaxBackups+1)) << 20
		if limit == nil || limit.Value() <= need {
			t.Errorf("app-logs sizeLimit %v cannot hold %d rotated files of %d MB", limit, cfg.LogFile.MaxBackups+1, cfg.LogFile.MaxSizeMB)
		}
	}
}

func checkScaling(t *testing.T, res *chartrender.Result) {
	d := get[*appsv1.Deployment](t, res, "Deployment", "org-app")
	zones := int32(intValue(t, res.Values, "zones", 3))
	hpa := get[*autoscalingv2.HorizontalPodAutoscaler](t, res, "HorizontalPodAutoscaler", "org-app")
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < zones {
		t.Errorf("HPA minReplicas %v < zones %d", hpa.Spec.MinReplicas, zones)
	}
	if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != d.Name {
		t.Errorf("HPA targets %+v", hpa.Spec.ScaleTargetRef)
	}
	if d.Spec.Replicas != nil {
		t.Errorf("Deployment sets replicas %d while the HPA owns them", *d.Spec.Replicas)
	}
	if len(hpa.Spec.Metrics) != 1 || hpa.Spec.Metrics[0].Resource == nil || hpa.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
		t.Errorf("HPA metrics %+v, want CPU", hpa.Spec.Metrics)
	}
	pdb := get[*policyv1.PodDisruptionBudget](t, res, "PodDisruptionBudget", "org-app")
	if pdb.Spec.MaxUnavailable == nil || pdb.Spec.MaxUnavailable.IntValue() != 1 || pdb.Spec.MinAvailable != nil {
		t.Errorf("PDB %+v, want maxUnavailable 1", pdb.Spec)
	}
	if !selects(t, pdb.Spec.Selector, d.Spec.Template.Labels) {
		t.Errorf("PDB selector %v does not select org-app's pods", pdb.Spec.Selector)
	}
	if c := get[*appsv1.Deployment](t, res, "Deployment", "org-app-canary"); selects(t, pdb.Spec.Selector, c.Spec.Template.Labels) {
		t.Error("PDB selects the canary's pods")
	}
}

func intValue(t *testing.T, vals map[string]any, key string, def int) int {
	t.Helper()
	switch v := vals[key].(type) {
	case nil:
		return def
	case int64:
		return int(v)
	case float64:
		return int(v)
	case int:
		return v
	default:
		t.Fatalf("%s = %v (%T)", key, v, v)
		return 0
	}
}

func checkNetworkPolicy(t *testing.T, res *chartrender.Result, cfg *config.Config, in install) {
	d := get[*appsv1.Deployment](t, res, "Deployment", "org-app")
	c := get[*appsv1.Deployment](t, res, "Deployment", "org-app-canary")
	testPod := get[*corev1.Pod](t, res, "Pod", "org-app-test-canary")
	np := get[*networkingv1.NetworkPolicy](t, res, "NetworkPolicy", "org-app")
	if !selects(t, &np.Spec.PodSelector, d.Spec.Template.Labels) {
		t.Fatalf("NetworkPolicy org-app selector %v does not select org-app's pods %v", np.Spec.PodSelector, d.Spec.Template.Labels)
	}
	if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
		t.Errorf("policy types %v, want Ingress and Egress", np.Spec.PolicyTypes)
	}
	fromGateway := false
	for _, rule := range np.Spec.Ingress {
		if len(rule.From) == 0 || len(rule.Ports) == 0 {
			t.Errorf("ingress rule %+v admits any source or port", rule)
		}
		for _, p := range rule.Ports {
			if p.Port == nil || p.Port.IntValue() != cfg.Port {
				t.Errorf("ingress to port %v: only the API port %d is open to pods (the kubelet probes from the node)", p.Port, cfg.Port)
			}
		}
		for _, f := range rule.From {
			if f.IPBlock != nil {
				t.Errorf("ingress from an IP block %v", f.IPBlock)
			}
			if f.NamespaceSelector != nil {
				if f.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "nginx-gateway" || f.PodSelector == nil ||
					f.PodSelector.MatchLabels["gateway.networking.k8s.io/gateway-name"] != "platform" {
					t.Errorf("ingress from namespaces %v pods %v, want only the platform gateway's pods in nginx-gateway", f.NamespaceSelector, f.PodSelector)
				}
				if len(rule.Ports) != 1 || rule.Ports[0].Port.IntValue() != cfg.Port {
					t.Errorf("the gateway may reach ports %v, want only the API port %d", rule.Ports, cfg.Port)
				}
				fromGateway = true
			} else if f.PodSelector != nil && (!selects(t, f.PodSelector, c.Spec.Template.Labels) || !selects(t, f.PodSelector, testPod.Labels)) {
				t.Errorf("same-namespace ingress from %v, want the canary pods only", f.PodSelector)
			}
		}
	}
	if !fromGateway {
		t.Error("the gateway cannot reach the API")
	}
	checkEgress(t, "org-app", np.Spec.Egress, in.sidecars)
	cnp := get[*networkingv1.NetworkPolicy](t, res, "NetworkPolicy", "org-app-canary")
	if !selects(t, &cnp.Spec.PodSelector, c.Spec.Template.Labels) || !selects(t, &cnp.Spec.PodSelector, testPod.Labels) {
		t.Errorf("NetworkPolicy org-app-canary does not select the canary and test pods")
	}
	if selects(t, &cnp.Spec.PodSelector, d.Spec.Template.Labels) {
		t.Error("NetworkPolicy org-app-canary selects org-app's pods")
	}
	if len(cnp.Spec.Ingress) != 0 || !slices.Contains(cnp.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) {
		t.Errorf("the canary accepts ingress: %+v", cnp.Spec.Ingress)
	}
	checkEgress(t, "org-app-canary", cnp.Spec.Egress, in.sidecars)
}

// checkEgress: DNS to the cluster DNS pods, 443 only to the VPC endpoint
// CIDRs, the Pod Identity agent; nothing open-ended.
func checkEgress(t *testing.T, name string, rules []networkingv1.NetworkPolicyEgressRule, aws bool) {
	t.Helper()
	dns, endpoints, agent := false, false, false
	for _, r := range rules {
		if len(r.To) == 0 || len(r.Ports) == 0 {
			t.Errorf("%s: egress rule %+v allows any destination or port", name, r)
			continue
		}
		for _, to := range r.To {
			switch {
			case to.NamespaceSelector != nil:
				if to.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "kube-system" || to.PodSelector == nil {
					t.Errorf("%s: egress to namespaces %v", name, to.NamespaceSelector)
				}
				dns = r.Ports[0].Port.IntValue() == 53
			case to.IPBlock != nil:
				if to.IPBlock.CIDR == "0.0.0.0/0" || len(to.IPBlock.Except) > 0 {
					t.Errorf("%s: egress to %v", name, to.IPBlock)
				}
				if to.IPBlock.CIDR == "169.254.170.23/32" {
					agent = r.Ports[0].Port.IntValue() == 80
				} else {
					endpoints = r.Ports[0].Port.IntValue() == 443
					if !slices.Contains([]string{"10.10.48.0/24", "10.10.49.0/24", "10.10.50.0/24"}, to.IPBlock.CIDR) {
						t.Errorf("%s: 443 to %s, which is not a VPC endpoint CIDR of the outputs", name, to.IPBlock.CIDR)
					}
				}
			}
		}
	}
	if !dns {
		t.Errorf("%s: no DNS egress", name)
	}
	if aws != endpoints || aws != agent {
		t.Errorf("%s: egress to the VPC endpoints %v and the Pod Identity agent %v, want both %v (AWS sidecars)", name, endpoints, agent, aws)
	}
}

func checkServiceAndRoute(t *testing.T, res *chartrender.Result, cfg *config.Config) {
	d := get[*appsv1.Deployment](t, res, "Deployment", "org-app")
	svc := get[*corev1.Service](t, res, "Service", "org-app")
	if svc.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("Service type %s, want ClusterIP", svc.Spec.Type)
	}
	if !selects(t, &metav1.LabelSelector{MatchLabels: svc.Spec.Selector}, d.Spec.Template.Labels) {
		t.Errorf("Service selector %v does not select org-app's pods", svc.Spec.Selector)
	}
	app := container(t, d.Spec.Template.Spec, "org-app")
	ports := map[string]int{}
	for _, p := range svc.Spec.Ports {
		ports[p.Name] = int(portNumber(t, app, p.TargetPort))
	}
	if len(ports) != 1 || ports["http"] != cfg.Port {
		t.Errorf("Service targets %v, want only http → the API port %d (the health listener is the kubelet's)", ports, cfg.Port)
	}
	if o := res.Find("HTTPRoute", "org-app"); o != nil {
		r := o.Typed.(*gatewayv1.HTTPRoute)
		if len(r.Spec.ParentRefs) != 1 || string(r.Spec.ParentRefs[0].Name) != "platform" || r.Spec.ParentRefs[0].Namespace == nil ||
			string(*r.Spec.ParentRefs[0].Namespace) != "nginx-gateway" || r.Spec.ParentRefs[0].SectionName == nil || *r.Spec.ParentRefs[0].SectionName != "http" {
			t.Errorf("HTTPRoute parents %+v, want nginx-gateway/platform listener http", r.Spec.ParentRefs)
		}
		if len(r.Spec.Rules) != 1 || len(r.Spec.Rules[0].BackendRefs) != 1 {
			t.Fatalf("HTTPRoute rules %+v", r.Spec.Rules)
		}
		b := r.Spec.Rules[0].BackendRefs[0]
		if string(b.Name) != svc.Name || b.Port == nil || *b.Port != svc.Spec.Ports[0].Port {
			t.Errorf("HTTPRoute backend %s:%v, want %s:%d", b.Name, b.Port, svc.Name, svc.Spec.Ports[0].Port)
		}
	}
}

func checkCanary(t *testing.T, res *chartrender.Result, cfg *config.Config, in install) {
	m := loadMetrics(t)
	d := get[*appsv1.Deployment](t, res, "Deployment", "org-app-canary")
	spec := d.Spec.Template.Spec
	if spec.ServiceAccountName != "org-app-canary" {
		t.Errorf("canary serviceAccountName %q, the Pod Identity association is for org-app-canary", spec.ServiceAccountName)
	}
	c := container(t, spec, "canary")
	if !slices.Equal(c.Command, []string{"/usr/local/bin/canary"}) || len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Errorf("canary runs %q %q, want /usr/local/bin/canary serve", c.Command, c.Args)
	}
	if got := argAfter(c.Args, "--emf-namespace"); got != m.Canary.Namespace {
		t.Errorf("canary --emf-namespace %q, metrics.json says %q", got, m.Canary.Namespace)
	}
	wantTarget := "http://org-app.org-app.svc.cluster.local:8080"
	if argAfter(c.Args, "--target") != wantTarget {
		t.Errorf("canary targets %q, want the Service %s", argAfter(c.Args, "--target"), wantTarget)
	}
	// Health flows through the Service would reach draining pods (readyz 503 by design)
	// over pooled connections: a false alarm at every rollout.
	if slices.Contains(c.Args, "--health") {
		t.Error("canary serve checks the health listener through the Service")
	}
	if got := argAfter(c.Args, "--user-groups"); !slices.Contains(cfg.AuthInfo.UserGroups, got) {
		t.Errorf("canary --user-groups %q is not one of authInfo.userGroups %v", got, cfg.AuthInfo.UserGroups)
	}
	if got := argAfter(c.Args, "--analyst-groups"); !slices.Contains(cfg.AuthInfo.AnalystGroups, got) {
		t.Errorf("canary --analyst-groups %q is not one of authInfo.analystGroups %v", got, cfg.AuthInfo.AnalystGroups)
	}
	emfFile := argAfter(c.Args, "--emf-file")
	wantInit := []string(nil)
	if in.sidecars {
		wantInit = []string{"fluent-bit"}
	}
	if in.sidecars != (emfFile != "") || !slices.Equal(names(spec.InitContainers), wantInit) {
		t.Errorf("canary --emf-file %q and init containers %v with sidecars %v", emfFile, names(spec.InitContainers), in.sidecars)
	}
	if in.sidecars {
		if filepath.Dir(emfFile) != mountPath(t, c, "canary-logs") || mountPath(t, container(t, spec, "fluent-bit"), "canary-logs") != filepath.Dir(emfFile) {
			t.Errorf("--emf-file %s is not in the volume Fluent Bit reads", emfFile)
		}
		size, _ := strconv.Atoi(argAfter(c.Args, "--emf-file-max-size-mb"))
		backups, _ := strconv.Atoi(argAfter(c.Args, "--emf-file-max-backups"))
		for _, v := range spec.Volumes {
			if v.Name == "canary-logs" && (v.EmptyDir == nil || v.EmptyDir.SizeLimit == nil || size < 1 ||
				v.EmptyDir.SizeLimit.Value() <= int64(size*(backups+1))<<20) {
				t.Errorf("canary-logs %+v cannot hold %d EMF files of %d MiB", v.VolumeSource, backups+1, size)
			}
		}
		cm := get[*corev1.ConfigMap](t, res, "ConfigMap", "org-app-canary-fluent-bit")
		secs := parseFluentBit(t, cm.Data["fluent-bit.conf"])
		if in := fbOne(t, secs, "INPUT"); in["path"] != emfFile {
			t.Errorf("canary Fluent Bit tails %q, the canary writes %q", in["path"], emfFile)
		}
		out := fbOne(t, secs, "OUTPUT")
		if out["name"] != "cloudwatch_logs" || out["log_format"] != "json/emf" || out["log_group_name"] != "/org-app/org-app-prod-use1/canary" {
			t.Errorf("canary Fluent Bit output %v, want cloudwatch_logs json/emf to the canary log group", out)
		}
	}
	checkCanaryArgsAccepted(t, "serve", c)

	tp := get[*corev1.Pod](t, res, "Pod", "org-app-test-canary")
	if o := res.Find("Pod", "org-app-test-canary"); !o.Hook || tp.Annotations["helm.sh/hook"] != "test" {
		t.Errorf("test pod hook annotations %v", tp.Annotations)
	}
	if !strings.Contains(tp.Annotations["helm.sh/hook-delete-policy"], "before-hook-creation") {
		t.Errorf("test pod delete policy %q: a rerun must replace the last pod", tp.Annotations["helm.sh/hook-delete-policy"])
	}
	tc := container(t, tp.Spec, "canary")
	if len(tc.Args) == 0 || tc.Args[0] != "run" || argAfter(tc.Args, "--target") != wantTarget || slices.Contains(tc.Args, "--health") || argAfter(tc.Args, "--slo-success") == "" ||
		argAfter(tc.Args, "--slo-p99") == "" || argAfter(tc.Args, "--duration") == "" {
		t.Errorf("helm test runs %q, want canary run against %s with SLOs and a duration", tc.Args, wantTarget)
	}
	if tp.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("test pod restartPolicy %s, want Never (the exit status is the verdict)", tp.Spec.RestartPolicy)
	}
	checkCanaryArgsAccepted(t, "run", tc)
}

// checkCanaryArgsAccepted runs the canary's own command line parser on the
// rendered arguments (with the run cut short): a flag the canary does not
// know, or a bad value, is exit status 2.
func checkCanaryArgsAccepted(t *testing.T, what string, c corev1.Container) {
	t.Helper()
	args := slices.Clone(c.Args)
	if i := slices.Index(args, "--metrics-addr"); i >= 0 {
		args[i+1] = "127.0.0.1:0"
	}
	if i := slices.Index(args, "--emf-file"); i >= 0 {
		args[i+1] = filepath.Join(t.TempDir(), "emf.log")
	}
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("0123456789abcdef0123456789abcdef-test-only"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) (string, bool) {
		if k == "DEVOPS_SECRET_FILE" {
			return secretFile, true
		}
		return "", false
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // parse and set up, then stop at once
	var stderr strings.Builder
	if code := canary.Main(ctx, args, env, io.Discard, &stderr); code == canary.ExitUsage {
		t.Errorf("canary %s rejects the chart's arguments %q:\n%s", what, args, stderr.String())
	}
}

func checkSidecarConfig(t *testing.T, res *chartrender.Result, cfg *config.Config) {
	m := loadMetrics(t)
	cm := get[*corev1.ConfigMap](t, res, "ConfigMap", "org-app-adot")
	var adot struct {
		Receivers struct {
			Prometheus struct {
				TrimMetricSuffixes *bool `json:"trim_metric_suffixes"`
				Config             struct {
					ScrapeConfigs []struct {
						StaticConfigs []struct {
							Targets []string          `json:"targets"`
							Labels  map[string]string `json:"labels"`
						} `json:"static_configs"`
					} `json:"scrape_configs"`
				} `json:"config"`
			} `json:"prometheus"`
		} `json:"receivers"`
		Exporters struct {
			AWSEMF struct {
				Namespace          string `json:"namespace"`
				Region             string `json:"region"`
				LogGroupName       string `json:"log_group_name"`
				DimensionRollup    string `json:"dimension_rollup_option"`
				MetricDeclarations []struct {
					Dimensions          [][]string `json:"dimensions"`
					MetricNameSelectors []string   `json:"metric_name_selectors"`
				} `json:"metric_declarations"`
			} `json:"awsemf"`
		} `json:"exporters"`
		Service struct {
			Pipelines map[string]struct {
				Receivers []string `json:"receivers"`
				Exporters []string `json:"exporters"`
			} `json:"pipelines"`
		} `json:"service"`
	}
	if err := yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &adot); err != nil {
		t.Fatalf("ADOT config: %v", err)
	}
	prom := adot.Receivers.Prometheus
	if prom.TrimMetricSuffixes == nil || *prom.TrimMetricSuffixes {
		t.Error("the Prometheus receiver may trim _total/_seconds: metric names would differ from metrics.json")
	}
	if len(prom.Config.ScrapeConfigs) != 1 || len(prom.Config.ScrapeConfigs[0].StaticConfigs) != 1 {
		t.Fatalf("scrape configs %+v, want one static target", prom.Config.ScrapeConfigs)
	}
	sc := prom.Config.ScrapeConfigs[0].StaticConfigs[0]
	if want := []string{"localhost:" + itoa(cfg.Metrics.Port)}; !slices.Equal(sc.Targets, want) {
		t.Errorf("ADOT scrapes %v, org-app's metrics listener is %v", sc.Targets, want)
	}
	if len(sc.Labels) != 1 || sc.Labels[m.App.ServiceDimension] != m.App.ServiceName {
		t.Errorf("scrape labels %v, want %s=%s (metrics.json)", sc.Labels, m.App.ServiceDimension, m.App.ServiceName)
	}
	emf := adot.Exporters.AWSEMF
	if emf.Namespace != m.App.Namespace || emf.Region != "us-east-1" || emf.LogGroupName != "/org-app/org-app-prod-use1/metrics" {
		t.Errorf("awsemf namespace %q region %q log group %q", emf.Namespace, emf.Region, emf.LogGroupName)
	}
	if emf.DimensionRollup != "NoDimensionRollup" || len(emf.MetricDeclarations) != 1 {
		t.Fatalf("awsemf rollup %q declarations %d", emf.DimensionRollup, len(emf.MetricDeclarations))
	}
	decl := emf.MetricDeclarations[0]
	if len(decl.Dimensions) != 1 || !slices.Equal(decl.Dimensions[0], []string{m.App.ServiceDimension}) {
		t.Errorf("awsemf dimensions %v, want [[%s]] (metrics.json)", decl.Dimensions, m.App.ServiceDimension)
	}
	var selected, want []string
	for _, s := range decl.MetricNameSelectors {
		name := strings.TrimSuffix(strings.TrimPrefix(s, "^"), "$")
		if regexp.QuoteMeta(name) != name || "^"+name+"$" != s {
			t.Errorf("selector %q is not an exact-name match", s)
		}
		selected = append(selected, name)
	}
	for _, v := range m.App.Metrics {
		want = append(want, v)
	}
	slices.Sort(selected)
	slices.Sort(want)
	if !slices.Equal(selected, want) {
		t.Errorf("awsemf selects %v, metrics.json app.metrics has %v", selected, want)
	}
	p := adot.Service.Pipelines["metrics"]
	if !slices.Equal(p.Receivers, []string{"prometheus"}) || !slices.Equal(p.Exporters, []string{"awsemf"}) {
		t.Errorf("metrics pipeline %+v", p)
	}

	fb := get[*corev1.ConfigMap](t, res, "ConfigMap", "org-app-fluent-bit")
	secs := parseFluentBit(t, fb.Data["fluent-bit.conf"])
	if in := fbOne(t, secs, "INPUT"); in["name"] != "tail" || in["path"] != cfg.LogFile.Path || !strings.HasPrefix(in["db"], "/fluent-bit/state/") {
		t.Errorf("Fluent Bit input %v, want tail of %s with its DB in the state volume", in, cfg.LogFile.Path)
	}
	out := fbOne(t, secs, "OUTPUT")
	if out["name"] != "cloudwatch_logs" || out["log_group_name"] != "/org-app/org-app-prod-use1/app" || out["region"] != "us-east-1" || out["auto_create_group"] != "false" {
		t.Errorf("Fluent Bit output %v, want cloudwatch_logs to the app log group, no group creation", out)
	}
	if _, ok := out["log_format"]; ok {
		t.Error("the app's JSON logs are not EMF: no log_format")
	}
	svc := fbOne(t, secs, "SERVICE")
	d := get[*appsv1.Deployment](t, res, "Deployment", "org-app")
	if port := portNumber(t, container(t, d.Spec.Template.Spec, "fluent-bit"), intstr.FromString("flb-http")); svc["http_port"] != itoa(int(port)) || svc["health_check"] != "On" {
		t.Errorf("Fluent Bit HTTP server %v, probes on %d", svc, port)
	}
}

func checkSecretProviderClass(t *testing.T, res *chartrender.Result) {
	spc := get[*chartrender.SecretProviderClass](t, res, "SecretProviderClass", "org-app")
	p := spc.Spec.Parameters
	if spc.Spec.Provider != "aws" || p["usePodIdentity"] != "true" || p["region"] != "us-east-1" {
		t.Errorf("SecretProviderClass %+v, want provider aws with Pod Identity in us-east-1", spc.Spec)
	}
	if len(spc.Spec.SecretObjects) != 0 {
		t.Error("SecretProviderClass syncs a Kubernetes Secret: the secret must stay out of etcd")
	}
	var objects []map[string]string
	if err := yaml.UnmarshalStrict([]byte(p["objects"]), &objects); err != nil {
		t.Fatalf("objects: %v", err)
	}
	want := map[string]string{"objectName": "arn:aws:secretsmanager:us-east-1:123456789012:secret:org-app-prod-use1/devops-secret-AbCdEf",
		"objectType": "secretsmanager", "objectAlias": "devops-secret"}
	if len(objects) != 1 || !mapsEqual(objects[0], want) {
		t.Errorf("objects %v, want %v", objects, want)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func itoa(i int) string { return strconv.Itoa(i) }
