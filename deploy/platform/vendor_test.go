package platform

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

const (
	crdsURL  = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"
	crdsPath = "/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"
	crdsBody = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gateways.gateway.networking.k8s.io\n"
)

// chartArchive is a chart .tgz with <name>/Chart.yaml.
func chartArchive(t *testing.T, name, version string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range []struct{ name, body string }{
		{name + "/Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n"},
		{name + "/values.yaml", "{}\n"},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fakeHelm answers `helm pull CHART [--repo R] --version V --destination D`
// with a chart archive as helm names it, and records every call.
type fakeHelm struct {
	t         *testing.T
	mu        sync.Mutex
	calls     []string
	fail      string // chart whose pull fails
	misnumber string // chart pulled at another version
}

func (f *fakeHelm) exec(_ context.Context, cmd []string, _, _ io.Writer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, strings.Join(cmd, " "))
	if len(cmd) < 3 || cmd[1] != "pull" {
		return errors.New("fake helm: only pull")
	}
	chart := cmd[2]
	var version, dest string
	for i := 3; i+1 < len(cmd); i++ {
		switch cmd[i] {
		case "--version":
			version = cmd[i+1]
		case "--destination":
			dest = cmd[i+1]
		}
	}
	if chart == f.fail {
		return errors.New("exit status 1")
	}
	if chart == f.misnumber {
		version = "0.0.1"
	}
	name := path.Base(chart)
	return os.WriteFile(filepath.Join(dest, name+"-"+version+".tgz"), chartArchive(f.t, name, version), 0o600)
}

// rewriteHost sends every request to the loopback server, keeping the path:
// the production URL (github.com) stays what releases.yaml validates.
type rewriteHost struct {
	host string
	rt   http.RoundTripper
}

func (r rewriteHost) RoundTrip(req *http.Request) (*http.Response, error) {
	c := req.Clone(req.Context())
	c.URL.Host, c.Host = r.host, ""
	return r.rt.RoundTrip(c)
}

// crdServer is an https server on loopback with the CRDs at their release
// path, and the client that reaches it for any https URL.
func crdServer(t *testing.T, h http.HandlerFunc) *http.Client {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	c := httpsClient()
	c.Transport = rewriteHost{host: strings.TrimPrefix(srv.URL, "https://"), rt: srv.Client().Transport}
	return c
}

func serveCRDs(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != crdsPath {
		http.NotFound(w, r)
		return
	}
	_, _ = io.WriteString(w, crdsBody)
}

func vendorInto(t *testing.T, m *Manifest, h *fakeHelm, client *http.Client) (string, *VendorManifest, error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vendor")
	vm, err := Vendor(context.Background(), m, dir, VendorOptions{Tools: Tools{Helm: "helm", Exec: h.exec}, Client: client})
	return dir, vm, err
}

func TestVendor(t *testing.T) {
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	h := &fakeHelm{t: t}
	dir, vm, err := vendorInto(t, m, h, crdServer(t, serveCRDs))
	if err != nil {
		t.Fatal(err)
	}

	var remote int
	for _, r := range m.Releases {
		want := "helm pull " + r.Chart + " --repo " + r.Repo + " --version " + r.Version + " --destination "
		if r.Repo == "" {
			want = "helm pull " + r.Chart + " --version " + r.Version + " --destination "
		}
		pulled := slices.ContainsFunc(h.calls, func(c string) bool { return strings.HasPrefix(c, want) })
		if r.Local() {
			if _, ok := vm.Charts[r.Name]; ok || slices.ContainsFunc(h.calls, func(c string) bool { return strings.Contains(c, r.Chart) }) {
				t.Errorf("%s: a chart of this repository is vendored", r.Name)
			}
			continue
		}
		remote++
		if !pulled {
			t.Errorf("%s: no %q in %q", r.Name, want, h.calls)
		}
		c := vm.Charts[r.Name]
		if c.File != "charts/"+r.Name+"-"+r.Version+".tgz" || c.Version != r.Version || c.Chart != r.Chart || c.Repo != r.Repo {
			t.Errorf("%s: vendored as %+v", r.Name, c)
		}
		data, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != c.SHA256 {
			t.Errorf("%s: sha256 %s does not match the archive", r.Name, c.SHA256)
		}
	}
	if remote == 0 || len(h.calls) != remote || len(vm.Charts) != remote {
		t.Errorf("%d remote releases, %d pulls, %d vendored", remote, len(h.calls), len(vm.Charts))
	}
	f, ok := vm.Files[crdsURL]
	sum := sha256.Sum256([]byte(crdsBody))
	if !ok || f.File != "files/gateway-api-crds-v1.5.1.yaml" || f.Version != "v1.5.1" || f.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("CRDs vendored as %+v (%v)", f, ok)
	}
	if data, err := os.ReadFile(filepath.Join(dir, f.File)); err != nil || string(data) != crdsBody {
		t.Errorf("CRDs file %q: %v", data, err)
	}
	// vendor.json is the manifest deploy reads; no temporary leftovers.
	var onDisk VendorManifest
	data, err := os.ReadFile(filepath.Join(dir, VendorFile))
	if err == nil {
		err = json.Unmarshal(data, &onDisk)
	}
	if err != nil || len(onDisk.Charts) != remote || onDisk.Files[crdsURL] != f {
		t.Errorf("vendor.json %s: %v", data, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover %s in the vendor directory", e.Name())
		}
	}

	// deploy -vendor: the same steps with local files, no repository, no URL.
	v, err := LoadVendor(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := GeneratedValues(outputs(t))
	if err != nil {
		t.Fatal(err)
	}
	steps, err := Plan(".", "prod", m, gen, t.TempDir(), Tools{Helm: "helm", Kubectl: "kubectl"}, v)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(steps[1].Cmd, " "); got != "kubectl apply --server-side --field-manager=platform-deploy -f "+filepath.Join(dir, f.File) {
		t.Errorf("CRDs step %q", got)
	}
	for i, s := range steps[2:] {
		r, cmd := m.Releases[i], strings.Join(s.Cmd, " ")
		if strings.Contains(cmd, "--repo") || strings.Contains(cmd, "--version") || strings.Contains(cmd, "://") {
			t.Errorf("%s: remote reference left: %q", r.Name, cmd)
		}
		want := "helm upgrade --install " + r.Name + " " + filepath.Join(dir, "charts", r.Name+"-"+r.Version+".tgz") + " --namespace " + r.Namespace + " -f " + ValuesFile(".", r)
		if r.Local() {
			want = "helm upgrade --install " + r.Name + " " + filepath.Join(".", r.Chart) + " --namespace " + r.Namespace
		}
		if !strings.HasPrefix(cmd, want+" ") {
			t.Errorf("step %q, want it to start with %q", cmd, want)
		}
	}
}

func TestVendorFails(t *testing.T) {
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	ok := crdServer(t, serveCRDs)

	if _, _, err := vendorInto(t, m, &fakeHelm{t: t, fail: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric"}, ok); err == nil ||
		!strings.Contains(err.Error(), `release "nginx-gateway-fabric"`) || !strings.Contains(err.Error(), "helm pull oci://ghcr.io/nginx/charts/nginx-gateway-fabric --version 2.6.7") {
		t.Errorf("a failing pull: %v", err)
	}
	if _, _, err := vendorInto(t, m, &fakeHelm{t: t, misnumber: "cluster-autoscaler"}, ok); err == nil ||
		!strings.Contains(err.Error(), `release "cluster-autoscaler"`) || !strings.Contains(err.Error(), "cluster-autoscaler 0.0.1, want cluster-autoscaler 9.59.0") {
		t.Errorf("a pull of another version: %v", err)
	}

	for name, c := range map[string]struct {
		h    http.HandlerFunc
		max  int64
		want string
	}{
		"not found": {h: http.NotFound, want: "404"},
		"too large": {h: serveCRDs, max: 16, want: "larger than 16 bytes"},
		"empty":     {h: func(http.ResponseWriter, *http.Request) {}, want: "empty response"},
		"redirect to http": {h: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://objects.example.com/crds.yaml", http.StatusFound)
		}, want: "https only"},
	} {
		dir := filepath.Join(t.TempDir(), "vendor")
		_, err := Vendor(context.Background(), m, dir, VendorOptions{Tools: Tools{Helm: "helm", Exec: (&fakeHelm{t: t}).exec}, Client: crdServer(t, c.h), MaxBytes: c.max})
		if err == nil || !strings.Contains(err.Error(), crdsURL) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %s and %q", name, err, crdsURL, c.want)
		}
		if _, serr := os.Stat(filepath.Join(dir, VendorFile)); serr == nil {
			t.Errorf("%s: vendor.json written after a failure", name)
		}
	}

	// Only https is fetched, whatever the manifest says.
	plain := *m
	plain.GatewayAPICRDs.URL = "http://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"
	plain.Releases = nil
	if _, _, err := vendorInto(t, &plain, &fakeHelm{t: t}, ok); err == nil || !strings.Contains(err.Error(), "only https") {
		t.Errorf("an http URL: %v", err)
	}
}

func TestLoadVendorRejects(t *testing.T) {
	m, err := LoadManifest(".")
	if err != nil {
		t.Fatal(err)
	}
	good, _, err := vendorInto(t, m, &fakeHelm{t: t}, crdServer(t, serveCRDs))
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(good, VendorFile))
	if err != nil {
		t.Fatal(err)
	}
	// copyGood makes a vendor directory like good and lets change alter it.
	copyGood := func(change func(dir string, vm map[string]any)) string {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
			t.Fatal(err)
		}
		var vm map[string]any
		if err := json.Unmarshal(manifest, &vm); err != nil {
			t.Fatal(err)
		}
		change(dir, vm)
		data, _ := json.Marshal(vm)
		if err := os.WriteFile(filepath.Join(dir, VendorFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	chart := func(vm map[string]any, name string) map[string]any {
		return vm["charts"].(map[string]any)[name].(map[string]any)
	}
	if _, err := LoadVendor(copyGood(func(string, map[string]any) {}), m); err != nil {
		t.Fatalf("an unchanged copy: %v", err)
	}
	for name, c := range map[string]struct {
		change func(dir string, vm map[string]any)
		want   []string
	}{
		"chart file missing": {func(dir string, _ map[string]any) {
			_ = os.Remove(filepath.Join(dir, "charts", "aws-load-balancer-controller-3.5.0.tgz"))
		}, []string{`release "aws-load-balancer-controller"`, "vendored file missing"}},
		"release not vendored": {func(_ string, vm map[string]any) {
			delete(vm["charts"].(map[string]any), "cluster-autoscaler")
		}, []string{`release "cluster-autoscaler" (cluster-autoscaler 9.59.0) is not vendored`}},
		"other version": {func(_ string, vm map[string]any) {
			chart(vm, "nginx-gateway-fabric")["version"] = "2.6.6"
		}, []string{`release "nginx-gateway-fabric": vendored oci://ghcr.io/nginx/charts/nginx-gateway-fabric 2.6.6, releases.yaml pins oci://ghcr.io/nginx/charts/nginx-gateway-fabric 2.6.7`}},
		"other repo": {func(_ string, vm map[string]any) {
			chart(vm, "cluster-autoscaler")["repo"] = "https://charts.example.com"
		}, []string{`release "cluster-autoscaler": vendored cluster-autoscaler 9.59.0 from https://charts.example.com, releases.yaml pins cluster-autoscaler 9.59.0 from https://kubernetes.github.io/autoscaler`}},
		"chart changed": {func(dir string, _ map[string]any) {
			_ = os.WriteFile(filepath.Join(dir, "charts", "cluster-autoscaler-9.59.0.tgz"), []byte("other"), 0o600)
		}, []string{`release "cluster-autoscaler"`, "sha256"}},
		"chart outside": {func(_ string, vm map[string]any) {
			chart(vm, "cluster-autoscaler")["file"] = "../cluster-autoscaler-9.59.0.tgz"
		}, []string{`release "cluster-autoscaler"`, "inside the vendor directory"}},
		"CRDs changed": {func(dir string, _ map[string]any) {
			_ = os.WriteFile(filepath.Join(dir, "files", "gateway-api-crds-v1.5.1.yaml"), []byte("kind: Other\n"), 0o600)
		}, []string{"Gateway API CRDs v1.5.1", "sha256"}},
		"CRDs missing": {func(dir string, _ map[string]any) {
			_ = os.Remove(filepath.Join(dir, "files", "gateway-api-crds-v1.5.1.yaml"))
		}, []string{"Gateway API CRDs v1.5.1", "vendored file missing"}},
		"CRDs of another version": {func(_ string, vm map[string]any) {
			f := vm["files"].(map[string]any)
			f[strings.ReplaceAll(crdsURL, "v1.5.1", "v1.4.0")] = f[crdsURL]
			delete(f, crdsURL)
		}, []string{"Gateway API CRDs v1.5.1 (" + crdsURL + ") are not vendored"}},
		"unknown field": {func(_ string, vm map[string]any) { vm["extra"] = true }, []string{"unknown field"}},
	} {
		_, err := LoadVendor(copyGood(c.change), m)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want an error containing %q", name, err, w)
			}
		}
	}
	// Every problem at once, each named.
	dir := copyGood(func(dir string, vm map[string]any) {
		delete(vm["charts"].(map[string]any), "cluster-autoscaler")
		_ = os.Remove(filepath.Join(dir, "files", "gateway-api-crds-v1.5.1.yaml"))
	})
	if _, err := LoadVendor(dir, m); err == nil || !strings.Contains(err.Error(), "cluster-autoscaler") || !strings.Contains(err.Error(), "Gateway API CRDs") {
		t.Errorf("two problems: %v", err)
	}
	if _, err := LoadVendor(t.TempDir(), m); err == nil || !strings.Contains(err.Error(), VendorFile) || !strings.Contains(err.Error(), "platformdeploy vendor") {
		t.Errorf("no vendor.json: %v", err)
	}
}
