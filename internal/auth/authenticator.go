package auth

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// KeySource yields the HS256 keys at now: the current key, and the previous
// one while its grace period after a rotation lasts (nil otherwise).
// *secret.Source implements it. Callers do not modify the slices.
type KeySource interface {
	Keys(now time.Time) (current, previous []byte)
}

// Options configure an Authenticator. At least one of HMAC and JWKS is set.
type Options struct {
	// HMAC enables HS256 tokens signed with the shared secret.
	HMAC KeySource
	// HMACIssuer is the iss claim HS256 tokens must carry
	// (authInfo.tokenIssuer); default MintIssuer.
	HMACIssuer string
	// JWKS enables RS256/ES256 tokens from an OIDC issuer; Issuer and
	// Audience must then be set and are enforced on those tokens.
	JWKS     *JWKS
	Issuer   string
	Audience string
	// GroupsClaim names the claim holding the groups ("groups", "cognito:groups").
	GroupsClaim string
	// Leeway tolerates clock skew on exp, nbf and iat.
	Leeway time.Duration
	Roles  RoleMapper
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Authenticator verifies "Authorization: Bearer <JWT>" headers.
type Authenticator struct {
	opts    Options
	methods []string // the enabled signing algorithms
	parser  *jwt.Parser
	cache   *verifiedCache
	keys    keyCopies
}

// Verified-token cache bounds; see verifiedCache.
const (
	cacheEntries = 10000
	cacheMaxAge  = time.Minute
)

// MaxTokenBytes bounds the token accepted before any parsing.
const MaxTokenBytes = 8 << 10

// NewAuthenticator validates the options and builds an Authenticator.
func NewAuthenticator(opts Options) (*Authenticator, error) {
	if opts.HMAC == nil && opts.JWKS == nil {
		return nil, errors.New("auth: neither a shared secret nor an OIDC key set is configured")
	}
	if opts.JWKS != nil && (opts.Issuer == "" || opts.Audience == "") {
		return nil, errors.New("auth: OIDC needs an issuer and an audience")
	}
	if opts.GroupsClaim == "" {
		opts.GroupsClaim = DefaultGroupsClaim
	}
	if opts.HMACIssuer == "" {
		opts.HMACIssuer = MintIssuer
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var methods []string
	if opts.HMAC != nil {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if opts.JWKS != nil {
		methods = append(methods, jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg())
	}
	parser := jwt.NewParser(
		// A second guard beside key(): the parser itself refuses any other alg.
		jwt.WithValidMethods(methods),
		jwt.WithLeeway(opts.Leeway),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(opts.Now),
	)
	return &Authenticator{opts: opts, methods: methods, parser: parser, cache: newVerifiedCache(cacheEntries, cacheMaxAge)}, nil
}

// DefaultGroupsClaim is the claim that carries groups unless configured otherwise.
const DefaultGroupsClaim = "groups"

// Authenticate verifies the value of an Authorization header and returns the
// caller. Failures are *Error values with a Reason.
func (a *Authenticator) Authenticate(ctx context.Context, authorization string) (Principal, error) {
	raw, err := bearerToken(authorization)
	if err != nil {
		return Principal{}, err
	}
	now := a.opts.Now()
	var current, previous []byte
	if a.opts.HMAC != nil {
		current, previous = a.opts.HMAC.Keys(now)
	}
	sum := tokenDigest(raw)
	if p, ok := a.cache.get(&sum, now, current, previous); ok {
		return p, nil
	}

	claims := &tokenClaims{groupsClaim: a.opts.GroupsClaim}
	hmacKey, signingKey := current, SigningKeyCurrent
	token, err := a.parser.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		return a.key(t, hmacKey)
	})
	if err != nil && len(previous) > 0 && token != nil && token.Method == jwt.SigningMethodHS256 && errors.Is(err, jwt.ErrTokenSignatureInvalid) {
		// Within the grace period after a rotation, the previous secret
		// still verifies the tokens it signed.
		claims = &tokenClaims{groupsClaim: a.opts.GroupsClaim}
		hmacKey, signingKey = previous, SigningKeyPrevious
		token, err = a.parser.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
			return a.key(t, hmacKey)
		})
	}
	if err != nil {
		return Principal{}, a.classify(token, err)
	}
	if claims.Subject == "" {
		return Principal{}, fail(ReasonInvalidClaims, "token has no subject (sub)")
	}
	entry := cacheEntry{expires: claims.ExpiresAt.Add(a.opts.Leeway)}
	if claims.NotBefore != nil {
		entry.notBefore = claims.NotBefore.Time
	}
	if claims.IssuedAt != nil && claims.IssuedAt.After(entry.notBefore) {
		entry.notBefore = claims.IssuedAt.Time
	}
	if !entry.notBefore.IsZero() {
		entry.notBefore = entry.notBefore.Add(-a.opts.Leeway)
	}
	if token.Method == jwt.SigningMethodHS256 {
		if claims.Issuer != a.opts.HMACIssuer {
			return Principal{}, fail(ReasonInvalidClaims, "token issuer is not trusted")
		}
		entry.hmacKey = a.keys.copyOf(hmacKey)
		entry.principal.SigningKey = signingKey
	} else {
		if claims.Issuer != a.opts.Issuer {
			return Principal{}, fail(ReasonInvalidClaims, "token issuer is not trusted")
		}
		if !slices.Contains(claims.Audience, a.opts.Audience) {
			return Principal{}, fail(ReasonInvalidClaims, "token audience does not include this service")
		}
	}
	entry.principal.Subject = claims.Subject
	entry.principal.Groups = claims.groups
	entry.principal.Roles = a.opts.Roles.Roles(claims.groups)
	a.cache.put(&sum, entry, now)
	return entry.principal, nil
}

