// Package tlsreload serves TLS from certificate files that may be replaced
// at any time (cert-manager, Secrets Store CSI rotation): new handshakes use
// the files' current contents without a restart.
package tlsreload

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/filewatch"
)

// Files names the PEM files. ClientCAFile is optional; when set, clients
// must present a certificate that chains to it (mutual TLS).
type Files struct {
	CertFile     string
	KeyFile      string
	ClientCAFile string
}

// Reloader holds the current certificate and client CA pool.
type Reloader struct {
	files Files
	state atomic.Pointer[state]
}

type state struct {
	cert    *tls.Certificate
	clients *x509.CertPool
}

// New loads the files once; an error here is fatal at start.
func New(files Files) (*Reloader, error) {
	if files.CertFile == "" || files.KeyFile == "" {
		return nil, errors.New("tls: certificate and key files are required")
	}
	r := &Reloader{files: files}
	if err := r.Reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// Reload reads the files again. On error the previous state stays in effect.
func (r *Reloader) Reload() error {
	cert, err := tls.LoadX509KeyPair(r.files.CertFile, r.files.KeyFile)
	if err != nil {
		return fmt.Errorf("tls: load certificate %s and key %s: %w", r.files.CertFile, r.files.KeyFile, err)
	}
	s := &state{cert: &cert}
	if r.files.ClientCAFile != "" {
		pem, err := os.ReadFile(r.files.ClientCAFile)
		if err != nil {
			return fmt.Errorf("tls: read client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("tls: client CA file %s holds no PEM certificate", r.files.ClientCAFile)
		}
		s.clients = pool
	}
	r.state.Store(s)
	return nil
}

// Watch reloads when any of the files change, until ctx is done.
func (r *Reloader) Watch(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	paths := []string{r.files.CertFile, r.files.KeyFile}
	if r.files.ClientCAFile != "" {
		paths = append(paths, r.files.ClientCAFile)
	}
	filewatch.Watch(ctx, interval, logger, "TLS certificates", r.Reload, paths...)
}

// ServerConfig returns a TLS 1.2+ server configuration that picks up the
// current certificate and client CAs on every handshake.
//
// With mutual TLS, session tickets are off (TLS 1.2 tickets and TLS 1.3
// resumption alike): every connection is a full handshake whose client
// certificate is verified against the client CAs of that moment, so a CA
// removed from ClientCAFile cannot be bypassed by resuming a session it
// once allowed. Without mutual TLS there is no client identity to keep
// current, and resumption stays on.
func (r *Reloader) ServerConfig() *tls.Config {
	base := &tls.Config{
		MinVersion:             tls.VersionTLS12,
		NextProtos:             []string{"h2", "http/1.1"},
		SessionTicketsDisabled: r.files.ClientCAFile != "",
	}
	base.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		s := r.state.Load()
		c := base.Clone()
		c.GetConfigForClient = nil
		c.Certificates = []tls.Certificate{*s.cert}
		if s.clients != nil {
			c.ClientCAs = s.clients
			c.ClientAuth = tls.RequireAndVerifyClientCert
		}
		return c, nil
	}
	return base
}
