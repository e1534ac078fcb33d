// Package config loads org-app's configuration: embedded defaults, then an
// optional YAML file (the keys of the original app-config ConfigMap plus
// additive ones), then ORG_APP_* environment overrides, then validation.
//
// Every problem is reported as an *Error naming the offending key; Load
// reports all of them at once (errors.Join), one line each, so the program
// can print them and exit with status 2.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
)

//go:embed defaults.yaml
var defaultsYAML []byte

// Config is the whole configuration. The yaml tags are the file keys; the
// environment variable for a key is derived from its path (see EnvName).
type Config struct {
	Port        int      `yaml:"port"`
	LogLevel    string   `yaml:"logLevel"`
	AuthInfo    AuthInfo `yaml:"authInfo"`
	Healthcheck Listener `yaml:"healthcheck"`
	Metrics     Listener `yaml:"metrics"`
	Server      Server   `yaml:"server"`
	TLS         TLS      `yaml:"tls"`
	LogFile     LogFile  `yaml:"logFile"`
}

// AuthInfo configures bearer-token authentication and the group-to-role map.
type AuthInfo struct {
	UserGroups           []string `yaml:"userGroups"`
	AnalystGroups        []string `yaml:"analystGroups"`
	GroupsClaim          string   `yaml:"groupsClaim"`
	Leeway               Duration `yaml:"leeway"`
	SecretReloadInterval Duration `yaml:"secretReloadInterval"`
	// PreviousKeyGrace is how long tokens signed with the previous
	// DEVOPS_SECRET stay valid after the secret file changes; 0 disables.
	PreviousKeyGrace Duration `yaml:"previousKeyGrace"`
	// TokenIssuer is the iss claim HS256 tokens must carry.
	TokenIssuer string `yaml:"tokenIssuer"`
	OIDC        OIDC   `yaml:"oidc"`
}

// OIDC enables verification of RS256/ES256 tokens from an identity provider.
// It is off while all three of Issuer, Audience and JWKSURL are empty.
type OIDC struct {
	Issuer              string   `yaml:"issuer"`
	Audience            string   `yaml:"audience"`
	JWKSURL             string   `yaml:"jwksURL"`
	JWKSRefreshInterval Duration `yaml:"jwksRefreshInterval"`
}

// Enabled reports whether any OIDC key is set.
func (o OIDC) Enabled() bool { return o.Issuer != "" || o.Audience != "" || o.JWKSURL != "" }

// Listener is a port of its own (health checks, metrics).
type Listener struct {
	Port int `yaml:"port"`
}

// Server holds the API server's limits, timeouts and shutdown behaviour.
type Server struct {
	ReadHeaderTimeout Duration `yaml:"readHeaderTimeout"`
	ReadTimeout       Duration `yaml:"readTimeout"`
	WriteTimeout      Duration `yaml:"writeTimeout"`
	IdleTimeout       Duration `yaml:"idleTimeout"`
	MaxHeaderBytes    int      `yaml:"maxHeaderBytes"`
	MaxBodyBytes      int64    `yaml:"maxBodyBytes"`
	MaxInFlight       int      `yaml:"maxInFlight"`
	DrainDelay        Duration `yaml:"drainDelay"`
	ShutdownTimeout   Duration `yaml:"shutdownTimeout"`
	TrustedProxies    []string `yaml:"trustedProxies"`
}

// TLS serves the API over TLS (and mTLS when ClientCAFile is set).
type TLS struct {
	CertFile       string   `yaml:"certFile"`
	KeyFile        string   `yaml:"keyFile"`
	ClientCAFile   string   `yaml:"clientCAFile"`
	ReloadInterval Duration `yaml:"reloadInterval"`
}

// Enabled reports whether the API listener serves TLS.
func (t TLS) Enabled() bool { return t.CertFile != "" }

// LogFile also writes the JSON logs to a size-rotated file (for a log
// shipper sidecar tailing a shared volume); off while Path is empty.
type LogFile struct {
	Path       string `yaml:"path"`
	MaxSizeMB  int    `yaml:"maxSizeMB"`
	MaxBackups int    `yaml:"maxBackups"`
}

// Duration is a time.Duration written as "5s", "1m30s" in YAML and env.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// Error is a configuration problem with the key it concerns.
type Error struct {
	Key    string // dotted key path, e.g. "authInfo.userGroups"
	Source string // where the value came from: a file:line, an env var, or "" for a rule across keys
	Msg    string
}

func (e *Error) Error() string {
	s := e.Key + ": " + e.Msg
	if e.Source != "" {
		s += " (from " + e.Source + ")"
	}
	// One line per problem, whatever a file name or value contains.
	return strings.ReplaceAll(s, "\n", `\n`)
}

