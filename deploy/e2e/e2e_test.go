//go:build e2e

// Package e2e installs the org-app chart on the real cluster in KUBECONFIG
// (localk8s in CI, kind or any cluster for users) and proves it works there:
// `make e2e`. See README.md (Deploy) and docs/adr/0204.
//
// Environment: KUBECONFIG (without it the test skips); E2E_IMAGE_LOAD, a
// command given the image tarball as its one argument
// (../shared/localk8s/load-image, `kind load image-archive`); E2E_IMAGE_DIR,
// the output of `make image` (default dist/image); E2E_NAMESPACE (default
// org-app-e2e; it must not exist).
package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/kube"
	rspb "helm.sh/helm/v4/pkg/release/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/chartrender"
)

const (
	chartDir    = "../charts/org-app"
	localValues = "../values/local.yaml"
	release     = "org-app"
)

type env struct {
	t         *testing.T
	ctx       context.Context
	ns        string
	cfg       *action.Configuration
	kube      kubernetes.Interface
	imageRepo string
	imageTag  string
}

func TestE2E(t *testing.T) {
	kubeconfig := os.Getenv("KUBECONFIG")
	if kubeconfig == "" {
		t.Skip("e2e: KUBECONFIG is not set: no cluster to install on (make e2e starts none; see README.md, Deploy)")
	}
	load := strings.Fields(os.Getenv("E2E_IMAGE_LOAD"))
	if len(load) == 0 {
		t.Fatal("e2e: E2E_IMAGE_LOAD is not set: give the command that loads an image tarball into the cluster's nodes " +
			"(../shared/localk8s/load-image, or `kind load image-archive`)")
	}
	imageDir := os.Getenv("E2E_IMAGE_DIR")
	if imageDir == "" {
		imageDir = "../../dist/image"
	}
	ns := os.Getenv("E2E_NAMESPACE")
	if ns == "" {
		ns = "org-app-e2e"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	e := &env{t: t, ctx: ctx, ns: ns}
	e.step("cluster %s, namespace %s", kubeconfig, ns)

	// 1. Load the image `make image` built for this machine's architecture.
	ref, err := os.ReadFile(filepath.Join(imageDir, "ref"))
	if err != nil {
		t.Fatalf("e2e: no image (run make image first): %v", err)
	}
	e.imageRepo, e.imageTag, _ = strings.Cut(strings.TrimSpace(string(ref)), ":")
	tarball := filepath.Join(imageDir, fmt.Sprintf("org-app-linux-%s.docker.tar", runtime.GOARCH))
	out, err := exec.CommandContext(ctx, load[0], append(load[1:], tarball)...).CombinedOutput()
	if err != nil {
		t.Fatalf("e2e: %s %s: %v\n%s", strings.Join(load, " "), tarball, err, out)
	}
	e.step("image %s:%s loaded (%s)", e.imageRepo, e.imageTag, strings.TrimSpace(string(out)))

	// Helm SDK and client-go against KUBECONFIG.
	flags := genericclioptions.NewConfigFlags(true)
	flags.KubeConfig, flags.Namespace = &kubeconfig, &ns
	e.cfg = action.NewConfiguration(action.ConfigurationSetLogger(slog.NewTextHandler(io.Discard, nil)))
	if err := e.cfg.Init(flags, ns, "secret"); err != nil {
		t.Fatal(err)
	}
	if e.kube, err = e.cfg.KubernetesClientSet(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil {
		t.Fatalf("e2e: namespace %s exists already: delete it or set E2E_NAMESPACE", ns)
	}
	t.Cleanup(e.cleanup)

	e.install()
	e.helmTest()
	e.rollingRestartUnderLoad()
	e.badValuesRefused()
	e.uninstallLeavesNothing()
	e.step("OK in %s", time.Since(start).Round(time.Second))
}

func (e *env) step(format string, args ...any) {
	e.t.Helper()
	e.t.Logf("e2e: "+format, args...)
}

func (e *env) values(extra ...string) map[string]any {
	e.t.Helper()
	set := append([]string{
		"image.repository=" + e.imageRepo,
		"image.pullPolicy=Never",
		"namespace.create=true",
	}, extra...)
	// --set-string: a tag of digits only (a short commit id) is still a tag.
	vals, err := chartrender.ValuesWithStrings([]string{localValues}, set, []string{"image.tag=" + e.imageTag})
	if err != nil {
		e.t.Fatal(err)
	}
	return vals
}

// install: helm install --create-namespace --wait, the chart adopting the
// namespace with Pod Security "restricted" enforced, as prod does. The
// devopssecret Secret is created as soon as the namespace exists.
func (e *env) install() {
	t := e.t
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	secretErr := make(chan error, 1)
	go func() { secretErr <- e.createSecretWhenNamespaceExists() }()

	inst := action.NewInstall(e.cfg)
	inst.ReleaseName, inst.Namespace = release, e.ns
	inst.CreateNamespace = true
	inst.WaitStrategy = kube.StatusWatcherStrategy
	inst.Timeout = 4 * time.Minute
	t0 := time.Now()
	if _, err := inst.RunWithContext(e.ctx, ch, e.values()); err != nil {
		e.dumpPods()
		t.Fatalf("e2e: helm install --wait: %v", err)
	}
	if err := <-secretErr; err != nil {
		t.Fatalf("e2e: %v", err)
	}
	nsObj, err := e.kube.CoreV1().Namespaces().Get(e.ctx, e.ns, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l := nsObj.Labels; l["pod-security.kubernetes.io/enforce"] != "restricted" || l["pod-security.kubernetes.io/enforce-version"] != "latest" {
		t.Fatalf("e2e: namespace labels %v: Pod Security restricted is not enforced", l)
	}
	e.step("helm install --wait: %s (namespace enforces Pod Security %s)", time.Since(t0).Round(time.Second), nsObj.Labels["pod-security.kubernetes.io/enforce"])

	// The HPA brings the Deployment to minReplicas (3), one zone here.
	d := e.waitRollout(3, 3*time.Minute)
	e.step("deployment %s: %d/%d ready (HPA minReplicas)", d.Name, d.Status.ReadyReplicas, *d.Spec.Replicas)
	e.checkPods()
}

func (e *env) createSecretWhenNamespaceExists() error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "devopssecret", Namespace: e.ns, Labels: map[string]string{"app.kubernetes.io/part-of": "org-app-e2e"}},
		StringData: map[string]string{"secret": hex.EncodeToString(key)},
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		_, err := e.kube.CoreV1().Secrets(e.ns).Create(e.ctx, s, metav1.CreateOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
			return fmt.Errorf("creating Secret devopssecret: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("namespace never appeared: Secret devopssecret not created")
}

// checkPods: what the kubelet actually runs: uid 65532, read-only root,
// every container ready, and the node's zone reaching the pod.
func (e *env) checkPods() {
	t := e.t
	pods, err := e.kube.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=api"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		node, err := e.kube.CoreV1().Nodes().Get(e.ctx, p.Spec.NodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if z := node.Labels["topology.kubernetes.io/zone"]; z != "" && p.Labels["topology.kubernetes.io/zone"] != z {
			t.Errorf("e2e: pod %s has zone label %q, its node is in %q: AVAILABILITY_ZONE would be wrong", p.Name, p.Labels["topology.kubernetes.io/zone"], z)
		}
		for _, cs := range p.Status.ContainerStatuses {
			if !cs.Ready || cs.RestartCount > 0 {
				t.Errorf("e2e: pod %s container %s ready %v, restarts %d", p.Name, cs.Name, cs.Ready, cs.RestartCount)
			}
		}
	}
	e.step("%d org-app pods running as %d, zone %q", len(pods.Items), *pods.Items[0].Spec.SecurityContext.RunAsUser, pods.Items[0].Labels["topology.kubernetes.io/zone"])
}

// helmTest runs `helm test` (canary run against the Service's DNS name) and
// returns its log.
func (e *env) runHelmTest(timeout time.Duration) (string, error) {
	rt := action.NewReleaseTesting(e.cfg)
	rt.Namespace, rt.Timeout = e.ns, timeout
	reli, shutdown, runErr := rt.Run(release)
	var logs bytes.Buffer
	if rel, ok := reli.(*rspb.Release); ok && rel != nil {
		if err := rt.GetPodLogs(&logs, rel); err != nil {
			runErr = errors.Join(runErr, err)
		}
	}
	if err := shutdown(); err != nil {
		runErr = errors.Join(runErr, err)
	}
	return logs.String(), runErr
}

var sloPass = regexp.MustCompile(`(?m)^SLO: PASS`)

func (e *env) helmTest() {
	t0 := time.Now()
	logs, err := e.runHelmTest(3 * time.Minute)
	if err != nil || !sloPass.MatchString(logs) {
		e.dumpPods()
		e.t.Fatalf("e2e: helm test: %v\n%s", err, logs)
	}
	e.step("helm test passed in %s:\n%s", time.Since(t0).Round(time.Second), indent(logs))
}

// rollingRestartUnderLoad: a longer helm test at a steady rate, with a 100%
// success SLO, while every org-app pod is replaced: the probes, the preStop
// sleep, the drain and maxUnavailable 0 must keep every check passing.
func (e *env) rollingRestartUnderLoad() {
	t := e.t
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	up := action.NewUpgrade(e.cfg)
	up.Namespace = e.ns
	up.WaitStrategy = kube.StatusWatcherStrategy
	up.Timeout = 3 * time.Minute
	before := e.deployment().Generation
	if _, err := up.RunWithContext(e.ctx, release, ch, e.values(
		"tests.canary.duration=45s", "tests.canary.rate=20", "tests.canary.concurrency=8", "tests.canary.sloSuccess=100")); err != nil {
		t.Fatalf("e2e: helm upgrade (test settings): %v", err)
	}
	if g := e.deployment().Generation; g != before {
		t.Fatalf("e2e: changing the test settings rolled the Deployment (generation %d → %d)", before, g)
	}

	type result struct {
		logs string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		logs, err := e.runHelmTest(3 * time.Minute)
		done <- result{logs, err}
	}()
	// Restart once the canary is running.
	testPod := release + "-test-canary"
	if err := e.poll(time.Minute, func() (bool, error) {
		p, err := e.kube.CoreV1().Pods(e.ns).Get(e.ctx, testPod, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil && p.Status.Phase == corev1.PodRunning, err
	}); err != nil {
		t.Fatalf("e2e: test pod never ran: %v", err)
	}
	time.Sleep(5 * time.Second)
	oldPods := e.podNames()
	t0 := time.Now()
	patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":%q}}}}}`, time.Now().Format(time.RFC3339))
	if _, err := e.kube.AppsV1().Deployments(e.ns).Patch(e.ctx, release, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("e2e: rollout restart: %v", err)
	}
	e.waitRollout(3, 2*time.Minute)
	for p := range e.podNames() {
		if oldPods[p] {
			t.Errorf("e2e: pod %s survived the rolling restart", p)
		}
	}
	e.step("rolling restart under load: %d pods replaced in %s", len(oldPods), time.Since(t0).Round(time.Second))
	r := <-done
	if r.err != nil || !sloPass.MatchString(r.logs) {
		e.dumpPods()
		t.Fatalf("e2e: checks failed during the rolling restart: %v\n%s", r.err, r.logs)
	}
	e.step("canary during the restart: zero failed checks (SLO 100%%):\n%s", indent(r.logs))
}

func (e *env) badValuesRefused() {
	ch, err := loader.Load(chartDir)
	if err != nil {
		e.t.Fatal(err)
	}
	vals, err := chartrender.Values([]string{"../chartcheck/testdata/bad-values.yaml"}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	inst := action.NewInstall(e.cfg)
	inst.ReleaseName, inst.Namespace = release+"-bad", e.ns
	inst.WaitStrategy = kube.StatusWatcherStrategy
	inst.Timeout = time.Minute
	_, err = inst.RunWithContext(e.ctx, ch, vals)
	if err == nil || !strings.Contains(err.Error(), "additional properties 'replicas' not allowed") {
		e.t.Fatalf("e2e: bad values: %v, want the schema's refusal", err)
	}
	if _, err := action.NewGet(e.cfg).Run(release + "-bad"); err == nil {
		e.t.Error("e2e: a release was recorded for the refused values")
	}
	e.step("bad values refused: %s", firstLines(err.Error(), 4))
}

// uninstallLeavesNothing: helm uninstall --wait removes every object of the
// release and Helm's records; the namespace stays (helm.sh/resource-policy:
// keep, as Helm keeps a --create-namespace namespace), holding only what was
// not the chart's, and is then deleted.
func (e *env) uninstallLeavesNothing() {
	t := e.t
	un := action.NewUninstall(e.cfg)
	un.WaitStrategy = kube.StatusWatcherStrategy
	un.Timeout = 3 * time.Minute
	t0 := time.Now()
	if _, err := un.Run(release); err != nil {
		t.Fatalf("e2e: helm uninstall: %v", err)
	}
	// Pods end after their grace period and the garbage collector removes
	// ReplicaSets after their Deployment: poll until nothing is left.
	sel := metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=" + release + ",app.kubernetes.io/part-of=org-app"}
	var left []string
	leftovers := func() (bool, error) {
		left = nil
		for kind, list := range map[string]func() (int, error){
			"pods":       func() (int, error) { l, err := e.kube.CoreV1().Pods("").List(e.ctx, sel); return lenOf(l, err) },
			"services":   func() (int, error) { l, err := e.kube.CoreV1().Services("").List(e.ctx, sel); return lenOf(l, err) },
			"configmaps": func() (int, error) { l, err := e.kube.CoreV1().ConfigMaps("").List(e.ctx, sel); return lenOf(l, err) },
			"serviceaccounts": func() (int, error) {
				l, err := e.kube.CoreV1().ServiceAccounts("").List(e.ctx, sel)
				return lenOf(l, err)
			},
			"deployments": func() (int, error) { l, err := e.kube.AppsV1().Deployments("").List(e.ctx, sel); return lenOf(l, err) },
			"replicasets": func() (int, error) { l, err := e.kube.AppsV1().ReplicaSets("").List(e.ctx, sel); return lenOf(l, err) },
			"networkpolicies": func() (int, error) {
				l, err := e.kube.NetworkingV1().NetworkPolicies("").List(e.ctx, sel)
				return lenOf(l, err)
			},
			"hpas": func() (int, error) {
				l, err := e.kube.AutoscalingV2().HorizontalPodAutoscalers("").List(e.ctx, sel)
				return lenOf(l, err)
			},
			"pdbs": func() (int, error) {
				l, err := e.kube.PolicyV1().PodDisruptionBudgets("").List(e.ctx, sel)
				return lenOf(l, err)
			},
			"helm release records": func() (int, error) {
				l, err := e.kube.CoreV1().Secrets("").List(e.ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + release})
				return lenOf(l, err)
			},
		} {
			n, err := list()
			if err != nil {
				return false, err
			}
			if n > 0 {
				left = append(left, fmt.Sprintf("%d %s", n, kind))
			}
		}
		return len(left) == 0, nil
	}
	if err := e.poll(2*time.Minute, leftovers); err != nil {
		t.Fatalf("e2e: helm uninstall left %s: %v", strings.Join(left, ", "), err)
	}
	all, err := e.kube.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{})
	if err != nil || len(all.Items) > 0 {
		t.Fatalf("e2e: pods left in %s after uninstall: %d (%v)", e.ns, len(all.Items), err)
	}
	e.step("helm uninstall: every object of the release and its records gone in %s; namespace kept by policy", time.Since(t0).Round(time.Second))

	if err := e.kube.CoreV1().Namespaces().Delete(e.ctx, e.ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := e.poll(2*time.Minute, func() (bool, error) {
		_, err := e.kube.CoreV1().Namespaces().Get(e.ctx, e.ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	}); err != nil {
		t.Fatalf("e2e: namespace %s not deleted: %v", e.ns, err)
	}
	e.step("namespace %s deleted", e.ns)
}

func (e *env) deployment() *appsv1.Deployment {
	d, err := e.kube.AppsV1().Deployments(e.ns).Get(e.ctx, release, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// waitRollout waits until the Deployment has replicas pods, all updated,
// available and ready, and no old pods.
func (e *env) waitRollout(replicas int32, timeout time.Duration) *appsv1.Deployment {
	var d *appsv1.Deployment
	err := e.poll(timeout, func() (bool, error) {
		var err error
		d, err = e.kube.AppsV1().Deployments(e.ns).Get(e.ctx, release, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		s := d.Status
		return d.Spec.Replicas != nil && *d.Spec.Replicas >= replicas && s.ObservedGeneration >= d.Generation &&
			s.UpdatedReplicas == *d.Spec.Replicas && s.ReadyReplicas == *d.Spec.Replicas &&
			s.AvailableReplicas == *d.Spec.Replicas && s.Replicas == *d.Spec.Replicas, nil
	})
	if err != nil {
		e.dumpPods()
		e.t.Fatalf("e2e: deployment %s not rolled out with %d replicas: %v (status %+v)", release, replicas, err, d.Status)
	}
	return d
}

func (e *env) podNames() map[string]bool {
	pods, err := e.kube.CoreV1().Pods(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=api"})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			out[p.Name] = true
		}
	}
	return out
}

func (e *env) poll(timeout time.Duration, fn func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := fn()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", timeout)
		}
		select {
		case <-e.ctx.Done():
			return e.ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// dumpPods logs the namespace's pods and events to explain a failure.
func (e *env) dumpPods() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pods, err := e.kube.CoreV1().Pods(e.ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		e.t.Logf("e2e: listing pods: %v", err)
		return
	}
	for _, p := range pods.Items {
		e.t.Logf("e2e: pod %s phase %s conditions %+v", p.Name, p.Status.Phase, p.Status.Conditions)
		for _, cs := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
			e.t.Logf("e2e:   %s ready %v restarts %d state %+v", cs.Name, cs.Ready, cs.RestartCount, cs.State)
		}
	}
	evs, err := e.kube.CoreV1().Events(e.ns).List(ctx, metav1.ListOptions{})
	if err == nil {
		for _, ev := range evs.Items {
			if ev.Type != corev1.EventTypeNormal {
				e.t.Logf("e2e: event %s %s: %s", ev.InvolvedObject.Name, ev.Reason, ev.Message)
			}
		}
	}
}

// cleanup removes what a failed run left, so the next run starts clean.
func (e *env) cleanup() {
	if e.kube == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := e.kube.CoreV1().Namespaces().Get(ctx, e.ns, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		return
	}
	un := action.NewUninstall(e.cfg)
	un.IgnoreNotFound, un.Timeout = true, time.Minute
	_, _ = un.Run(release)
	_ = e.kube.CoreV1().Namespaces().Delete(ctx, e.ns, metav1.DeleteOptions{})
	e.t.Logf("e2e: cleaned up namespace %s", e.ns)
}

// lenOf counts the items of a typed list.
func lenOf(l kruntime.Object, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return meta.LenList(l), nil
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " | ")
}
