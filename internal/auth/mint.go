package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MaxMintTTL bounds the lifetime of minted tokens: they are for local use,
// demos and the canary, never long-lived credentials.
const MaxMintTTL = 24 * time.Hour

// MintIssuer is the default iss claim of tokens minted by org-app and the
// canary, and the default issuer HS256 tokens must carry.
const MintIssuer = "org-app"

// MintOptions describe a token to mint.
type MintOptions struct {
	Subject     string
	Issuer      string // default MintIssuer (authInfo.tokenIssuer)
	Groups      []string
	TTL         time.Duration
	GroupsClaim string    // default "groups"
	Now         time.Time // default time.Now()
}

// Mint signs an HS256 token with key, the same key org-app verifies with.
func Mint(key []byte, o MintOptions) (string, error) {
	if o.Subject == "" {
		return "", errors.New("subject must not be empty")
	}
	if o.TTL <= 0 || o.TTL > MaxMintTTL {
		return "", fmt.Errorf("ttl must be between 1s and %s, got %s", MaxMintTTL, o.TTL)
	}
	if len(key) == 0 {
		return "", errors.New("signing key is empty")
	}
	if o.GroupsClaim == "" {
		o.GroupsClaim = DefaultGroupsClaim
	}
	if o.Issuer == "" {
		o.Issuer = MintIssuer
	}
	if IsRegisteredClaim(o.GroupsClaim) {
		return "", fmt.Errorf("groups claim %q would overwrite a registered claim", o.GroupsClaim)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("token id: %w", err)
	}
	groups := o.Groups
	if groups == nil {
		groups = []string{}
	}
	now := o.Now.Truncate(time.Second)
	claims := jwt.MapClaims{
		"iss":         o.Issuer,
		"sub":         o.Subject,
		"iat":         now.Unix(),
		"nbf":         now.Unix(),
		"exp":         now.Add(o.TTL).Unix(),
		"jti":         hex.EncodeToString(id[:]),
		o.GroupsClaim: groups,
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return signed, nil
}

// registeredClaims are the claims org-app sets or checks itself (RFC 7519
// section 4.1), so none of them can carry groups.
var registeredClaims = [...]string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// RegisteredClaims lists the registered claim names, in RFC 7519 order.
func RegisteredClaims() []string { return slices.Clone(registeredClaims[:]) }

// IsRegisteredClaim reports whether name is a claim org-app sets or checks
// itself, and so cannot carry groups.
func IsRegisteredClaim(name string) bool { return slices.Contains(registeredClaims[:], name) }
