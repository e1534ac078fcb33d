package canary

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/logfile"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/secret"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
)

// Exit statuses.
const (
	ExitOK       = 0 // run: every SLO holds; serve: stopped cleanly
	ExitBreached = 1 // run: an SLO is breached; serve: the metrics listener failed
	ExitUsage    = 2 // bad arguments, or no way to obtain tokens
)

const usage = `usage:
  canary run --target URL [--health URL] [--duration 60s] [--rate 20] [--concurrency 8]
             [--slo-success 99.9] [--slo-p99 300ms] [--report text|json] [flags]
  canary serve --target URL [--health URL] [--interval 10s] [--metrics-addr :9102] [--emf=true] [--emf-file PATH] [flags]
  canary flows | version | help
run exits 0 when the SLOs hold, 1 when they are breached, 2 on bad usage; 'canary help' lists every flag.
`

// LookupEnv reads the environment (os.LookupEnv in production).
type LookupEnv func(string) (string, bool)

// Main runs the canary with its arguments (without the program name) and
// returns the exit status. ctx ends a run early (with the report so far)
// or stops serve.
func Main(ctx context.Context, args []string, env LookupEnv, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "canary: a command is required\n%s", usage)
		return ExitUsage
	}
	switch args[0] {
	case "run":
		return mainRun(ctx, args[1:], env, stdout, stderr)
	case "serve":
		return mainServe(ctx, args[1:], env, stdout, stderr)
	case "flows":
		for _, f := range Flows() {
			fmt.Fprintf(stdout, "%-15s %s\n", f.Name, f.Description)
		}
		return ExitOK
	case "version", "--version", "-version":
		i := buildinfo.Get()
		fmt.Fprintf(stdout, "canary %s (commit %s, built %s, %s)\n", i.Version, i.Commit, i.BuildTime, i.GoVersion)
		return ExitOK
	case "help", "-h", "-help", "--help":
		printHelp(stdout)
		return ExitOK
	}
	fmt.Fprintf(stderr, "canary: unknown command %q\n%s", args[0], usage)
	return ExitUsage
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, usage)
	for _, name := range []string{"run", "serve"} {
		fs, _ := newFlagSet(name, io.Discard)
		if name == "run" {
			addRunFlags(fs)
		} else {
			addServeFlags(fs)
		}
		fmt.Fprintf(w, "\ncanary %s flags:\n", name)
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// common are the flags run and serve share: what to talk to and as whom.
type common struct {
	target, health, caFile, flows          string
	userGroups, analystGroups, groupsClaim string
	issuer                                 string
	userTokenFile, analystTokenFile        string
	tokenTTL, timeout                      time.Duration
}

func newFlagSet(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet("canary "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // Main prints the usage after the error line
	c := &common{}
	fs.StringVar(&c.target, "target", "", "org-app API base URL, e.g. http://127.0.0.1:8080; required")
	fs.StringVar(&c.health, "health", "", "health listener base URL, e.g. http://127.0.0.1:8081; adds the livez and readyz flows")
	fs.StringVar(&c.flows, "flows", "", "comma-separated flows to run (default all; see 'canary flows')")
	fs.DurationVar(&c.timeout, "timeout", 5*time.Second, "bound on each check")
	fs.StringVar(&c.caFile, "ca-file", "", "PEM certificates to trust for an https target, besides the system's")
	fs.StringVar(&c.userGroups, "user-groups", "cp_users", "groups of the minted user token (authInfo.userGroups)")
	fs.StringVar(&c.analystGroups, "analyst-groups", "cp_analysts", "groups of the minted analyst token (authInfo.analystGroups)")
	fs.StringVar(&c.groupsClaim, "groups-claim", auth.DefaultGroupsClaim, "claim that carries the groups (authInfo.groupsClaim)")
	fs.StringVar(&c.issuer, "issuer", auth.MintIssuer, "iss claim of the minted tokens (authInfo.tokenIssuer)")
	fs.DurationVar(&c.tokenTTL, "token-ttl", time.Hour, "lifetime of minted tokens (re-minted at half-life), at most "+auth.MaxMintTTL.String())
	fs.StringVar(&c.userTokenFile, "user-token-file", "", "read the user token from this file instead of minting it (OIDC); re-read every 10s")
	fs.StringVar(&c.analystTokenFile, "analyst-token-file", "", "read the analyst token from this file instead of minting it (OIDC); re-read every 10s")
	return fs, c
}

// usageError is a problem with the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// parse parses args and reports a usage problem as one line plus the usage.
// It returns false with the exit status when the command should stop.
func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(stdout)
			return ExitOK, false
		}
		fmt.Fprint(stderr, usage) // flag printed the error line
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n%s", fs.Name(), fs.Args(), usage)
		return ExitUsage, false
	}
	return 0, true
}

