package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// verifiedCache remembers tokens that verified, so a client that sends the
// same token on every request (the normal case) pays for signature and JSON
// decoding once. Gateways such as Envoy's jwt_authn do the same.
//
// Safety:
//   - entries are keyed by the token's SHA-256, and only successes are kept;
//   - a hit re-checks exp and nbf (with the leeway) against the clock;
//   - an HS256 entry is valid only while the signing key is the one that
//     verified it, so a rotated DEVOPS_SECRET invalidates it at once;
//   - no entry outlives maxAge, so a key removed from an issuer's JWKS stops
//     verifying within maxAge.
type verifiedCache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]cacheEntry
	max     int
	maxAge  time.Duration
}

type cacheEntry struct {
	principal Principal
	notBefore time.Time // nbf - leeway
	expires   time.Time // min(exp + leeway, verified + maxAge)
	hmacKey   *byte     // identity of the HS256 key that verified it; nil for OIDC
}

func newVerifiedCache(max int, maxAge time.Duration) *verifiedCache {
	return &verifiedCache{entries: make(map[[sha256.Size]byte]cacheEntry), max: max, maxAge: maxAge}
}

func (c *verifiedCache) get(sum *[sha256.Size]byte, now time.Time, currentKey []byte) (Principal, bool) {
	c.mu.RLock()
	e, ok := c.entries[*sum]
	c.mu.RUnlock()
	if !ok || now.Before(e.notBefore) || !now.Before(e.expires) {
		return Principal{}, false
	}
	if e.hmacKey != nil && (len(currentKey) == 0 || e.hmacKey != &currentKey[0]) {
		return Principal{}, false
	}
	return e.principal, true
}

func (c *verifiedCache) put(sum *[sha256.Size]byte, e cacheEntry, now time.Time) {
	if limit := now.Add(c.maxAge); e.expires.After(limit) {
		e.expires = limit
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		// Valid tokens are costly to come by, so a full cache means many
		// real clients: start over rather than track recency on every hit.
		clear(c.entries)
	}
	c.entries[*sum] = e
}
