package app_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/app"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/apptest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/logtest"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/testpki"
)

// Made-up keys for tests; they protect nothing.
const (
	keyA = "app-test-key-A-not-a-secret-0123456789"
	keyB = "app-test-key-B-not-a-secret-0123456789"
)

func envOf(m map[string]string) config.LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestMainExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	unknown := write("unknown.yaml", "port: 8080\nauthInfo:\n  userGroupz: [x]\n")
	samePort := write("same.yaml", "port: 9000\nmetrics:\n  port: 9000\n")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"unknown key", []string{unknown}, map[string]string{"DEVOPS_SECRET": keyA}, 2, "org-app: invalid configuration: authInfo.userGroupz: unknown key"},
		{"two listeners on one port", []string{samePort}, map[string]string{"DEVOPS_SECRET": keyA}, 2, "metrics.port: must differ from port"},
		{"missing file", []string{filepath.Join(dir, "absent.yaml")}, nil, 2, "cannot read config file"},
		{"bad env override", nil, map[string]string{"ORG_APP_LOG_LEVEL": "LOUD"}, 2, "logLevel: must be one of DEBUG, INFO, WARN, ERROR"},
		{"no secret", nil, nil, 2, "DEVOPS_SECRET: not set"},
		{"short secret", nil, map[string]string{"DEVOPS_SECRET": "short"}, 2, "must be at least 32 bytes"},
		{"missing TLS files", nil, map[string]string{"DEVOPS_SECRET": keyA, "ORG_APP_TLS_CERT_FILE": "/nonexistent/c.pem", "ORG_APP_TLS_KEY_FILE": "/nonexistent/k.pem"}, 2, "tls: load certificate"},
		{"two arguments", []string{"a.yaml", "b.yaml"}, nil, 2, "unexpected arguments"},
		{"unknown flag", []string{"--port=1"}, nil, 2, "unexpected arguments"},
		{"token without sub", []string{"token", "--groups", "cp_users"}, map[string]string{"DEVOPS_SECRET": keyA}, 2, "--sub is required"},
		{"token bad flag", []string{"token", "--bogus"}, map[string]string{"DEVOPS_SECRET": keyA}, 2, "flag provided but not defined: -bogus"},
		{"token ttl too long", []string{"token", "--sub", "a", "--ttl", "48h"}, map[string]string{"DEVOPS_SECRET": keyA}, 2, "ttl must be between"},
		{"token without secret", []string{"token", "--sub", "a"}, nil, 2, "neither DEVOPS_SECRET nor DEVOPS_SECRET_FILE is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := app.Main(context.Background(), tt.args, envOf(tt.env), &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.want)
			}
			if first, _, _ := strings.Cut(stderr.String(), "\n"); !strings.Contains(first, tt.want) {
				t.Errorf("the first stderr line %q must say what is wrong", first)
			}
			if strings.Contains(stderr.String()+stdout.String(), keyA) {
				t.Error("output contains the secret")
			}
		})
	}
}

