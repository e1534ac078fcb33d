// Package tfjson reads the JSON that OpenTofu and Terraform print for a state
// or a saved plan (`tofu show -json`), and also a raw version-4 state file
// (`tofu state pull`), into a flat list of resources with their values.
//
// Only what a network model needs is kept: every managed and data resource
// instance of every module, the root outputs and, for a plan, the root
// variables. A plan contributes its planned_values: values known only after
// apply are absent, and the resource records which attributes are unknown so
// that callers can say why a reference does not resolve.
package tfjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
)

// Kind says what the document was.
type Kind string

// Document kinds.
const (
	KindState    Kind = "state"     // `tofu show -json` of a state
	KindPlan     Kind = "plan"      // `tofu show -json` of a saved plan
	KindRawState Kind = "raw-state" // a version-4 state file (`tofu state pull`)
)

// Resource is one resource instance.
type Resource struct {
	// Address is the full instance address, e.g.
	// module.network.aws_subnet.app_private["us-east-1a"].
	Address string
	// Module is the module address ("" for the root), e.g. module.network.
	Module string
	Mode   string // "managed" or "data"
	Type   string
	Name   string
	// Index is the instance key: nil, a string (for_each) or an int (count).
	Index any
	// Values are the attribute values (JSON types: string, float64, bool,
	// []any, map[string]any, nil).
	Values map[string]any
	// Unknown lists the top-level attributes a plan knows only after apply.
	Unknown []string
}

// Document is a decoded state or plan.
type Document struct {
	Kind      Kind
	Resources []Resource
	// Outputs are the root module outputs with known values.
	Outputs map[string]any
	// Variables are the root module variables (plans only).
	Variables map[string]any
}

// ReadFile decodes the document in path.
func ReadFile(path string) (*Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	doc, err := Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

type rawModule struct {
	Address      string        `json:"address"`
	Resources    []rawResource `json:"resources"`
	ChildModules []rawModule   `json:"child_modules"`
}

type rawResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Index   any            `json:"index"`
	Values  map[string]any `json:"values"`
}

type rawValues struct {
	Outputs    map[string]rawOutput `json:"outputs"`
	RootModule *rawModule           `json:"root_module"`
}

type rawOutput struct {
	Value any `json:"value"`
}

type rawChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions      []string `json:"actions"`
		AfterUnknown any      `json:"after_unknown"`
	} `json:"change"`
}

type rawDoc struct {
	FormatVersion   string               `json:"format_version"`
	Values          *rawValues           `json:"values"`
	PlannedValues   *rawValues           `json:"planned_values"`
	Variables       map[string]rawOutput `json:"variables"`
	ResourceChanges []rawChange          `json:"resource_changes"`

	// Raw state file (version 4).
	Version   *int                 `json:"version"`
	RawOuts   map[string]rawOutput `json:"outputs"`
	RawResrcs []rawStateResource   `json:"resources"`
}

