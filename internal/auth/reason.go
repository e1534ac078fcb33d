package auth

import (
	"fmt"
	"slices"
)

// Reason classifies why a request was not authenticated or not authorized.
// Reasons label the auth_failures_total metric and the traffic report, so
// the set is fixed and small.
type Reason uint8

// Failure reasons. ReasonCount is the number of reasons.
const (
	ReasonMissingToken    Reason = iota // no Authorization header
	ReasonMalformed                     // not "Bearer <JWT>", or undecodable
	ReasonUnsupportedAlg                // alg none, unknown, or not enabled
	ReasonBadSignature                  // signature does not verify
	ReasonExpired                       // exp in the past (beyond leeway)
	ReasonNotYetValid                   // nbf in the future (beyond leeway)
	ReasonInvalidClaims                 // missing sub, wrong iss or aud
	ReasonUnknownKey                    // kid not in the issuer's key set
	ReasonKeysUnavailable               // the JWKS could not be fetched
	ReasonForbidden                     // authenticated, but lacks the role
	ReasonCount
)

var reasonNames = [ReasonCount]string{
	"missing_token", "malformed", "unsupported_algorithm", "bad_signature", "expired",
	"not_yet_valid", "invalid_claims", "unknown_key", "keys_unavailable", "forbidden",
}

// ReasonNames lists every reason's name, indexed by Reason: the label
// values of auth_failures_total and the keys of the traffic report.
func ReasonNames() []string { return slices.Clone(reasonNames[:]) }

func (r Reason) String() string {
	if r < ReasonCount {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Error is an authentication or authorization failure. Msg is safe to show
// to the client and to log: it never contains the token.
type Error struct {
	Reason Reason
	Msg    string
}

func (e *Error) Error() string { return e.Reason.String() + ": " + e.Msg }

func fail(r Reason, msg string) *Error { return &Error{Reason: r, Msg: msg} }
