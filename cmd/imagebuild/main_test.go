package main

import (
	"context"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	good := []string{"-out", t.TempDir(), "-version", "v1", "-revision", "abc", "-created", "2026-11-30T12:00:00Z"}
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no created":     {good[:6], "-created must be an RFC 3339 time"},
		"bad platform":   {append(append([]string{}, good...), "-platforms", "windows/amd64"), `"windows/amd64" is not linux/amd64 or linux/arm64`},
		"bad tag":        {[]string{"-version", "v 1", "-revision", "abc", "-created", "2026-11-30T12:00:00Z"}, "not a valid image reference"},
		"extra argument": {append(append([]string{}, good...), "extra"), "unexpected arguments"},
		"unknown flag":   {[]string{"-push"}, "flag provided but not defined"},
		"empty revision": {[]string{"-version", "v1", "-created", "2026-11-30T12:00:00Z"}, "revision is required"},
	} {
		var out, errb strings.Builder
		if code := run(context.Background(), c.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", name, code, errb.String(), c.want)
		}
	}
}
