package app

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// coarseWriteDeadlines wraps ln so that the write deadlines net/http sets
// on every request (server.writeTimeout) cost a timer operation about once
// per slack per connection instead of two per request.
//
// net/http arms the write deadline when it has read a request's headers
// (now + writeTimeout) and clears it when the response is written. In the
// runtime each of those calls adds or removes a timer (golang/go#15133);
// under load they were ~3% of the API's CPU per request. A connection of
// this listener instead keeps the deadline it armed while a new request's
// deadline falls within slack after it, and clears it only when a write
// would otherwise run under a deadline the caller had cleared. So:
//
//   - a write never runs without a deadline when one was asked for, and
//     never times out before the deadline asked for: at most slack after it;
//   - a write after a clear runs without a deadline, as asked;
//   - a deadline in the past (cancelling a pending write) applies at once.
//
// Read deadlines pass through unchanged.
func coarseWriteDeadlines(ln net.Listener, slack time.Duration) net.Listener {
	if slack <= 0 {
		return ln
	}
	return &coarseListener{Listener: ln, slack: slack}
}

type coarseListener struct {
	net.Listener
	slack time.Duration
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
	return &coarseConn{TCPConn: tc, slack: l.slack}, nil
}

// coarseConn is a TCP connection with coarse write deadlines. Embedding
// *net.TCPConn keeps what net/http looks for on a connection (CloseWrite,
// ReadFrom).
type coarseConn struct {
	*net.TCPConn
	slack time.Duration

	mu sync.Mutex
	// armed is the write deadline set on the socket (zero: none). wanted
	// is the one last asked for; zero with a non-zero armed means cleared
	// but not yet removed from the socket, and then stale is true.
	armed, wanted time.Time
	stale         atomic.Bool
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
	case !c.armed.IsZero() && !c.armed.Before(t) && c.armed.Sub(t) <= c.slack:
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

// SetDeadline sets the read deadline exactly and the write deadline as
// SetWriteDeadline does.
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
