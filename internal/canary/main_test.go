package canary

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/apptest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
)

// Latency is measured, never asserted, in tests that check verdicts: the
// p99 objective is generous so a busy machine cannot flip them.
var quick = []string{"--duration", "1s", "--rate", "50", "--concurrency", "16", "--slo-p99", "10s"}

func orgApp(t *testing.T, env map[string]string) *apptest.Instance {
	t.Helper()
	return apptest.Start(t, env)
}

func TestRunPassesAgainstOrgApp(t *testing.T) {
	t.Parallel()
	in := orgApp(t, map[string]string{"DEVOPS_SECRET": keyA})
	args := append([]string{"run", "--target", in.APIURL, "--health", in.HealthURL}, quick...)
	code, out, errOut := runMain(t, context.Background(), map[string]string{"DEVOPS_SECRET": keyA}, args...)
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[1], "FLOW") || !strings.Contains(lines[1], "ERRORS") || !strings.Contains(lines[1], "P99") {
		t.Errorf("no verdict table header in\n%s", out)
	}
	for _, f := range Flows() {
		row := ""
		for _, l := range lines {
			if strings.HasPrefix(l, f.Name+" ") {
				row = l
			}
		}
		if !strings.HasSuffix(row, "PASS") {
			t.Errorf("flow %s: row %q does not pass", f.Name, row)
		}
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "SLO: PASS") {
		t.Errorf("last line %q, want SLO: PASS", last)
	}

	code, r := runJSON(t, map[string]string{"DEVOPS_SECRET": keyA}, append([]string{"--target", in.APIURL, "--health", in.HealthURL}, quick...)...)
	if code != ExitOK || !r.Pass || len(r.Flows) != len(Flows()) {
		t.Fatalf("exit %d, pass %v, %d flows: %+v", code, r.Pass, len(r.Flows), r.Reasons)
	}
	for _, f := range r.Flows {
		if f.Count == 0 || f.OK != f.Count || f.P99MS == nil {
			t.Errorf("flow %s: %d of %d passed, p99 %v", f.Name, f.OK, f.Count, f.P99MS)
		}
	}
	if r.Overall.Count != r.Planned || r.Planned != 50 {
		t.Errorf("overall count %d, planned %d, want 50 and 50", r.Overall.Count, r.Planned)
	}
}