// logFile.path: every JSON log line goes to stdout and, the same, to the
// file; a path that cannot be written stops the start with exit 2.
func TestLogFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "app.log")
	cfg := filepath.Join(dir, "config.yaml")
	body := fmt.Sprintf("port: %d\nhealthcheck:\n  port: %d\nmetrics:\n  port: %d\nserver:\n  drainDelay: 0s\nlogFile:\n  path: %s\n  maxSizeMB: 1\n",
		freePort(t), freePort(t), freePort(t), path)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &logtest.Buffer{}
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- app.Main(ctx, []string{cfg}, envOf(map[string]string{"DEVOPS_SECRET": keyA}), stdout, &stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "org-app started") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("not started: %s %s", stdout.String(), stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != stdout.String() || !strings.Contains(string(file), `"msg":"org-app stopped"`) {
		t.Errorf("log file differs from stdout:\nfile:\n%s\nstdout:\n%s", file, stdout.String())
	}

	notADir := filepath.Join(dir, "config.yaml", "app.log") // under a regular file
	stderr.Reset()
	code := app.Main(context.Background(), nil, envOf(map[string]string{"DEVOPS_SECRET": keyA, "ORG_APP_LOG_FILE_PATH": notADir}), io.Discard, &stderr)
	if code != app.ExitUsage || !strings.HasPrefix(stderr.String(), "org-app: invalid configuration: logFile.path: ") {
		t.Errorf("unwritable log file: exit %d, %q", code, stderr.String())
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln := apptest.Listen(t)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Every configuration problem is reported, each on its own line.
func TestMainReportsEveryConfigurationProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("port: 9000\nmetrics:\n  port: 9000\nlogLevel: LOUD\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := app.Main(context.Background(), []string{path}, envOf(map[string]string{"DEVOPS_SECRET": keyA}), &stdout, &stderr)
	if code != app.ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	want := "org-app: invalid configuration: metrics.port: must differ from port (both 9000): each listener needs its own port\n" +
		"org-app: invalid configuration: logLevel: must be one of DEBUG, INFO, WARN, ERROR, got \"LOUD\"\n"
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
}

func TestTokenSubcommandMintsVerifiableTokens(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := app.Main(context.Background(), []string{"token", "--sub", "alice", "--groups", "cp_users, cp_analysts", "--ttl", "10m"},
		envOf(map[string]string{"DEVOPS_SECRET": keyA}), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	tok := strings.TrimSpace(stdout.String())
	a, err := auth.NewAuthenticator(auth.Options{HMAC: staticKey(keyA), Roles: auth.NewRoleMapper([]string{"cp_users"}, []string{"cp_analysts"})})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Authenticate(context.Background(), "Bearer "+tok)
	if err != nil {
		t.Fatalf("minted token does not verify: %v", err)
	}
	if p.Subject != "alice" || !p.Roles.Has(auth.RoleUser) || !p.Roles.Has(auth.RoleAnalyst) {
		t.Errorf("principal = %+v", p)
	}
}

// authInfo.tokenIssuer: HS256 tokens must carry the configured issuer,
// which `org-app token --issuer` mints.
func TestTokenIssuerIsEnforced(t *testing.T) {
	in := start(t, quickConfig, map[string]string{"DEVOPS_SECRET": keyA, "ORG_APP_AUTH_INFO_TOKEN_ISSUER": "payments"})
	mintWith := func(args ...string) string {
		var stdout, stderr bytes.Buffer
		if code := app.Main(context.Background(), append([]string{"token", "--sub", "alice", "--groups", "cp_users"}, args...),
			envOf(map[string]string{"DEVOPS_SECRET": keyA}), &stdout, &stderr); code != 0 {
			t.Fatalf("token: exit %d: %s", code, stderr.String())
		}
		return strings.TrimSpace(stdout.String())
	}
	if code := get(t, in.client, in.APIURL+"/api/v1/me", mintWith("--issuer", "payments")); code != http.StatusOK {
		t.Errorf("token with the configured issuer = %d, want 200", code)
	}
	if code := get(t, in.client, in.APIURL+"/api/v1/me", mintWith()); code != http.StatusUnauthorized {
		t.Errorf("token with the default issuer = %d, want 401", code)
	}
}

type staticKey string

func (k staticKey) Keys(time.Time) ([]byte, []byte) { return []byte(k), nil }

// instance is an org-app on loopback (apptest) plus what these tests use.
type instance struct {
	*apptest.Instance
	client *http.Client
	logs   *logtest.Buffer
}

func start(t *testing.T, yaml string, env map[string]string) *instance {
	t.Helper()
	logs := &logtest.Buffer{}
	return &instance{
		Instance: apptest.StartWith(t, apptest.Options{Config: yaml, Env: env, Logs: logs}),
		client:   &http.Client{Timeout: 10 * time.Second},
		logs:     logs,
	}
}

func get(t *testing.T, client *http.Client, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// scrapeText fetches a /metrics page as text.
func scrapeText(t *testing.T, client *http.Client, url string) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %v", url, resp.StatusCode, err)
	}
	return string(body)
}

// grep returns the lines of text that contain s.
func grep(text, s string) string {
	var out []string
	for l := range strings.Lines(text) {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

func mint(t *testing.T, key, sub string, groups ...string) string {
	t.Helper()
	tok, err := auth.Mint([]byte(key), auth.MintOptions{Subject: sub, Groups: groups, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

const quickConfig = `
port: 8080
logLevel: INFO
authInfo:
  userGroups: [cp_users]
  analystGroups: [cp_analysts]
  secretReloadInterval: 1s
healthcheck:
  port: 8081
metrics:
  port: 8000
server:
  drainDelay: 300ms
  shutdownTimeout: 10s
`

func TestServesAllThreeListeners(t *testing.T) {
	in := start(t, quickConfig, map[string]string{"DEVOPS_SECRET": keyA})
	if code := get(t, in.client, in.APIURL+"/", ""); code != http.StatusOK {
		t.Errorf("GET / = %d", code)
	}
	if code := get(t, in.client, in.APIURL+"/api/v1/me", mint(t, keyA, "alice", "cp_users")); code != http.StatusOK {
		t.Errorf("GET /api/v1/me = %d", code)
	}
	for _, p := range []string{"/livez", "/readyz", "/startupz"} {
		if code := get(t, in.client, in.HealthURL+p, ""); code != http.StatusOK {
			t.Errorf("%s = %d", p, code)
		}
	}
	want := `
# HELP http_requests_total API requests by route pattern, method and status code.
# TYPE http_requests_total counter
http_requests_total{code="200",method="GET",route="/"} 1
http_requests_total{code="200",method="GET",route="/api/v1/me"} 1
`
	if err := testutil.ScrapeAndCompare(in.MetricsURL+"/metrics", strings.NewReader(want), "http_requests_total"); err != nil {
		t.Error(err)
	}
	// The probe listener counts its requests by route pattern; the
	// metrics listener serves only GET /metrics, with JSON errors.
	metrics := scrapeText(t, in.client, in.MetricsURL+"/metrics")
	if !strings.Contains(metrics, `probe_requests_total{code="200",route="/livez"} 1`+"\n") {
		t.Errorf("probe_requests_total for /livez missing or wrong:\n%s", grep(metrics, "probe_requests_total"))
	}
	resp, err := in.client.Get(in.MetricsURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"code":"not_found"`) {
		t.Errorf("metrics listener GET / = %d %s, want a JSON 404", resp.StatusCode, body)
	}
	var stderr bytes.Buffer
	if code := app.Main(context.Background(), []string{"probe", "--url", in.HealthURL + "/readyz"}, envOf(nil), io.Discard, &stderr); code != 0 {
		t.Errorf("probe of a ready server = %d: %s", code, stderr.String())
	}
	if code := app.Main(context.Background(), []string{"probe", "--url", in.APIURL + "/nope"}, envOf(nil), io.Discard, &stderr); code != 1 {
		t.Errorf("probe of a 404 = %d, want 1", code)
	}
	// The API port does not serve metrics or probes.
	if code := get(t, in.client, in.APIURL+"/metrics", ""); code != http.StatusNotFound {
		t.Errorf("API /metrics = %d, want 404", code)
	}
}

// SIGTERM: readiness turns false at once while the API keeps serving for the
// drain delay, every request in flight completes, and Run returns nil.
func TestGracefulDrain(t *testing.T) {
	in := start(t, quickConfig, map[string]string{"DEVOPS_SECRET": keyA})
	user := mint(t, keyA, "alice", "cp_users")

	// Requests in flight: their bodies arrive slowly, across the shutdown.
	const inFlight = 8
	type result struct {
		status int
		err    error
	}
	results := make(chan result, inFlight)
	var writers []*io.PipeWriter
	for i := range inFlight {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		req, _ := http.NewRequest(http.MethodPost, in.APIURL+"/api/v1/echo", pr)
		req.Header.Set("Authorization", "Bearer "+user)
		req.Header.Set("Content-Type", "application/json")
		go func() {
			resp, err := in.client.Do(req)
			if err != nil {
				results <- result{err: err}
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results <- result{status: resp.StatusCode}
		}()
		if _, err := fmt.Fprintf(pw, `{"request":%d,`, i); err != nil {
			t.Fatal(err)
		}
	}

	in.Shutdown() // what SIGTERM does in main
	deadline := time.Now().Add(5 * time.Second)
	for get(t, in.client, in.HealthURL+"/readyz", "") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("readiness did not turn false after shutdown began")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Still serving during the drain delay (new connection, no keep-alive).
	fresh := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if code := get(t, fresh, in.APIURL+"/", ""); code != http.StatusOK {
		t.Errorf("GET / during drain = %d, want 200", code)
	}

	time.Sleep(400 * time.Millisecond) // past the drain delay: Shutdown waits for the requests
	for _, w := range writers {
		if _, err := w.Write([]byte(`"done":true}`)); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	for range inFlight {
		r := <-results
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("in-flight request cut by shutdown: status %d err %v", r.status, r.err)
		}
	}
	if err := in.Stop(15 * time.Second); err != nil {
		t.Fatalf("want a clean shutdown once the requests completed: %v", err)
	}
	if !strings.Contains(in.logs.String(), "org-app stopped") {
		t.Error("no shutdown log line")
	}
}

// Two-key rotation: after DEVOPS_SECRET_FILE changes, new tokens verify
// with the new secret and tokens signed with the previous one stay valid for
// authInfo.previousKeyGrace, counted and logged as such; with a grace of 0
// they are refused at once.
func TestSecretFileRotation(t *testing.T) {
	for _, tt := range []struct {
		name     string
		grace    string
		oldAfter int
	}{{"with the default grace", "", http.StatusOK}, {"without grace", "0s", http.StatusUnauthorized}} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "secret")
			if err := os.WriteFile(path, []byte(keyA+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"DEVOPS_SECRET_FILE": path}
			if tt.grace != "" {
				env["ORG_APP_AUTH_INFO_PREVIOUS_KEY_GRACE"] = tt.grace
			}
			in := start(t, quickConfig, env)
			tokA, tokB := mint(t, keyA, "alice", "cp_users"), mint(t, keyB, "bob", "cp_users")
			if code := get(t, in.client, in.APIURL+"/api/v1/me", tokA); code != http.StatusOK {
				t.Fatalf("token A before rotation = %d", code)
			}
			testpki.WriteAtomic(t, path, []byte(keyB))
			deadline := time.Now().Add(10 * time.Second)
			for get(t, in.client, in.APIURL+"/api/v1/me", tokB) != http.StatusOK {
				if time.Now().After(deadline) {
					t.Fatal("rotated secret not in effect within 10s")
				}
				time.Sleep(50 * time.Millisecond)
			}
			if code := get(t, in.client, in.APIURL+"/api/v1/me", tokA); code != tt.oldAfter {
				t.Fatalf("token signed with the old secret = %d after rotation, want %d", code, tt.oldAfter)
			}
			if tt.oldAfter != http.StatusOK {
				return
			}
			var sawPrevious bool
			for _, l := range in.logs.Lines(t) {
				if l["msg"] == "request" && l["subject"] == "alice" && l["signing_key"] == "previous" {
					sawPrevious = true
				}
				if l["msg"] == "request" && l["subject"] == "bob" && l["signing_key"] != nil {
					t.Errorf("a token verified by the current key is logged with signing_key: %v", l)
				}
			}
			if !sawPrevious {
				t.Errorf("no access log line says the previous key verified:\n%s", in.logs.String())
			}
			// Token A before the rotation and token B once it took effect
			// (its earlier attempts were refused, not counted); then A again.
			want := `
# HELP auth_hs256_verified_total Requests whose HS256 token verified, by the key that verified it: current, or previous during the grace period after a rotation (authInfo.previousKeyGrace).
# TYPE auth_hs256_verified_total counter
auth_hs256_verified_total{key="current"} 2
auth_hs256_verified_total{key="previous"} 1
`
			if err := testutil.ScrapeAndCompare(in.MetricsURL+"/metrics", strings.NewReader(want), "auth_hs256_verified_total"); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestMutualTLSEndToEnd(t *testing.T) {
	dir := t.TempDir()
	serverCA, clientCA := testpki.NewCA(t, "server-ca"), testpki.NewCA(t, "client-ca")
	certFile, keyFile := serverCA.Server(t, "org-app").WriteFiles(t, dir)
	caFile := filepath.Join(dir, "clients.pem")
	testpki.WriteAtomic(t, caFile, clientCA.PEM)
	cfg := quickConfig + fmt.Sprintf("tls:\n  certFile: %s\n  keyFile: %s\n  clientCAFile: %s\n", certFile, keyFile, caFile)
	in := start(t, cfg, map[string]string{"DEVOPS_SECRET": keyA})

	withCert := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: serverCA.Pool(), Certificates: []tls.Certificate{clientCA.Client(t, "gateway").TLS},
	}}}
	if code := get(t, withCert, in.APIURL+"/", ""); code != http.StatusOK {
		t.Errorf("mTLS GET / = %d", code)
	}
	noCert := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: serverCA.Pool()}}}
	req, _ := http.NewRequest(http.MethodGet, in.APIURL+"/", nil)
	if resp, err := noCert.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a client without a certificate was served")
	}
	// Probes stay plain HTTP for the kubelet.
	if code := get(t, in.client, in.HealthURL+"/readyz", ""); code != http.StatusOK {
		t.Errorf("readyz = %d", code)
	}
}

func TestOIDCOnlyWaitsForKeys(t *testing.T) {
	unavailable := true
	var mu sync.Mutex
	jwks := http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if unavailable {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		// A P-256 public key from RFC 7517 appendix A.1.
		io.WriteString(w, `{"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"sig","kid":"1"}]}`)
	})}
	ln := apptest.Listen(t)
	go jwks.Serve(ln)
	t.Cleanup(func() { jwks.Close() })

	in := apptest.StartWith(t, apptest.Options{NoWait: true, Config: fmt.Sprintf(`
authInfo:
  userGroups: [cp_users]
  analystGroups: [cp_analysts]
  oidc:
    issuer: https://idp.example.test/
    audience: org-app
    jwksURL: http://%s/jwks
server:
  drainDelay: 0s
`, ln.Addr())})

	client := &http.Client{Timeout: 5 * time.Second}
	readyz := in.HealthURL + "/readyz"
	deadline := time.Now().Add(15 * time.Second)
	for get(t, client, in.HealthURL+"/startupz", "") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("not started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code := get(t, client, readyz, ""); code != http.StatusServiceUnavailable {
		t.Fatalf("readyz = %d before the key set was fetched, want 503", code)
	}
	mu.Lock()
	unavailable = false
	mu.Unlock()
	deadline = time.Now().Add(15 * time.Second)
	for get(t, client, readyz, "") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("not ready after the key set became available")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// HS256 is off without DEVOPS_SECRET.
	if code := get(t, client, in.APIURL+"/api/v1/me", mint(t, keyA, "alice", "cp_users")); code != http.StatusUnauthorized {
		t.Errorf("HS256 token with OIDC only = %d, want 401", code)
	}
}

// A client that never finishes its headers is cut off after
// server.readHeaderTimeout; oversized headers get 431.
func TestServerLimits(t *testing.T) {
	cfg := strings.Replace(quickConfig, "server:\n", "server:\n  readHeaderTimeout: 200ms\n  maxHeaderBytes: 2048\n", 1)
	in := start(t, cfg, map[string]string{"DEVOPS_SECRET": keyA})
	addr := strings.TrimPrefix(in.APIURL, "http://")

	expectClosedAfterPartialRequest(t, addr, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", "connection with unfinished headers")

	req, _ := http.NewRequest(http.MethodGet, in.APIURL+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 8<<10))
	resp, err := in.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("oversized headers = %d, want 431", resp.StatusCode)
	}
}

// server.writeTimeout still holds with the API's coarse write deadlines: a
// client that sends requests but never reads the responses is cut off once
// the server's writes block, instead of holding a goroutine for ever.
func TestWriteTimeoutCutsOffAClientThatDoesNotRead(t *testing.T) {
	cfg := strings.Replace(quickConfig, "server:\n", "server:\n  writeTimeout: 200ms\n", 1)
	in := start(t, cfg, map[string]string{"DEVOPS_SECRET": keyA})
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(in.APIURL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Pipelined requests, never a read: the responses fill the buffers,
	// the server's write blocks, and it stops reading requests, so these
	// writes fail only once the server has closed the connection.
	batch := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1000))
	failed := make(chan error, 1)
	go func() {
		for {
			if _, err := conn.Write(batch); err != nil {
				failed <- err
				return
			}
		}
	}()
	select {
	case <-failed:
	case <-time.After(30 * time.Second):
		t.Fatal("the server still holds a connection whose client does not read, 30s after writeTimeout (200ms)")
	}
}

// server.idleTimeout and server.readTimeout still hold with the API's coarse
// read deadlines: a keep-alive connection left idle after a response is
// closed after idleTimeout (plus at most the slack), not before; a request
// whose body never finishes is cut off after readTimeout.
func TestIdleAndReadTimeoutsCloseConnections(t *testing.T) {
	const idle = 400 * time.Millisecond
	cfg := strings.Replace(quickConfig, "server:\n", "server:\n  idleTimeout: 400ms\n  readHeaderTimeout: 300ms\n  readTimeout: 300ms\n", 1)
	in := start(t, cfg, map[string]string{"DEVOPS_SECRET": keyA})
	addr := strings.TrimPrefix(in.APIURL, "http://")

	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for range 3 { // keep-alive requests, so later ones run under re-used deadlines
		if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	idleFrom := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if n, err := br.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("idle connection: read %d bytes, %v; want the server to close it", n, err)
	}
	if took := time.Since(idleFrom); took < idle {
		t.Errorf("idle connection closed after %s, before idleTimeout (%s)", took, idle)
	}

	expectClosedAfterPartialRequest(t, addr, "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", "connection with an unfinished body")
}

// expectClosedAfterPartialRequest sends the start of a request and never
// the rest: the server must close the connection. The client's deadline is
// far beyond any server timeout the tests set, so reaching it means the
// server never let go of the connection.
func expectClosedAfterPartialRequest(t *testing.T, addr, partial, what string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, partial); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("%s not closed by the server: %v", what, err)
	}
}
