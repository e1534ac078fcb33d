package httpapi

import (
	"net/http"
	"sync/atomic"
	"time"
)

// dateHeader is the Date response header, formatted once per second.
// net/http adds Date to every response it writes, reading the clock and
// formatting it each time (about 2% of a GET / under load); a handler that
// sets Date itself skips that. The value is the wall clock's current second,
// so responses carry what net/http would have written, as RFC 9110 section
// 6.6.1 asks: the best approximation of when the message was generated.
type dateHeader struct {
	now     func() time.Time     // wall clock, read once per second
	elapsed func() time.Duration // monotonic clock, read by the caller per request
	cur     atomic.Pointer[dateValue]
}

type dateValue struct {
	header []string      // the formatted second, shared by the responses in it
	until  time.Duration // elapsed time at which the next second starts
}

func newDateHeader(now func() time.Time, elapsed func() time.Duration) *dateHeader {
	d := &dateHeader{now: now, elapsed: elapsed}
	d.refresh()
	return d
}

// value returns the header value at elapsed time e (the caller's reading of
// the elapsed clock): the cached second, or a fresh one once it has passed.
func (d *dateHeader) value(e time.Duration) []string {
	if v := d.cur.Load(); e < v.until {
		return v.header
	}
	return d.refresh()
}

func (d *dateHeader) refresh() []string {
	e := d.elapsed()
	t := d.now().UTC()
	next := time.Second - time.Duration(t.Nanosecond())
	v := &dateValue{header: []string{t.Format(http.TimeFormat)}, until: e + next}
	d.cur.Store(v)
	return v.header
}
