package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/platformverify/awsfake"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/testpki"
)

// setup points the AWS SDK's default configuration at the recorded APIs
// through the standard AWS_ENDPOINT_URL_<SERVICE> variables (as a user would
// point it at LocalStack), isolates it from the machine's AWS files, and
// starts an HTTPS endpoint whose CA is written to a file for --ca-file.
func setup(t *testing.T) (fake *awsfake.Server, endpoint, caFile string) {
	t.Helper()
	fake = awsfake.New(t, filepath.Join("..", "..", "internal", "platformverify", "testdata", "aws"))
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_EC2":                       fake.URL(awsfake.EC2),
		"AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": fake.URL(awsfake.ELBv2),
		"AWS_ENDPOINT_URL_EKS":                       fake.URL(awsfake.EKS),
		"AWS_ACCESS_KEY_ID":                          "AKIDPLATFORMVERIFYTEST",
		"AWS_SECRET_ACCESS_KEY":                      "not-a-secret-test-only",
		"AWS_SESSION_TOKEN":                          "",
		"AWS_PROFILE":                                "",
		"AWS_CONFIG_FILE":                            filepath.Join(dir, "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE":                filepath.Join(dir, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED":                  "true",
	} {
		t.Setenv(k, v)
	}

	ca := testpki.NewCA(t, "platform-verify cmd test CA")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"name":"org-app"}`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server(t, "localhost").TLS}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return fake, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/", caFile
}

func args(endpoint, caFile string, extra ...string) []string {
	return append([]string{
		"--region", "us-east-1", "--env", "prod", "--name", "org-app-prod-use1",
		"--azs", "us-east-1a, us-east-1b,us-east-1c", "--endpoint", endpoint,
		"--ca-file", caFile, "--min-cert-days", "0",
	}, extra...)
}

func TestPassExitsZeroWithTable(t *testing.T) {
	_, endpoint, caFile := setup(t)
	var out, errb bytes.Buffer
	code := run(context.Background(), args(endpoint, caFile), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"CHECK", "endpoint-tls", "imdsv2", "PASS: 8 of 8 checks passed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFailureExitsOne(t *testing.T) {
	fake, endpoint, caFile := setup(t)
	fake.Override(awsfake.EC2, "DescribeSecurityGroups", "failing/DescribeSecurityGroups.world-open.xml")
	var out, errb bytes.Buffer
	code := run(context.Background(), args(endpoint, caFile, "--report", "json"), &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	var doc struct {
		Passed bool `json:"passed"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Passed {
		t.Errorf("JSON report %q (err %v), want passed=false", out.String(), err)
	}
}

func TestBadUsageExitsTwo(t *testing.T) {
	_, endpoint, caFile := setup(t)
	notPEM := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "prod"}, `region "": want an AWS region name`},
		{args(endpoint, caFile, "--azs", "us-west-2a"), `azs: "us-west-2a" is not an availability zone of us-east-1`},
		{args("http://localhost/", caFile), "want an https URL"},
		{args(endpoint, caFile, "--report", "yaml"), `--report "yaml": want text or json`},
		{args(endpoint, caFile, "--min-cert-days", "-1"), "--min-cert-days -1: want zero or more"},
		{args(endpoint, caFile, "--timeout", "0s"), "--timeout 0s: want more than zero"},
		{args(endpoint, notPEM), "holds no PEM certificate"},
		{args(endpoint, caFile, "extra"), `unexpected argument "extra"`},
		{[]string{"--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), tc.args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", tc.args, code, errb.String())
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: stderr %q, want it to contain %q", tc.args, errb.String(), tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("%v: wrote a report on bad usage: %q", tc.args, out.String())
		}
	}
}

func TestHelpExitsZero(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &out, &errb); code != 0 {
		t.Fatalf("--help exit %d, want 0", code)
	}
	if !strings.Contains(errb.String(), "Checks: endpoint-tls, nlb-targets") {
		t.Errorf("usage lacks the check list:\n%s", errb.String())
	}
}
