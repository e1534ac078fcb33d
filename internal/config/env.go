package config

import (
	"errors"
	"reflect"
	"strings"
	"unicode"
)

// EnvPrefix starts every environment variable that overrides a key.
const EnvPrefix = "ORG_APP_"

// Key describes one configuration key, for overrides and documentation.
type Key struct {
	Path string // dotted YAML path, e.g. "server.maxBodyBytes"
	Env  string // environment variable, e.g. "ORG_APP_SERVER_MAX_BODY_BYTES"
	Type string // "integer", "string", "duration" or "list of strings"

	index []int
}

// Keys lists every leaf key of Config in declaration order.
func Keys() []Key {
	var keys []Key
	var walk func(t reflect.Type, path string, index []int)
	walk = func(t reflect.Type, path string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			p := join(path, f.Tag.Get("yaml"))
			idx := append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct && f.Type != durationType {
				walk(f.Type, p, idx)
				continue
			}
			typ := strings.TrimPrefix(strings.TrimPrefix(kindName(f.Type), "an "), "a ")
			if f.Type.Kind() == reflect.Slice {
				typ = "list of strings"
			}
			keys = append(keys, Key{Path: p, Env: EnvName(p), Type: typ, index: idx})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return keys
}

// EnvName derives the environment variable for a key path:
// "authInfo.oidc.jwksURL" becomes "ORG_APP_AUTH_INFO_OIDC_JWKS_URL".
func EnvName(path string) string {
	var b strings.Builder
	b.WriteString(EnvPrefix)
	for i, seg := range strings.Split(path, ".") {
		if i > 0 {
			b.WriteByte('_')
		}
		r := []rune(seg)
		for j, c := range r {
			if j > 0 && unicode.IsUpper(c) {
				prevLower := unicode.IsLower(r[j-1])
				nextLower := j+1 < len(r) && unicode.IsLower(r[j+1])
				if prevLower || (unicode.IsUpper(r[j-1]) && nextLower) {
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToUpper(c))
		}
	}
	return b.String()
}

// applyEnv overrides keys from ORG_APP_* variables. Lists are comma-separated.
// Every malformed value is reported (errors.Join of *Error values).
func applyEnv(cfg *Config, env LookupEnv) error {
	root := reflect.ValueOf(cfg).Elem()
	var errs []error
	for _, k := range Keys() {
		raw, ok := env(k.Env)
		if !ok {
			continue
		}
		v := root.FieldByIndex(k.index)
		if v.Kind() == reflect.Slice {
			v.Set(reflect.ValueOf(SplitList(raw)))
			continue
		}
		if err := setScalar(v, raw); err != nil {
			errs = append(errs, &Error{Key: k.Path, Source: k.Env, Msg: err.Error()})
		}
	}
	return errors.Join(errs...)
}

// SplitList parses a comma-separated list as the environment overrides and
// the command-line flags write it: items are trimmed, empty items dropped.
func SplitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
