package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runAsOrgApp makes the test binary run main() instead of the tests when a
// test starts it as a subprocess: the process under test is then the real
// org-app, signals and os.Exit included.
const runAsOrgApp = "GO_TEST_RUN_AS_ORG_APP"

func TestMain(m *testing.M) {
	if os.Getenv(runAsOrgApp) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// orgApp is org-app running as a subprocess, its log lines on a channel.
type orgApp struct {
	cmd  *exec.Cmd
	msgs chan string // the "msg" of each JSON log line
	done chan error
}

func startOrgApp(t *testing.T, drainDelay string) *orgApp {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	cfg := fmt.Sprintf("port: %d\nhealthcheck:\n  port: %d\nmetrics:\n  port: %d\nserver:\n  drainDelay: %s\n  shutdownTimeout: 5s\n",
		freePort(t), freePort(t), freePort(t), drainDelay)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], path)
	cmd.Env = []string{runAsOrgApp + "=1", "DEVOPS_SECRET=signal-test-key-not-a-secret-0123456789"}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &orgApp{cmd: cmd, msgs: make(chan string, 100), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var line struct{ Msg string }
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				p.msgs <- line.Msg
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("org-app stderr:\n%s", stderr.String())
		}
	})
	p.waitFor(t, "org-app started")
	return p
}

func (p *orgApp) waitFor(t *testing.T, msg string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m := <-p.msgs:
			if strings.HasPrefix(m, msg) {
				return
			}
		case err := <-p.done:
			p.done <- err
			t.Fatalf("org-app exited (%v) before logging %q", err, msg)
		case <-timeout:
			t.Fatalf("org-app did not log %q within 20s", msg)
		}
	}
}

func (p *orgApp) exitCode(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(within):
		t.Fatalf("org-app still running %s after the signal", within)
		return -1
	}
}

// A second SIGTERM or SIGINT during the drain exits at once with 143 or
// 130, although the drain delay has a minute to go.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			p := startOrgApp(t, "60s")
			if err := p.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			p.waitFor(t, "draining")
			if err := p.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			if code := p.exitCode(t, 10*time.Second); code != tt.want {
				t.Fatalf("exit status %d, want %d", code, tt.want)
			}
		})
	}
}

// One signal: a graceful shutdown and exit status 0.
func TestOneSignalShutsDownCleanly(t *testing.T) {
	p := startOrgApp(t, "100ms")
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "org-app stopped")
	if code := p.exitCode(t, 10*time.Second); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
}