// tokenDigest is the SHA-256 of the token, the cache key. The bytes are
// copied to the stack for tokens up to 2 KiB (HS256 tokens are a few hundred
// bytes): []byte(raw) alone would allocate on every request.
func tokenDigest(raw string) [sha256.Size]byte {
	var buf [2 << 10]byte
	if len(raw) <= len(buf) {
		return sha256.Sum256(append(buf[:0], raw...))
	}
	return sha256.Sum256([]byte(raw))
}

// key picks the verification key for the token's algorithm. Each algorithm
// has exactly one key type, so a public key can never be used as an HMAC
// secret (algorithm confusion), and "none" is never accepted. The parser's
// WithValidMethods refuses every other algorithm before this runs.
func (a *Authenticator) key(t *jwt.Token, hmacKey []byte) (any, error) {
	switch t.Method {
	case jwt.SigningMethodHS256:
		if len(hmacKey) == 0 {
			return nil, fail(ReasonUnsupportedAlg, "HS256 tokens are not accepted here")
		}
		return hmacKey, nil
	case jwt.SigningMethodRS256, jwt.SigningMethodES256:
		if a.opts.JWKS == nil {
			return nil, fail(ReasonUnsupportedAlg, t.Method.Alg()+" tokens are not accepted here")
		}
		kid, _ := t.Header["kid"].(string)
		return a.opts.JWKS.Key(kid, t.Method.Alg())
	default:
		return nil, fail(ReasonUnsupportedAlg, unsupportedAlgMsg)
	}
}

const unsupportedAlgMsg = "signing algorithm is not accepted; use HS256, RS256 or ES256"

func bearerToken(header string) (string, error) {
	if header == "" {
		return "", fail(ReasonMissingToken, "no bearer token: send an Authorization: Bearer header")
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", fail(ReasonMalformed, "authorization scheme must be Bearer")
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > MaxTokenBytes {
		return "", fail(ReasonMalformed, "bearer token is empty or too long")
	}
	return token, nil
}

// classify turns a parser error into an *Error with its reason.
func (a *Authenticator) classify(token *jwt.Token, err error) error {
	var aerr *Error
	if errors.As(err, &aerr) {
		return aerr
	}
	if token != nil && token.Method != nil && !slices.Contains(a.methods, token.Method.Alg()) {
		// Refused by WithValidMethods before any key was chosen.
		if slices.Contains([]string{"HS256", "RS256", "ES256"}, token.Method.Alg()) {
			return fail(ReasonUnsupportedAlg, token.Method.Alg()+" tokens are not accepted here")
		}
		return fail(ReasonUnsupportedAlg, unsupportedAlgMsg)
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return fail(ReasonMalformed, "token is not a well-formed JWT")
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return fail(ReasonUnsupportedAlg, unsupportedAlgMsg)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return fail(ReasonBadSignature, "token signature is invalid")
	case errors.Is(err, jwt.ErrTokenExpired):
		return fail(ReasonExpired, "token has expired")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return fail(ReasonNotYetValid, "token is not valid yet")
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return fail(ReasonNotYetValid, "token is issued in the future (iat)")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return fail(ReasonInvalidClaims, "token has no expiry (exp)")
	default:
		return fail(ReasonInvalidClaims, "token claims are invalid")
	}
}

// tokenClaims are the registered claims plus the configured groups claim.
type tokenClaims struct {
	jwt.RegisteredClaims
	groups      []string
	groupsClaim string
}

func (c *tokenClaims) UnmarshalJSON(data []byte) error {
	if c.groupsClaim == DefaultGroupsClaim { // one pass for the common case
		var v struct {
			jwt.RegisteredClaims
			Groups groupList `json:"groups"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		c.RegisteredClaims, c.groups = v.RegisteredClaims, v.Groups
		return nil
	}
	if err := json.Unmarshal(data, &c.RegisteredClaims); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	if raw, ok := all[c.groupsClaim]; ok {
		var g groupList
		if err := json.Unmarshal(raw, &g); err != nil {
			return err
		}
		c.groups = g
	}
	return nil
}

// groupList accepts a JSON array of strings or a single string.
type groupList []string

func (g *groupList) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*g = groupList{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return errors.New("groups claim must be a string or an array of strings")
	}
	*g = list
	return nil
}
