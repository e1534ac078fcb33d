// Package chartrender renders a Helm chart with the Helm SDK exactly as
// `helm template` does (values files, --set, schema validation, hooks), then
// decodes every manifest strictly into a typed Kubernetes object: an unknown
// or duplicated field is an error, as it is for the API server's strict
// field validation. Tests use it to check the charts in deploy/.
package chartrender

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/cli"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	rspb "helm.sh/helm/v4/pkg/release/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// DefaultKubeVersion is the Kubernetes version charts are rendered for: the
// oldest EKS version the platform runs (helm's built-in default is older).
const DefaultKubeVersion = "v1.35.0"

// Options say what to render.
type Options struct {
	ChartDir    string
	ReleaseName string
	Namespace   string
	ValueFiles  []string // -f, in order
	Set         []string // --set a.b=c, in order after the files
	KubeVersion string   // default DefaultKubeVersion
	// APIVersions are extra group/versions .Capabilities.APIVersions reports.
	APIVersions []string
}

// Object is one rendered manifest.
type Object struct {
	Source string // template path, e.g. org-app/templates/deployment.yaml
	Hook   bool   // a Helm hook (e.g. the helm test pod)
	GVK    schema.GroupVersionKind
	Name   string
	NS     string
	Raw    []byte         // the YAML document
	Typed  runtime.Object // the strictly decoded object
}

// Key is Kind/name, how tests look objects up.
func (o Object) Key() string { return o.GVK.Kind + "/" + o.Name }

// Result is a rendered chart.
type Result struct {
	Objects []Object
	Notes   string
	Values  map[string]any // the user-supplied values (files and --set), before chart defaults
}

// Find returns the object of kind and name, or nil.
func (r *Result) Find(kind, name string) *Object {
	for i := range r.Objects {
		if r.Objects[i].GVK.Kind == kind && r.Objects[i].Name == name {
			return &r.Objects[i]
		}
	}
	return nil
}

// All returns the objects of kind, in render order.
func (r *Result) All(kind string) []Object {
	var out []Object
	for _, o := range r.Objects {
		if o.GVK.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// Keys lists Kind/name of every object, sorted.
func (r *Result) Keys() []string {
	var keys []string
	for _, o := range r.Objects {
		keys = append(keys, o.Key())
	}
	sort.Strings(keys)
	return keys
}

// Values merges value files and --set assignments as `helm -f ... --set ...` does.
func Values(files, set []string) (map[string]any, error) {
	return ValuesWithStrings(files, set, nil)
}

// ValuesWithStrings is Values with --set-string assignments after the --set
// ones: their values stay strings (an image tag such as a short commit id
// of digits only would otherwise become a number).
func ValuesWithStrings(files, set, setString []string) (map[string]any, error) {
	opts := values.Options{ValueFiles: files, Values: set, StringValues: setString}
	vals, err := opts.MergeValues(getter.All(cli.New()))
	if err != nil {
		return nil, fmt.Errorf("chartrender: values: %w", err)
	}
	return vals, nil
}

// Render renders the chart client-side (`helm template` semantics, including
// hooks and values.schema.json validation) and decodes every object strictly.
// A schema violation or a template `fail` is returned as the error.
func Render(o Options) (*Result, error) {
	ch, err := loader.Load(o.ChartDir)
	if err != nil {
		return nil, fmt.Errorf("chartrender: load %s: %w", o.ChartDir, err)
	}
	vals, err := Values(o.ValueFiles, o.Set)
	if err != nil {
		return nil, err
	}
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.NewTextHandler(io.Discard, nil).WithGroup("helm")))
	inst := action.NewInstall(cfg)
	inst.DryRunStrategy = action.DryRunClient
	inst.Replace = true
	inst.ReleaseName = o.ReleaseName
	inst.Namespace = o.Namespace
	kv := o.KubeVersion
	if kv == "" {
		kv = DefaultKubeVersion
	}
	if inst.KubeVersion, err = common.ParseKubeVersion(kv); err != nil {
		return nil, fmt.Errorf("chartrender: kube version %q: %w", kv, err)
	}
	inst.APIVersions = common.VersionSet(o.APIVersions)
	rel, err := inst.Run(ch, vals)
	if err != nil {
		return nil, err
	}
	r, ok := rel.(*rspb.Release)
	if !ok {
		return nil, fmt.Errorf("chartrender: unexpected release type %T", rel)
	}
	res := &Result{Notes: r.Info.Notes, Values: vals}
	objs, err := Decode(r.Manifest, false)
	if err != nil {
		return nil, err
	}
	res.Objects = append(res.Objects, objs...)
	for _, h := range r.Hooks {
		objs, err := Decode("# Source: "+h.Path+"\n"+h.Manifest, true)
		if err != nil {
			return nil, err
		}
		res.Objects = append(res.Objects, objs...)
	}
	return res, nil
}

var sourceRE = regexp.MustCompile(`(?m)^# Source: (.+)$`)

// Decode splits a multi-document manifest and decodes each document strictly.
func Decode(manifest string, hook bool) ([]Object, error) {
	var out []Object
	for _, doc := range splitYAML(manifest) {
		src := ""
		if m := sourceRE.FindStringSubmatch(doc); m != nil {
			src = m[1]
		}
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		obj, err := DecodeStrict([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("chartrender: %s: %w", src, err)
		}
		obj.Source, obj.Hook = src, hook
		out = append(out, obj)
	}
	return out, nil
}

func splitYAML(s string) []string {
	var docs []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.TrimRight(line, "\r\n") == "---" {
			docs = append(docs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	return append(docs, cur.String())
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// DecodeStrict decodes one YAML document into the typed object its
// apiVersion and kind name (Kubernetes built-ins, Gateway API, and the CRDs
// in this package). Unknown fields, duplicate fields, case-mismatched field
// names and unregistered kinds are errors.
func DecodeStrict(doc []byte) (Object, error) {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return Object{}, fmt.Errorf("invalid YAML: %w", err)
	}
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &meta); err != nil {
		return Object{}, fmt.Errorf("not a Kubernetes object: %w", err)
	}
	gv, err := schema.ParseGroupVersion(meta.APIVersion)
	if err != nil || meta.Kind == "" {
		return Object{}, fmt.Errorf("apiVersion %q kind %q: not a Kubernetes object", meta.APIVersion, meta.Kind)
	}
	gvk := gv.WithKind(meta.Kind)
	typed, err := Scheme.New(gvk)
	if err != nil {
		return Object{}, fmt.Errorf("%s: no Go type registered for it (add one to chartrender.Scheme): %w", gvk, err)
	}
	strictErrs, err := kjson.UnmarshalStrict(js, typed)
	if err != nil {
		return Object{}, fmt.Errorf("%s %s: %w", meta.Kind, meta.Metadata.Name, err)
	}
	if len(strictErrs) > 0 {
		return Object{}, fmt.Errorf("%s %s: strict decoding: %w", meta.Kind, meta.Metadata.Name, errors.Join(strictErrs...))
	}
	if meta.Metadata.Name == "" {
		return Object{}, fmt.Errorf("%s without metadata.name", meta.Kind)
	}
	return Object{GVK: gvk, Name: meta.Metadata.Name, NS: meta.Metadata.Namespace, Raw: bytes.TrimSpace(doc), Typed: typed}, nil
}
