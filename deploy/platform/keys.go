package platform

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// KeyPaths lists the dotted key paths of a values tree. A map that is empty
// or null in a chart's default values is free-form: it is listed as
// "path.*". Lists are leaves (a values file replaces a list whole).
func KeyPaths(vals map[string]any) []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 {
			if prefix != "" {
				out = append(out, prefix)
				if v == nil || ok {
					out = append(out, prefix+".*")
				}
			}
			return
		}
		if prefix != "" {
			out = append(out, prefix)
		}
		for k, child := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			walk(p, child)
		}
	}
	walk("", vals)
	sort.Strings(out)
	return out
}

// ReadKeyList reads a key list (one path per line; "#" comments, blank lines).
func ReadKeyList(r io.Reader) (map[string]bool, error) {
	keys := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		keys[line] = true
	}
	return keys, sc.Err()
}

// UnknownKeys returns the key paths of vals that the chart's key list does
// not have: not listed, and under no free-form ("path.*") map.
func UnknownKeys(vals map[string]any, known map[string]bool) []string {
	var unknown []string
	for _, p := range KeyPaths(vals) {
		if strings.HasSuffix(p, ".*") || known[p] {
			continue
		}
		open := false
		parts := strings.Split(p, ".")
		for i := len(parts) - 1; i > 0; i-- {
			if known[strings.Join(parts[:i], ".")+".*"] {
				open = true
				break
			}
		}
		if !open {
			unknown = append(unknown, p)
		}
	}
	return unknown
}

// WriteKeyList prints the key list of a chart's default values YAML.
func WriteKeyList(w io.Writer, valuesYAML []byte) error {
	var vals map[string]any
	if err := yaml.Unmarshal(valuesYAML, &vals); err != nil {
		return fmt.Errorf("platform: values: %w", err)
	}
	for _, p := range KeyPaths(vals) {
		if _, err := fmt.Fprintln(w, p); err != nil {
			return err
		}
	}
	return nil
}

// KeyListFile is the key list of a release's pinned chart version under
// keysDir (testdata/upstream-keys, written by `platformdeploy value-keys`).
func KeyListFile(keysDir string, r Release) string {
	return filepath.Join(keysDir, r.Name+"-"+r.Version+".txt")
}

// CheckValuesKeys checks every values file deploy passes to a third-party
// release against its pinned chart's key list: values/NAME.yaml, each
// environment's overlay values/ENV/NAME.yaml, and the generated values gen
// (nil skips them). A key the chart does not have would be ignored by Helm,
// silently; every such key is named in the error.
func CheckValuesKeys(dir, keysDir string, m *Manifest, gen map[string]V) error {
	var errs []error
	overlays := map[string]map[string]string{}
	for _, env := range Environments {
		o, err := Overlays(dir, env, m)
		if err != nil {
			return err
		}
		overlays[env] = o
	}
	for _, r := range m.Releases {
		if r.Local() {
			continue
		}
		f, err := os.Open(KeyListFile(keysDir, r)) //nolint:gosec // G304: the repository's key lists
		if err != nil {
			errs = append(errs, fmt.Errorf("release %q: no key list for %s (see releases.yaml): %w", r.Name, r.Version, err))
			continue
		}
		known, err := ReadKeyList(f)
		_ = f.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("release %q: key list: %w", r.Name, err))
			continue
		}
		files := []string{ValuesFile(dir, r)}
		for _, env := range Environments {
			if o, ok := overlays[env][r.Name]; ok {
				files = append(files, o)
			}
		}
		for _, file := range files {
			data, err := os.ReadFile(file) //nolint:gosec // G304: a values file of the platform directory
			if err != nil {
				errs = append(errs, err)
				continue
			}
			var vals map[string]any
			if err := yaml.UnmarshalStrict(data, &vals); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", file, err))
				continue
			}
			if u := UnknownKeys(vals, known); len(u) > 0 {
				errs = append(errs, fmt.Errorf("%s sets keys %s that %s %s does not have", file, strings.Join(u, ", "), r.Chart, r.Version))
			}
		}
		if vals, ok := gen[r.Name]; ok {
			// Through JSON, so nested V maps compare like parsed YAML.
			data, err := json.Marshal(vals)
			if err != nil {
				return fmt.Errorf("platform: %w", err)
			}
			var plain map[string]any
			if err := json.Unmarshal(data, &plain); err != nil {
				return fmt.Errorf("platform: %w", err)
			}
			if u := UnknownKeys(plain, known); len(u) > 0 {
				errs = append(errs, fmt.Errorf("the generated values of %s set keys %s that %s %s does not have", r.Name, strings.Join(u, ", "), r.Chart, r.Version))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("platform: values keys: %w", errors.Join(errs...))
	}
	return nil
}
