package app

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// coarseDeadlines wraps ln so that the read and write deadlines net/http
// sets on every request cost a timer operation about once per slack per
// connection instead of eight socket calls per request (ADR 0014).
//
// In the runtime every SetReadDeadline/SetWriteDeadline reads the clock,
// takes the poller's lock and adds, moves or removes a timer
// (golang/go#15133). Per keep-alive request net/http sets a write deadline
// when it has read the headers and clears it after the response; and it
// sets read deadlines for the idle wait, the headers and the whole request,
// clears them before the background read that watches for the client going
// away, and stops that read with a deadline in the past and a clear once
// the response is done. Under load those calls were about 6% of the API's
// CPU.
//
// A connection of this listener keeps the deadline it armed on the socket
// while a new deadline falls within slack before it, arms a new one slack
// later than asked, and takes a clear off the socket only when an I/O
// would otherwise run under the old deadline (writes), or lets a read run
// under it and, if it fires, clears it and reads on (reads). A read
// deadline asked for while no read is in progress is only recorded; the
// next read applies it. So, for reads and writes alike:
//
//   - I/O never runs without a deadline when one was asked for, and never
//     times out before the deadline asked for: at most slack after it;
//   - I/O after a clear runs without a deadline, as asked;
//   - a deadline in the past applies at once: it stops a read or write in
//     progress, and a read started under it fails at once (net/http's
//     abortPendingRead depends on that).
func coarseDeadlines(ln net.Listener, readSlack, writeSlack time.Duration) net.Listener {
	if readSlack <= 0 && writeSlack <= 0 {
		return ln
	}
	return &coarseListener{Listener: ln, readSlack: max(readSlack, 0), writeSlack: max(writeSlack, 0)}
}

type coarseListener struct {
	net.Listener
	readSlack, writeSlack time.Duration
}

func (l *coarseListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c, nil
	}
	return &coarseConn{TCPConn: tc, slack: l.writeSlack, rSlack: l.readSlack}, nil
}

// coarseConn is a TCP connection with coarse deadlines. Embedding
// *net.TCPConn keeps what net/http looks for on a connection (CloseWrite,
// ReadFrom).
type coarseConn struct {
	*net.TCPConn
	slack  time.Duration // for write deadlines
	rSlack time.Duration // for read deadlines

	mu sync.Mutex
	// armed is the write deadline set on the socket (zero: none). wanted
	// is the one last asked for; zero with a non-zero armed means cleared
	// but not yet removed from the socket, and then stale is true.
	armed, wanted time.Time
	stale         atomic.Bool

	// rArmed is the read deadline on the socket (zero: none); rPast says
	// it was set in the past (exactly, to stop a read). rWanted is the one
	// last asked for. rDirty says rWanted was not checked against the
	// socket since it was asked for; readers counts reads in progress.
	// rDirty and readers pair up (each side stores its own, then loads
	// the other's), so a read either sees rDirty or the SetReadDeadline
	// that set it sees the read and applies the deadline itself.
	rArmed, rWanted time.Time
	rPast           bool
	rDirty          atomic.Bool
	readers         atomic.Int32
}

// within reports whether armed fires at or after t and at most slack later.
func within(armed, t time.Time, slack time.Duration) bool {
	return !armed.IsZero() && !armed.Before(t) && armed.Sub(t) <= slack
}

// SetWriteDeadline asks for a write deadline of t (zero: none).
func (c *coarseConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wanted = t
	c.stale.Store(t.IsZero() && !c.armed.IsZero())
	switch {
	case t.IsZero():
		return nil // removed from the socket before the next write, if any
	case time.Until(t) <= 0:
		// In the past: pending writes must fail now, not slack later.
	case within(c.armed, t, c.slack):
		return nil // the armed deadline fires within slack after t
	default:
		t = t.Add(c.slack) // later requests within slack keep it
	}
	if err := c.TCPConn.SetWriteDeadline(t); err != nil {
		return err
	}
	c.armed = t
	return nil
}