type rawStateResource struct {
	Module    string `json:"module"`
	Mode      string `json:"mode"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	Instances []struct {
		IndexKey   any            `json:"index_key"`
		Attributes map[string]any `json:"attributes"`
	} `json:"instances"`
}

// Decode reads a document from r.
func Decode(r io.Reader) (*Document, error) {
	dec := json.NewDecoder(r)
	var raw rawDoc
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not JSON from `tofu show -json`: %w", err)
	}
	switch {
	case raw.PlannedValues != nil:
		return fromPlan(&raw)
	case raw.Values != nil:
		return fromShow(KindState, raw.Values, nil), nil
	case raw.Version != nil && *raw.Version == 4 && raw.RawResrcs != nil:
		return fromRawState(&raw), nil
	case raw.FormatVersion != "":
		return nil, errors.New("the state is empty (no \"values\"): apply the configuration first, or pass a plan's JSON")
	}
	return nil, errors.New("not a state or plan: expected the output of `tofu show -json` (with \"values\" or \"planned_values\") or a version 4 state file")
}

func fromShow(kind Kind, v *rawValues, unknown map[string][]string) *Document {
	doc := &Document{Kind: kind, Outputs: map[string]any{}}
	for name, o := range v.Outputs {
		doc.Outputs[name] = o.Value
	}
	if v.RootModule != nil {
		walkModule(doc, v.RootModule, "", unknown)
	}
	sort.SliceStable(doc.Resources, func(i, j int) bool { return doc.Resources[i].Address < doc.Resources[j].Address })
	return doc
}

func walkModule(doc *Document, m *rawModule, module string, unknown map[string][]string) {
	for _, r := range m.Resources {
		doc.Resources = append(doc.Resources, Resource{
			Address: r.Address,
			Module:  module,
			Mode:    r.Mode,
			Type:    r.Type,
			Name:    r.Name,
			Index:   normIndex(r.Index),
			Values:  nonNil(r.Values),
			Unknown: unknown[r.Address],
		})
	}
	for i := range m.ChildModules {
		c := &m.ChildModules[i]
		walkModule(doc, c, c.Address, unknown)
	}
}

func fromPlan(raw *rawDoc) (*Document, error) {
	unknown := map[string][]string{}
	for _, rc := range raw.ResourceChanges {
		if m, ok := rc.Change.AfterUnknown.(map[string]any); ok {
			var keys []string
			for k, v := range m {
				if containsTrue(v) {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			if len(keys) > 0 {
				unknown[rc.Address] = keys
			}
		}
	}
	doc := fromShow(KindPlan, raw.PlannedValues, unknown)
	doc.Variables = map[string]any{}
	for name, v := range raw.Variables {
		doc.Variables[name] = v.Value
	}
	return doc, nil
}

func containsTrue(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case []any:
		for _, e := range t {
			if containsTrue(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range t {
			if containsTrue(e) {
				return true
			}
		}
	}
	return false
}

func fromRawState(raw *rawDoc) *Document {
	doc := &Document{Kind: KindRawState, Outputs: map[string]any{}}
	for name, o := range raw.RawOuts {
		doc.Outputs[name] = o.Value
	}
	for _, r := range raw.RawResrcs {
		for _, inst := range r.Instances {
			idx := normIndex(inst.IndexKey)
			base := r.Type + "." + r.Name
			if r.Mode == "data" {
				base = "data." + base
			}
			addr := base + indexSuffix(idx)
			if r.Module != "" {
				addr = r.Module + "." + addr
			}
			doc.Resources = append(doc.Resources, Resource{
				Address: addr, Module: r.Module, Mode: r.Mode, Type: r.Type, Name: r.Name,
				Index: idx, Values: nonNil(inst.Attributes),
			})
		}
	}
	sort.SliceStable(doc.Resources, func(i, j int) bool { return doc.Resources[i].Address < doc.Resources[j].Address })
	return doc
}

func indexSuffix(idx any) string {
	switch t := idx.(type) {
	case string:
		return "[" + strconv.Quote(t) + "]"
	case int:
		return "[" + strconv.Itoa(t) + "]"
	}
	return ""
}

func normIndex(v any) any {
	if f, ok := v.(float64); ok && f == math.Trunc(f) {
		return int(f)
	}
	return v
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// --- value accessors ---------------------------------------------------------

// Str returns the string attribute k ("" when absent or not a string).
func (r *Resource) Str(k string) string {
	s, _ := r.Values[k].(string)
	return s
}

// Bool returns the boolean attribute k; string "true"/"false" (as some
// launch template attributes are typed) count too.
func (r *Resource) Bool(k string) (val, ok bool) {
	return AsBool(r.Values[k])
}

// Int returns the number attribute k.
func (r *Resource) Int(k string) (int, bool) {
	return AsInt(r.Values[k])
}

// Strs returns the list-of-strings attribute k (nil entries dropped).
func (r *Resource) Strs(k string) []string {
	return AsStrs(r.Values[k])
}

// Objs returns the list-of-objects attribute (or nested block) k.
func (r *Resource) Objs(k string) []map[string]any {
	return AsObjs(r.Values[k])
}

// IsUnknown reports whether the plan knows attribute k only after apply.
func (r *Resource) IsUnknown(k string) bool {
	for _, u := range r.Unknown {
		if u == k {
			return true
		}
	}
	return false
}

// AsBool converts a JSON value to a bool.
func AsBool(v any) (val, ok bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		switch t {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// AsInt converts a JSON number (or numeric string) to an int.
func AsInt(v any) (int, bool) {
	switch t := v.(type) {
	case float64:
		return int(t), t == math.Trunc(t)
	case int:
		return t, true
	case string:
		n, err := strconv.Atoi(t)
		return n, err == nil
	}
	return 0, false
}

// AsStrs converts a JSON list of strings.
func AsStrs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// AsObjs converts a JSON list of objects (or a single object).
func AsObjs(v any) []map[string]any {
	switch t := v.(type) {
	case []any:
		out := make([]map[string]any, 0, len(t))
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	case map[string]any:
		return []map[string]any{t}
	}
	return nil
}

// ObjStr returns the string field k of a nested object.
func ObjStr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
