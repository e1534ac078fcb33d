package app

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// tcpPair returns a server-side connection accepted through
// coarseDeadlines (slack for reads and writes) and the client end of it.
func tcpPair(t *testing.T, slack time.Duration) (*coarseConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	wrapped := coarseDeadlines(ln, slack, slack)
	done := make(chan net.Conn, 1)
	go func() {
		c, err := wrapped.Accept()
		if err != nil {
			t.Error(err)
		}
		done <- c
	}()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, ok := (<-done).(*coarseConn)
	if !ok {
		t.Fatal("accepted connection is not a coarseConn")
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client.(*net.TCPConn)
}

// fillUntilBlocked writes to c, whose peer never reads, until a write fails;
// it returns when the write failed, and its error.
func fillUntilBlocked(c net.Conn) (time.Time, error) {
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for {
		if _, err := c.Write(chunk); err != nil {
			return time.Now(), err
		}
	}
}

func shrinkBuffers(t *testing.T, server *coarseConn, client *net.TCPConn) {
	t.Helper()
	if err := server.SetWriteBuffer(4 << 10); err != nil {
		t.Fatal(err)
	}
	if err := client.SetReadBuffer(4 << 10); err != nil {
		t.Fatal(err)
	}
}

// A blocked write times out no earlier than the deadline asked for and at
// most slack after it.
func TestCoarseWriteDeadlineFiresWithinSlack(t *testing.T) {
	const slack = 200 * time.Millisecond
	server, client := tcpPair(t, slack)
	shrinkBuffers(t, server, client)
	deadline := time.Now().Add(300 * time.Millisecond)
	if err := server.SetWriteDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	at, err := fillUntilBlocked(server)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write error %v, want a deadline error", err)
	}
	if at.Before(deadline) {
		t.Errorf("write timed out %s before its deadline", deadline.Sub(at))
	}
	// Generous for a loaded machine: the point is that it fired at all,
	// and not writeTimeout-scale late.
	if late := at.Sub(deadline); late > slack+time.Second {
		t.Errorf("write timed out %s after its deadline; slack is %s", late, slack)
	}
}

// Deadlines a little later than the armed one reuse it; one beyond slack,
// an earlier one or one in the past re-arm the socket.
func TestCoarseWriteDeadlineCoalesces(t *testing.T) {
	const slack = time.Second
	server, _ := tcpPair(t, slack)
	base := time.Now().Add(time.Minute)
	set := func(d time.Time) time.Time {
		t.Helper()
		if err := server.SetWriteDeadline(d); err != nil {
			t.Fatal(err)
		}
		return server.armed
	}
	first := set(base)
	if !first.Equal(base.Add(slack)) {
		t.Fatalf("armed %s, want the deadline plus slack", first.Sub(base))
	}
	if got := set(base.Add(slack / 2)); !got.Equal(first) {
		t.Errorf("a deadline within slack re-armed the socket (%s)", got.Sub(base))
	}
	if got := set(time.Time{}); !got.Equal(first) {
		t.Errorf("a clear with no write pending touched the socket (%s)", got.Sub(base))
	}
	if got := set(base.Add(slack)); !got.Equal(first) {
		t.Errorf("a deadline at the armed one re-armed the socket (%s)", got.Sub(base))
	}
	if got := set(base.Add(2 * slack)); !got.Equal(base.Add(3 * slack)) {
		t.Errorf("a deadline beyond slack armed %s, want %s", got.Sub(base), 3*slack)
	}
	if got := set(base); !got.Equal(base.Add(slack)) {
		t.Errorf("an earlier deadline armed %s, want %s", got.Sub(base), slack)
	}
	past := time.Now().Add(-time.Hour)
	if got := set(past); !got.Equal(past) {
		t.Errorf("a deadline in the past armed %s after it, want it exactly", got.Sub(past))
	}
}

