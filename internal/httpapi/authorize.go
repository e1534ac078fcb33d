package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
)

// authorize authenticates the bearer token and checks the route's role. On
// failure it has written a 401 or 403 and counted the reason.
func (a *API) authorize(ex *exchange, r *http.Request) bool {
	p, err := a.opts.Auth.Authenticate(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		var aerr *auth.Error
		if !errors.As(err, &aerr) {
			aerr = &auth.Error{Reason: auth.ReasonInvalidClaims, Msg: "token rejected"}
		}
		a.countAuthFailure(aerr.Reason)
		h := ex.Header()
		if aerr.Reason == auth.ReasonMissingToken {
			h["Www-Authenticate"] = hdrBearer
		} else {
			// RFC 6750 section 3: tell the client its token is the problem.
			h["Www-Authenticate"] = []string{invalidTokenChallenge(aerr.Msg)}
		}
		ex.fail(http.StatusUnauthorized, aerr.Msg)
		return false
	}
	ex.principal = p
	if p.SigningKey != auth.SigningKeyNone {
		a.opts.AuthMetrics.HS256Verified(p.SigningKey == auth.SigningKeyPrevious)
	}
	var ok bool
	switch ex.route.access {
	case anyRole:
		ok = p.Roles != 0
	case userRole:
		ok = p.Roles.Has(auth.RoleUser)
	case analystRole:
		ok = p.Roles.Has(auth.RoleAnalyst)
	}
	if !ok {
		a.countAuthFailure(auth.ReasonForbidden)
		ex.Header()["Www-Authenticate"] = hdrForbidden
		ex.fail(http.StatusForbidden, forbiddenMessage(ex.route.access))
		return false
	}
	return true
}

func (a *API) countAuthFailure(r auth.Reason) {
	a.opts.AuthMetrics.Inc(int(r))
	a.traffic.AuthFailure(int(r))
}

func forbiddenMessage(acc access) string {
	switch acc {
	case userRole:
		return "this route needs the user role (a group in authInfo.userGroups)"
	case analystRole:
		return "this route needs the analyst role (a group in authInfo.analystGroups)"
	default:
		return "your groups grant no role in this service"
	}
}

// invalidTokenChallenge is the WWW-Authenticate value for a rejected token,
// with description as the error_description quoted-string. RFC 6750 section
// 3 allows only %x20-21 / %x23-5B / %x5D-7E there, so a double quote or a
// backslash (which would end or escape the string) and any control or
// non-ASCII byte (which could split the header) are replaced, not passed on.
func invalidTokenChallenge(description string) string {
	var b strings.Builder
	b.Grow(len(challengePrefix) + len(description) + 1)
	b.WriteString(challengePrefix)
	for i := 0; i < len(description); i++ {
		switch c := description[i]; {
		case c == '"':
			b.WriteByte('\'')
		case c == '\\':
			b.WriteByte('/')
		case c < 0x20 || c > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

const challengePrefix = `Bearer realm="org-app", error="invalid_token", error_description="`
