// Command platform-verify checks a deployed environment after `tofu apply`
// the way InSpec would: TLS endpoint, NLB targets per AZ, private EKS
// endpoint, nodes per AZ, security groups, flow logs, app VPC egress and
// IMDSv2. It prints a pass/fail table and exits 0 when every check passes,
// 1 when any fails, 2 on bad usage.
//
//	platform-verify --region us-east-1 --env prod --name org-app-prod-use1 \
//	  --azs us-east-1a,us-east-1b,us-east-1c --endpoint https://api.example.com/
//
// AWS credentials and endpoints come from the usual chain
// (config.LoadDefaultConfig): in CI the OIDC role of the deploy job. It needs
// only ec2:Describe*, elasticloadbalancing:Describe*, eks:ListClusters and
// eks:DescribeCluster.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/platformverify"
)

const (
	exitPass  = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("platform-verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg         platformverify.Config
		azs         string
		minCertDays int
		caFile      string
		timeout     time.Duration
		format      string
	)
	fs.StringVar(&cfg.Region, "region", "", "AWS region of the environment, e.g. us-east-1 (required)")
	fs.StringVar(&cfg.Env, "env", "", "value of the environment's env tag: dev, staging or prod (required)")
	fs.StringVar(&cfg.Name, "name", "", "resource name prefix of the stack, e.g. org-app-prod-use1 (tells stacks of one env and region apart)")
	fs.StringVar(&cfg.Cluster, "cluster", "", "EKS cluster name (default: the one cluster tagged with env and region)")
	fs.StringVar(&azs, "azs", "", "comma-separated availability zones the environment must span (required)")
	fs.BoolVar(&cfg.AppInternetEgress, "app-internet-egress", false, "the stack's app_internet_egress: allow a default route from the app VPC, to the Transit Gateway only")
	fs.StringVar(&cfg.Endpoint, "endpoint", "", "public HTTPS URL of the service in this region (required)")
	fs.IntVar(&minCertDays, "min-cert-days", 14, "days the endpoint's certificate must still be valid")
	fs.StringVar(&caFile, "ca-file", "", "PEM certificates to trust for the endpoint, besides the system's")
	fs.DurationVar(&cfg.HTTPTimeout, "http-timeout", 10*time.Second, "bound on the endpoint probe")
	fs.DurationVar(&timeout, "timeout", 3*time.Minute, "bound on the whole run")
	fs.StringVar(&format, "report", "text", "report format: text or json")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: platform-verify --region R --env E --azs AZ,AZ --endpoint https://HOST/ [flags]\n"+
			"exits 0 when every check passes, 1 when any fails, 2 on bad usage. Checks: %s\n\nflags:\n",
			strings.Join(platformverify.Checks(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass
		}
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "platform-verify: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usage("unexpected argument %q (every input is a flag; see --help)", fs.Arg(0))
	}
	if format != "text" && format != "json" {
		return usage("--report %q: want text or json", format)
	}
	if minCertDays < 0 {
		return usage("--min-cert-days %d: want zero or more", minCertDays)
	}
	if timeout <= 0 {
		return usage("--timeout %s: want more than zero", timeout)
	}
	cfg.MinCertValidity = time.Duration(minCertDays) * 24 * time.Hour
	for _, az := range strings.Split(azs, ",") {
		if az = strings.TrimSpace(az); az != "" {
			cfg.AZs = append(cfg.AZs, az)
		}
	}
	if caFile != "" {
		pool, err := loadCAs(caFile)
		if err != nil {
			return usage("--ca-file: %v", err)
		}
		cfg.RootCAs = pool
	}
	if err := cfg.Validate(); err != nil {
		return usage("%v", err)
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	awsCfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(cfg.Region))
	if err != nil {
		fmt.Fprintf(stderr, "platform-verify: AWS configuration: %v\n", err)
		return exitFail
	}
	rep, err := platformverify.Run(ctx, cfg, platformverify.NewClients(awsCfg))
	if err != nil {
		fmt.Fprintf(stderr, "platform-verify: %v\n", err)
		return exitFail
	}
	if format == "json" {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "platform-verify: writing the report: %v\n", err)
		return exitFail
	}
	if !rep.Passed() {
		return exitFail
	}
	return exitPass
}

// loadCAs returns the system roots plus the PEM certificates in file.
func loadCAs(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}
