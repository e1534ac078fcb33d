package canary

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// Made-up keys for tests; they protect nothing.
const (
	keyA = "canary-test-key-A-not-a-secret-0123456789"
	keyB = "canary-test-key-B-not-a-secret-0123456789"
)

func envOf(m map[string]string) LookupEnv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// runMain runs the canary in-process and returns its exit status and output.
func runMain(t *testing.T, ctx context.Context, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(ctx, args, envOf(env), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// runJSON runs `canary run --report json ARGS` and decodes the report.
func runJSON(t *testing.T, env map[string]string, args ...string) (int, *Report) {
	t.Helper()
	code, out, errOut := runMain(t, context.Background(), env, append([]string{"run", "--report", "json"}, args...)...)
	if code == ExitUsage {
		t.Fatalf("usage error: %s", errOut)
	}
	var r Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	return code, &r
}

// failures maps each failing flow to its error kinds, e.g. "me" -> "status".
func failures(r *Report) map[string]string {
	out := map[string]string{}
	for _, f := range r.Flows {
		if f.Pass {
			continue
		}
		var kinds []string
		for k := range f.Errors {
			kinds = append(kinds, string(k))
		}
		sort.Strings(kinds)
		if len(kinds) == 0 {
			kinds = []string{"latency"}
		}
		out[f.Name] = strings.Join(kinds, ",")
	}
	return out
}

// faultProxy forwards to upstream except on the paths given faults.
type fault func(w http.ResponseWriter, r *http.Request)

func faultProxy(t *testing.T, upstream string, faults map[string]fault) *httptest.Server {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f, ok := faults[r.URL.Path]; ok {
			f(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func status(code int) fault {
	return func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"error":{"code":"internal"}}`, code)
	}
}

// stall answers after d, or never if the client gives up first.
func stall(d time.Duration) fault {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"name":"slow"}`))
		case <-r.Context().Done():
		}
	}
}
