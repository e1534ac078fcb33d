// Command footprint measures what a pod pays for org-app before serving a
// request: the stripped static binary's size, the time from exec to a ready
// /readyz, and the resident memory once idle. It starts the binary several
// times on loopback ports and reports medians.
//
//	go run ./bench/footprint -bin bin/org-app -runs 7
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type result struct {
	BinaryBytes     int64     `json:"binary_bytes"`
	StartToReadyMS  float64   `json:"start_to_ready_ms_median"`
	IdleRSSKiB      int64     `json:"idle_rss_kib_median"`
	Runs            int       `json:"runs"`
	StartToReadyAll []float64 `json:"start_to_ready_ms"`
	IdleRSSAll      []int64   `json:"idle_rss_kib"`
}

func main() {
	bin := flag.String("bin", "bin/org-app", "org-app binary to measure")
	runs := flag.Int("runs", 7, "number of starts (1-50)")
	idle := flag.Duration("idle", 2*time.Second, "wait after ready before reading RSS")
	asJSON := flag.Bool("json", false, "print JSON instead of a table")
	flag.Parse()
	if *runs < 1 || *runs > 50 {
		fmt.Fprintln(os.Stderr, "footprint: -runs must be between 1 and 50")
		os.Exit(2)
	}
	if err := run(*bin, *runs, *idle, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "footprint:", err)
		os.Exit(1)
	}
}

func run(bin string, runs int, idle time.Duration, asJSON bool) error {
	st, err := os.Stat(bin)
	if err != nil {
		return fmt.Errorf("binary: %w (run make build first)", err)
	}
	res := result{BinaryBytes: st.Size(), Runs: runs}
	for i := range runs {
		ready, rss, err := once(bin, idle)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		res.StartToReadyAll = append(res.StartToReadyAll, float64(ready.Microseconds())/1000)
		res.IdleRSSAll = append(res.IdleRSSAll, rss)
	}
	res.StartToReadyMS = median(res.StartToReadyAll)
	res.IdleRSSKiB = median(res.IdleRSSAll)
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Printf("%-22s %12s %10s\n", "measure", "value", "target")
	fmt.Printf("%-22s %9.1f MB %10s\n", "binary size (stripped)", float64(res.BinaryBytes)/1e6, "<= 20 MB")
	fmt.Printf("%-22s %9.1f ms %10s\n", "start to ready (p50)", res.StartToReadyMS, "<= 50 ms")
	fmt.Printf("%-22s %8.1f MiB %10s\n", "idle RSS (p50)", float64(res.IdleRSSKiB)/1024, "<= 15 MiB")
	fmt.Printf("(%d runs; start to ready: exec until /readyz answers 200, polled every 1ms)\n", runs)
	return nil
}

func once(bin string, idle time.Duration) (time.Duration, int64, error) {
	ports, err := freePorts(3)
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(),
		"DEVOPS_SECRET=footprint-benchmark-key-not-a-secret-000",
		"ORG_APP_LOG_LEVEL=ERROR",
		"ORG_APP_SERVER_DRAIN_DELAY=0s",
		"ORG_APP_PORT="+strconv.Itoa(ports[0]),
		"ORG_APP_HEALTHCHECK_PORT="+strconv.Itoa(ports[1]),
		"ORG_APP_METRICS_PORT="+strconv.Itoa(ports[2]),
	)
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[1])

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var ready time.Duration
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, 0, err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ready = time.Since(start)
				break
			}
		}
		if ctx.Err() != nil {
			return 0, 0, errors.New("not ready within 30s")
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(idle)
	rss, err := residentKiB(cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	return ready, rss, nil
}

// residentKiB reads VmRSS from /proc (Linux).
func residentKiB(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read RSS (Linux only): %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

func freePorts(n int) ([]int, error) {
	var lc net.ListenConfig
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func median[T int64 | float64](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
