package platform

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// VendorFile is the manifest of a vendor directory: what `platformdeploy
// vendor` fetched, for `platformdeploy deploy -vendor` to install without the
// internet.
const VendorFile = "vendor.json"

// Fetch limits of Vendor's defaults.
const (
	DefaultFetchTimeout = 2 * time.Minute
	DefaultMaxFileBytes = 16 << 20
)

// VendoredChart is one remote release's chart archive in a vendor directory.
type VendoredChart struct {
	Chart   string `json:"chart"`          // as releases.yaml names it
	Repo    string `json:"repo,omitempty"` // as releases.yaml names it
	Version string `json:"version"`
	File    string `json:"file"` // relative to the vendor directory, slash-separated
	SHA256  string `json:"sha256"`
}

// VendoredFile is one fetched manifest (the Gateway API CRDs).
type VendoredFile struct {
	Version string `json:"version"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
}

// VendorManifest is DIR/vendor.json: release name → chart, URL → file.
type VendorManifest struct {
	Charts map[string]VendoredChart `json:"charts"`
	Files  map[string]VendoredFile  `json:"files"`
}

// Vendored is a checked vendor directory: the local paths deploy uses
// instead of the remote references.
type Vendored struct {
	Dir    string
	Charts map[string]string // release name → chart archive
	Files  map[string]string // URL → file
}

// VendorOptions are how Vendor fetches.
type VendorOptions struct {
	Tools    Tools        // Helm pulls the charts
	Client   *http.Client // nil: an https-only client (tests inject a loopback one)
	Timeout  time.Duration
	MaxBytes int64
	Log      io.Writer // progress and helm's output; nil discards
}

// ChartFile and CRDsFile are the deterministic names of vendored files.
func ChartFile(r Release) string { return "charts/" + r.Name + "-" + r.Version + ".tgz" }

// CRDsFile is the vendored Gateway API CRDs of a version.
func CRDsFile(version string) string { return "files/gateway-api-crds-" + version + ".yaml" }

// Vendor fetches every remote chart of m at its pinned version (helm pull)
// and the Gateway API CRDs (https GET) into dir, and writes dir/vendor.json
// last, so a directory with a manifest is complete.
func Vendor(ctx context.Context, m *Manifest, dir string, o VendorOptions) (*VendorManifest, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultFetchTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxFileBytes
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Client == nil {
		o.Client = httpsClient()
	}
	if o.Tools.Helm == "" {
		return nil, fmt.Errorf("platform: vendor: no helm")
	}
	for _, sub := range []string{"charts", "files"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return nil, fmt.Errorf("platform: vendor: %w", err)
		}
	}
	// A manifest of an earlier run must not outlive a failed one.
	if err := os.Remove(filepath.Join(dir, VendorFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("platform: vendor: %w", err)
	}
	vm := &VendorManifest{Charts: map[string]VendoredChart{}, Files: map[string]VendoredFile{}}
	for _, r := range m.Releases {
		if r.Local() {
			continue
		}
		vc, err := pullChart(ctx, r, dir, o)
		if err != nil {
			return nil, err
		}
		vm.Charts[r.Name] = vc
		fmt.Fprintf(o.Log, "platform-vendor: %s %s -> %s\n", r.Name, r.Version, vc.File)
	}
	crds := m.GatewayAPICRDs
	rel := CRDsFile(crds.Version)
	sum, err := fetchFile(ctx, o, crds.URL, filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("platform: vendor: Gateway API CRDs %s: %w", crds.URL, err)
	}
	vm.Files[crds.URL] = VendoredFile{Version: crds.Version, File: rel, SHA256: sum}
	fmt.Fprintf(o.Log, "platform-vendor: Gateway API CRDs %s -> %s\n", crds.Version, rel)

	data, err := json.MarshalIndent(vm, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("platform: vendor: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, VendorFile), append(data, '\n')); err != nil {
		return nil, fmt.Errorf("platform: vendor: %w", err)
	}
	return vm, nil
}

// pullChart runs `helm pull` into a fresh directory and moves the one archive
// it writes to ChartFile(r), after checking its Chart.yaml name and version.
func pullChart(ctx context.Context, r Release, dir string, o VendorOptions) (VendoredChart, error) {
	fail := func(err error) (VendoredChart, error) {
		return VendoredChart{}, fmt.Errorf("platform: vendor: release %q (%s %s): %w", r.Name, r.Chart, r.Version, err)
	}
	tmp, err := os.MkdirTemp(dir, ".pull-")
	if err != nil {
		return fail(err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	cmd := []string{o.Tools.Helm, "pull", r.Chart}
	if r.Repo != "" {
		cmd = append(cmd, "--repo", r.Repo)
	}
	cmd = append(cmd, "--version", r.Version, "--destination", tmp)
	pctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	if err := o.Tools.run(pctx, cmd, o.Log, o.Log); err != nil {
		return fail(fmt.Errorf("%s: %w", strings.Join(cmd, " "), err))
	}
	got, err := filepath.Glob(filepath.Join(tmp, "*.tgz"))
	if err != nil {
		return fail(err)
	}
	if len(got) != 1 {
		return fail(fmt.Errorf("helm pull wrote %d chart archives, want 1", len(got)))
	}
	name, version, err := chartArchiveMeta(got[0])
	if err != nil {
		return fail(err)
	}
	if want := path.Base(r.Chart); name != want || strings.TrimPrefix(version, "v") != strings.TrimPrefix(r.Version, "v") {
		return fail(fmt.Errorf("helm pull wrote chart %s %s, want %s %s", name, version, want, r.Version))
	}
	rel := ChartFile(r)
	dst := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.Rename(got[0], dst); err != nil {
		return fail(err)
	}
	sum, err := fileSHA256(dst)
	if err != nil {
		return fail(err)
	}
	return VendoredChart{Chart: r.Chart, Repo: r.Repo, Version: r.Version, File: rel, SHA256: sum}, nil
}

// chartArchiveMeta reads name and version from the Chart.yaml at the top of a
// chart archive (<chart>/Chart.yaml).
func chartArchiveMeta(file string) (name, version string, err error) {
	f, err := os.Open(file) //nolint:gosec // G304: the archive helm pull just wrote
	if err != nil {
		return "", "", err
	}
	defer func() { _ = f.Close() }()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", "", fmt.Errorf("%s: not a chart archive: %w", filepath.Base(file), err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return "", "", fmt.Errorf("%s: no Chart.yaml", filepath.Base(file))
		}
		if err != nil {
			return "", "", fmt.Errorf("%s: not a chart archive: %w", filepath.Base(file), err)
		}
		if parts := strings.Split(path.Clean(h.Name), "/"); len(parts) != 2 || parts[1] != "Chart.yaml" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, 1<<20))
		if err != nil {
			return "", "", err
		}
		var c struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		}
		if err := yaml.Unmarshal(data, &c); err != nil {
			return "", "", fmt.Errorf("%s: Chart.yaml: %w", filepath.Base(file), err)
		}
		return c.Name, c.Version, nil
	}
}

// httpsClient follows redirects only to https URLs.
func httpsClient() *http.Client {
	return &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s: https only", req.URL.Redacted())
		}
		if len(via) >= 10 {
			return fmt.Errorf("more than 10 redirects")
		}
		return nil
	}}
}

// fetchFile GETs an https URL into dst (at most o.MaxBytes, within
// o.Timeout) and returns its sha256.
func fetchFile(ctx context.Context, o VendorOptions, rawURL, dst string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("only https URLs are fetched")
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET: %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBytes+1))
	if err != nil {
		return "", fmt.Errorf("GET: %w", err)
	}
	if int64(len(data)) > o.MaxBytes {
		return "", fmt.Errorf("larger than %d bytes", o.MaxBytes)
	}
	if len(data) == 0 {
		return "", fmt.Errorf("empty response")
	}
	if err := writeFileAtomic(dst, data); err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

func writeFileAtomic(dst string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(dst), ".tmp-"+filepath.Base(dst)+"-")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return nil
}

func fileSHA256(file string) (string, error) {
	f, err := os.Open(file) //nolint:gosec // G304: a file of the vendor directory
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// LoadVendor checks dir against m before anything touches the cluster:
// dir/vendor.json lists every remote chart of m with the same chart, repo
// and version, and the Gateway API CRDs with the same URL and version, and
// each listed file is in dir with its sha256. Every problem is named.
func LoadVendor(dir string, m *Manifest) (*Vendored, error) {
	data, err := os.ReadFile(filepath.Join(dir, VendorFile)) //nolint:gosec // G304: the operator's vendor directory
	if err != nil {
		return nil, fmt.Errorf("platform: vendor directory %s: %w (run platformdeploy vendor -dir %s where the internet is)", dir, err, dir)
	}
	var vm VendorManifest
	if err := yaml.UnmarshalStrict(data, &vm); err != nil {
		return nil, fmt.Errorf("platform: %s: %w", filepath.Join(dir, VendorFile), err)
	}
	v := &Vendored{Dir: dir, Charts: map[string]string{}, Files: map[string]string{}}
	var errs []error
	for _, r := range m.Releases {
		if r.Local() {
			continue
		}
		c, ok := vm.Charts[r.Name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("release %q (%s %s) is not vendored", r.Name, r.Chart, r.Version))
			continue
		case c.Chart != r.Chart || c.Repo != r.Repo || c.Version != r.Version:
			errs = append(errs, fmt.Errorf("release %q: vendored %s, releases.yaml pins %s",
				r.Name, chartRef(c.Chart, c.Repo, c.Version), chartRef(r.Chart, r.Repo, r.Version)))
			continue
		}
		file, err := checkVendored(dir, c.File, c.SHA256)
		if err != nil {
			errs = append(errs, fmt.Errorf("release %q: %w", r.Name, err))
			continue
		}
		v.Charts[r.Name] = file
	}
	crds := m.GatewayAPICRDs
	if f, ok := vm.Files[crds.URL]; !ok {
		errs = append(errs, fmt.Errorf("the Gateway API CRDs %s (%s) are not vendored", crds.Version, crds.URL))
	} else if f.Version != crds.Version {
		errs = append(errs, fmt.Errorf("the Gateway API CRDs: vendored %s, releases.yaml pins %s", f.Version, crds.Version))
	} else if file, err := checkVendored(dir, f.File, f.SHA256); err != nil {
		errs = append(errs, fmt.Errorf("the Gateway API CRDs %s: %w", crds.Version, err))
	} else {
		v.Files[crds.URL] = file
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("platform: vendor directory %s does not match releases.yaml: %w", dir, errors.Join(errs...))
	}
	return v, nil
}

func chartRef(chart, repo, version string) string {
	if repo == "" {
		return chart + " " + version
	}
	return chart + " " + version + " from " + repo
}

// checkVendored returns the path of a file the manifest lists, if it lies in
// dir and has the listed sha256.
func checkVendored(dir, rel, want string) (string, error) {
	clean := path.Clean(rel)
	if rel == "" || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(rel, `\`) {
		return "", fmt.Errorf("vendored file %q must be a path inside the vendor directory", rel)
	}
	file := filepath.Join(dir, filepath.FromSlash(clean))
	got, err := fileSHA256(file)
	if err != nil {
		return "", fmt.Errorf("vendored file missing: %w", err)
	}
	if got != want {
		return "", fmt.Errorf("vendored file %s: sha256 %s, vendor.json says %s", file, got, want)
	}
	return file, nil
}
