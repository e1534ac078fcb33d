package chartcheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/deploy/platform"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/chartrender"
)

// renderGateway renders charts/platform-gateway with the values
// platformdeploy generates from the recorded outputs.
func renderGateway(t *testing.T) *chartrender.Result {
	t.Helper()
	gen, err := platform.GeneratedValues(fixtureOutputs(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := yaml.Marshal(gen["platform-gateway"])
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "generated.yaml")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := chartrender.Render(chartrender.Options{ChartDir: gatewayChart, ReleaseName: "platform-gateway", Namespace: "nginx-gateway", ValueFiles: []string{f}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func staticValues(t *testing.T, release string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(platformDir, "values", release+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := yaml.UnmarshalStrict(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func dig(v map[string]any, path ...string) any {
	var cur any = v
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

// TestPlatformGateway: the Gateway and the TargetGroupBinding, rendered from
// the outputs, decode strictly and wire the NLB to the gateway's pods.
func TestPlatformGateway(t *testing.T) {
	res := renderGateway(t)
	o := fixtureOutputs(t)
	ngf := staticValues(t, "nginx-gateway-fabric")

	gw := get[*gatewayv1.Gateway](t, res, "Gateway", "platform")
	if gw.Namespace != "nginx-gateway" {
		t.Errorf("Gateway in %q, want nginx-gateway", gw.Namespace)
	}
	if string(gw.Spec.GatewayClassName) != dig(ngf, "nginxGateway", "gatewayClassName") {
		t.Errorf("Gateway class %q, NGINX Gateway Fabric creates %v", gw.Spec.GatewayClassName, dig(ngf, "nginxGateway", "gatewayClassName"))
	}
	if len(gw.Spec.Listeners) != 1 {
		t.Fatalf("listeners %+v", gw.Spec.Listeners)
	}
	l := gw.Spec.Listeners[0]
	if l.Name != "http" || l.Protocol != gatewayv1.HTTPProtocolType || int(l.Port) != o.GatewayPort {
		t.Errorf("listener %s %s:%d, want http HTTP on gateway_port %d", l.Name, l.Protocol, l.Port, o.GatewayPort)
	}
	ar := l.AllowedRoutes
	if ar == nil || ar.Namespaces == nil || ar.Namespaces.From == nil || *ar.Namespaces.From != gatewayv1.NamespacesFromSelector ||
		ar.Namespaces.Selector == nil || len(ar.Namespaces.Selector.MatchExpressions) != 1 ||
		!slices.Equal(ar.Namespaces.Selector.MatchExpressions[0].Values, []string{"org-app"}) {
		t.Errorf("allowed routes %+v, want HTTPRoutes from the org-app namespace only", ar)
	}

	// The org-app chart's route and network policy name this Gateway.
	app := render(t, prodFiles(t), "image.digest="+testDigest)
	route := app.Find("HTTPRoute", "org-app").Typed.(*gatewayv1.HTTPRoute)
	if p := route.Spec.ParentRefs[0]; string(p.Name) != gw.Name || string(*p.Namespace) != gw.Namespace || string(*p.SectionName) != string(l.Name) {
		t.Errorf("org-app's HTTPRoute attaches to %s/%s:%s, the Gateway is %s/%s:%s", *p.Namespace, p.Name, *p.SectionName, gw.Namespace, gw.Name, l.Name)
	}

	tgb := get[*chartrender.TargetGroupBinding](t, res, "TargetGroupBinding", "platform-nlb")
	s := tgb.Spec
	if tgb.Namespace != "nginx-gateway" || s.TargetGroupARN != o.TargetGroupARN || s.VpcID != o.LBVPCID {
		t.Errorf("TargetGroupBinding %s/%s → %s in %s, want %s in the LB VPC %s", tgb.Namespace, tgb.Name, s.TargetGroupARN, s.VpcID, o.TargetGroupARN, o.LBVPCID)
	}
	if s.TargetType == nil || *s.TargetType != "ip" || s.IPAddressType == nil || *s.IPAddressType != "ipv4" {
		t.Errorf("target type %v / %v, want ip targets (pod IPs), IPv4", s.TargetType, s.IPAddressType)
	}
	// NGINX Gateway Fabric names the data-plane Service <gateway>-<class> and
	// gives it the listener's port.
	if want := gw.Name + "-" + string(gw.Spec.GatewayClassName); s.ServiceRef.Name != want || s.ServiceRef.Port.IntValue() != o.GatewayPort {
		t.Errorf("serviceRef %s:%s, want %s:%d", s.ServiceRef.Name, s.ServiceRef.Port.String(), want, o.GatewayPort)
	}
	if s.Networking != nil || s.NodeSelector != nil || s.IamRoleArnToAssume != "" {
		t.Errorf("TargetGroupBinding manages security groups, selects nodes or assumes a role: %+v", s)
	}
	if dig(ngf, "nginx", "service", "type") != "ClusterIP" {
		t.Errorf("NGINX data-plane Service type %v, want ClusterIP (the NLB targets pod IPs)", dig(ngf, "nginx", "service", "type"))
	}
	// The org-app NetworkPolicy admits exactly this Gateway's pods.
	np := app.Find("NetworkPolicy", "org-app").Raw
	if !contains(np, "gateway.networking.k8s.io/gateway-name: "+gw.Name) || !contains(np, "kubernetes.io/metadata.name: "+gw.Namespace) {
		t.Errorf("org-app's NetworkPolicy does not admit the Gateway %s/%s's pods", gw.Namespace, gw.Name)
	}

	// Without an NLB (a local cluster): no TargetGroupBinding.
	local, err := chartrender.Render(chartrender.Options{ChartDir: gatewayChart, ReleaseName: "platform-gateway", Namespace: "nginx-gateway"})
	if err != nil {
		t.Fatal(err)
	}
	if local.Find("TargetGroupBinding", "platform-nlb") != nil || local.Find("Gateway", "platform") == nil {
		t.Errorf("default values render %v, want the Gateway only", local.Keys())
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

// TestPlatformValues: the add-ons are configured the way the platform needs.
func TestPlatformValues(t *testing.T) {
	lbc := staticValues(t, "aws-load-balancer-controller")
	for _, off := range [][]string{{"enableServiceMutatorWebhook"}, {"createIngressClassResource"}, {"ingressClassParams", "create"},
		{"enableBackendSecurityGroup"}, {"enableShield"}, {"enableWaf"}, {"enableWafv2"},
		{"controllerConfig", "featureGates", "EnableServiceController"}, {"controllerConfig", "featureGates", "ALBGatewayAPI"},
		{"controllerConfig", "featureGates", "NLBGatewayAPI"}} {
		if dig(lbc, off...) != false {
			t.Errorf("AWS Load Balancer Controller %v = %v, want false (TargetGroupBinding only)", off, dig(lbc, off...))
		}
	}
	if dig(lbc, "serviceAccount", "name") != "aws-load-balancer-controller" {
		t.Error("LBC ServiceAccount must be aws-load-balancer-controller (its Pod Identity association)")
	}
	ca := staticValues(t, "cluster-autoscaler")
	if dig(ca, "extraArgs", "balance-similar-node-groups") != true || dig(ca, "rbac", "serviceAccount", "name") != "cluster-autoscaler" || dig(ca, "cloudProvider") != "aws" {
		t.Errorf("cluster autoscaler values %v", ca)
	}
	csi := staticValues(t, "secrets-store-csi-driver")
	if dig(csi, "syncSecret", "enabled") != false || dig(csi, "enableSecretRotation") != true {
		t.Error("CSI driver: no Secret sync, rotation on")
	}
	if tr, _ := dig(csi, "tokenRequests").([]any); len(tr) != 1 || dig(tr[0].(map[string]any), "audience") != "pods.eks.amazonaws.com" {
		t.Errorf("CSI driver tokenRequests %v, want only the EKS Pod Identity audience", dig(csi, "tokenRequests"))
	}
	if dig(staticValues(t, "secrets-store-csi-driver-provider-aws"), "secrets-store-csi-driver", "install") != false {
		t.Error("ASCP must not install a second CSI driver")
	}

	// namespaces.yaml decodes strictly; nginx-gateway gets the readiness gate.
	data, err := os.ReadFile(filepath.Join(platformDir, "namespaces.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := chartrender.Decode(string(data), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 {
		t.Fatalf("namespaces.yaml has %d objects", len(objs))
	}
	ns := objs[0].Typed.(*corev1.Namespace)
	if ns.Name != "nginx-gateway" || ns.Labels["elbv2.k8s.aws/pod-readiness-gate-inject"] != "enabled" || ns.Labels["pod-security.kubernetes.io/enforce"] == "" {
		t.Errorf("namespace %s labels %v", ns.Name, ns.Labels)
	}
	if sel, _ := dig(lbc, "webhookNamespaceSelectors").([]any); len(sel) != 1 || dig(sel[0].(map[string]any), "key") != "elbv2.k8s.aws/pod-readiness-gate-inject" {
		t.Errorf("LBC pod webhook selector %v, want only namespaces with the readiness-gate label", dig(lbc, "webhookNamespaceSelectors"))
	}
	if pts := podTemplates(renderGateway(t)); len(pts) != 0 {
		t.Errorf("platform-gateway renders pods %v: the data plane is NGINX Gateway Fabric's", pts)
	}
}
