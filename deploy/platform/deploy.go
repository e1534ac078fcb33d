package platform

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// Step is one command of a platform deployment.
type Step struct {
	What      string
	Cmd       []string
	Generated string // the values file written from the outputs, if any
}

// Tools are the binaries a deployment runs.
type Tools struct {
	Helm    string // helm v4 (scripts/tools.sh pins it)
	Kubectl string
	// Exec runs a command line of Helm or Kubectl; nil runs the binary.
	// Tests put stand-ins here.
	Exec func(ctx context.Context, cmd []string, stdout, stderr io.Writer) error
}

func (t Tools) run(ctx context.Context, cmd []string, stdout, stderr io.Writer) error {
	if t.Exec != nil {
		return t.Exec(ctx, cmd, stdout, stderr)
	}
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...) //nolint:gosec // G204: the operator's helm and kubectl with arguments this package built
	c.Stdout, c.Stderr = stdout, stderr
	return c.Run()
}

// HelmTimeout bounds each release's helm --wait.
const HelmTimeout = 10 * time.Minute

// Plan writes each release's generated values under genDir and returns the
// steps for env: the namespaces, the Gateway API CRDs, then every release in
// releases.yaml order with `helm upgrade --install --wait`, each third-party
// release with -f values/NAME.yaml, then -f values/ENV/NAME.yaml if that
// overlay exists, then -f the generated values. With v (a directory
// LoadVendor checked) the remote charts and the CRDs come from its files
// instead of the internet.
func Plan(dir, env string, m *Manifest, gen map[string]V, genDir string, t Tools, v *Vendored) ([]Step, error) {
	overlays, err := Overlays(dir, env, m)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(genDir, 0o700); err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	crds := m.GatewayAPICRDs.URL
	if v != nil {
		f, ok := v.Files[crds]
		if !ok {
			return nil, fmt.Errorf("platform: Gateway API CRDs %s are not vendored in %s", crds, v.Dir)
		}
		crds = f
	}
	steps := []Step{
		{What: "namespaces", Cmd: []string{t.Kubectl, "apply", "--server-side", "--field-manager=platform-deploy", "-f", filepath.Join(dir, "namespaces.yaml")}},
		{What: "Gateway API CRDs " + m.GatewayAPICRDs.Version, Cmd: []string{t.Kubectl, "apply", "--server-side", "--field-manager=platform-deploy", "-f", crds}},
	}
	for _, r := range m.Releases {
		vals, ok := gen[r.Name]
		if !ok {
			return nil, fmt.Errorf("platform: no generated values for release %q", r.Name)
		}
		data, err := yaml.Marshal(vals)
		if err != nil {
			return nil, fmt.Errorf("platform: %w", err)
		}
		genFile := filepath.Join(genDir, r.Name+".yaml")
		if err := os.WriteFile(genFile, data, 0o600); err != nil {
			return nil, fmt.Errorf("platform: %w", err)
		}
		cmd := []string{t.Helm, "upgrade", "--install", r.Name}
		switch {
		case r.Local():
			cmd = append(cmd, filepath.Join(dir, r.Chart))
		case v != nil:
			file, ok := v.Charts[r.Name]
			if !ok {
				return nil, fmt.Errorf("platform: release %q (%s %s) is not vendored in %s", r.Name, r.Chart, r.Version, v.Dir)
			}
			cmd = append(cmd, file)
		case r.Repo != "":
			cmd = append(cmd, r.Chart, "--repo", r.Repo, "--version", r.Version)
		default:
			cmd = append(cmd, r.Chart, "--version", r.Version)
		}
		cmd = append(cmd, "--namespace", r.Namespace)
		if !r.Local() {
			cmd = append(cmd, "-f", ValuesFile(dir, r))
			if o, ok := overlays[r.Name]; ok {
				cmd = append(cmd, "-f", o)
			}
		}
		cmd = append(cmd, "-f", genFile, "--wait", "--timeout", HelmTimeout.String(), "--rollback-on-failure")
		steps = append(steps, Step{What: fmt.Sprintf("%s %s (%s)", r.Name, r.Version, r.Namespace), Cmd: cmd, Generated: genFile})
	}
	return steps, nil
}

// Run executes the steps in order with t and stops at the first failure.
func Run(ctx context.Context, t Tools, steps []Step, stdout, stderr io.Writer) error {
	for i, s := range steps {
		fmt.Fprintf(stdout, "platform-deploy: [%d/%d] %s\n", i+1, len(steps), s.What)
		if err := t.run(ctx, s.Cmd, stdout, stderr); err != nil {
			return fmt.Errorf("platform: %s: %s: %w", s.What, strings.Join(s.Cmd, " "), err)
		}
	}
	return nil
}

// CheckCluster refuses to deploy to any cluster but the stack's: the current
// kubeconfig context must trust the stack's cluster CA (whatever address it
// reaches the private endpoint through, e.g. an SSH tunnel).
func CheckCluster(ctx context.Context, kubectl string, o *Outputs) error {
	out, err := exec.CommandContext(ctx, kubectl, "config", "view", "--minify", "--raw", "-o", "json").Output()
	if err != nil {
		return fmt.Errorf("platform: kubectl config view: %w (is a kubeconfig context selected?)", err)
	}
	return checkKubeconfig(out, o)
}

func checkKubeconfig(kubeconfigJSON []byte, o *Outputs) error {
	var kc struct {
		Clusters []struct {
			Name    string `json:"name"`
			Cluster struct {
				Server string `json:"server"`
				CAData string `json:"certificate-authority-data"`
				CAFile string `json:"certificate-authority"`
			} `json:"cluster"`
		} `json:"clusters"`
	}
	if err := json.Unmarshal(kubeconfigJSON, &kc); err != nil || len(kc.Clusters) != 1 {
		return fmt.Errorf("platform: the current kubeconfig context names no single cluster")
	}
	c := kc.Clusters[0].Cluster
	var got []byte
	var err error
	switch {
	case c.CAData != "":
		got, err = base64.StdEncoding.DecodeString(c.CAData)
	case c.CAFile != "":
		got, err = os.ReadFile(c.CAFile)
	default:
		return fmt.Errorf("platform: kubeconfig cluster %q has no CA: refusing to deploy without verifying the API server", kc.Clusters[0].Name)
	}
	if err != nil {
		return fmt.Errorf("platform: kubeconfig cluster %q CA: %w", kc.Clusters[0].Name, err)
	}
	want, err := base64.StdEncoding.DecodeString(o.ClusterCAData)
	if err != nil {
		return fmt.Errorf("platform: cluster_certificate_authority_data is not base64: %w", err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		return fmt.Errorf("platform: the current kubeconfig context (cluster %q at %s) is not %s: its CA differs from the stack's cluster_certificate_authority_data",
			kc.Clusters[0].Name, c.Server, o.ClusterName)
	}
	return nil
}
