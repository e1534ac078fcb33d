package tlsreload

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/testpki"
)

// serve accepts TLS connections and completes their handshakes until the
// listener closes.
func serve(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.(*tls.Conn).Handshake()
				_, _ = c.Write([]byte("ok"))
			}()
		}
	}()
	return ln.Addr().String()
}

func dial(addr string, cfg *tls.Config) (*tls.ConnectionState, error) {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// With TLS 1.3 a refused client certificate surfaces on the first read.
	if _, err := io.ReadFull(conn, make([]byte, 2)); err != nil {
		return nil, err
	}
	st := conn.ConnectionState()
	return &st, nil
}

func TestServesAndReloadsCertificate(t *testing.T) {
	ca := testpki.NewCA(t, "test-ca")
	dir := t.TempDir()
	certFile, keyFile := ca.Server(t, "first").WriteFiles(t, dir)
	r, err := New(Files{CertFile: certFile, KeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, r.ServerConfig())
	client := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}

	st, err := dial(addr, client)
	if err != nil {
		t.Fatal(err)
	}
	if cn := st.PeerCertificates[0].Subject.CommonName; cn != "first" {
		t.Fatalf("served %q, want first", cn)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Watch(ctx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))

	// A broken replacement is ignored; the old certificate keeps serving.
	testpki.WriteAtomic(t, certFile, []byte("not a certificate"))
	time.Sleep(50 * time.Millisecond)
	if st, err := dial(addr, client); err != nil || st.PeerCertificates[0].Subject.CommonName != "first" {
		t.Fatalf("after a broken rotation: %v", err)
	}

	ca.Server(t, "second").WriteFiles(t, dir)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := dial(addr, client)
		if err == nil && st.PeerCertificates[0].Subject.CommonName == "second" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rotated certificate not served within 5s (last error %v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMutualTLS(t *testing.T) {
	ca := testpki.NewCA(t, "server-ca")
	clientCA := testpki.NewCA(t, "client-ca")
	otherCA := testpki.NewCA(t, "other-ca")
	dir := t.TempDir()
	certFile, keyFile := ca.Server(t, "server").WriteFiles(t, dir)
	caFile := filepath.Join(dir, "client-ca.pem")
	testpki.WriteAtomic(t, caFile, clientCA.PEM)
	r, err := New(Files{CertFile: certFile, KeyFile: keyFile, ClientCAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, r.ServerConfig())
	base := tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}

	good := base.Clone()
	good.Certificates = []tls.Certificate{clientCA.Client(t, "canary").TLS}
	if _, err := dial(addr, good); err != nil {
		t.Fatalf("client with a trusted certificate refused: %v", err)
	}
	if _, err := dial(addr, base.Clone()); err == nil {
		t.Fatal("client without a certificate accepted")
	}
	stranger := base.Clone()
	stranger.Certificates = []tls.Certificate{otherCA.Client(t, "stranger").TLS}
	if _, err := dial(addr, stranger); err == nil {
		t.Fatal("client with an untrusted certificate accepted")
	}
	old := base.Clone()
	old.MaxVersion = tls.VersionTLS11
	old.Certificates = good.Certificates
	if _, err := dial(addr, old); err == nil {
		t.Fatal("TLS 1.1 accepted")
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(Files{CertFile: filepath.Join(dir, "absent.pem"), KeyFile: filepath.Join(dir, "absent.key")}); err == nil {
		t.Error("missing files accepted")
	}
	ca := testpki.NewCA(t, "ca")
	certFile, keyFile := ca.Server(t, "s").WriteFiles(t, dir)
	bad := filepath.Join(dir, "bad-ca.pem")
	testpki.WriteAtomic(t, bad, []byte("junk"))
	if _, err := New(Files{CertFile: certFile, KeyFile: keyFile, ClientCAFile: bad}); err == nil {
		t.Error("client CA without certificates accepted")
	}
}

// dialSession connects with a client session cache and reports whether the
// session was resumed.
func dialSession(t *testing.T, addr string, cfg *tls.Config) (resumed bool, err error) {
	t.Helper()
	st, err := dial(addr, cfg)
	if err != nil {
		return false, err
	}
	return st.DidResume, nil
}

// With mutual TLS no session is ever resumed, so removing a client CA takes
// effect for every new connection: a client that connected under the old CA
// cannot come back by resumption. Without mutual TLS resumption works.
func TestMutualTLSRefusesResumption(t *testing.T) {
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(version), func(t *testing.T) {
			ca := testpki.NewCA(t, "server-ca")
			clientCA := testpki.NewCA(t, "client-ca")
			otherCA := testpki.NewCA(t, "other-ca")
			dir := t.TempDir()
			certFile, keyFile := ca.Server(t, "server").WriteFiles(t, dir)
			caFile := filepath.Join(dir, "client-ca.pem")
			testpki.WriteAtomic(t, caFile, clientCA.PEM)
			r, err := New(Files{CertFile: certFile, KeyFile: keyFile, ClientCAFile: caFile})
			if err != nil {
				t.Fatal(err)
			}
			addr := serve(t, r.ServerConfig())
			client := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", MinVersion: version, MaxVersion: version,
				Certificates:       []tls.Certificate{clientCA.Client(t, "gateway").TLS},
				ClientSessionCache: tls.NewLRUClientSessionCache(4)}

			for i := range 2 {
				resumed, err := dialSession(t, addr, client)
				if err != nil {
					t.Fatalf("connection %d: %v", i, err)
				}
				if resumed {
					t.Fatalf("connection %d resumed a session under mutual TLS", i)
				}
			}

			// The client CA is replaced: the same client, with whatever
			// session state it kept, is refused.
			testpki.WriteAtomic(t, caFile, otherCA.PEM)
			if err := r.Reload(); err != nil {
				t.Fatal(err)
			}
			if resumed, err := dialSession(t, addr, client); err == nil {
				t.Fatalf("client of a removed CA accepted (resumed %v)", resumed)
			}
		})
	}

	t.Run("plain TLS resumes", func(t *testing.T) {
		ca := testpki.NewCA(t, "server-ca")
		certFile, keyFile := ca.Server(t, "server").WriteFiles(t, t.TempDir())
		r, err := New(Files{CertFile: certFile, KeyFile: keyFile})
		if err != nil {
			t.Fatal(err)
		}
		addr := serve(t, r.ServerConfig())
		client := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", ClientSessionCache: tls.NewLRUClientSessionCache(4)}
		if _, err := dialSession(t, addr, client); err != nil {
			t.Fatal(err)
		}
		if resumed, err := dialSession(t, addr, client); err != nil || !resumed {
			t.Fatalf("second connection: resumed %v, err %v; want a resumed session", resumed, err)
		}
	})
}
