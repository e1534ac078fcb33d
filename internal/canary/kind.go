package canary

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
)

// Kind says how a check failed. Every failure has exactly one kind, so a
// verdict, a metric label or an alarm can tell an outage (unreachable, dns)
// from a broken release (status, body) from a slow one (timeout).
type Kind string

// The kinds, in the order reports list them.
const (
	KindOK          Kind = "ok"          // the check passed
	KindUnreachable Kind = "unreachable" // no connection: refused, no route, reset while dialing
	KindDNS         Kind = "dns"         // the host name did not resolve
	KindTLS         Kind = "tls"         // handshake or certificate verification failed
	KindTimeout     Kind = "timeout"     // no complete answer within --timeout
	KindConnection  Kind = "connection"  // connected, then the connection broke (reset, EOF)
	KindStatus      Kind = "status"      // an answer with the wrong status code
	KindBody        Kind = "body"        // the right status with a wrong body
	KindToken       Kind = "token"       // the canary could not obtain a token to send
	KindOverloaded  Kind = "overloaded"  // not sent: waited longer than --timeout for a free worker
	KindOther       Kind = "other"       // anything else (a bug in the canary, a malformed URL)
)

// Kinds lists every failure kind (KindOK excluded) in report order.
var Kinds = []Kind{KindUnreachable, KindDNS, KindTLS, KindTimeout, KindConnection, KindStatus, KindBody, KindToken, KindOverloaded, KindOther}

// CheckError is a failed check: its kind and what happened.
type CheckError struct {
	Kind Kind
	Err  error
}

func (e *CheckError) Error() string { return string(e.Kind) + ": " + e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// KindOf returns the kind of err: KindOK for nil, the kind of a *CheckError,
// otherwise Classify(err).
func KindOf(err error) Kind {
	if err == nil {
		return KindOK
	}
	var ce *CheckError
	if errors.As(err, &ce) {
		return ce.Kind
	}
	return Classify(err)
}

// Classify maps an error from an HTTP round trip onto a kind. The order
// matters: a failed lookup and a failed handshake are both wrapped in a
// *net.OpError, and a dial that times out is both a dial and a timeout.
func Classify(err error) Kind {
	var (
		dnsErr    *net.DNSError
		verifyErr *tls.CertificateVerificationError
		headerErr tls.RecordHeaderError
		alertErr  tls.AlertError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		opErr     *net.OpError
		netErr    net.Error
	)
	switch {
	case err == nil:
		return KindOK
	case errors.As(err, &dnsErr):
		return KindDNS
	case errors.As(err, &verifyErr), errors.As(err, &headerErr), errors.As(err, &alertErr),
		errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid),
		errors.Is(err, http.ErrSchemeMismatch): // net/http's name for a plain HTTP answer to a handshake
		return KindTLS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	case errors.As(err, &opErr) && opErr.Op == "remote error": // a TLS alert from the server
		return KindTLS
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return KindUnreachable
	case errors.As(err, &opErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return KindConnection
	}
	return KindOther
}
