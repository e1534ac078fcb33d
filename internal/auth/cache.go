package auth

import (
	"bytes"
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
//   - a hit re-checks exp, nbf and iat (with the leeway) against the clock;
//   - an HS256 entry holds its own copy of the key bytes that verified it
//     and is valid only while those bytes are the current key, or the
//     previous key within its grace period: a rotated DEVOPS_SECRET (a new
//     slice or the same one rewritten in place) invalidates it at once, and
//     a key source that returns a fresh copy each time still hits;
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
	notBefore time.Time // max(nbf, iat) - leeway
	expires   time.Time // min(exp + leeway, verified + maxAge)
	hmacKey   []byte    // a private copy of the HS256 key that verified it; nil for OIDC
}

func newVerifiedCache(max int, maxAge time.Duration) *verifiedCache {
	return &verifiedCache{entries: make(map[[sha256.Size]byte]cacheEntry), max: max, maxAge: maxAge}
}

// get returns the cached principal for the token digest, with SigningKey
// saying which of the HS256 keys (current, previous) the entry's key is now.
func (c *verifiedCache) get(sum *[sha256.Size]byte, now time.Time, current, previous []byte) (Principal, bool) {
	c.mu.RLock()
	e, ok := c.entries[*sum]
	c.mu.RUnlock()
	if !ok || now.Before(e.notBefore) || !now.Before(e.expires) {
		return Principal{}, false
	}
	if e.hmacKey != nil {
		switch {
		case len(current) > 0 && bytes.Equal(e.hmacKey, current):
			e.principal.SigningKey = SigningKeyCurrent
		case len(previous) > 0 && bytes.Equal(e.hmacKey, previous):
			e.principal.SigningKey = SigningKeyPrevious
		default:
			return Principal{}, false
		}
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

// keyCopies hands out private copies of HS256 keys for cache entries,
// sharing one copy per distinct key so entries do not each hold their own.
type keyCopies struct {
	mu    sync.Mutex
	known [][]byte // the copies in use: current and previous, at most a few
}

func (k *keyCopies) copyOf(key []byte) []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range k.known {
		if bytes.Equal(c, key) {
			return c
		}
	}
	c := bytes.Clone(key)
	// Keep the two most recent keys: the current and the previous one.
	if len(k.known) >= 2 {
		k.known = k.known[1:]
	}
	k.known = append(k.known, c)
	return c
}
