package platform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// Release is one pinned Helm release of releases.yaml.
type Release struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Chart     string `json:"chart"`          // chart name in Repo, an oci:// reference, or a path under the platform directory
	Repo      string `json:"repo,omitempty"` // chart repository URL (not for oci:// or local charts)
	Version   string `json:"version"`
}

// Local reports whether the chart is in this repository.
func (r Release) Local() bool { return !strings.Contains(r.Chart, "://") && r.Repo == "" }

// Manifest is releases.yaml.
type Manifest struct {
	GatewayAPICRDs struct {
		Version string `json:"version"`
		URL     string `json:"url"`
	} `json:"gatewayAPICRDs"`
	Releases []Release `json:"releases"`
}

var (
	semverRE = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+$`)
	nameRE   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

// LoadManifest reads and checks dir/releases.yaml: exact versions only, a
// values file for every release, and each chart reachable one way.
func LoadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, "releases.yaml"))
	if err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	var m Manifest
	if err := yaml.UnmarshalStrict(data, &m); err != nil {
		return nil, fmt.Errorf("platform: releases.yaml: %w", err)
	}
	if !semverRE.MatchString(m.GatewayAPICRDs.Version) || !strings.Contains(m.GatewayAPICRDs.URL, "/"+m.GatewayAPICRDs.Version+"/") ||
		!strings.HasPrefix(m.GatewayAPICRDs.URL, "https://github.com/kubernetes-sigs/gateway-api/releases/download/") {
		return nil, fmt.Errorf("platform: releases.yaml: gatewayAPICRDs must pin a version and its release URL, got %q %q", m.GatewayAPICRDs.Version, m.GatewayAPICRDs.URL)
	}
	seen := map[string]bool{}
	for _, r := range m.Releases {
		switch {
		case !nameRE.MatchString(r.Name) || !nameRE.MatchString(r.Namespace):
			return nil, fmt.Errorf("platform: releases.yaml: release %q in namespace %q: names must be DNS labels", r.Name, r.Namespace)
		case seen[r.Name]:
			return nil, fmt.Errorf("platform: releases.yaml: release %q listed twice", r.Name)
		case !semverRE.MatchString(r.Version):
			return nil, fmt.Errorf("platform: releases.yaml: release %q: version %q must be an exact version such as 1.2.3 (no ranges)", r.Name, r.Version)
		case r.Repo != "" && !strings.HasPrefix(r.Repo, "https://"):
			return nil, fmt.Errorf("platform: releases.yaml: release %q: repo %q must be an https URL", r.Name, r.Repo)
		case r.Repo != "" && strings.Contains(r.Chart, "/"):
			return nil, fmt.Errorf("platform: releases.yaml: release %q: with a repo, chart is the chart's name, got %q", r.Name, r.Chart)
		case strings.Contains(r.Chart, "://") && !strings.HasPrefix(r.Chart, "oci://"):
			return nil, fmt.Errorf("platform: releases.yaml: release %q: chart %q: only oci:// references or repo + name", r.Name, r.Chart)
		}
		seen[r.Name] = true
		if r.Local() {
			if _, err := os.Stat(filepath.Join(dir, r.Chart, "Chart.yaml")); err != nil {
				return nil, fmt.Errorf("platform: releases.yaml: release %q: local chart %s: %w", r.Name, r.Chart, err)
			}
			continue
		}
		if _, err := os.Stat(ValuesFile(dir, r)); err != nil {
			return nil, fmt.Errorf("platform: releases.yaml: release %q has no values file: %w", r.Name, err)
		}
	}
	if err := checkOverlayDirs(dir, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ValuesFile is the static values file of a third-party release.
func ValuesFile(dir string, r Release) string {
	return filepath.Join(dir, "values", r.Name+".yaml")
}

// Environments are the environments a platform deploy targets; each may have
// an overlay directory values/<env>/.
var Environments = []string{"dev", "staging", "prod"}

// OverlayFile is the per-environment values file of a third-party release:
// when it exists, deploy passes it right after ValuesFile (and before the
// values generated from the stack outputs).
func OverlayFile(dir, env string, r Release) string {
	return filepath.Join(dir, "values", env, r.Name+".yaml")
}

// Overlays returns the overlay files of env by release name: every file in
// values/<env>/ must be <release>.yaml of a third-party release of m, so a
// misnamed overlay is an error instead of being silently skipped. An
// environment without the directory has no overlays.
func Overlays(dir, env string, m *Manifest) (map[string]string, error) {
	if !slices.Contains(Environments, env) {
		return nil, fmt.Errorf("platform: environment %q: must be one of %s", env, strings.Join(Environments, ", "))
	}
	envDir := filepath.Join(dir, "values", env)
	entries, err := os.ReadDir(envDir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("platform: overlays: %w", err)
	}
	remote := map[string]Release{}
	for _, r := range m.Releases {
		if !r.Local() {
			remote[r.Name] = r
		}
	}
	out := map[string]string{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		r, known := remote[name]
		if !ok || !known || !e.Type().IsRegular() {
			return nil, fmt.Errorf("platform: overlay %s: an overlay must be a file values/%s/<release>.yaml for a third-party release of releases.yaml (local charts take their values from the chart)",
				filepath.Join(envDir, e.Name()), env)
		}
		out[name] = OverlayFile(dir, env, r)
	}
	return out, nil
}

// checkOverlayDirs: every directory under values/ is an environment whose
// overlays all name a third-party release.
func checkOverlayDirs(dir string, m *Manifest) error {
	entries, err := os.ReadDir(filepath.Join(dir, "values"))
	if err != nil {
		return fmt.Errorf("platform: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if !slices.Contains(Environments, e.Name()) {
			return fmt.Errorf("platform: values/%s/: overlay directories are named after an environment (%s)", e.Name(), strings.Join(Environments, ", "))
		}
		if _, err := Overlays(dir, e.Name(), m); err != nil {
			return err
		}
	}
	return nil
}
