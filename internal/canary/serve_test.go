package canary

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/apptest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/logtest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/promtest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/secret"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
)

func TestServeExportsMetricsAndEMF(t *testing.T) {
	t.Parallel()
	// The server verifies with keyB, the canary mints with keyA: the
	// token flows fail with status while the anonymous ones pass.
	in := apptest.Start(t, map[string]string{"DEVOPS_SECRET": keyB})
	src, err := secret.FromValue(secret.EnvValue, []byte(keyA))
	if err != nil {
		t.Fatal(err)
	}
	toks, err := NewTokens(TokenConfig{Secret: src, UserGroups: []string{"cp_users"}, AnalystGroups: []string{"cp_analysts"}})
	if err != nil {
		t.Fatal(err)
	}
	flows, _ := SelectFlows(nil, true)
	reg := telemetry.NewRegistry(buildinfo.Get())
	stdout, logs := &logtest.Buffer{}, &logtest.Buffer{}
	target := &Target{API: in.APIURL, Health: in.HealthURL, Client: NewClient(ClientOptions{}), Tokens: toks}
	opts := ServeOptions{
		Flows: flows, Target: target, Interval: 50 * time.Millisecond, Timeout: 5 * time.Second,
		Metrics: NewMetrics(reg, flows), EMF: NewEMF(stdout, "", in.APIURL, nil), Logger: telemetry.NewLogger(logs, nil),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsURL := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, reg, opts) }()

	// Wait for two full rounds.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(stdout.String(), "\n") < 2*len(flows) {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than two rounds in 10s:\n%s", stdout.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	fams := promtest.Gather(t, reg)
	for _, f := range flows {
		wantResult := "ok"
		if f.Role != 0 {
			wantResult = "status"
		}
		if v, _ := fams.Value("canary_checks_total", map[string]string{"flow": f.Name, "result": wantResult}); v < 2 {
			t.Errorf("canary_checks_total{flow=%q,result=%q} = %v, want >= 2", f.Name, wantResult, v)
		}
		if v, ok := fams.Value("canary_checks_total", map[string]string{"flow": f.Name, "result": "timeout"}); !ok || v != 0 {
			t.Errorf("canary_checks_total{flow=%q,result=timeout} = %v (present %v), want 0 from the start", f.Name, v, ok)
		}
		passed, _ := fams.Value("canary_check_duration_seconds", map[string]string{"flow": f.Name})
		if (f.Role == 0) != (passed >= 2) {
			t.Errorf("canary_check_duration_seconds{flow=%q} counts %v passed checks", f.Name, passed)
		}
	}
	// The listener serves the registry in the exposition format.
	info := buildinfo.Get()
	wantInfo := fmt.Sprintf(`
# HELP build_info Build of the running binary; always 1.
# TYPE build_info gauge
build_info{commit=%q,goversion=%q,version=%q} 1
`, info.Commit, info.GoVersion, info.Version)
	if err := testutil.ScrapeAndCompare(metricsURL+"/metrics", strings.NewReader(wantInfo), "build_info"); err != nil {
		t.Error(err)
	}
	resp, err := http.Get(metricsURL + "/livez")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/livez: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not stop")
	}

	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	byFlow := map[string]map[string]any{}
	for _, l := range lines {
		doc := checkEMF(t, l)
		byFlow[doc["Flow"].(string)] = doc
	}
	if byFlow["root"]["CheckSuccess"] != 1.0 || byFlow["me"]["CheckFailure"] != 1.0 || byFlow["me"]["Result"] != "status" {
		t.Errorf("EMF root %v, me %v", byFlow["root"], byFlow["me"])
	}
	// Failures are logged as JSON with their flow and kind.
	var sawFailure bool
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		if rec["msg"] == "check failed" && rec["flow"] == "echo" && rec["result"] == "status" {
			sawFailure = true
		}
	}
	if !sawFailure {
		t.Errorf("no failure logged:\n%s", logs.String())
	}
	if strings.Contains(stdout.String()+logs.String(), keyA) {
		t.Error("output contains the secret")
	}
}

func TestServeMainStopsOnSignal(t *testing.T) {
	t.Parallel()
	in := apptest.Start(t, map[string]string{"DEVOPS_SECRET": keyA})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	emfFile := filepath.Join(t.TempDir(), "emf", "canary.log")
	code, out, errOut := runMain(t, ctx, map[string]string{"DEVOPS_SECRET": keyA},
		"serve", "--target", in.APIURL, "--interval", "100ms", "--metrics-addr", "127.0.0.1:0", "--log-level", "WARN",
		"--emf-file", emfFile)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if n := strings.Count(out, `"CheckSuccess":1`); n < len(Flows())-2 {
		t.Errorf("%d passed checks in EMF output:\n%s", n, out)
	}
	if errOut != "" {
		t.Errorf("warnings although every check passed:\n%s", errOut)
	}
	// --emf-file holds the same EMF lines as stdout.
	file, err := os.ReadFile(emfFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != out {
		t.Errorf("--emf-file differs from stdout:\nfile:\n%s\nstdout:\n%s", file, out)
	}
}
