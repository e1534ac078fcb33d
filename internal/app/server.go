// Package app assembles org-app from its parts (configuration, secret,
// authentication, API, probes, metrics, TLS) and runs its three listeners
// through start, drain and shutdown.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/clientip"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/config"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/health"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/httpapi"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/secret"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/telemetry"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tlsreload"
)

// ZoneEnv names the environment variable GET / reports as the zone (set
// from the node's topology.kubernetes.io/zone label by the chart).
const ZoneEnv = "AVAILABILITY_ZONE"

// Server is a configured org-app, ready to run on its listeners.
type Server struct {
	cfg      *config.Config
	logger   *slog.Logger
	probes   *health.Probes
	registry *prometheus.Registry
	api      *httpapi.API
	secret   *secret.Source
	jwks     *auth.JWKS
	tls      *tlsreload.Reloader
	gc       gcSettings // what Main set (applyGCDefaults), for the start-up line
}

// SetupError is a problem with configuration or secrets found while
// building the server: the process exits with status 2.
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// New builds a Server from a validated configuration and the environment.
func New(cfg *config.Config, env config.LookupEnv, logger *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, logger: logger, probes: health.New()}
	info := buildinfo.Get()
	s.registry = telemetry.NewRegistry(info)

	src, err := secret.FromEnv(env)
	switch {
	case errors.Is(err, secret.ErrNotConfigured) && cfg.AuthInfo.OIDC.Enabled():
		// OIDC only: HS256 tokens are refused.
	case err != nil:
		if errors.Is(err, secret.ErrNotConfigured) {
			err = fmt.Errorf("%s: not set; set %s or %s (at least %d bytes), or configure authInfo.oidc",
				secret.EnvValue, secret.EnvValue, secret.EnvFile, secret.MinLength)
		}
		return nil, &SetupError{err}
	default:
		s.secret = src
		s.secret.SetPreviousKeyGrace(cfg.AuthInfo.PreviousKeyGrace.D())
	}

	authOpts := auth.Options{
		HMACIssuer:  cfg.AuthInfo.TokenIssuer,
		GroupsClaim: cfg.AuthInfo.GroupsClaim,
		Leeway:      cfg.AuthInfo.Leeway.D(),
		Roles:       auth.NewRoleMapper(cfg.AuthInfo.UserGroups, cfg.AuthInfo.AnalystGroups),
	}
	if s.secret != nil {
		authOpts.HMAC = s.secret
	}
	if o := cfg.AuthInfo.OIDC; o.Enabled() {
		s.jwks = auth.NewJWKS(o.JWKSURL, auth.JWKSOptions{
			Client:          &http.Client{Timeout: 10 * time.Second},
			RefreshInterval: o.JWKSRefreshInterval.D(),
			Logger:          logger,
		})
		authOpts.JWKS, authOpts.Issuer, authOpts.Audience = s.jwks, o.Issuer, o.Audience
		s.probes.AddCheck("oidc_keys", func() error {
			if !s.jwks.Loaded() {
				return errors.New("the OIDC key set has not been fetched yet")
			}
			return nil
		})
	}
	authn, err := auth.NewAuthenticator(authOpts)
	if err != nil {
		return nil, &SetupError{err}
	}

	if cfg.TLS.Enabled() {
		s.tls, err = tlsreload.New(tlsreload.Files{CertFile: cfg.TLS.CertFile, KeyFile: cfg.TLS.KeyFile, ClientCAFile: cfg.TLS.ClientCAFile})
		if err != nil {
			return nil, &SetupError{err}
		}
	}

	var proxies []netip.Prefix
	for _, p := range cfg.Server.TrustedProxies {
		prefix, err := config.ParseProxy(p)
		if err != nil { // validated already; kept for safety
			return nil, &SetupError{fmt.Errorf("server.trustedProxies: %w", err)}
		}
		proxies = append(proxies, prefix)
	}
	host, _ := os.Hostname()
	zone, _ := env(ZoneEnv)
	s.api = httpapi.New(httpapi.Options{
		Logger:       logger,
		Auth:         authn,
		Metrics:      telemetry.NewHTTPMetrics(s.registry),
		AuthMetrics:  telemetry.NewAuthMetrics(s.registry, auth.ReasonNames()),
		ClientIP:     clientip.New(proxies),
		MaxBodyBytes: cfg.Server.MaxBodyBytes,
		MaxInFlight:  cfg.Server.MaxInFlight,
		Service:      httpapi.ServiceInfo{Name: "org-app", Info: info, Host: host, Zone: zone},
	})
	return s, nil
}

// deadlineSlackDivisor sets how late the API's deadlines may fire: a write
// deadline writeTimeout/32 at most (0.94 s of the default 30 s), a read
// deadline the shortest of readHeaderTimeout, readTimeout and idleTimeout
// over 32 (0.16 s of the default 5 s readHeaderTimeout).
const deadlineSlackDivisor = 32

// deadlineSlack returns the API's read and write deadline slack.
func deadlineSlack(sc config.Server) (read, write time.Duration) {
	read = min(sc.ReadHeaderTimeout.D(), sc.ReadTimeout.D(), sc.IdleTimeout.D())
	return read / deadlineSlackDivisor, sc.WriteTimeout.D() / deadlineSlackDivisor
}

// Listeners are the three sockets org-app serves.
type Listeners struct {
	API, Health, Metrics net.Listener
}

