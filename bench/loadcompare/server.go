package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverSpec says how to start one of the compared servers and what it
// answers on each endpoint pair.
type serverSpec struct {
	name  string
	ports int // loopback ports it needs
	// command builds the server's command line on ports; env is added to
	// the inherited environment.
	command func(bin string, ports []int) (args []string, env []string)
	// ready is the URL that answers 200 once it serves.
	ready func(ports []int) string
	// endpoints by pair: the path and how to get the request's headers.
	endpoints map[string]endpoint
}

type endpoint struct {
	path    string
	headers func(ctx context.Context, base string) (map[string]string, error)
}

// server is a running instance.
type server struct {
	spec    *serverSpec
	cmd     *exec.Cmd
	base    string        // http://127.0.0.1:PORT of the API
	done    chan struct{} // closed when the process has exited
	waitErr error         // its exit status, once done is closed
}

var client = &http.Client{Timeout: 5 * time.Second}

// start runs bin pinned to cpu (taskset -c) and waits until it is ready.
func start(ctx context.Context, spec *serverSpec, bin, cpu string) (*server, error) {
	ports, err := freePorts(ctx, spec.ports)
	if err != nil {
		return nil, err
	}
	args, env := spec.command(bin, ports)
	var cmd *exec.Cmd
	if cpu != "" {
		cmd = exec.Command("taskset", append([]string{"-c", cpu, bin}, args...)...) //nolint:gosec,noctx // the harness's own binaries and flags; stop() ends it (SIGTERM, then SIGKILL)
	} else {
		cmd = exec.Command(bin, args...) //nolint:gosec,noctx // the harness's own binaries and flags; stop() ends it (SIGTERM, then SIGKILL)
	}
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard // quietest log level; nothing to keep
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.name, err)
	}
	s := &server{spec: spec, cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", ports[0]), done: make(chan struct{})}
	go func() { s.waitErr = cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if probe(ctx, spec.ready(ports), nil) == nil {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited before it was ready: %w", spec.name, s.waitErr)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s not ready within 15s", spec.name)
		}
	}
}

// peakRSSKiB reads the process's peak resident set (VmHWM) from /proc.
func (s *server) peakRSSKiB() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// cpuTime is the CPU time (user + system) the process has used, from
// /proc/PID/stat; its resolution is one clock tick (10ms).
func (s *server) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14 of stat
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, errors.New("bad /proc stat")
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc times: 100 on every Linux ABI Go supports.
const clockTicks = 100

// stop sends SIGTERM, and SIGKILL after 5s; it only signals the process it started.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// probe sends one request to check the endpoint answers 200 before
// measuring it: a benchmark of 401s proves nothing.
func probe(ctx context.Context, url string, headers map[string]string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %d: %s", url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

func freePorts(ctx context.Context, n int) ([]int, error) {
	var lc net.ListenConfig
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func noHeaders(context.Context, string) (map[string]string, error) { return nil, nil }

func bearer(token string) func(context.Context, string) (map[string]string, error) {
	return func(context.Context, string) (map[string]string, error) {
		return map[string]string{"Authorization": "Bearer " + token}, nil
	}
}

// podinfoToken asks a running podinfo for a token (POST /token). Its tokens
// live one minute, so each run asks its own fresh instance.
func podinfoToken(ctx context.Context, base string) (map[string]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/token", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("podinfo POST /token: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&body); err != nil || body.Token == "" {
		return nil, fmt.Errorf("podinfo POST /token: status %d, no token: %w", resp.StatusCode, errors.Join(err, errors.New("empty token")))
	}
	return map[string]string{"Authorization": "Bearer " + body.Token}, nil
}

// specs returns org-app, podinfo and the hello-world ceiling, each at its
// quietest log level. secret signs org-app's token; token is one minted
// with it for the user role.
func specs(secret, token string) []*serverSpec {
	return []*serverSpec{
		{
			name: "org-app", ports: 3,
			command: func(_ string, p []int) ([]string, []string) {
				return nil, []string{
					"DEVOPS_SECRET=" + secret, "ORG_APP_LOG_LEVEL=ERROR", "ORG_APP_SERVER_DRAIN_DELAY=0s",
					"ORG_APP_PORT=" + strconv.Itoa(p[0]), "ORG_APP_HEALTHCHECK_PORT=" + strconv.Itoa(p[1]),
					"ORG_APP_METRICS_PORT=" + strconv.Itoa(p[2]),
				}
			},
			ready: func(p []int) string { return fmt.Sprintf("http://127.0.0.1:%d/readyz", p[1]) },
			endpoints: map[string]endpoint{
				pairRoot: {path: "/", headers: noHeaders},
				pairAuth: {path: "/api/v1/me", headers: bearer(token)},
			},
		},
		{
			name: "podinfo", ports: 1,
			command: func(_ string, p []int) ([]string, []string) {
				return []string{"--host", "127.0.0.1", "--port", strconv.Itoa(p[0]), "--level", "error"}, nil
			},
			ready: func(p []int) string { return fmt.Sprintf("http://127.0.0.1:%d/readyz", p[0]) },
			endpoints: map[string]endpoint{
				pairRoot: {path: "/", headers: noHeaders},
				pairAuth: {path: "/token/validate", headers: podinfoToken},
			},
		},
		{
			name: "hello", ports: 1,
			command: func(_ string, p []int) ([]string, []string) {
				return []string{"-addr", fmt.Sprintf("127.0.0.1:%d", p[0])}, nil
			},
			ready: func(p []int) string { return fmt.Sprintf("http://127.0.0.1:%d/", p[0]) },
			endpoints: map[string]endpoint{
				pairRoot: {path: "/", headers: noHeaders},
			},
		},
	}
}