// Problems lists the *Error values in err, as Load and Validate join them.
func Problems(err error) []*Error {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		var out []*Error
		for _, inner := range joined.Unwrap() {
			out = append(out, Problems(inner)...)
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

// LookupEnv reads one environment variable; os.LookupEnv in production.
type LookupEnv func(key string) (string, bool)

// Default returns the embedded defaults.
func Default() *Config {
	cfg := &Config{}
	if err := decodeYAML(defaultsYAML, "defaults.yaml", cfg); err != nil {
		panic(fmt.Sprintf("config: embedded defaults are invalid: %v", err))
	}
	return cfg
}

// Load builds the configuration: defaults, then the file at path (when path
// is not empty), then environment overrides, then validation. Problems in
// the file and the environment are reported together; validation runs only
// when every value could be read.
func Load(path string, env LookupEnv) (*Config, error) {
	cfg := Default()
	var errs []error
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{Key: "(file)", Source: path, Msg: fmt.Sprintf("cannot read config file: %v", unwrapPathError(err))}
		}
		if err := decodeYAML(data, path, cfg); err != nil {
			errs = append(errs, err)
		}
	}
	if env != nil {
		if err := applyEnv(cfg, env); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var logLevels = []string{"DEBUG", "INFO", "WARN", "ERROR"}

// A lower bound for timeouts that keeps a typo such as "1ns"
// from turning every request into a timeout.
const minTimeout = 100 * time.Millisecond

// Validate checks every rule and returns every violation, joined
// (errors.Join of *Error values), at most one per key: the first rule a key
// breaks, in the order of the keys.
func (c *Config) Validate() error {
	var errs []error
	seen := map[string]bool{}
	add := func(key, format string, args ...any) {
		if seen[key] {
			return
		}
		seen[key] = true
		errs = append(errs, &Error{Key: key, Msg: fmt.Sprintf(format, args...)})
	}

	for _, p := range []struct {
		key  string
		port int
	}{{"port", c.Port}, {"healthcheck.port", c.Healthcheck.Port}, {"metrics.port", c.Metrics.Port}} {
		if p.port < 1 || p.port > 65535 {
			add(p.key, "must be a port between 1 and 65535, got %d", p.port)
		}
	}
	if c.Port == c.Healthcheck.Port {
		add("healthcheck.port", "must differ from port (both %d): each listener needs its own port", c.Port)
	}
	if c.Port == c.Metrics.Port {
		add("metrics.port", "must differ from port (both %d): each listener needs its own port", c.Port)
	}
	if c.Healthcheck.Port == c.Metrics.Port {
		add("metrics.port", "must differ from healthcheck.port (both %d): each listener needs its own port", c.Metrics.Port)
	}
	if !slices.Contains(logLevels, strings.ToUpper(c.LogLevel)) {
		add("logLevel", "must be one of %s, got %q", strings.Join(logLevels, ", "), c.LogLevel)
	}
	checkGroups := func(key string, groups []string) {
		if len(groups) == 0 {
			add(key, "must list at least one group")
			return
		}
		for i, g := range groups {
			if strings.TrimSpace(g) == "" {
				add(key, "entry %d is empty: group names must be non-empty strings", i)
				return
			}
		}
	}
	checkGroups("authInfo.userGroups", c.AuthInfo.UserGroups)
	checkGroups("authInfo.analystGroups", c.AuthInfo.AnalystGroups)
	if strings.TrimSpace(c.AuthInfo.GroupsClaim) == "" {
		add("authInfo.groupsClaim", "must name the token claim holding the groups, e.g. groups or cognito:groups")
	} else if auth.IsRegisteredClaim(c.AuthInfo.GroupsClaim) {
		add("authInfo.groupsClaim", "must not be a registered JWT claim (%s), got %q", strings.Join(auth.RegisteredClaims(), ", "), c.AuthInfo.GroupsClaim)
	}
	if c.AuthInfo.Leeway < 0 || c.AuthInfo.Leeway.D() > 5*time.Minute {
		add("authInfo.leeway", "must be between 0s and 5m, got %s", c.AuthInfo.Leeway)
	}
	if c.AuthInfo.SecretReloadInterval.D() < time.Second {
		add("authInfo.secretReloadInterval", "must be at least 1s, got %s", c.AuthInfo.SecretReloadInterval)
	}
	if g := c.AuthInfo.PreviousKeyGrace; g < 0 || g.D() > auth.MaxMintTTL {
		add("authInfo.previousKeyGrace", "must be between 0s (off) and %s, got %s", auth.MaxMintTTL, g)
	}
	if iss := c.AuthInfo.TokenIssuer; strings.TrimSpace(iss) == "" || iss != strings.TrimSpace(iss) {
		add("authInfo.tokenIssuer", "must be a non-empty issuer without surrounding spaces, e.g. %s, got %q", auth.MintIssuer, iss)
	}
	if o := c.AuthInfo.OIDC; o.Enabled() {
		switch {
		case o.Issuer == "":
			add("authInfo.oidc.issuer", "must be set when any authInfo.oidc key is set")
		case o.Audience == "":
			add("authInfo.oidc.audience", "must be set when any authInfo.oidc key is set")
		case o.JWKSURL == "":
			add("authInfo.oidc.jwksURL", "must be set when any authInfo.oidc key is set")
		default:
			if msg := checkJWKSURL(o.JWKSURL); msg != "" {
				add("authInfo.oidc.jwksURL", "%s", msg)
			}
		}
		if o.JWKSRefreshInterval.D() < time.Minute {
			add("authInfo.oidc.jwksRefreshInterval", "must be at least 1m, got %s", o.JWKSRefreshInterval)
		}
	}

	s := c.Server
	for _, d := range []struct {
		key string
		val Duration
	}{
		{"server.readHeaderTimeout", s.ReadHeaderTimeout},
		{"server.readTimeout", s.ReadTimeout},
		{"server.writeTimeout", s.WriteTimeout},
		{"server.idleTimeout", s.IdleTimeout},
		{"server.shutdownTimeout", s.ShutdownTimeout},
	} {
		if d.val.D() < minTimeout {
			add(d.key, "must be at least %s, got %s", minTimeout, d.val)
		}
	}
	if s.ReadHeaderTimeout > s.ReadTimeout {
		add("server.readHeaderTimeout", "must not exceed server.readTimeout (%s), got %s", s.ReadTimeout, s.ReadHeaderTimeout)
	}
	if s.DrainDelay < 0 || s.DrainDelay.D() > 5*time.Minute {
		add("server.drainDelay", "must be between 0s and 5m, got %s", s.DrainDelay)
	}
	if s.MaxHeaderBytes < 1024 || s.MaxHeaderBytes > 1<<20 {
		add("server.maxHeaderBytes", "must be between 1024 and 1048576, got %d", s.MaxHeaderBytes)
	}
	if s.MaxBodyBytes < 1 || s.MaxBodyBytes > 64<<20 {
		add("server.maxBodyBytes", "must be between 1 and 67108864, got %d", s.MaxBodyBytes)
	}
	if s.MaxInFlight < 1 {
		add("server.maxInFlight", "must be at least 1, got %d", s.MaxInFlight)
	}
	for _, p := range s.TrustedProxies {
		if _, err := ParseProxy(p); err != nil {
			add("server.trustedProxies", "%q is not an IP address or CIDR such as 10.0.0.0/8", p)
			break
		}
	}

	t := c.TLS
	switch {
	case t.CertFile != "" && t.KeyFile == "":
		add("tls.keyFile", "must be set when tls.certFile is set")
	case t.KeyFile != "" && t.CertFile == "":
		add("tls.certFile", "must be set when tls.keyFile is set")
	case t.ClientCAFile != "" && t.CertFile == "":
		add("tls.clientCAFile", "needs tls.certFile and tls.keyFile: mutual TLS is served over TLS")
	}
	if t.ReloadInterval.D() < time.Second {
		add("tls.reloadInterval", "must be at least 1s, got %s", t.ReloadInterval)
	}

	l := c.LogFile
	if l.Path != "" && (strings.TrimSpace(l.Path) != l.Path || strings.HasSuffix(l.Path, "/")) {
		add("logFile.path", "must be a file path such as /var/log/org-app/app.log, got %q", l.Path)
	}
	if l.MaxSizeMB < 1 || l.MaxSizeMB > 1024 {
		add("logFile.maxSizeMB", "must be between 1 and 1024, got %d", l.MaxSizeMB)
	}
	if l.MaxBackups < 1 || l.MaxBackups > 100 {
		add("logFile.maxBackups", "must be between 1 and 100, got %d", l.MaxBackups)
	}

	return errors.Join(errs...)
}

// ParseProxy parses a trusted proxy entry: a CIDR or a single address.
func ParseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

func checkJWKSURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("must be an absolute https URL, got %q", raw)
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return ""
		}
		if a, err := netip.ParseAddr(host); err == nil && a.IsLoopback() {
			return ""
		}
		return fmt.Sprintf("must use https (http is allowed only for loopback), got %q", raw)
	default:
		return fmt.Sprintf("must be an absolute https URL, got %q", raw)
	}
}

// SlogLevel maps logLevel onto log/slog's levels.
func (c *Config) SlogLevel() slog.Level {
	switch strings.ToUpper(c.LogLevel) {
	case "DEBUG":
		return slog.LevelDebug
	case "WARN":
		return slog.LevelWarn
	case "ERROR":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}
