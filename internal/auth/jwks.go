package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"
)

// JWKS is an OIDC issuer's signing key set (RFC 7517).
//
// One goroutine, Run, does every fetch: at start, every refresh interval,
// early when a token names a key id the set lacks (the issuer rotated), and,
// after a failure, again after an exponential backoff with jitter, capped.
// No two fetches are ever closer than the minimum refresh gap, in any state,
// "never loaded" included. Requests never fetch and never wait: while no set
// is loaded they fail at once with keys_unavailable, and an unknown key id
// fails at once with unknown_key while it asks Run for an early refetch.
// So an issuer that is down, slow or hung costs one fetch at a time however
// many requests arrive, and a client that disconnects cancels nothing: the
// fetch runs on Run's context. The last good set stays through failures.
type JWKS struct {
	url  string
	opts JWKSOptions
	keys atomic.Pointer[keySet]
	// wake carries requests' asks for an early refetch to Run; a full
	// channel means one is already pending.
	wake chan struct{}
}

// JWKSOptions tune a JWKS; zero values take the defaults.
type JWKSOptions struct {
	// Client fetches the set. It should carry a timeout; nil means a client
	// with a 10s timeout.
	Client *http.Client
	// RefreshInterval is the time between scheduled fetches of a loaded
	// set (authInfo.oidc.jwksRefreshInterval); default 15m.
	RefreshInterval time.Duration
	// MinRefreshGap is the least time between the end of a fetch and the
	// start of the next, whatever asks for it; default 10s. It is also the
	// first backoff after a failure.
	MinRefreshGap time.Duration
	// MaxBackoff caps the backoff after repeated failures (before up to
	// half again of jitter); default 5m.
	MaxBackoff time.Duration
	// Logger receives failed fetches and recoveries; nil discards them.
	Logger *slog.Logger
}

// JWKS defaults.
const (
	DefaultJWKSRefreshInterval = 15 * time.Minute
	DefaultJWKSMinRefreshGap   = 10 * time.Second
	DefaultJWKSMaxBackoff      = 5 * time.Minute
)

type keySet struct {
	byID map[string]*publicKey
	only *publicKey // the single key, for tokens without kid
}

type publicKey struct {
	alg string // the JWK's "alg", or "" when it does not say
	key any    // *rsa.PublicKey or *ecdsa.PublicKey (P-256)
}

// MaxJWKSBytes bounds the key set document.
const MaxJWKSBytes = 1 << 20

// MinRSABits is the smallest RSA key accepted from a key set (NIST SP 800-131A).
const MinRSABits = 2048

// NewJWKS returns an empty key set for url; Run loads and refreshes it.
func NewJWKS(url string, opts JWKSOptions) *JWKS {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.RefreshInterval <= 0 {
		opts.RefreshInterval = DefaultJWKSRefreshInterval
	}
	if opts.MinRefreshGap <= 0 {
		opts.MinRefreshGap = DefaultJWKSMinRefreshGap
	}
	if opts.MaxBackoff < opts.MinRefreshGap {
		opts.MaxBackoff = max(DefaultJWKSMaxBackoff, opts.MinRefreshGap)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &JWKS{url: url, opts: opts, wake: make(chan struct{}, 1)}
}

// Loaded reports whether a key set has been fetched.
func (j *JWKS) Loaded() bool { return j.keys.Load() != nil }

// Run fetches the key set at once, then keeps it fresh until ctx is done.
// It must run (once) for the set to load.
func (j *JWKS) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var (
		failures int
		last     time.Time // end of the last fetch
		next     time.Time // when the timer fires
		loadedAt time.Time // end of the last successful fetch
	)
	for {
		select {
		case <-ctx.Done():
			return
		case <-j.wake:
			// Early refetch for an unknown key id. After a failure the
			// backoff already is the earliest time; otherwise not before
			// the gap.
			early := last.Add(j.opts.MinRefreshGap)
			if failures > 0 || !early.Before(next) {
				continue
			}
			next = early
			timer.Reset(time.Until(next))
			continue
		case <-timer.C:
		}

		err := j.fetch(ctx)
		last = time.Now()
		if ctx.Err() != nil {
			return
		}
		wait := j.opts.RefreshInterval
		if err != nil {
			failures++
			wait = j.backoff(failures)
			j.opts.Logger.LogAttrs(ctx, slog.LevelError, "cannot refresh the OIDC key set",
				slog.String("error", err.Error()), slog.Int("failures", failures), slog.String("retry_in", wait.Round(time.Millisecond).String()))
		} else {
			if failures > 0 || loadedAt.IsZero() { // first load, or recovery
				j.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "OIDC key set loaded", slog.Int("after_failures", failures))
			}
			failures, loadedAt = 0, last
		}
		// Asks that arrived during the fetch are answered by it; an id
		// still unknown asks again.
		select {
		case <-j.wake:
		default:
		}
		next = last.Add(wait)
		timer.Reset(wait)
	}
}

