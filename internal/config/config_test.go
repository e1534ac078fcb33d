package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func noEnv(string) (string, bool) { return "", false }

func envMap(m map[string]string) LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The original ConfigMap (testdata/app-config.yaml is a verbatim copy of
// seed/original-k8s/app-config.yaml) mounts its "config" entry as the file
// org-app reads; that text must load unchanged.
func TestSeedConfigMapLoadsUnchanged(t *testing.T) {
	raw, err := os.ReadFile("testdata/app-config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(raw, &cm); err != nil {
		t.Fatalf("parse ConfigMap: %v", err)
	}
	cfg, err := Load(writeConfig(t, cm.Data["config"]), noEnv)
	if err != nil {
		t.Fatalf("seed config rejected: %v", err)
	}
	if cfg.Port != 8080 || cfg.Healthcheck.Port != 8081 || cfg.Metrics.Port != 8000 {
		t.Errorf("ports = %d/%d/%d, want 8080/8081/8000", cfg.Port, cfg.Healthcheck.Port, cfg.Metrics.Port)
	}
	if cfg.LogLevel != "DEBUG" {
		t.Errorf("logLevel = %q, want DEBUG", cfg.LogLevel)
	}
	if got := strings.Join(cfg.AuthInfo.UserGroups, ","); got != "cp_users,cp_dev_users" {
		t.Errorf("userGroups = %s", got)
	}
	if got := strings.Join(cfg.AuthInfo.AnalystGroups, ","); got != "cp_analysts,cp_dev_analysts" {
		t.Errorf("analystGroups = %s", got)
	}
	// Keys the seed does not set keep their defaults.
	if cfg.Server.MaxBodyBytes != 64<<10 || cfg.AuthInfo.GroupsClaim != "groups" {
		t.Errorf("defaults not kept: maxBodyBytes=%d groupsClaim=%q", cfg.Server.MaxBodyBytes, cfg.AuthInfo.GroupsClaim)
	}
}

func TestDefaultsAreValid(t *testing.T) {
	cfg, err := Load("", noEnv)
	if err != nil {
		t.Fatalf("embedded defaults rejected: %v", err)
	}
	if cfg.Port != 8080 || cfg.Healthcheck.Port != 8081 || cfg.Metrics.Port != 8000 {
		t.Errorf("default ports = %d/%d/%d", cfg.Port, cfg.Healthcheck.Port, cfg.Metrics.Port)
	}
	if cfg.LogFile != (LogFile{MaxSizeMB: 10, MaxBackups: 2}) || cfg.AuthInfo.PreviousKeyGrace.D() != 10*time.Minute || cfg.AuthInfo.TokenIssuer != "org-app" {
		t.Errorf("defaults of the new keys: logFile %+v, previousKeyGrace %s, tokenIssuer %q", cfg.LogFile, cfg.AuthInfo.PreviousKeyGrace, cfg.AuthInfo.TokenIssuer)
	}
	if cfg.Server.DrainDelay.D()+cfg.Server.ShutdownTimeout.D() >= 30*time.Second {
		t.Errorf("drainDelay+shutdownTimeout = %s, must fit Kubernetes' default 30s grace period",
			cfg.Server.DrainDelay.D()+cfg.Server.ShutdownTimeout.D())
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	path := writeConfig(t, "port: 9000\nlogLevel: DEBUG\n")
	cfg, err := Load(path, envMap(map[string]string{
		"ORG_APP_PORT":                         "9100",
		"ORG_APP_LOG_LEVEL":                    "warn",
		"ORG_APP_AUTH_INFO_USER_GROUPS":        " a , b,,c ",
		"ORG_APP_SERVER_DRAIN_DELAY":           "0s",
		"ORG_APP_SERVER_MAX_BODY_BYTES":        "1024",
		"ORG_APP_AUTH_INFO_OIDC_ISSUER":        "https://idp.example.test/",
		"ORG_APP_AUTH_INFO_OIDC_AUDIENCE":      "org-app",
		"ORG_APP_AUTH_INFO_OIDC_JWKS_URL":      "https://idp.example.test/jwks",
		"ORG_APP_SERVER_TRUSTED_PROXIES":       "10.0.0.0/8,192.168.1.1",
		"ORG_APP_HEALTHCHECK_PORT":             "9101",
		"UNRELATED_VARIABLE_IS_IGNORED":        "x",
		"ORG_APP_TLS_RELOAD_INTERVAL":          "30s",
		"ORG_APP_AUTH_INFO_GROUPS_CLAIM":       "cognito:groups",
		"ORG_APP_AUTH_INFO_ANALYST_GROUPS":     "analysts",
		"ORG_APP_LOG_FILE_PATH":                "/var/log/org-app/app.log",
		"ORG_APP_LOG_FILE_MAX_SIZE_MB":         "5",
		"ORG_APP_LOG_FILE_MAX_BACKUPS":         "3",
		"ORG_APP_AUTH_INFO_PREVIOUS_KEY_GRACE": "0s",
		"ORG_APP_AUTH_INFO_TOKEN_ISSUER":       "payments",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9100 || cfg.Healthcheck.Port != 9101 {
		t.Errorf("env did not override ports: %d %d", cfg.Port, cfg.Healthcheck.Port)
	}
	if cfg.SlogLevel().String() != "WARN" {
		t.Errorf("log level = %s", cfg.SlogLevel())
	}
	if got := strings.Join(cfg.AuthInfo.UserGroups, "|"); got != "a|b|c" {
		t.Errorf("userGroups = %q", got)
	}
	if cfg.Server.DrainDelay != 0 || cfg.Server.MaxBodyBytes != 1024 || cfg.TLS.ReloadInterval.D() != 30*time.Second {
		t.Errorf("scalars not overridden: %+v %+v", cfg.Server, cfg.TLS)
	}
	if !cfg.AuthInfo.OIDC.Enabled() || cfg.AuthInfo.GroupsClaim != "cognito:groups" {
		t.Errorf("oidc not overridden: %+v", cfg.AuthInfo)
	}
	if cfg.LogFile != (LogFile{Path: "/var/log/org-app/app.log", MaxSizeMB: 5, MaxBackups: 3}) {
		t.Errorf("logFile not overridden: %+v", cfg.LogFile)
	}
	if cfg.AuthInfo.PreviousKeyGrace != 0 || cfg.AuthInfo.TokenIssuer != "payments" {
		t.Errorf("previousKeyGrace/tokenIssuer not overridden: %+v", cfg.AuthInfo)
	}
}

func TestEnvNames(t *testing.T) {
	for path, want := range map[string]string{
		"port":                      "ORG_APP_PORT",
		"logLevel":                  "ORG_APP_LOG_LEVEL",
		"authInfo.userGroups":       "ORG_APP_AUTH_INFO_USER_GROUPS",
		"authInfo.oidc.jwksURL":     "ORG_APP_AUTH_INFO_OIDC_JWKS_URL",
		"tls.clientCAFile":          "ORG_APP_TLS_CLIENT_CA_FILE",
		"server.readHeaderTimeout":  "ORG_APP_SERVER_READ_HEADER_TIMEOUT",
		"healthcheck.port":          "ORG_APP_HEALTHCHECK_PORT",
		"authInfo.oidc.jwksRefresh": "ORG_APP_AUTH_INFO_OIDC_JWKS_REFRESH",
	} {
		if got := EnvName(path); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", path, got, want)
		}
	}
}

// Every bad input fails with a *Error naming the key and saying what is allowed.
func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		wantKey string
		wantMsg string
	}{
		{"unknown top-level key", "port: 8080\nprot: 1\n", nil, "prot", "unknown key; allowed here: authInfo, healthcheck, logFile, logLevel, metrics, port, server, tls"},
		{"unknown nested key", "authInfo:\n  userGroup: [a]\n", nil, "authInfo.userGroup", "allowed here: analystGroups"},
		{"duplicate key", "port: 8080\nport: 8090\n", nil, "port", "is set twice"},
		{"port not an integer", "port: eighty\n", nil, "port", `must be an integer, got "eighty"`},
		{"port is a list", "port: [1]\n", nil, "port", "must be a single value (an integer), got a list"},
		{"port out of range", "port: 70000\n", nil, "port", "between 1 and 65535, got 70000"},
		{"port zero", "port: 0\n", nil, "port", "between 1 and 65535, got 0"},
		{"health port out of range", "healthcheck:\n  port: -1\n", nil, "healthcheck.port", "between 1 and 65535"},
		{"metrics port out of range", "metrics:\n  port: 65536\n", nil, "metrics.port", "between 1 and 65535"},
		{"health port equals api port", "port: 9000\nhealthcheck:\n  port: 9000\n", nil, "healthcheck.port", "must differ from port (both 9000)"},
		{"metrics port equals api port", "port: 9000\nmetrics:\n  port: 9000\n", nil, "metrics.port", "must differ from port (both 9000)"},
		{"metrics port equals health port", "healthcheck:\n  port: 9000\nmetrics:\n  port: 9000\n", nil, "metrics.port", "must differ from healthcheck.port"},
		{"healthcheck not a mapping", "healthcheck: 8081\n", nil, "healthcheck", "must be a mapping of keys"},
		{"empty user groups", "authInfo:\n  userGroups: []\n", nil, "authInfo.userGroups", "at least one group"},
		{"empty analyst groups", "authInfo:\n  analystGroups: []\n", nil, "authInfo.analystGroups", "at least one group"},
		{"blank group name", "authInfo:\n  userGroups: [a, '  ']\n", nil, "authInfo.userGroups", "entry 1 is empty"},
		{"groups not a list", "authInfo:\n  userGroups: cp_users\n", nil, "authInfo.userGroups", "must be a list of strings"},
		{"group entry is a mapping", "authInfo:\n  userGroups:\n    - {a: b}\n", nil, "authInfo.userGroups[0]", "must be a string"},
		{"unknown log level", "logLevel: TRACE\n", nil, "logLevel", "must be one of DEBUG, INFO, WARN, ERROR"},
		{"bad duration", "server:\n  readTimeout: soon\n", nil, "server.readTimeout", "must be a duration"},
		{"timeout too small", "server:\n  writeTimeout: 1ns\n", nil, "server.writeTimeout", "at least 100ms"},
		{"header timeout above read timeout", "server:\n  readHeaderTimeout: 20s\n  readTimeout: 10s\n", nil, "server.readHeaderTimeout", "must not exceed server.readTimeout"},
		{"negative drain delay", "server:\n  drainDelay: -1s\n", nil, "server.drainDelay", "between 0s and 5m"},
		{"body limit zero", "server:\n  maxBodyBytes: 0\n", nil, "server.maxBodyBytes", "between 1 and 67108864"},
		{"header limit tiny", "server:\n  maxHeaderBytes: 10\n", nil, "server.maxHeaderBytes", "between 1024 and 1048576"},
		{"in-flight zero", "server:\n  maxInFlight: 0\n", nil, "server.maxInFlight", "at least 1"},
		{"bad trusted proxy", "server:\n  trustedProxies: [10.0.0.0/33]\n", nil, "server.trustedProxies", "not an IP address or CIDR"},
		{"tls cert without key", "tls:\n  certFile: /c.pem\n", nil, "tls.keyFile", "must be set when tls.certFile is set"},
		{"tls key without cert", "tls:\n  keyFile: /k.pem\n", nil, "tls.certFile", "must be set when tls.keyFile is set"},
		{"client CA without TLS", "tls:\n  clientCAFile: /ca.pem\n", nil, "tls.clientCAFile", "needs tls.certFile"},
		{"oidc without issuer", "authInfo:\n  oidc:\n    audience: a\n    jwksURL: https://x/jwks\n", nil, "authInfo.oidc.issuer", "must be set when any authInfo.oidc key is set"},
		{"oidc without audience", "authInfo:\n  oidc:\n    issuer: https://x\n    jwksURL: https://x/jwks\n", nil, "authInfo.oidc.audience", "must be set"},
		{"oidc without jwks", "authInfo:\n  oidc:\n    issuer: https://x\n    audience: a\n", nil, "authInfo.oidc.jwksURL", "must be set"},
		{"oidc plain http", "authInfo:\n  oidc:\n    issuer: https://x\n    audience: a\n    jwksURL: http://idp.example.test/jwks\n", nil, "authInfo.oidc.jwksURL", "must use https"},
		{"empty groups claim", "authInfo:\n  groupsClaim: ''\n", nil, "authInfo.groupsClaim", "must name the token claim"},
		{"leeway too large", "authInfo:\n  leeway: 1h\n", nil, "authInfo.leeway", "between 0s and 5m"},
		{"negative previous key grace", "authInfo:\n  previousKeyGrace: -1s\n", nil, "authInfo.previousKeyGrace", "between 0s (off) and 24h0m0s"},
		{"previous key grace above a token's life", "authInfo:\n  previousKeyGrace: 25h\n", nil, "authInfo.previousKeyGrace", "between 0s (off) and 24h0m0s"},
		{"empty token issuer", "authInfo:\n  tokenIssuer: ''\n", nil, "authInfo.tokenIssuer", "must be a non-empty issuer"},
		{"groups claim is registered", "authInfo:\n  groupsClaim: iat\n", nil, "authInfo.groupsClaim", "must not be a registered JWT claim (iss, sub, aud, exp, nbf, iat, jti)"},
		{"log file is a directory", "logFile:\n  path: /var/log/\n", nil, "logFile.path", "must be a file path"},
		{"log file size zero", "logFile:\n  maxSizeMB: 0\n", nil, "logFile.maxSizeMB", "between 1 and 1024"},
		{"log file without backups", "logFile:\n  maxBackups: 0\n", nil, "logFile.maxBackups", "between 1 and 100"},
		{"env log file size", "", map[string]string{"ORG_APP_LOG_FILE_MAX_SIZE_MB": "huge"}, "logFile.maxSizeMB", `must be an integer, got "huge"`},
		{"empty key", "\"\": 1\n", nil, `""`, "unknown key"},
		{"key with a newline", "\"a\\nb\": 1\n", nil, `"a\nb"`, "unknown key"},
		{"not YAML", "port: [8080\n", nil, "(file)", "not valid YAML"},
		{"top level is a list", "- 1\n", nil, "(file)", "must be a mapping of keys"},
		{"env port not an integer", "", map[string]string{"ORG_APP_PORT": "x"}, "port", `must be an integer, got "x"`},
		{"env duration invalid", "", map[string]string{"ORG_APP_SERVER_IDLE_TIMEOUT": "forever"}, "server.idleTimeout", "must be a duration"},
		{"env empties groups", "", map[string]string{"ORG_APP_AUTH_INFO_USER_GROUPS": " , "}, "authInfo.userGroups", "at least one group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file)
			_, err := Load(path, envMap(tt.env))
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("Load() error = %v, want *config.Error", err)
			}
			if cerr.Key != tt.wantKey {
				t.Errorf("key = %q, want %q (error: %v)", cerr.Key, tt.wantKey, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func TestErrorNamesFileLineAndEnvSource(t *testing.T) {
	path := writeConfig(t, "port: 8080\nauthInfo:\n  bogus: 1\n")
	_, err := Load(path, noEnv)
	if err == nil || !strings.Contains(err.Error(), path+":3") {
		t.Errorf("error %v does not point at %s:3", err, path)
	}
	_, err = Load("", envMap(map[string]string{"ORG_APP_METRICS_PORT": "x"}))
	if err == nil || !strings.Contains(err.Error(), "from ORG_APP_METRICS_PORT") {
		t.Errorf("error %v does not name the variable", err)
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent.yaml"), noEnv)
	var cerr *Error
	if !errors.As(err, &cerr) || !strings.Contains(err.Error(), "cannot read config file: no such file or directory") {
		t.Fatalf("error = %v", err)
	}
}

func TestNullValueKeepsDefault(t *testing.T) {
	cfg, err := Load(writeConfig(t, "tls:\nserver:\n  trustedProxies:\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TLS.ReloadInterval.D() != 10*time.Second {
		t.Errorf("null tls dropped defaults: %+v", cfg.TLS)
	}
}

func TestKeysCoverEveryField(t *testing.T) {
	keys := Keys()
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k.Env] {
			t.Errorf("two keys map to %s", k.Env)
		}
		seen[k.Env] = true
	}
	for _, want := range []string{"port", "logLevel", "authInfo.userGroups", "authInfo.analystGroups", "healthcheck.port", "metrics.port", "tls.clientCAFile", "server.trustedProxies"} {
		found := false
		for _, k := range keys {
			found = found || k.Path == want
		}
		if !found {
			t.Errorf("Keys() misses %s", want)
		}
	}
}

// docs/configuration.md documents every key and its variable.
func TestEveryKeyIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if !strings.Contains(string(doc), "`"+k.Path+"`") || !strings.Contains(string(doc), "`"+k.Env+"`") {
			t.Errorf("docs/configuration.md does not document `%s` / `%s`", k.Path, k.Env)
		}
	}
}

// Every problem is reported, one line each naming its key: in the file,
// in the environment and in validation.
func TestEveryProblemIsReported(t *testing.T) {
	t.Run("validation", func(t *testing.T) {
		path := writeConfig(t, "port: 9000\nmetrics:\n  port: 9000\nlogLevel: LOUD\nserver:\n  maxInFlight: 0\nauthInfo:\n  userGroups: []\n")
		_, err := Load(path, noEnv)
		wantProblems(t, err, "metrics.port", "logLevel", "authInfo.userGroups", "server.maxInFlight")
	})
	t.Run("file and environment", func(t *testing.T) {
		path := writeConfig(t, "prot: 1\nport: eighty\nauthInfo:\n  bogus: 1\n  userGroups: a\n")
		_, err := Load(path, envMap(map[string]string{"ORG_APP_METRICS_PORT": "x", "ORG_APP_LOG_LEVEL": "LOUD"}))
		// Validation (logLevel) waits until every value could be read.
		wantProblems(t, err, "prot", "port", "authInfo.bogus", "authInfo.userGroups", "metrics.port")
	})
	t.Run("one line per key", func(t *testing.T) {
		// metrics.port breaks two rules; it is reported once.
		_, err := Load(writeConfig(t, "port: 9000\nhealthcheck:\n  port: 9000\nmetrics:\n  port: 9000\n"), noEnv)
		wantProblems(t, err, "healthcheck.port", "metrics.port")
	})
}

func wantProblems(t *testing.T, err error, keys ...string) {
	t.Helper()
	problems := Problems(err)
	var got []string
	for _, p := range problems {
		got = append(got, p.Key)
	}
	if strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Fatalf("problems with %v, want %v:\n%v", got, keys, err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(keys) {
		t.Fatalf("%d lines for %d problems:\n%v", len(lines), len(keys), err)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, keys[i]+": ") {
			t.Errorf("line %q does not start with its key %s", l, keys[i])
		}
	}
}

// FuzzLoad: whatever the file holds, decoding and validation either accept
// it or report problems that each name a key on one line. The input that
// once produced an error without a key (an empty YAML key) is in
// testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	seed, _ := os.ReadFile("testdata/app-config.yaml")
	f.Add(string(seed))
	f.Add(string(defaultsYAML))
	f.Add("port: 1\nhealthcheck: {port: 2}\nmetrics: {port: 3}\n")
	f.Add("authInfo: &a\n  userGroups: *a\n")
	f.Add("server:\n  readTimeout: 1h\n  trustedProxies: [::1, 10.0.0.0/8]\n")
	f.Add("logFile:\n  path: /tmp/x.log\n  maxSizeMB: 5\n")
	f.Add("{}")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		cfg := Default()
		err := decodeYAML([]byte(body), "fuzz.yaml", cfg)
		if err == nil {
			err = cfg.Validate()
		}
		if err == nil {
			return
		}
		problems := Problems(err)
		if len(problems) == 0 {
			t.Fatalf("error without a *config.Error: %v", err)
		}
		if n := len(strings.Split(err.Error(), "\n")); n != len(problems) {
			t.Fatalf("%d problems on %d lines: %q", len(problems), n, err.Error())
		}
		for _, p := range problems {
			if p.Key == "" {
				t.Fatalf("error without a key: %v", p)
			}
		}
	})
}
