package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// ShutdownOnSignals returns a context that ends at the first SIGTERM or
// SIGINT, which starts the graceful shutdown (Server.Run: not ready, drain,
// finish in-flight requests). A second SIGTERM or SIGINT while that runs is
// an operator who does not want to wait: it writes one line to stderr and
// calls exit at once with 128 + the signal's number (143 for SIGTERM, 130
// for SIGINT), the status a shell reports for a process the signal killed.
// stop releases the signals; call it when Main returns.
func ShutdownOnSignals(parent context.Context, stderr io.Writer, exit func(code int)) (ctx context.Context, stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			fmt.Fprintf(stderr, "org-app: second %s during shutdown; exiting at once\n", sig)
			exit(SignalExitCode(sig))
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
			cancel()
		})
	}
}

// SignalExitCode is 128 + the signal's number: 143 for SIGTERM, 130 for
// SIGINT.
func SignalExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitFailed
}