// backoff is the wait after the n-th failure in a row: the gap doubled
// n-1 times, capped, plus up to half of it again as jitter so that many
// replicas do not fetch in step.
func (j *JWKS) backoff(n int) time.Duration {
	d := j.opts.MaxBackoff
	if shift := n - 1; shift < 30 && j.opts.MinRefreshGap<<shift < d {
		d = j.opts.MinRefreshGap << shift
	}
	return d + rand.N(d/2+1) //nolint:gosec // jitter, not a secret
}

func (j *JWKS) requestRefresh() {
	select {
	case j.wake <- struct{}{}:
	default: // one is pending already
	}
}

func (j *JWKS) fetch(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return fmt.Errorf("jwks: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := j.opts.Client.Do(req)
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

// jwk holds the members of a JSON Web Key that matter for RS256 and ES256
// verification (RFC 7517 section 4, RFC 7518 section 6).
type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
	D   string `json:"d"` // a private key: never used, the key is skipped
}

// parseKeySet keeps the public signing keys of the document and skips keys
// it cannot use (encryption keys, private keys, other key types and curves,
// RSA keys under MinRSABits), as OIDC clients must.
func parseKeySet(body []byte) (*keySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("not a JWK set: %w", err)
	}
	set := &keySet{byID: make(map[string]*publicKey, len(doc.Keys))}
	var usable []*publicKey
	for _, raw := range doc.Keys {
		var k jwk
		if err := json.Unmarshal(raw, &k); err != nil {
			continue
		}
		pub, err := k.publicKey()
		if err != nil {
			continue
		}
		usable = append(usable, pub)
		if k.Kid != "" {
			set.byID[k.Kid] = pub
		}
	}
	if len(usable) == 0 {
		return nil, errors.New("no usable RSA or EC P-256 signing key in the set")
	}
	if len(usable) == 1 {
		set.only = usable[0]
	}
	return set, nil
}

func (k *jwk) publicKey() (*publicKey, error) {
	if (k.Use != "" && k.Use != "sig") || k.D != "" {
		return nil, errors.New("not a public signing key")
	}
	switch k.Kty {
	case "RSA":
		n, err := b64int(k.N)
		if err != nil {
			return nil, err
		}
		e, err := b64int(k.E)
		if err != nil {
			return nil, err
		}
		if n.BitLen() < MinRSABits || !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
			return nil, errors.New("unacceptable RSA key")
		}
		return &publicKey{alg: k.Alg, key: &rsa.PublicKey{N: n, E: int(e.Int64())}}, nil
	case "EC":
		if k.Crv != "P-256" {
			return nil, errors.New("unsupported curve")
		}
		x, errX := base64.RawURLEncoding.DecodeString(k.X)
		y, errY := base64.RawURLEncoding.DecodeString(k.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return nil, errors.New("malformed P-256 coordinates")
		}
		point := append(append([]byte{4}, x...), y...)
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point) // checks the point is on the curve
		if err != nil {
			return nil, err
		}
		return &publicKey{alg: k.Alg, key: pub}, nil
	default:
		return nil, errors.New("unsupported key type")
	}
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("malformed base64url integer")
	}
	return new(big.Int).SetBytes(b), nil
}

// Key returns the public key for kid that may verify alg. It never fetches:
// an unknown kid asks Run for an early refetch and fails at once.
func (j *JWKS) Key(kid, alg string) (any, error) {
	set := j.keys.Load()
	if set == nil {
		j.requestRefresh()
		return nil, fail(ReasonKeysUnavailable, "the issuer's signing keys are unavailable")
	}
	k := set.only
	if kid != "" {
		k = set.byID[kid]
	}
	if k == nil {
		j.requestRefresh()
		return nil, fail(ReasonUnknownKey, "token is signed with an unknown key")
	}
	if k.alg != "" && k.alg != alg {
		return nil, fail(ReasonUnsupportedAlg, "token algorithm does not match its key")
	}
	switch pub := k.key.(type) {
	case *rsa.PublicKey:
		if alg == "RS256" {
			return pub, nil
		}
	case *ecdsa.PublicKey:
		if alg == "ES256" {
			return pub, nil
		}
	}
	return nil, fail(ReasonUnsupportedAlg, "token algorithm does not match its key")
}
