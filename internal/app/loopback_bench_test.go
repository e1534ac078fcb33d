package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/apptest"
)

// loadClientEnv makes the test binary a load client instead of running
// tests (see TestMain): "ADDR CONNS REQUESTS".
const loadClientEnv = "ORG_APP_TEST_LOAD_CLIENT"

func TestMain(m *testing.M) {
	if spec := os.Getenv(loadClientEnv); spec != "" {
		if err := runLoadClient(spec); err != nil {
			fmt.Fprintln(os.Stderr, "load client:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runLoadClient sends REQUESTS keep-alive GET / requests to ADDR over CONNS
// connections, each one waiting for its response before the next request,
// as wrk does; every response must be a 200.
func runLoadClient(spec string) error {
	var addr string
	var conns, requests int
	if _, err := fmt.Sscan(spec, &addr, &conns, &requests); err != nil || conns < 1 || requests < conns {
		return fmt.Errorf("%s=%q: want ADDR CONNS REQUESTS", loadClientEnv, spec)
	}
	errs := make(chan error, conns)
	var wg sync.WaitGroup
	for i := range conns {
		n := requests / conns
		if i < requests%conns {
			n++
		}
		wg.Go(func() { errs <- getRoot(addr, n) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func getRoot(addr string, n int) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	req := []byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: loadclient\r\n\r\n")
	br := bufio.NewReader(c)
	for range n {
		if _, err := c.Write(req); err != nil {
			return err
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET / = %d", resp.StatusCode)
		}
	}
	return nil
}

// loadFrom runs the load client in a child process (this test binary
// again), so that the CPU time of this process is the server's alone, and
// returns that CPU time (user + system, getrusage) per request.
func loadFrom(t testing.TB, addr string, conns, requests int, timeout time.Duration) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %d", loadClientEnv, addr, conns, requests))
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	before := cpuTime(t)
	if err := cmd.Run(); err != nil {
		t.Fatalf("load client: %v: %s", err, stderr.String())
	}
	return (cpuTime(t) - before) / time.Duration(requests)
}

// cpuTime is this process's user + system CPU time so far.
func cpuTime(t testing.TB) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const benchConns = 16

// BenchmarkLoopbackRoot is `make bench-load`'s GET / in-process: org-app
// as the org-app command builds it (embedded defaults, so its timeouts and
// their coarse deadlines, in-flight limit, metrics and traffic statistics
// are on; logging at ERROR) on a loopback port, and wrk's closed loop from
// a child process over 16 keep-alive connections. cpu-ns/op is the server
// process's CPU time per request, system calls included: it stays
// meaningful on a busy machine, where ns/op does not. Pin it for A/B
// comparisons as the load comparison does, e.g.
//
//	go test -c -o /tmp/app.test ./internal/app/
//	GOMAXPROCS=1 taskset -c 0 /tmp/app.test -test.run '^$' -test.bench LoopbackRoot -test.benchtime 200000x
func BenchmarkLoopbackRoot(b *testing.B) {
	in := apptest.Start(b, map[string]string{"DEVOPS_SECRET": strings.Repeat("b", 32)})
	addr := strings.TrimPrefix(in.APIURL, "http://")
	loadFrom(b, addr, benchConns, 20*benchConns, time.Minute) // warm up
	b.ResetTimer()
	cpu := loadFrom(b, addr, benchConns, max(b.N, benchConns), time.Hour)
	b.ReportMetric(float64(cpu.Nanoseconds()), "cpu-ns/op")
}

// The benchmark's client and accounting work, as a test: every request
// answered 200 over keep-alive connections, and a plausible CPU time.
func TestLoopbackLoadClient(t *testing.T) {
	in := apptest.Start(t, map[string]string{"DEVOPS_SECRET": strings.Repeat("b", 32)})
	addr := strings.TrimPrefix(in.APIURL, "http://")
	if cpu := loadFrom(t, addr, 4, 400, time.Minute); cpu <= 0 || cpu > 10*time.Millisecond {
		t.Errorf("server CPU per request %s: the accounting is off", cpu)
	}
	t.Run("rejects a bad spec", func(t *testing.T) {
		if err := runLoadClient("127.0.0.1:1 0 " + strconv.Itoa(10)); err == nil {
			t.Error("no connections accepted")
		}
	})
}