func TestRunFailsExactlyTheExpectedFlows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		server map[string]string
		want   map[string]string // failing flow -> error kinds
	}{
		{
			name:   "different secret",
			server: map[string]string{"DEVOPS_SECRET": keyB},
			want:   map[string]string{"me": "status", "user-forbidden": "status", "report": "status", "echo": "status"},
		},
		{
			name: "swapped groups",
			server: map[string]string{"DEVOPS_SECRET": keyA,
				"ORG_APP_AUTH_INFO_USER_GROUPS": "cp_analysts", "ORG_APP_AUTH_INFO_ANALYST_GROUPS": "cp_users"},
			// The user token now holds the analyst role only: /me answers
			// 200 without role user, the report answers 200 instead of 403,
			// echo and the analyst's report answer 403.
			want: map[string]string{"me": "body", "user-forbidden": "status", "report": "status", "echo": "status"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := orgApp(t, tt.server)
			code, r := runJSON(t, map[string]string{"DEVOPS_SECRET": keyA}, append([]string{"--target", in.APIURL, "--health", in.HealthURL}, quick...)...)
			if code != ExitBreached || r.Pass {
				t.Fatalf("exit %d (pass %v), want 1", code, r.Pass)
			}
			if got := failures(r); !maps.Equal(got, tt.want) {
				t.Errorf("failing flows %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRunAgainstFaultyServers(t *testing.T) {
	t.Parallel()
	in := orgApp(t, map[string]string{"DEVOPS_SECRET": keyA})
	api := faultProxy(t, in.APIURL, map[string]fault{
		"/api/v1/echo":            status(500),
		"/api/v1/reports/traffic": stall(time.Minute),
	})
	health := faultProxy(t, in.HealthURL, map[string]fault{"/readyz": status(503)})
	code, r := runJSON(t, map[string]string{"DEVOPS_SECRET": keyA},
		// A timeout long enough that only the stalled flows hit it, and
		// enough workers that the stalled checks never starve the others.
		append(append([]string{"--target", api.URL, "--health", health.URL}, quick...), "--timeout", "1s", "--concurrency", "64")...)
	if code != ExitBreached {
		t.Fatalf("exit %d, want 1", code)
	}
	want := map[string]string{"echo": "status", "report": "timeout", "user-forbidden": "timeout", "readyz": "status"}
	if got := failures(r); !maps.Equal(got, want) {
		t.Errorf("failing flows %v, want %v", got, want)
	}
	if ex := r.Flows[5].ErrorExamples[KindStatus]; !strings.Contains(ex, "answered 500, want 200") {
		t.Errorf("echo's example error %q should name the status", ex)
	}
}

func TestRunFailsOnLatency(t *testing.T) {
	t.Parallel()
	in := orgApp(t, map[string]string{"DEVOPS_SECRET": keyA})
	slow := faultProxy(t, in.APIURL, map[string]fault{"/": stall(60 * time.Millisecond)})
	code, out, _ := runMain(t, context.Background(), nil, "run", "--target", slow.URL, "--flows", "root,no-token",
		"--duration", "500ms", "--rate", "20", "--slo-p99", "30ms")
	if code != ExitBreached {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	last := out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]
	if !strings.HasPrefix(last, "SLO: FAIL (root: p99 ") || !strings.Contains(last, "> 30.00ms") || strings.Contains(last, "success") {
		t.Errorf("want only root's p99 to fail, got %q", last)
	}
}

func TestRunWithTokenFiles(t *testing.T) {
	t.Parallel()
	in := orgApp(t, map[string]string{"DEVOPS_SECRET": keyA})
	dir := t.TempDir()
	write := func(name string, groups ...string) string {
		tok, err := auth.Mint([]byte(keyA), auth.MintOptions{Subject: "oidc-" + name, Groups: groups, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// No DEVOPS_SECRET in the canary's environment: the files are all it has.
	code, r := runJSON(t, nil, append([]string{"--target", in.APIURL,
		"--user-token-file", write("user", "cp_users"), "--analyst-token-file", write("analyst", "cp_analysts")}, quick...)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %v", code, r.Reasons)
	}
}

func TestRunStopsEarlyWithTheReportSoFar(t *testing.T) {
	t.Parallel()
	in := orgApp(t, map[string]string{"DEVOPS_SECRET": keyA})
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	code, out, errOut := runMain(t, ctx, map[string]string{"DEVOPS_SECRET": keyA},
		"run", "--target", in.APIURL, "--duration", "30s", "--rate", "50", "--slo-p99", "10s")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s after the signal", took)
	}
	if code != ExitOK || !strings.Contains(out, "stopped early") || !strings.Contains(out, "SLO: PASS") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

func TestBadUsageExits2(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DEVOPS_SECRET": keyA}
	target := []string{"--target", "http://127.0.0.1:1"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no command", env, nil, "a command is required"},
		{"unknown command", env, []string{"bench"}, `unknown command "bench"`},
		{"unknown flag", env, []string{"run", "--bogus"}, "flag provided but not defined: -bogus"},
		{"bad duration", env, []string{"run", "--duration", "soon"}, `invalid value "soon" for flag -duration`},
		{"no target", env, []string{"run"}, "--target is required"},
		{"target not a URL", env, []string{"run", "--target", "localhost:8080"}, "--target must be an http(s) base URL"},
		{"zero rate", env, append([]string{"run", "--rate", "0"}, target...), "--rate must be above 0"},
		{"slo above 100", env, append([]string{"run", "--slo-success", "100.1"}, target...), "--slo-success must be a percentage"},
		{"negative p99", env, append([]string{"run", "--slo-p99", "-1s"}, target...), "--slo-p99 must be positive"},
		{"bad report", env, append([]string{"run", "--report", "xml"}, target...), "--report must be text or json"},
		{"zero concurrency", env, append([]string{"run", "--concurrency", "0"}, target...), "--concurrency must be between"},
		{"unknown flow", env, append([]string{"run", "--flows", "root,nope"}, target...), `unknown flow "nope"`},
		{"health flow without --health", env, append([]string{"run", "--flows", "readyz"}, target...), `flow "readyz" needs --health`},
		{"fewer checks than flows", env, append([]string{"run", "--duration", "100ms", "--rate", "10"}, target...), "plan 1 checks, fewer than the 6 flows"},
		{"extra argument", env, append([]string{"run", "extra"}, target...), "unexpected arguments"},
		{"no secret", nil, append([]string{"run"}, target...), "neither DEVOPS_SECRET nor DEVOPS_SECRET_FILE is set"},
		{"short secret", map[string]string{"DEVOPS_SECRET": "short"}, append([]string{"run"}, target...), "must be at least 32 bytes"},
		{"token ttl too long", env, append([]string{"run", "--token-ttl", "48h"}, target...), "--token-ttl must be between"},
		{"serve interval", env, append([]string{"serve", "--interval", "1ms"}, target...), "--interval must be between"},
		{"serve log level", env, append([]string{"serve", "--log-level", "LOUD"}, target...), "--log-level must be"},
		{"emf file without emf", env, append([]string{"serve", "--emf=false", "--emf-file", "/tmp/x.log"}, target...), "--emf-file needs --emf=true"},
		{"emf file size", env, append([]string{"serve", "--emf-file", "/tmp/x.log", "--emf-file-max-size-mb", "0"}, target...), "--emf-file-max-size-mb must be between 1 and 1024"},
		{"emf file backups", env, append([]string{"serve", "--emf-file", "/tmp/x.log", "--emf-file-max-backups", "0"}, target...), "--emf-file-max-backups must be between 1 and 100"},
		{"emf file under a file", env, append([]string{"serve", "--emf-file", "/dev/null/emf.log"}, target...), "--emf-file: create the log directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, context.Background(), tt.env, tt.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
			}
			first, rest, _ := strings.Cut(errOut, "\n")
			if !strings.Contains(first, tt.want) {
				t.Errorf("first stderr line %q does not contain %q", first, tt.want)
			}
			if !strings.HasPrefix(rest, "usage:") {
				t.Errorf("no usage line after the error:\n%s", errOut)
			}
			if strings.Contains(out+errOut, keyA) {
				t.Error("output contains the secret")
			}
		})
	}
}

func TestHelpAndFlows(t *testing.T) {
	t.Parallel()
	code, out, _ := runMain(t, context.Background(), nil, "help")
	if code != ExitOK || !strings.Contains(out, "-slo-p99") || !strings.Contains(out, "-metrics-addr") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	code, out, _ = runMain(t, context.Background(), nil, "flows")
	if code != ExitOK || strings.Count(out, "\n") != len(Flows()) {
		t.Errorf("flows: exit %d\n%s", code, out)
	}
}
