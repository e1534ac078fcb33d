// Package auth verifies bearer tokens (HS256 with the shared DEVOPS_SECRET,
// or RS256/ES256 from an OIDC issuer's JWKS), maps the token's groups onto
// the user and analyst roles, and mints HS256 tokens for local use, demos
// and the canary.
package auth

import "slices"

// Role is a permission level granted through group membership.
type Role uint8

// The roles org-app knows. A principal may hold both.
const (
	RoleUser Role = 1 << iota
	RoleAnalyst
)

func (r Role) String() string {
	switch r {
	case RoleUser:
		return "user"
	case RoleAnalyst:
		return "analyst"
	default:
		return "unknown"
	}
}

// Roles is a set of roles.
type Roles uint8

// Has reports whether r includes role.
func (r Roles) Has(role Role) bool { return r&Roles(role) != 0 }

// Names lists the roles in a stable order, e.g. ["user", "analyst"].
func (r Roles) Names() []string {
	names := make([]string, 0, 2)
	for _, role := range []Role{RoleUser, RoleAnalyst} {
		if r.Has(role) {
			names = append(names, role.String())
		}
	}
	return names
}

// Principal is the authenticated caller.
type Principal struct {
	Subject string
	Groups  []string
	Roles   Roles
	// SigningKey says which HS256 key verified the token; SigningKeyNone
	// for OIDC tokens.
	SigningKey SigningKey
}

// SigningKey names the HS256 key that verified a token.
type SigningKey uint8

// The HS256 keys: during the grace period after a rotation of
// DEVOPS_SECRET_FILE both the current and the previous key verify.
const (
	SigningKeyNone SigningKey = iota
	SigningKeyCurrent
	SigningKeyPrevious
)

func (k SigningKey) String() string {
	switch k {
	case SigningKeyCurrent:
		return "current"
	case SigningKeyPrevious:
		return "previous"
	default:
		return "none"
	}
}

// RoleMapper grants roles from group names: user for any of the user groups,
// analyst for any of the analyst groups.
type RoleMapper struct {
	userGroups    []string
	analystGroups []string
}

// NewRoleMapper copies the group lists (authInfo.userGroups, authInfo.analystGroups).
func NewRoleMapper(userGroups, analystGroups []string) RoleMapper {
	return RoleMapper{userGroups: slices.Clone(userGroups), analystGroups: slices.Clone(analystGroups)}
}

// Roles returns the roles the groups grant. Group names match exactly.
func (m RoleMapper) Roles(groups []string) Roles {
	var r Roles
	for _, g := range groups {
		if slices.Contains(m.userGroups, g) {
			r |= Roles(RoleUser)
		}
		if slices.Contains(m.analystGroups, g) {
			r |= Roles(RoleAnalyst)
		}
	}
	return r
}