func fail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n%s", name, err, usage)
	return ExitUsage
}

// setup turns the shared flags into the flows and a target.
func (c *common) setup(env LookupEnv, maxConns int) ([]Flow, *Target, error) {
	api, err := baseURL("--target", c.target)
	if err != nil {
		return nil, nil, err
	}
	var health string
	if c.health != "" {
		if health, err = baseURL("--health", c.health); err != nil {
			return nil, nil, err
		}
	}
	if c.timeout <= 0 || c.timeout > 5*time.Minute {
		return nil, nil, usagef("--timeout must be between 1ms and 5m, got %s", c.timeout)
	}
	flows, err := SelectFlows(config.SplitList(c.flows), health != "")
	if err != nil {
		return nil, nil, usagef("--flows: %v", err)
	}
	var pool *x509.CertPool
	if c.caFile != "" {
		pem, err := os.ReadFile(c.caFile)
		if err != nil {
			return nil, nil, usagef("--ca-file: %v", err)
		}
		if pool, err = x509.SystemCertPool(); err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, usagef("--ca-file %s: no PEM certificate in it", c.caFile)
		}
	}
	t := &Target{
		API: api, Health: health,
		Client:    NewClient(ClientOptions{Timeout: c.timeout, RootCAs: pool, MaxConns: maxConns}),
		UserAgent: "org-app-canary/" + buildinfo.Get().Version,
	}
	var roles []auth.Role
	for _, f := range flows {
		if f.Role != 0 && !slices.Contains(roles, f.Role) {
			roles = append(roles, f.Role)
		}
	}
	if len(roles) > 0 {
		if t.Tokens, err = c.tokens(env, roles); err != nil {
			return nil, nil, &usageError{err.Error()}
		}
	}
	return flows, t, nil
}

// tokens mints with DEVOPS_SECRET(_FILE) exactly as `org-app token` does,
// unless every role needed reads its token from a file.
func (c *common) tokens(env LookupEnv, roles []auth.Role) (*Tokens, error) {
	if c.tokenTTL <= 0 || c.tokenTTL > auth.MaxMintTTL {
		return nil, fmt.Errorf("--token-ttl must be between 1s and %s, got %s", auth.MaxMintTTL, c.tokenTTL)
	}
	cfg := TokenConfig{
		Roles:      roles,
		UserGroups: config.SplitList(c.userGroups), AnalystGroups: config.SplitList(c.analystGroups),
		GroupsClaim: c.groupsClaim, Issuer: c.issuer, TTL: c.tokenTTL,
		UserFile: c.userTokenFile, AnalystFile: c.analystTokenFile,
	}
	needSecret := false
	for _, r := range roles {
		needSecret = needSecret || (r == auth.RoleUser && c.userTokenFile == "") || (r == auth.RoleAnalyst && c.analystTokenFile == "")
	}
	if needSecret {
		src, err := secret.FromEnv(env)
		if err != nil {
			if errors.Is(err, secret.ErrNotConfigured) {
				err = fmt.Errorf("%w: the canary mints its tokens with the secret org-app verifies with (or give --user-token-file and --analyst-token-file)", err)
			}
			return nil, err
		}
		cfg.Secret = src
	}
	return NewTokens(cfg)
}