// SetReadDeadline asks for a read deadline of t (zero: none). With no read
// in progress it is only recorded: the next read applies it.
func (c *coarseConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.rWanted = t
	c.rDirty.Store(true)
	var err error
	if c.readers.Load() != 0 {
		_, err = c.applyReadLocked(true) // a read is waiting under the old one
	}
	c.mu.Unlock()
	return err
}

// applyReadLocked brings the socket's read deadline in line with rWanted
// and reports whether rWanted has passed. No deadline asked for keeps a
// future one on the socket (Read clears it if it fires). A passed one goes
// on the socket exactly when a read may be waiting (pending), to stop it;
// otherwise the read that called fails by itself. A future one is kept
// when the armed one fires within slack after it, else armed slack later.
func (c *coarseConn) applyReadLocked(pending bool) (passed bool, err error) {
	t := c.rWanted
	var arm time.Time
	switch {
	case t.IsZero():
		if !c.rPast {
			c.rDirty.Store(false)
			return false, nil
		}
	case time.Until(t) <= 0:
		if !pending {
			return true, nil // rDirty stays: the next read checks again
		}
		passed, arm = true, t
	case !c.rPast && within(c.rArmed, t, c.rSlack):
		c.rDirty.Store(false)
		return false, nil
	default:
		arm = t.Add(c.rSlack)
	}
	if err := c.TCPConn.SetReadDeadline(arm); err != nil {
		return passed, err
	}
	c.rArmed, c.rPast = arm, passed
	c.rDirty.Store(false)
	return passed, nil
}

// Read reads under the read deadline last asked for (see coarseDeadlines).
func (c *coarseConn) Read(b []byte) (int, error) {
	c.readers.Add(1)
	defer c.readers.Add(-1)
	if c.rDirty.Load() {
		c.mu.Lock()
		passed, err := c.applyReadLocked(c.readers.Load() > 1)
		c.mu.Unlock()
		if err != nil {
			return 0, err
		}
		if passed {
			return 0, c.timeout()
		}
	}
	for {
		n, err := c.TCPConn.Read(b)
		if err == nil || !c.retryRead(err) {
			return n, err
		}
	}
}

// timeout is the error a read gets from the socket when its deadline has
// passed (net/http's background read expects a net.Error that times out).
func (c *coarseConn) timeout() error {
	return &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.ErrDeadlineExceeded}
}

// retryRead reports whether a read that failed with err must be retried:
// it timed out, and the deadline asked for is none (a cleared one was left
// on the socket) or has not passed; the socket then gets that one.
func (c *coarseConn) retryRead(err error) bool {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.rWanted
	if !t.IsZero() {
		if time.Until(t) <= 0 {
			return false
		}
		t = t.Add(c.rSlack)
	}
	if err := c.TCPConn.SetReadDeadline(t); err != nil {
		return false
	}
	c.rArmed, c.rPast = t, false
	c.rDirty.Store(false)
	return true
}

// SetDeadline sets both deadlines as SetReadDeadline and SetWriteDeadline do.
func (c *coarseConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// beforeWrite removes a cleared deadline from the socket.
func (c *coarseConn) beforeWrite() error {
	if !c.stale.Load() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wanted.IsZero() && !c.armed.IsZero() {
		if err := c.TCPConn.SetWriteDeadline(time.Time{}); err != nil {
			return err
		}
		c.armed = time.Time{}
	}
	c.stale.Store(false)
	return nil
}

func (c *coarseConn) Write(b []byte) (int, error) {
	if err := c.beforeWrite(); err != nil {
		return 0, err
	}
	return c.TCPConn.Write(b)
}

// ReadFrom writes to the connection too (sendfile, splice).
func (c *coarseConn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.beforeWrite(); err != nil {
		return 0, err
	}
	return c.TCPConn.ReadFrom(r)
}
