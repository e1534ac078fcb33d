package httpapi

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// streamConn is an in-memory client connection that sends the same request
// a fixed number of times, keep-alive, and counts the 200 responses it gets
// back. It runs a real http.Server's connection loop (request parsing,
// header serialisation, the background read) without system calls, so what
// it measures is net/http's and the handler's CPU. Deadlines are ignored:
// internal/app's BenchmarkLoopbackRoot measures them on a real socket.
type streamConn struct {
	req    []byte
	left   int // requests still to send
	off    int // in req
	ok     int // responses starting with a 200 status line
	closed chan struct{}
	once   sync.Once
}

var status200 = []byte("HTTP/1.1 200 OK\r\n")

func (c *streamConn) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF // the server closes the connection and Serve returns
	}
	n := copy(p, c.req[c.off:])
	c.off += n
	if c.off == len(c.req) {
		c.off = 0
		c.left--
	}
	return n, nil
}

// Write receives whole responses: net/http buffers each one and flushes it
// once (these are small).
func (c *streamConn) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, status200) {
		c.ok++
	}
	return len(p), nil
}

func (c *streamConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}
func (c *streamConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *streamConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *streamConn) SetDeadline(time.Time) error      { return nil }
func (c *streamConn) SetReadDeadline(time.Time) error  { return nil }
func (c *streamConn) SetWriteDeadline(time.Time) error { return nil }

// oneListener accepts c once, then blocks until c is closed.
type oneListener struct {
	c    *streamConn
	used bool
}

func (l *oneListener) Accept() (net.Conn, error) {
	if !l.used {
		l.used = true
		return l.c, nil
	}
	<-l.c.closed
	return nil, net.ErrClosed
}
func (l *oneListener) Close() error   { return nil }
func (l *oneListener) Addr() net.Addr { return &net.TCPAddr{} }

// serveConn serves n GET / requests (as wrk sends them) on one keep-alive
// connection with h and returns how many got a 200, and this process's CPU
// time (user + system, getrusage) for them.
func serveConn(tb testing.TB, h http.Handler, n int, reset func()) (ok int, cpu time.Duration) {
	tb.Helper()
	c := &streamConn{req: []byte("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"), left: n, closed: make(chan struct{})}
	srv := &http.Server{Handler: h}
	before := cpuTime(tb)
	reset()
	if err := srv.Serve(&oneListener{c: c}); !errors.Is(err, net.ErrClosed) {
		tb.Fatalf("Serve: %v", err)
	}
	return c.ok, cpuTime(tb) - before
}

func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchConn reports cpu-ns/op, the CPU time per request: unlike ns/op it
// stays meaningful when other work shares the machine. Compare variants by
// building test binaries and alternating runs, e.g.
//
//	GOMAXPROCS=1 ./x.test -test.run '^$' -test.bench '^BenchmarkConnRoot$' -test.benchtime 300000x
func benchConn(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	ok, cpu := serveConn(b, h, b.N, b.ResetTimer)
	if ok != b.N {
		b.Fatalf("%d of %d responses were 200", ok, b.N)
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

var helloBody = []byte(`{"hello":"world"}` + "\n")

// hello is bench/hello's handler: the net/http ceiling GET / is held to.
func hello(w http.ResponseWriter, _ *http.Request) {
	w.Header()["Content-Type"] = []string{"application/json"}
	_, _ = w.Write(helloBody)
}

// GET / through net/http's connection loop: the API (logging at ERROR, as
// the load comparison runs it) against the hello-world ceiling.
func BenchmarkConnRoot(b *testing.B)  { benchConn(b, benchAPI(b, slog.LevelError)) }
func BenchmarkConnHello(b *testing.B) { benchConn(b, http.HandlerFunc(hello)) }

// The connection benchmark's plumbing, as a test: every request answered
// 200 on the one connection, and Serve returns when the client is done.
func TestServeConnAnswersEveryRequest(t *testing.T) {
	for name, h := range map[string]http.Handler{"api": benchAPI(t, slog.LevelError), "hello": http.HandlerFunc(hello)} {
		if ok, _ := serveConn(t, h, 50, func() {}); ok != 50 {
			t.Errorf("%s: %d of 50 responses were 200", name, ok)
		}
	}
}
