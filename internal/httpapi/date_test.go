package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// The API sets Date itself from a value formatted once per second: it must
// be the clock's current second, on every response, and change when the
// second does.
func TestDateHeaderFollowsTheClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 26, 15, 4, 5, 700_000_000, time.FixedZone("CET", 3600))
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	opts, _ := testOptions(t, io.Discard)
	opts.Now = clock
	a := New(opts)
	date := func(path string) string {
		t.Helper()
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if got := rec.Header().Values("Date"); len(got) != 1 {
			t.Fatalf("%s: Date headers %q, want one", path, got)
		}
		return rec.Header().Get("Date")
	}
	if got := date("/"); got != "Thu, 26 Nov 2026 14:04:05 GMT" {
		t.Errorf("Date = %q", got)
	}
	advance(200 * time.Millisecond) // 15:04:05.9, the same second
	if got := date("/nope"); got != "Thu, 26 Nov 2026 14:04:05 GMT" {
		t.Errorf("Date on a 404 = %q", got)
	}
	advance(100 * time.Millisecond) // 15:04:06.0
	if got := date("/"); got != "Thu, 26 Nov 2026 14:04:06 GMT" {
		t.Errorf("Date after the second changed = %q", got)
	}
	advance(time.Hour)
	if got := date("/"); got != "Thu, 26 Nov 2026 15:04:06 GMT" {
		t.Errorf("Date an hour later = %q", got)
	}
}

// On the real clock, through a real server, Date is now.
func TestDateHeaderIsNow(t *testing.T) {
	h := newHarness(t)
	resp, _ := h.do(t, request{path: "/"})
	got, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t.Fatalf("Date %q: %v", resp.Header.Get("Date"), err)
	}
	if d := time.Since(got); d < -time.Second || d > 5*time.Second {
		t.Errorf("Date is %s away from now", d)
	}
}