func baseURL(flagName, raw string) (string, error) {
	if raw == "" {
		return "", usagef("%s is required", flagName)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", usagef("%s must be an http(s) base URL such as http://127.0.0.1:8080, got %q", flagName, raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

type runFlags struct {
	duration, sloP99 time.Duration
	rate, sloSuccess float64
	concurrency, max int
	report           string
}

func addRunFlags(fs *flag.FlagSet) *runFlags {
	r := &runFlags{}
	fs.DurationVar(&r.duration, "duration", 60*time.Second, "how long to offer load")
	fs.Float64Var(&r.rate, "rate", 20, "checks per second across all flows (each check is one request; flows take turns)")
	fs.IntVar(&r.concurrency, "concurrency", 8, "workers, so the most checks in flight")
	fs.IntVar(&r.max, "max-checks", 100000, "bound on the number of checks, whatever rate × duration is")
	fs.Float64Var(&r.sloSuccess, "slo-success", 99.9, "SLO: percent of checks that pass, per flow and overall")
	fs.DurationVar(&r.sloP99, "slo-p99", 300*time.Millisecond, "SLO: p99 latency of passed checks, measured from the intended send time")
	fs.StringVar(&r.report, "report", "text", "report format: text or json")
	return r
}

func mainRun(ctx context.Context, args []string, env LookupEnv, stdout, stderr io.Writer) int {
	fs, c := newFlagSet("run", stderr)
	rf := addRunFlags(fs)
	if code, ok := parse(fs, args, stdout, stderr); !ok {
		return code
	}
	const name = "canary run"
	switch {
	case rf.rate <= 0 || rf.rate > 100000:
		return fail(stderr, name, usagef("--rate must be above 0 and at most 100000 per second, got %g", rf.rate))
	case rf.duration <= 0 || rf.duration > 24*time.Hour:
		return fail(stderr, name, usagef("--duration must be between 1ms and 24h, got %s", rf.duration))
	case rf.concurrency < 1 || rf.concurrency > 10000:
		return fail(stderr, name, usagef("--concurrency must be between 1 and 10000, got %d", rf.concurrency))
	case rf.max < 1 || rf.max > 10000000:
		return fail(stderr, name, usagef("--max-checks must be between 1 and 10000000, got %d", rf.max))
	}
	sloSuccess, err := ParsePercent(rf.sloSuccess)
	switch {
	case err != nil:
		return fail(stderr, name, usagef("--slo-success %v", err))
	case rf.sloP99 <= 0:
		return fail(stderr, name, usagef("--slo-p99 must be positive, got %s", rf.sloP99))
	case rf.report != "text" && rf.report != "json":
		return fail(stderr, name, usagef("--report must be text or json, got %q", rf.report))
	}
	flows, target, err := c.setup(env, rf.concurrency)
	if err != nil {
		return fail(stderr, name, err)
	}
	opts := RunOptions{Flows: flows, Target: target, Rate: rf.rate, Duration: rf.duration,
		MaxChecks: rf.max, Concurrency: rf.concurrency, Timeout: c.timeout}
	if n := opts.Planned(); n < len(flows) {
		return fail(stderr, name, usagef("--rate × --duration (and --max-checks) plan %d checks, fewer than the %d flows", n, len(flows)))
	}
	started := time.Now()
	res, err := Run(ctx, opts)
	if err != nil {
		return fail(stderr, name, err)
	}
	report := NewReport(res, opts, SLO{SuccessPercent: sloSuccess, P99: rf.sloP99}, started)
	if rf.report == "json" {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: writing the report: %v\n", name, err)
		return ExitBreached
	}
	if !report.Pass {
		return ExitBreached
	}
	return ExitOK
}

func addServeFlags(fs *flag.FlagSet) *serveFlags {
	s := &serveFlags{}
	fs.DurationVar(&s.interval, "interval", 10*time.Second, "time between rounds; each round runs every flow once")
	fs.StringVar(&s.metricsAddr, "metrics-addr", ":9102", "listen address for /metrics (Prometheus) and /livez")
	fs.BoolVar(&s.emf, "emf", true, "write a CloudWatch Embedded Metric Format line per check to stdout")
	fs.StringVar(&s.namespace, "emf-namespace", DefaultNamespace, "CloudWatch namespace of the EMF metrics")
	fs.StringVar(&s.emfFile, "emf-file", "", "also write the EMF lines to this file, rotated by size, for a log shipper sidecar to tail (e.g. /var/log/canary/emf.log)")
	fs.IntVar(&s.emfFileMaxSizeMB, "emf-file-max-size-mb", logfile.DefaultMaxSizeMB, "rotate --emf-file when it would pass this many MiB (1-1024)")
	fs.IntVar(&s.emfFileMaxBackups, "emf-file-max-backups", logfile.DefaultMaxBackups, "rotated --emf-file files kept (1-100)")
	fs.StringVar(&s.logLevel, "log-level", "INFO", "log level of stderr's JSON logs: DEBUG, INFO, WARN or ERROR")
	return s
}

type serveFlags struct {
	interval                                  time.Duration
	metricsAddr, namespace, logLevel, emfFile string
	emfFileMaxSizeMB, emfFileMaxBackups       int
	emf                                       bool
}

func mainServe(ctx context.Context, args []string, env LookupEnv, stdout, stderr io.Writer) int {
	fs, c := newFlagSet("serve", stderr)
	sf := addServeFlags(fs)
	if code, ok := parse(fs, args, stdout, stderr); !ok {
		return code
	}
	const name = "canary serve"
	var level slog.Level
	if err := level.UnmarshalText([]byte(sf.logLevel)); err != nil {
		return fail(stderr, name, usagef("--log-level must be DEBUG, INFO, WARN or ERROR, got %q", sf.logLevel))
	}
	if sf.interval < 100*time.Millisecond || sf.interval > time.Hour {
		return fail(stderr, name, usagef("--interval must be between 100ms and 1h, got %s", sf.interval))
	}
	switch {
	case sf.emfFile != "" && !sf.emf:
		return fail(stderr, name, usagef("--emf-file needs --emf=true"))
	case sf.emfFileMaxSizeMB < 1 || sf.emfFileMaxSizeMB > 1024:
		return fail(stderr, name, usagef("--emf-file-max-size-mb must be between 1 and 1024, got %d", sf.emfFileMaxSizeMB))
	case sf.emfFileMaxBackups < 1 || sf.emfFileMaxBackups > 100:
		return fail(stderr, name, usagef("--emf-file-max-backups must be between 1 and 100, got %d", sf.emfFileMaxBackups))
	}
	flows, target, err := c.setup(env, len(Flows()))
	if err != nil {
		return fail(stderr, name, err)
	}
	emfOut := stdout
	if sf.emfFile != "" {
		// The EMF lines also go to a rotated file for the log shipper sidecar.
		file, err := logfile.Open(logfile.Options{Path: sf.emfFile, MaxSizeMB: sf.emfFileMaxSizeMB, MaxBackups: sf.emfFileMaxBackups})
		if err != nil {
			return fail(stderr, name, usagef("--emf-file: %v", err))
		}
		defer func() { _ = file.Close() }() // at exit: nothing left to do about an error
		emfOut = logfile.Tee(stdout, file)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", sf.metricsAddr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: listen on --metrics-addr %s: %v\n", name, sf.metricsAddr, err)
		return ExitBreached
	}
	reg := telemetry.NewRegistry(buildinfo.Get())
	opts := ServeOptions{
		Flows: flows, Target: target, Interval: sf.interval, Timeout: c.timeout,
		Metrics: NewMetrics(reg, flows), Logger: telemetry.NewLogger(stderr, level),
	}
	if sf.emf {
		opts.EMF = NewEMF(emfOut, sf.namespace, target.API, nil)
	}
	if err := Serve(ctx, ln, reg, opts); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitBreached
	}
	return ExitOK
}
