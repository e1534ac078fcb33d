package platform

import (
	"bufio"
	"fmt"
	"io"
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
