package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
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
	ExitOK     = 0
	ExitFailed = 1 // a runtime failure: a listener could not open or failed
	ExitUsage  = 2 // bad arguments, configuration or secrets
)

const usage = `usage:
  org-app [CONFIG.yaml]                 serve (embedded defaults without a file)
  org-app token --sub NAME [--groups G1,G2] [--ttl 1h] [--groups-claim groups] [--issuer org-app]
                                        mint an HS256 token with DEVOPS_SECRET(_FILE)
  org-app probe [--url URL]             exit 0 when URL answers 200 (container HEALTHCHECK;
                                        default http://127.0.0.1:8081/readyz)
  org-app version                       print the build
Configuration keys can be overridden with ORG_APP_* variables (docs/configuration.md).
`

// Main runs org-app with its arguments (without the program name) and
// returns the exit status. ctx ends the server (SIGTERM, SIGINT).
func Main(ctx context.Context, args []string, env config.LookupEnv, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "token":
			return runToken(args[1:], env, stdout, stderr)
		case "probe":
			return runProbe(ctx, args[1:], stderr)
		case "version", "--version", "-version":
			i := buildinfo.Get()
			fmt.Fprintf(stdout, "org-app %s (commit %s, built %s, %s)\n", i.Version, i.Commit, i.BuildTime, i.GoVersion)
			return ExitOK
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return ExitOK
		}
		if strings.HasPrefix(args[0], "-") || len(args) > 1 {
			fmt.Fprintf(stderr, "org-app: unexpected arguments %q\n%s", args, usage)
			return ExitUsage
		}
	}
	path := ""
	if len(args) == 1 {
		path = args[0]
	}
	cfg, err := config.Load(path, env)
	if err != nil {
		// One line per problem (config.Load reports them all).
		for line := range strings.SplitSeq(err.Error(), "\n") {
			fmt.Fprintf(stderr, "org-app: invalid configuration: %s\n", line)
		}
		return ExitUsage
	}
	logs := stdout
	if l := cfg.LogFile; l.Path != "" {
		// Every line also goes to a rotated file for the log shipper sidecar.
		file, err := logfile.Open(logfile.Options{Path: l.Path, MaxSizeMB: l.MaxSizeMB, MaxBackups: l.MaxBackups})
		if err != nil {
			fmt.Fprintf(stderr, "org-app: invalid configuration: logFile.path: %v\n", err)
			return ExitUsage
		}
		defer func() { _ = file.Close() }() // at exit: nothing left to do about an error
		logs = logfile.Tee(stdout, file)
	}
	logger := telemetry.NewLogger(logs, cfg.SlogLevel())
	srv, err := New(cfg, env, logger)
	if err != nil {
		fmt.Fprintf(stderr, "org-app: %v\n", err)
		return ExitUsage
	}
	ls, err := Listen(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "org-app: %v\n", err)
		return ExitFailed
	}
	srv.gc = applyGCDefaults(env, os.ReadFile)
	if err := srv.Run(ctx, ls); err != nil {
		fmt.Fprintf(stderr, "org-app: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}

// runToken mints a token with the same secret the server verifies with.
func runToken(args []string, env config.LookupEnv, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("org-app token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sub := fs.String("sub", "", "subject (user name) of the token; required")
	groups := fs.String("groups", "", "comma-separated groups, e.g. cp_users,cp_analysts")
	ttl := fs.Duration("ttl", time.Hour, "lifetime, at most "+auth.MaxMintTTL.String())
	claim := fs.String("groups-claim", auth.DefaultGroupsClaim, "claim that carries the groups (authInfo.groupsClaim)")
	issuer := fs.String("issuer", auth.MintIssuer, "iss claim of the token (authInfo.tokenIssuer)")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "org-app token: unexpected arguments %q\n%s", fs.Args(), usage)
		return ExitUsage
	}
	if *sub == "" {
		fmt.Fprintf(stderr, "org-app token: --sub is required\n%s", usage)
		return ExitUsage
	}
	src, err := secret.FromEnv(env)
	if err != nil {
		if errors.Is(err, secret.ErrNotConfigured) {
			err = fmt.Errorf("%w: it must be the secret the server verifies with", err)
		}
		fmt.Fprintf(stderr, "org-app token: %v\n", err)
		return ExitUsage
	}
	tok, err := auth.Mint(src.Key(), auth.MintOptions{Subject: *sub, Issuer: *issuer, Groups: config.SplitList(*groups), TTL: *ttl, GroupsClaim: *claim})
	if err != nil {
		fmt.Fprintf(stderr, "org-app token: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintln(stdout, tok)
	return ExitOK
}

// runProbe is a health check for runtimes without a shell or curl (the
// image is distroless): GET the URL and exit 0 on 200, 1 otherwise.
func runProbe(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("org-app probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8081/readyz", "health URL to check")
	timeout := fs.Duration("timeout", 2*time.Second, "request timeout")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return ExitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "org-app probe: %v\n", err)
		return ExitUsage
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "org-app probe: %v\n", err)
		return ExitFailed
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "org-app probe: %s answered %s\n", *url, resp.Status)
		return ExitFailed
	}
	return ExitOK
}
