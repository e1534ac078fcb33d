package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// JWKS is an OIDC issuer's signing key set, fetched over HTTPS, refreshed on
// a schedule and, rate-limited, when a token names a key it does not know
// (the issuer rotated its keys).
type JWKS struct {
	url    string
	client *http.Client
	// MinRefreshGap limits on-demand refreshes triggered by unknown key ids.
	minRefreshGap time.Duration

	keys        atomic.Pointer[keySet]
	mu          sync.Mutex // serialises fetches
	lastAttempt time.Time
}

type keySet struct {
	byID map[string]jose.JSONWebKey
	only *jose.JSONWebKey // the single key, for tokens without kid
}

// MaxJWKSBytes bounds the key set document.
const MaxJWKSBytes = 1 << 20

// NewJWKS returns an empty key set for url; call Refresh or Run to load it.
// client should carry a timeout; nil means a client with a 10s timeout.
func NewJWKS(url string, client *http.Client) *JWKS {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &JWKS{url: url, client: client, minRefreshGap: 30 * time.Second}
}

// Loaded reports whether a key set has been fetched.
func (j *JWKS) Loaded() bool { return j.keys.Load() != nil }

// Refresh fetches the key set now. On error the previous set stays.
func (j *JWKS) Refresh(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.fetchLocked(ctx)
}

func (j *JWKS) fetchLocked(ctx context.Context) error {
	j.lastAttempt = time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return fmt.Errorf("jwks: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return fmt.Errorf("jwks: fetch %s: %w", j.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("jwks: fetch %s: status %s", j.url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxJWKSBytes+1))
	if err != nil {
		return fmt.Errorf("jwks: read %s: %w", j.url, err)
	}
	if len(body) > MaxJWKSBytes {
		return fmt.Errorf("jwks: %s is larger than %d bytes", j.url, MaxJWKSBytes)
	}
	set, err := parseKeySet(body)
	if err != nil {
		return fmt.Errorf("jwks: %s: %w", j.url, err)
	}
	j.keys.Store(set)
	return nil
}

// parseKeySet keeps the public signing keys of the document and skips keys
// it cannot use (encryption keys, unknown key types), as OIDC clients must.
func parseKeySet(body []byte) (*keySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("not a JWK set: %w", err)
	}
	set := &keySet{byID: make(map[string]jose.JSONWebKey, len(doc.Keys))}
	var usable []jose.JSONWebKey
	for _, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || !k.Valid() || !k.IsPublic() {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
		default:
			continue
		}
		usable = append(usable, k)
		if k.KeyID != "" {
			set.byID[k.KeyID] = k
		}
	}
	if len(usable) == 0 {
		return nil, errors.New("no usable RSA or EC signing key in the set")
	}
	if len(usable) == 1 {
		set.only = &usable[0]
	}
	return set, nil
}

// Run refreshes the key set every interval until ctx is done, retrying a
// failed fetch sooner (every 5s) until one succeeds.
func (j *JWKS) Run(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	for {
		wait := interval
		if err := j.Refresh(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			logger.LogAttrs(ctx, slog.LevelError, "cannot refresh the OIDC key set", slog.String("error", err.Error()))
			wait = min(interval, 5*time.Second)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Key returns the public key for kid that may verify alg.
func (j *JWKS) Key(ctx context.Context, kid, alg string) (any, error) {
	k, ok := j.lookup(kid)
	if !ok {
		// Unknown key: the issuer may have rotated. Refetch, at most once per gap.
		j.mu.Lock()
		if time.Since(j.lastAttempt) >= j.minRefreshGap || j.keys.Load() == nil {
			_ = j.fetchLocked(ctx) // a failure leaves the old set; reported below
		}
		j.mu.Unlock()
		k, ok = j.lookup(kid)
	}
	if !ok {
		if j.keys.Load() == nil {
			return nil, fail(ReasonKeysUnavailable, "the issuer's signing keys are unavailable")
		}
		return nil, fail(ReasonUnknownKey, "token is signed with an unknown key")
	}
	if k.Algorithm != "" && k.Algorithm != alg {
		return nil, fail(ReasonUnsupportedAlg, "token algorithm does not match its key")
	}
	switch pub := k.Key.(type) {
	case *rsa.PublicKey:
		if alg == "RS256" {
			return pub, nil
		}
	case *ecdsa.PublicKey:
		if alg == "ES256" && pub.Curve == elliptic.P256() {
			return pub, nil
		}
	}
	return nil, fail(ReasonUnsupportedAlg, "token algorithm does not match its key")
}

func (j *JWKS) lookup(kid string) (jose.JSONWebKey, bool) {
	set := j.keys.Load()
	if set == nil {
		return jose.JSONWebKey{}, false
	}
	if kid == "" {
		if set.only != nil {
			return *set.only, true
		}
		return jose.JSONWebKey{}, false
	}
	k, ok := set.byID[kid]
	return k, ok
}