// After a clear, writes run without a deadline, even once the deadline
// still armed on the socket has passed.
func TestCoarseWriteDeadlineClearHoldsForWrites(t *testing.T) {
	server, client := tcpPair(t, 10*time.Millisecond)
	if err := server.SetWriteDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := server.SetWriteDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // past the armed deadline
	if _, err := server.Write([]byte("ping")); err != nil {
		t.Fatalf("write after a clear: %v", err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(client, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("read %q, %v", buf, err)
	}
	if !server.armed.IsZero() {
		t.Error("the socket still has a write deadline")
	}
	// The same through ReadFrom, the other way net/http writes.
	if err := server.SetWriteDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_ = server.SetWriteDeadline(time.Time{})
	time.Sleep(100 * time.Millisecond)
	if _, err := server.ReadFrom(bytes.NewReader([]byte("pong"))); err != nil {
		t.Fatalf("ReadFrom after a clear: %v", err)
	}
}

// A deadline in the past stops a write that is blocked now, as with a
// plain connection (the way a handler cancels a stuck response).
func TestCoarseWriteDeadlineInThePastCancels(t *testing.T) {
	server, client := tcpPair(t, time.Hour)
	shrinkBuffers(t, server, client)
	if err := server.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := fillUntilBlocked(server); errc <- err }()
	time.Sleep(100 * time.Millisecond) // let the write block
	if err := server.SetWriteDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("write error %v, want a deadline error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a deadline in the past did not stop the blocked write")
	}
}

// SetDeadline sets both deadlines, each with its slack.
func TestCoarseSetDeadlineSetsBoth(t *testing.T) {
	server, _ := tcpPair(t, 100*time.Millisecond)
	deadline := time.Now().Add(50 * time.Millisecond)
	if err := server.SetDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	_, err := server.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read error %v, want a deadline error", err)
	}
	if time.Now().Before(deadline) {
		t.Error("read timed out before its deadline")
	}
	if !server.armed.Equal(deadline.Add(100 * time.Millisecond)) {
		t.Errorf("write deadline armed %s after the deadline, want the slack", server.armed.Sub(deadline))
	}
}

func TestCoarseWriteDeadlinesWrapsOnlyTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if coarseDeadlines(ln, 0, 0) != ln {
		t.Error("no slack must leave the listener as it is")
	}
	dir := t.TempDir()
	uln, err := net.Listen("unix", dir+"/s")
	if err != nil {
		t.Skip("no unix sockets:", err)
	}
	defer uln.Close()
	go func() {
		if c, err := net.Dial("unix", dir+"/s"); err == nil {
			defer c.Close()
			time.Sleep(100 * time.Millisecond)
		}
	}()
	c, err := coarseDeadlines(uln, time.Second, time.Second).Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*coarseConn); ok {
		t.Error("a unix connection was wrapped")
	}
}

// readResult is what a read started in the background returned, and when.
type readResult struct {
	n   int
	err error
	at  time.Time
}

func readInBackground(c net.Conn) <-chan readResult {
	done := make(chan readResult, 1)
	go func() {
		n, err := c.Read(make([]byte, 64))
		done <- readResult{n, err, time.Now()}
	}()
	return done
}

func waitRead(t *testing.T, done <-chan readResult, what string) readResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: the read is still blocked after 10s", what)
		return readResult{}
	}
}

// A read blocked under a read deadline (a slow client's headers or body)
// times out no earlier than the deadline and at most slack after it.
func TestCoarseReadDeadlineFiresWithinSlack(t *testing.T) {
	const slack = 200 * time.Millisecond
	server, _ := tcpPair(t, slack)
	deadline := time.Now().Add(300 * time.Millisecond)
	if err := server.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	r := waitRead(t, readInBackground(server), "read under a deadline")
	if !errors.Is(r.err, os.ErrDeadlineExceeded) {
		t.Fatalf("read error %v, want a deadline error", r.err)
	}
	if r.at.Before(deadline) {
		t.Errorf("read timed out %s before its deadline", deadline.Sub(r.at))
	}
	if late := r.at.Sub(deadline); late > slack+time.Second {
		t.Errorf("read timed out %s after its deadline; slack is %s", late, slack)
	}
}

// A deadline asked for while a read is blocked applies to that read: an
// earlier one than the socket has, and one where there was none.
func TestCoarseReadDeadlineReachesABlockedRead(t *testing.T) {
	const slack = 50 * time.Millisecond
	server, _ := tcpPair(t, slack)
	for _, initial := range []time.Time{{}, time.Now().Add(time.Hour)} {
		if err := server.SetReadDeadline(initial); err != nil {
			t.Fatal(err)
		}
		done := readInBackground(server)
		time.Sleep(50 * time.Millisecond) // let the read block
		deadline := time.Now().Add(100 * time.Millisecond)
		if err := server.SetReadDeadline(deadline); err != nil {
			t.Fatal(err)
		}
		r := waitRead(t, done, "blocked read")
		if !errors.Is(r.err, os.ErrDeadlineExceeded) {
			t.Fatalf("read error %v, want a deadline error", r.err)
		}
		if r.at.Before(deadline) {
			t.Errorf("read timed out %s before its deadline", deadline.Sub(r.at))
		}
	}
}

