package canary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// nxdomainServer answers every DNS query on a loopback UDP port with
// NXDOMAIN, so DNS failures are tested without a query leaving the machine.
func nxdomainServer(t *testing.T) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			resp := append([]byte(nil), buf[:n]...)
			resp[2] = 0x80 | (buf[2] & 0x79) | 0x04 // QR, keep opcode and RD, AA
			resp[3] = 0x80 | 3                      // RA, RCODE 3 = NXDOMAIN
			for i := 6; i < 12; i++ {               // no answer, authority or additional records
				resp[i] = 0
			}
			_, _ = pc.WriteTo(resp, addr)
		}
	}()
	addr := pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func rootFlow() Flow { return Flows()[0] }

func check(t *testing.T, target *Target, timeout time.Duration) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return rootFlow().Check(ctx, target)
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	plain := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"name":"tls"}`))
	}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	resolver := nxdomainServer(t)
	tests := []struct {
		name     string
		url      string
		resolver *net.Resolver
		want     Kind
		message  string
	}{
		{"passes", plain(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"name":"x"}`)) }), nil, KindOK, ""},
		{"connection refused", "http://" + closedPort(t), nil, KindUnreachable, "connection refused"},
		{"name does not resolve", "http://canary-test.invalid:8080", resolver, KindDNS, "no such host"},
		{"untrusted certificate", tlsSrv.URL, nil, KindTLS, "certificate"},
		{"plain HTTP answers a TLS client", strings.Replace(plain(func(http.ResponseWriter, *http.Request) {}), "http:", "https:", 1), nil, KindTLS, "server gave HTTP response"},
		{"stalls", plain(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }), nil, KindTimeout, "deadline exceeded"},
		{"closes without answering", plain(func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}), nil, KindConnection, "EOF"},
		{"wrong status", plain(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }), nil, KindStatus, "answered 502, want 200"},
		{"redirect is a wrong status", plain(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) }), nil, KindStatus, "answered 302"},
		{"wrong body", plain(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) }), nil, KindBody, "want a JSON object with a name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target := &Target{API: tt.url, Client: NewClient(ClientOptions{Timeout: 2 * time.Second, Resolver: tt.resolver})}
			start := time.Now()
			timeout := 5 * time.Second
			if tt.want == KindTimeout {
				timeout = 300 * time.Millisecond
			}
			err := check(t, target, timeout)
			if got := KindOf(err); got != tt.want {
				t.Fatalf("kind %q, want %q (error: %v)", got, tt.want, err)
			}
			if err != nil && !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not say %q", err, tt.message)
			}
			if took := time.Since(start); took > 4*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}

func TestTrustedCertificatePasses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"name":"tls"}`))
	}))
	t.Cleanup(srv.Close)
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	target := &Target{API: srv.URL, Client: NewClient(ClientOptions{RootCAs: pool})}
	if err := check(t, target, 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want Kind
	}{
		{nil, KindOK},
		{errors.New("something odd"), KindOther},
		{context.DeadlineExceeded, KindTimeout},
		{fmt.Errorf("wrapped: %w", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}), KindDNS},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}, KindUnreachable},
		{&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, KindConnection},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: bad certificate")}, KindTLS},
		{&CheckError{KindBody, errors.New("echo differs")}, KindBody},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestTokenFailureIsAKind(t *testing.T) {
	t.Parallel()
	target := &Target{API: "http://" + closedPort(t), Client: NewClient(ClientOptions{})}
	err := Flows()[2].Check(context.Background(), target) // me, without tokens
	if KindOf(err) != KindToken {
		t.Errorf("kind %q (%v), want token", KindOf(err), err)
	}
}
