package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is the cheapest http.ResponseWriter: benchmarks then
// measure the API's own request path, not a recorder's.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

func benchAPI(b testing.TB, level slog.Level) *API {
	opts, _ := testOptions(b, io.Discard)
	opts.Logger = slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: level}))
	return New(opts)
}

func runBench(b *testing.B, a *API, r *http.Request) {
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		a.ServeHTTP(w, r)
	}
}

// The whole request path of GET /: ids, trace context, in-flight limit,
// routing, metrics, traffic statistics and the access log line.
func BenchmarkRoot(b *testing.B) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	b.Run("log=info", func(b *testing.B) { runBench(b, benchAPI(b, slog.LevelInfo), r) })
	b.Run("log=error", func(b *testing.B) { runBench(b, benchAPI(b, slog.LevelError), r) })
}

// GET /api/v1/me with a valid HS256 token: the above plus verification.
func BenchmarkMe(b *testing.B) {
	r := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
	r.Header.Set("Authorization", "Bearer "+token(b, "alice", "cp_users", "cp_analysts"))
	b.Run("log=info", func(b *testing.B) { runBench(b, benchAPI(b, slog.LevelInfo), r) })
	b.Run("log=error", func(b *testing.B) { runBench(b, benchAPI(b, slog.LevelError), r) })
}

// Runs the benchmarked requests once as a test, so a broken benchmark
// fails `make test` and not only `make bench`.
func TestBenchmarkRequestsSucceed(t *testing.T) {
	a := benchAPI(t, slog.LevelInfo)
	for _, tc := range []struct{ path, token string }{{"/", ""}, {"/api/v1/me", token(t, "alice", "cp_users")}} {
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.token != "" {
			r.Header.Set("Authorization", "Bearer "+tc.token)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			t.Errorf("%s = %d: %s", tc.path, rec.Code, rec.Body)
		}
	}
}

// The error paths a scanner or a confused client takes: 404 (shallow and
// deep paths) and 405.
func BenchmarkErrors(b *testing.B) {
	for name, r := range map[string]*http.Request{
		"404":      httptest.NewRequest(http.MethodGet, "/nope", nil),
		"404-deep": httptest.NewRequest(http.MethodGet, "/api/v1/me/x/y", nil),
		"405":      httptest.NewRequest(http.MethodPost, "/", nil),
	} {
		b.Run(name, func(b *testing.B) { runBench(b, benchAPI(b, slog.LevelError), r) })
	}
}

// The request path's own allocations (make bench reports them too): GET /
// allocates only the exchange; the token check adds the /api/v1/me body.
// A change that adds one fails here, not only in a benchmark nobody reads.
func TestRequestPathAllocations(t *testing.T) {
	a := benchAPI(t, slog.LevelError)
	w := &discardWriter{h: http.Header{}}
	me := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
	me.Header.Set("Authorization", "Bearer "+token(t, "alice", "cp_users"))
	for _, tc := range []struct {
		r    *http.Request
		want float64
	}{{httptest.NewRequest(http.MethodGet, "/", nil), 1}, {me, 2}} {
		a.ServeHTTP(w, tc.r) // the first token check verifies; later ones hit the cache
		got := testing.AllocsPerRun(200, func() {
			clear(w.h)
			a.ServeHTTP(w, tc.r)
		})
		if got > tc.want {
			t.Errorf("%s: %v allocations per request, want at most %v", tc.r.URL.Path, got, tc.want)
		}
	}
}
