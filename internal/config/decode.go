package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var durationType = reflect.TypeFor[Duration]()

// decodeYAML merges a YAML document into cfg. It is strict: unknown keys,
// duplicate keys and values of the wrong type are errors naming the key and
// the file line. Every problem in the document is reported (errors.Join of
// *Error values), not only the first.
func decodeYAML(data []byte, source string, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return &Error{Key: "(file)", Source: source, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind == 0 { // empty file: nothing to merge
		return nil
	}
	d := decoder{source: source}
	d.node(doc.Content[0], reflect.ValueOf(cfg).Elem(), "")
	return errors.Join(d.errs...)
}

// decoder collects the problems of one document.
type decoder struct {
	source string
	errs   []error
}

func (d *decoder) fail(key string, line int, format string, args ...any) {
	if key == "" {
		key = "(file)"
	}
	d.errs = append(d.errs, &Error{Key: key, Source: fmt.Sprintf("%s:%d", d.source, line), Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) node(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		// "key:" with no value keeps the default, as an absent key would.
		return
	}

	switch {
	case v.Kind() == reflect.Struct && v.Type() != durationType:
		if n.Kind != yaml.MappingNode {
			d.fail(path, n.Line, "must be a mapping of keys, got %s", describe(n))
			return
		}
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			name := k.Value
			child := join(path, keyName(name))
			if seen[name] {
				d.fail(child, k.Line, "is set twice")
				continue
			}
			seen[name] = true
			idx, ok := fieldByKey(v.Type(), name)
			if !ok {
				d.fail(child, k.Line, "unknown key; allowed here: %s", strings.Join(keysOf(v.Type()), ", "))
				continue
			}
			d.node(val, v.Field(idx), child)
		}

	case v.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(path, n.Line, "must be a list of strings, got %s", describe(n))
			return
		}
		out := make([]string, 0, len(n.Content))
		for i, item := range n.Content {
			if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
				d.fail(fmt.Sprintf("%s[%d]", path, i), item.Line, "must be a string, got %s", describe(item))
				return
			}
			out = append(out, item.Value)
		}
		v.Set(reflect.ValueOf(out))

	case n.Kind != yaml.ScalarNode:
		d.fail(path, n.Line, "must be a single value (%s), got %s", kindName(v.Type()), describe(n))

	default:
		if err := setScalar(v, n.Value); err != nil {
			d.fail(path, n.Line, "%s", err.Error())
		}
	}
}

// keyName is how a key from a file appears in messages: as written when it
// is a plain name, quoted otherwise (empty, spaces, dots, control characters),
// so every message is one unambiguous line.
func keyName(name string) string {
	if name == "" {
		return `""`
	}
	for _, c := range name {
		if !plainKeyChar(c) {
			return strconv.Quote(name)
		}
	}
	return name
}

func plainKeyChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// setScalar parses s into v according to v's type. Shared by the YAML and
// environment decoders, so both accept exactly the same spellings.
func setScalar(v reflect.Value, s string) error {
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("must be a duration such as 500ms, 5s or 1m30s, got %q", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || v.OverflowInt(i) {
			return fmt.Errorf("must be an integer, got %q", s)
		}
		v.SetInt(i)
	case v.Kind() == reflect.String:
		v.SetString(s)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	default:
		return "an unsupported node"
	}
}

func kindName(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration"
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		return "an integer"
	default:
		return "a string"
	}
}

func fieldByKey(t reflect.Type, key string) (int, bool) {
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("yaml") == key {
			return i, true
		}
	}
	return 0, false
}

func keysOf(t reflect.Type) []string {
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		keys = append(keys, t.Field(i).Tag.Get("yaml"))
	}
	slices.Sort(keys)
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