// Listen opens the configured ports on all interfaces.
func Listen(ctx context.Context, cfg *config.Config) (Listeners, error) {
	var lc net.ListenConfig
	var ls Listeners
	var err error
	open := func(port int, what string) net.Listener {
		if err != nil {
			return nil
		}
		var ln net.Listener
		ln, err = lc.Listen(ctx, "tcp", fmt.Sprintf(":%d", port))
		if err != nil {
			err = fmt.Errorf("listen on %s port %d: %w", what, port, err)
		}
		return ln
	}
	ls.API = open(cfg.Port, "API")
	ls.Health = open(cfg.Healthcheck.Port, "health")
	ls.Metrics = open(cfg.Metrics.Port, "metrics")
	if err != nil {
		ls.Close()
		return Listeners{}, err
	}
	return ls, nil
}

// Close closes every open listener.
func (ls Listeners) Close() {
	for _, ln := range []net.Listener{ls.API, ls.Health, ls.Metrics} {
		if ln != nil {
			ln.Close()
		}
	}
}

// Run serves until ctx is done, then shuts down gracefully: readiness turns
// false at once, the API keeps serving for server.drainDelay while load
// balancers take the pod out, then in-flight requests get up to
// server.shutdownTimeout to finish. It returns nil after a clean shutdown.
func (s *Server) Run(ctx context.Context, ls Listeners) error {
	bg, stopBackground := context.WithCancel(context.Background())
	var background sync.WaitGroup
	defer func() {
		stopBackground()
		background.Wait()
	}()
	if s.secret != nil {
		background.Go(func() { s.secret.Watch(bg, s.cfg.AuthInfo.SecretReloadInterval.D(), s.logger) })
	}
	if s.tls != nil {
		background.Go(func() { s.tls.Watch(bg, s.cfg.TLS.ReloadInterval.D(), s.logger) })
	}
	if s.jwks != nil {
		background.Go(func() { s.jwks.Run(bg) })
	}

	sc := s.cfg.Server
	errorLog := slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn)
	api := &http.Server{
		Handler:           s.api,
		ReadHeaderTimeout: sc.ReadHeaderTimeout.D(),
		ReadTimeout:       sc.ReadTimeout.D(),
		WriteTimeout:      sc.WriteTimeout.D(),
		IdleTimeout:       sc.IdleTimeout.D(),
		MaxHeaderBytes:    sc.MaxHeaderBytes,
		ErrorLog:          errorLog,
	}
	probes := s.probes.Handler()
	probes.Observe = telemetry.NewProbeMetrics(s.registry).Observe
	healthSrv := telemetry.SideServer(probes, errorLog)
	metricsSrv := telemetry.SideServer(telemetry.MetricsRouter(s.registry), errorLog)

	errc := make(chan error, 3)
	serve := func(name string, srv *http.Server, ln net.Listener, useTLS bool) {
		var err error
		if useTLS {
			srv.TLSConfig = s.tls.ServerConfig()
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("%s listener: %w", name, err)
		}
	}
	// The API's deadlines reach the socket about once per slack per
	// connection rather than eight times per request (see coarseDeadlines).
	readSlack, writeSlack := deadlineSlack(sc)
	go serve("API", api, coarseDeadlines(ls.API, readSlack, writeSlack), s.tls != nil)
	go serve("health", healthSrv, ls.Health, false)
	go serve("metrics", metricsSrv, ls.Metrics, false)

	s.probes.MarkStarted()
	s.logger.LogAttrs(ctx, slog.LevelInfo, "org-app started",
		slog.String("api", ls.API.Addr().String()),
		slog.String("health", ls.Health.Addr().String()),
		slog.String("metrics", ls.Metrics.Addr().String()),
		slog.Bool("tls", s.tls != nil),
		slog.Bool("mtls", s.cfg.TLS.ClientCAFile != ""),
		slog.Bool("hs256", s.secret != nil),
		slog.Bool("oidc", s.jwks != nil),
		slog.String("version", buildinfo.Get().Version),
		slog.String("gogc", s.gc.GOGC),
		slog.Int64("memory_limit_bytes", s.gc.MemoryLimit),
	)

	var failure error
	select {
	case <-ctx.Done():
	case failure = <-errc:
		s.logger.LogAttrs(ctx, slog.LevelError, "listener failed; shutting down", slog.String("error", failure.Error()))
	}

	s.probes.MarkDraining()
	api.SetKeepAlivesEnabled(false) // responses now say Connection: close
	if failure == nil && sc.DrainDelay > 0 {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "draining: not ready, still serving", slog.String("drain_delay", sc.DrainDelay.String()))
		select {
		case <-time.After(sc.DrainDelay.D()):
		case failure = <-errc:
		}
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), sc.ShutdownTimeout.D())
	defer cancel()
	start := time.Now()
	if err := api.Shutdown(shutdownCtx); err != nil {
		api.Close()
		failure = errors.Join(failure, fmt.Errorf("requests still in flight after server.shutdownTimeout (%s) were cut: %w", sc.ShutdownTimeout, err))
	}
	for _, srv := range []*http.Server{healthSrv, metricsSrv} {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			srv.Close()
		}
	}
	s.logger.LogAttrs(ctx, slog.LevelInfo, "org-app stopped", slog.String("shutdown_took", time.Since(start).Round(time.Millisecond).String()))
	return failure
}