// A deadline in the past stops a blocked read at once, however large the
// slack, with the timeout error net/http's abortPendingRead expects; a read
// started under it fails at once too, and after a clear reads read again.
func TestCoarseReadDeadlineInThePastAppliesAtOnce(t *testing.T) {
	server, client := tcpPair(t, time.Hour)
	if err := server.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	done := readInBackground(server)
	time.Sleep(50 * time.Millisecond) // let the read block
	asked := time.Now()
	if err := server.SetReadDeadline(time.Unix(1, 0)); err != nil { // net/http's aLongTimeAgo
		t.Fatal(err)
	}
	r := waitRead(t, done, "a deadline in the past")
	var ne net.Error
	if !errors.As(r.err, &ne) || !ne.Timeout() || !errors.Is(r.err, os.ErrDeadlineExceeded) {
		t.Fatalf("read error %v, want a net.Error that timed out", r.err)
	}
	if took := r.at.Sub(asked); took > 5*time.Second {
		t.Errorf("the blocked read stopped %s after a deadline in the past", took)
	}

	if _, err := client.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // data waiting: only the deadline can fail the read
	n, err := server.Read(make([]byte, 8))
	if !errors.As(err, &ne) || !ne.Timeout() || n != 0 {
		t.Fatalf("read under a passed deadline = %d, %v; want a timeout", n, err)
	}
	if err := server.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n, err := server.Read(make([]byte, 8)); err != nil || n != 1 {
		t.Fatalf("read after a clear = %d, %v", n, err)
	}
}

// After a clear, reads run without a deadline: the deadline left on the
// socket may fire, and the read goes on.
func TestCoarseReadDeadlineClearHoldsForReads(t *testing.T) {
	server, client := tcpPair(t, 10*time.Millisecond)
	if _, err := client.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := server.SetReadDeadline(time.Now().Add(30 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(server, make([]byte, 1)); err != nil { // arms the socket
		t.Fatal(err)
	}
	if server.rArmed.IsZero() {
		t.Fatal("the read did not arm the socket's read deadline")
	}
	if err := server.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	done := readInBackground(server)
	time.Sleep(200 * time.Millisecond) // well past the armed deadline
	if _, err := client.Write([]byte("b")); err != nil {
		t.Fatal(err)
	}
	if r := waitRead(t, done, "read after a clear"); r.err != nil || r.n != 1 {
		t.Fatalf("read after a clear = %d, %v", r.n, r.err)
	}
	if !server.rArmed.IsZero() {
		t.Error("the fired deadline is still on the socket")
	}
}

// Read deadlines asked for with no read in progress reach the socket only
// when a read starts, and not when the armed one fires within slack after.
func TestCoarseReadDeadlineIsLazyAndCoalesces(t *testing.T) {
	const slack = time.Second
	server, client := tcpPair(t, slack)
	if _, err := client.Write([]byte("abcdef")); err != nil {
		t.Fatal(err)
	}
	read := func() {
		t.Helper()
		if _, err := io.ReadFull(server, make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
	}
	set := func(d time.Time) {
		t.Helper()
		if err := server.SetReadDeadline(d); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Now().Add(time.Minute)
	set(base)
	if !server.rArmed.IsZero() {
		t.Fatal("a deadline reached the socket with no read in progress")
	}
	read()
	if !server.rArmed.Equal(base.Add(slack)) {
		t.Fatalf("armed %s, want the deadline plus slack", server.rArmed.Sub(base))
	}
	for _, d := range []time.Time{base.Add(slack / 2), {}, base.Add(slack)} {
		set(d)
		read()
		if !server.rArmed.Equal(base.Add(slack)) {
			t.Errorf("deadline %v re-armed the socket (%s)", d, server.rArmed.Sub(base))
		}
	}
	set(base.Add(2 * slack))
	read()
	if !server.rArmed.Equal(base.Add(3 * slack)) {
		t.Errorf("a deadline beyond slack armed %s, want %s", server.rArmed.Sub(base), 3*slack)
	}
	set(base)
	read()
	if !server.rArmed.Equal(base.Add(slack)) {
		t.Errorf("an earlier deadline armed %s, want %s", server.rArmed.Sub(base), slack)
	}
	// A passed deadline with no read waiting fails the next read by
	// itself: the socket keeps its deadline (net/http's abortPendingRead
	// when the background read has not started yet).
	set(time.Unix(1, 0))
	if _, err := server.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read under a passed deadline: %v", err)
	}
	if !server.rArmed.Equal(base.Add(slack)) || server.rPast {
		t.Errorf("a passed deadline with no read waiting reached the socket (%s)", server.rArmed)
	}
}
