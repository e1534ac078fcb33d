package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Test keys are generated per run; nothing here resembles a real secret.
var (
	testKey  = []byte("test-only-hs256-key-0123456789abcdef")
	otherKey = []byte("another-test-only-key-0123456789abcdef")
	testNow  = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
)

type staticKey []byte

func (k staticKey) Keys(time.Time) ([]byte, []byte) { return k, nil }

func newHMACAuth(t *testing.T, mutate ...func(*Options)) *Authenticator {
	t.Helper()
	opts := Options{
		HMAC:   staticKey(testKey),
		Leeway: 30 * time.Second,
		Roles:  NewRoleMapper([]string{"cp_users", "cp_dev_users"}, []string{"cp_analysts"}),
		Now:    func() time.Time { return testNow },
	}
	for _, m := range mutate {
		m(&opts)
	}
	a, err := NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mint(t testing.TB, key []byte, sub string, groups []string, ttl time.Duration, now time.Time) string {
	t.Helper()
	tok, err := Mint(key, MintOptions{Subject: sub, Groups: groups, TTL: ttl, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func sign(t testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantReason(t *testing.T, err error, want Reason) {
	t.Helper()
	var aerr *Error
	if !errors.As(err, &aerr) {
		t.Fatalf("error = %v, want *auth.Error with reason %s", err, want)
	}
	if aerr.Reason != want {
		t.Fatalf("reason = %s (%v), want %s", aerr.Reason, aerr, want)
	}
}

func TestHS256Tokens(t *testing.T) {
	a := newHMACAuth(t)
	ctx := context.Background()
	valid := mint(t, testKey, "alice", []string{"cp_users", "cp_analysts", "other"}, time.Hour, testNow)

	p, err := a.Authenticate(ctx, "Bearer "+valid)
	if err != nil {
		t.Fatalf("valid token refused: %v", err)
	}
	if p.Subject != "alice" || !p.Roles.Has(RoleUser) || !p.Roles.Has(RoleAnalyst) {
		t.Fatalf("principal = %+v, want alice with user and analyst", p)
	}
	if got := strings.Join(p.Roles.Names(), ","); got != "user,analyst" {
		t.Errorf("role names = %s", got)
	}
	if _, err := a.Authenticate(ctx, "bearer "+valid); err != nil {
		t.Errorf("scheme must be case-insensitive: %v", err)
	}

	tests := []struct {
		name   string
		header string
		want   Reason
	}{
		{"no header", "", ReasonMissingToken},
		{"basic scheme", "Basic YWxpY2U6cHc=", ReasonMalformed},
		{"bearer without token", "Bearer ", ReasonMalformed},
		{"not a JWT", "Bearer not.a.jwt", ReasonMalformed},
		{"oversized", "Bearer " + strings.Repeat("a", MaxTokenBytes+1), ReasonMalformed},
		{"expired", "Bearer " + mint(t, testKey, "alice", []string{"cp_users"}, time.Hour, testNow.Add(-2*time.Hour)), ReasonExpired},
		{"not yet valid", "Bearer " + mint(t, testKey, "alice", []string{"cp_users"}, time.Hour, testNow.Add(10*time.Minute)), ReasonNotYetValid},
		{"wrong key", "Bearer " + mint(t, otherKey, "alice", []string{"cp_users"}, time.Hour, testNow), ReasonBadSignature},
		{"tampered payload", "Bearer " + tamper(valid), ReasonBadSignature},
		{"alg none", "Bearer " + sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType,
			jwt.MapClaims{"sub": "mallory", "groups": []string{"cp_users"}, "exp": testNow.Add(time.Hour).Unix()}, nil), ReasonUnsupportedAlg},
		{"HS512 not enabled", "Bearer " + sign(t, jwt.SigningMethodHS512, testKey,
			jwt.MapClaims{"sub": "alice", "exp": testNow.Add(time.Hour).Unix()}, nil), ReasonUnsupportedAlg},
		{"no exp", "Bearer " + sign(t, jwt.SigningMethodHS256, testKey, jwt.MapClaims{"sub": "alice"}, nil), ReasonInvalidClaims},
		{"no sub", "Bearer " + sign(t, jwt.SigningMethodHS256, testKey, jwt.MapClaims{"exp": testNow.Add(time.Hour).Unix()}, nil), ReasonInvalidClaims},
		{"groups of wrong type", "Bearer " + sign(t, jwt.SigningMethodHS256, testKey,
			jwt.MapClaims{"sub": "a", "groups": []int{1}, "exp": testNow.Add(time.Hour).Unix()}, nil), ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Authenticate(ctx, tt.header)
			wantReason(t, err, tt.want)
			if tok := strings.TrimPrefix(tt.header, "Bearer "); len(tok) > 20 && strings.Contains(err.Error(), tok) {
				t.Errorf("error message contains the token")
			}
		})
	}
}

func TestLeewayToleratesSmallSkew(t *testing.T) {
	a := newHMACAuth(t)
	// Expired 10s ago, within the 30s leeway.
	tok := mint(t, testKey, "alice", []string{"cp_users"}, time.Minute, testNow.Add(-70*time.Second))
	if _, err := a.Authenticate(context.Background(), "Bearer "+tok); err != nil {
		t.Fatalf("token within leeway refused: %v", err)
	}
}

func TestRotatedSecretTakesEffect(t *testing.T) {
	var current atomic.Pointer[[]byte]
	k := testKey
	current.Store(&k)
	a := newHMACAuth(t, func(o *Options) { o.HMAC = keyFunc(func() []byte { return *current.Load() }) })
	tok := mint(t, otherKey, "alice", []string{"cp_users"}, time.Hour, testNow)
	if _, err := a.Authenticate(context.Background(), "Bearer "+tok); err == nil {
		t.Fatal("token signed with the next key accepted before rotation")
	}
	next := otherKey
	current.Store(&next)
	if _, err := a.Authenticate(context.Background(), "Bearer "+tok); err != nil {
		t.Fatalf("token refused after rotation: %v", err)
	}
}

type keyFunc func() []byte

func (f keyFunc) Keys(time.Time) ([]byte, []byte) { return f(), nil }

func TestGroupsClaimAndRoles(t *testing.T) {
	a := newHMACAuth(t, func(o *Options) { o.GroupsClaim = "cognito:groups" })
	tok, err := Mint(testKey, MintOptions{Subject: "bob", Groups: []string{"cp_analysts"}, TTL: time.Hour, GroupsClaim: "cognito:groups", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Authenticate(context.Background(), "Bearer "+tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.Roles.Has(RoleUser) || !p.Roles.Has(RoleAnalyst) {
		t.Fatalf("roles = %v, want analyst only", p.Roles.Names())
	}

	// The default claim is ignored when another is configured.
	tok = mint(t, testKey, "bob", []string{"cp_users"}, time.Hour, testNow)
	p, err = a.Authenticate(context.Background(), "Bearer "+tok)
	if err != nil || p.Roles != 0 {
		t.Fatalf("roles from the wrong claim: %+v %v", p, err)
	}

	// A single string is one group.
	a = newHMACAuth(t)
	tok = sign(t, jwt.SigningMethodHS256, testKey, jwt.MapClaims{"iss": MintIssuer, "sub": "c", "groups": "cp_dev_users", "exp": testNow.Add(time.Hour).Unix()}, nil)
	p, err = a.Authenticate(context.Background(), "Bearer "+tok)
	if err != nil || !p.Roles.Has(RoleUser) {
		t.Fatalf("string groups claim: %+v %v", p, err)
	}
}

func TestMintValidates(t *testing.T) {
	for _, o := range []MintOptions{
		{Subject: "", TTL: time.Hour},
		{Subject: "a", TTL: 0},
		{Subject: "a", TTL: 25 * time.Hour},
		{Subject: "a", TTL: time.Hour, GroupsClaim: "sub"},
	} {
		if _, err := Mint(testKey, o); err == nil {
			t.Errorf("Mint(%+v) accepted", o)
		}
	}
}

// --- OIDC ---------------------------------------------------------------

// idp is a test issuer: it serves a JWK set, counts fetches, and can fail
// (503) or hang (until released) on demand.
type idp struct {
	server  *httptest.Server
	keys    atomic.Pointer[[]map[string]any]
	fetches atomic.Int32
	fail    atomic.Bool
	hang    atomic.Pointer[chan struct{}] // non-nil: fetches wait for it to close
}

func newIDP(t *testing.T, keys ...map[string]any) *idp {
	t.Helper()
	p := &idp{}
	p.setKeys(keys...)
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		if h := p.hang.Load(); h != nil {
			select {
			case <-*h:
			case <-r.Context().Done():
				return
			}
		}
		if p.fail.Load() {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": *p.keys.Load()})
	}))
	t.Cleanup(func() {
		if h := p.hang.Swap(nil); h != nil {
			close(*h)
		}
		p.server.Close()
	})
	return p
}

func (p *idp) setKeys(keys ...map[string]any) { p.keys.Store(&keys) }

// publicJWK is the JWK of an RSA or ECDSA P-256 public key.
func publicJWK(t testing.TB, key any, kid, alg string) map[string]any {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	k := map[string]any{"kid": kid, "use": "sig"}
	if alg != "" {
		k["alg"] = alg
	}
	switch pub := key.(type) {
	case *rsa.PublicKey:
		k["kty"], k["n"], k["e"] = "RSA", b64(pub.N.Bytes()), b64(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		raw, err := pub.Bytes() // 0x04 || X || Y
		if err != nil {
			t.Fatal(err)
		}
		k["kty"], k["crv"], k["x"], k["y"] = "EC", "P-256", b64(raw[1:33]), b64(raw[33:])
	default:
		t.Fatalf("no JWK for %T", key)
	}
	return k
}

const (
	issuer   = "https://idp.example.test/"
	audience = "org-app"
)

func oidcClaims(extra jwt.MapClaims) jwt.MapClaims {
	c := jwt.MapClaims{"iss": issuer, "aud": []string{audience, "other"}, "sub": "carol",
		"groups": []string{"cp_users"}, "exp": testNow.Add(time.Hour).Unix(), "iat": testNow.Unix()}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

// runJWKS runs j's refresh loop until the test ends.
func runJWKS(t *testing.T, j *JWKS) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); j.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func newOIDCAuth(t *testing.T, p *idp, hmac KeySource, opts JWKSOptions) *Authenticator {
	t.Helper()
	opts.Client = p.server.Client()
	j := NewJWKS(p.server.URL, opts)
	runJWKS(t, j)
	waitFor(t, "key set loaded", j.Loaded)
	a, err := NewAuthenticator(Options{
		HMAC: hmac, JWKS: j, Issuer: issuer, Audience: audience,
		Roles: NewRoleMapper([]string{"cp_users"}, []string{"cp_analysts"}),
		Now:   func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestOIDCTokens(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	strangerKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := newIDP(t, publicJWK(t, &rsaKey.PublicKey, "rsa-1", "RS256"), publicJWK(t, &ecKey.PublicKey, "ec-1", "ES256"))
	a := newOIDCAuth(t, p, staticKey(testKey), JWKSOptions{})
	ctx := context.Background()

	for name, tok := range map[string]string{
		"RS256": sign(t, jwt.SigningMethodRS256, rsaKey, oidcClaims(nil), map[string]any{"kid": "rsa-1"}),
		"ES256": sign(t, jwt.SigningMethodES256, ecKey, oidcClaims(nil), map[string]any{"kid": "ec-1"}),
		"HS256": mint(t, testKey, "alice", []string{"cp_users"}, time.Hour, testNow),
	} {
		pr, err := a.Authenticate(ctx, "Bearer "+tok)
		if err != nil || !pr.Roles.Has(RoleUser) {
			t.Errorf("%s token refused: %+v %v", name, pr, err)
		}
	}

	pubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	tests := []struct {
		name string
		tok  string
		want Reason
	}{
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, rsaKey, oidcClaims(jwt.MapClaims{"iss": "https://evil.example.test/"}), map[string]any{"kid": "rsa-1"}), ReasonInvalidClaims},
		{"wrong audience", sign(t, jwt.SigningMethodRS256, rsaKey, oidcClaims(jwt.MapClaims{"aud": "someone-else"}), map[string]any{"kid": "rsa-1"}), ReasonInvalidClaims},
		{"expired", sign(t, jwt.SigningMethodRS256, rsaKey, oidcClaims(jwt.MapClaims{"exp": testNow.Add(-time.Hour).Unix()}), map[string]any{"kid": "rsa-1"}), ReasonExpired},
		{"issued in the future", sign(t, jwt.SigningMethodRS256, rsaKey, oidcClaims(jwt.MapClaims{"iat": testNow.Add(time.Minute).Unix()}), map[string]any{"kid": "rsa-1"}), ReasonNotYetValid},
		{"signed by a stranger", sign(t, jwt.SigningMethodRS256, strangerKey, oidcClaims(nil), map[string]any{"kid": "rsa-1"}), ReasonBadSignature},
		{"unknown kid", sign(t, jwt.SigningMethodRS256, strangerKey, oidcClaims(nil), map[string]any{"kid": "nope"}), ReasonUnknownKey},
		{"ES256 header on an RSA key", sign(t, jwt.SigningMethodES256, ecKey, oidcClaims(nil), map[string]any{"kid": "rsa-1"}), ReasonUnsupportedAlg},
		{"PS256 not enabled", sign(t, jwt.SigningMethodPS256, rsaKey, oidcClaims(nil), map[string]any{"kid": "rsa-1"}), ReasonUnsupportedAlg},
		// Algorithm confusion: HS256 keyed with the issuer's public key must
		// be checked against the shared secret, never the public key.
		{"HS256 keyed with the public key", sign(t, jwt.SigningMethodHS256, pubPEM, oidcClaims(nil), map[string]any{"kid": "rsa-1"}), ReasonBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Authenticate(ctx, "Bearer "+tt.tok)
			wantReason(t, err, tt.want)
		})
	}

	// With no shared secret, HS256 is refused outright.
	oidcOnly := newOIDCAuth(t, p, nil, JWKSOptions{})
	_, err = oidcOnly.Authenticate(ctx, "Bearer "+sign(t, jwt.SigningMethodHS256, pubPEM, oidcClaims(nil), nil))
	wantReason(t, err, ReasonUnsupportedAlg)
}

// The issuer rotates its keys: a token with the new kid fails at once with
// unknown_key and asks for an early refetch, which the refresh loop makes
// (once, after the gap); then the new key verifies. An outage keeps the
// last good set.
func TestJWKSRotationAndOutage(t *testing.T) {
	oldKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	newKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := newIDP(t, publicJWK(t, &oldKey.PublicKey, "k1", "RS256"))
	a := newOIDCAuth(t, p, nil, JWKSOptions{MinRefreshGap: 20 * time.Millisecond, RefreshInterval: time.Hour})
	ctx := context.Background()
	oldTok := sign(t, jwt.SigningMethodRS256, oldKey, oidcClaims(nil), map[string]any{"kid": "k1"})
	if _, err := a.Authenticate(ctx, "Bearer "+oldTok); err != nil {
		t.Fatal(err)
	}

	p.setKeys(publicJWK(t, &oldKey.PublicKey, "k1", "RS256"), publicJWK(t, &newKey.PublicKey, "k2", "RS256"))
	tok := sign(t, jwt.SigningMethodRS256, newKey, oidcClaims(nil), map[string]any{"kid": "k2"})
	_, err := a.Authenticate(ctx, "Bearer "+tok)
	wantReason(t, err, ReasonUnknownKey)
	waitFor(t, "the rotated key verifies", func() bool {
		_, err := a.Authenticate(ctx, "Bearer "+tok)
		return err == nil
	})

	// An outage keeps the last good key set; the unknown kid's refetch fails.
	p.fail.Store(true)
	before := p.fetches.Load()
	_, err = a.Authenticate(ctx, "Bearer "+sign(t, jwt.SigningMethodRS256, newKey, oidcClaims(nil), map[string]any{"kid": "k3"}))
	wantReason(t, err, ReasonUnknownKey)
	waitFor(t, "a refetch during the outage", func() bool { return p.fetches.Load() > before })
	if _, err := a.Authenticate(ctx, "Bearer "+oldTok); err != nil {
		t.Fatalf("last good key set dropped during an outage: %v", err)
	}
}

// While the issuer is down, slow or hung, requests never fetch and never
// wait: N concurrent requests (whose clients then disconnect) cause at most
// one fetch, each fails at once with keys_unavailable, and the key set
// recovers through the background refresh alone.
func TestJWKSUnavailableNeverFansOut(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := newIDP(t, publicJWK(t, &key.PublicKey, "k1", "RS256"))
	hang := make(chan struct{})
	p.hang.Store(&hang)
	p.fail.Store(true)

	j := NewJWKS(p.server.URL, JWKSOptions{Client: p.server.Client(), MinRefreshGap: 100 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	a, err := NewAuthenticator(Options{JWKS: j, Issuer: issuer, Audience: audience, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	runJWKS(t, j)
	waitFor(t, "the first fetch reaches the issuer", func() bool { return p.fetches.Load() == 1 })

	// The first fetch hangs. Requests, some from clients that already went
	// away, fail at once instead of waiting for it or starting their own.
	tok := "Bearer " + sign(t, jwt.SigningMethodRS256, key, oidcClaims(nil), map[string]any{"kid": "k1"})
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(context.Background())
			if i%2 == 0 {
				cancel() // a client that disconnected
			}
			defer cancel()
			_, err := a.Authenticate(ctx, tok)
			errs <- err
		})
	}
	waited := make(chan struct{})
	go func() { wg.Wait(); close(waited) }()
	select {
	case <-waited: // although the fetch is still hung
	case <-time.After(10 * time.Second):
		t.Fatal("requests waited for the hung fetch")
	}
	close(errs)
	for err := range errs {
		wantReason(t, err, ReasonKeysUnavailable)
	}
	if got := p.fetches.Load(); got != 1 {
		t.Fatalf("%d fetches while one hung, want 1", got)
	}

	// The hung fetch fails. Requests keep failing at once; the loop retries
	// with backoff, never faster than the gap, however many requests ask.
	close(hang)
	p.hang.Store(nil)
	start := time.Now()
	for time.Since(start) < 300*time.Millisecond {
		_, err := a.Authenticate(context.Background(), tok)
		wantReason(t, err, ReasonKeysUnavailable)
	}
	// 300ms after the failure, with a 100ms gap doubling (plus jitter): at
	// most 2 more fetches, whatever the request rate.
	if got := p.fetches.Load(); got > 3 {
		t.Fatalf("%d fetches in 300ms of requests, want at most 3", got)
	}

	// The issuer heals: the background refresh alone loads the set.
	p.fail.Store(false)
	waitFor(t, "recovery by the background refresh", j.Loaded)
	if _, err := a.Authenticate(context.Background(), tok); err != nil {
		t.Fatalf("token refused after recovery: %v", err)
	}
}

func TestJWKSBackoffIsCappedWithJitter(t *testing.T) {
	j := NewJWKS("http://127.0.0.1:1/jwks", JWKSOptions{MinRefreshGap: time.Second, MaxBackoff: 8 * time.Second})
	for _, tt := range []struct {
		n        int
		min, max time.Duration
	}{{1, time.Second, 1500 * time.Millisecond}, {2, 2 * time.Second, 3 * time.Second}, {4, 8 * time.Second, 12 * time.Second}, {50, 8 * time.Second, 12 * time.Second}} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := j.backoff(tt.n)
			if d < tt.min || d > tt.max {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", tt.n, d, tt.min, tt.max)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) has no jitter", tt.n)
		}
	}
}

func TestParseKeySetSkipsUnusableKeys(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	weakKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	good := publicJWK(t, &rsaKey.PublicKey, "good", "")
	enc := publicJWK(t, &rsaKey.PublicKey, "enc", "")
	enc["use"] = "enc"
	private := publicJWK(t, &rsaKey.PublicKey, "private", "")
	private["d"] = base64.RawURLEncoding.EncodeToString(rsaKey.D.Bytes())
	weak := publicJWK(t, &weakKey.PublicKey, "weak", "")
	offCurve := map[string]any{"kty": "EC", "crv": "P-256", "kid": "off-curve",
		"x": base64.RawURLEncoding.EncodeToString(make([]byte, 32)), "y": base64.RawURLEncoding.EncodeToString(make([]byte, 32))}
	otherCurve := map[string]any{"kty": "EC", "crv": "P-384", "kid": "p384",
		"x": base64.RawURLEncoding.EncodeToString(p384.X.Bytes()), "y": base64.RawURLEncoding.EncodeToString(p384.Y.Bytes())}
	doc, _ := json.Marshal(map[string]any{"keys": []any{good, enc, private, weak, offCurve, otherCurve, map[string]any{"kty": "weird"}}})
	set, err := parseKeySet(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.byID) != 1 || set.byID["good"] == nil {
		t.Fatalf("kept keys %v, want only the public signing key", set.byID)
	}
	if _, err := parseKeySet([]byte(`{"keys":[]}`)); err == nil {
		t.Error("empty key set accepted")
	}
	if _, err := parseKeySet([]byte(`not json`)); err == nil {
		t.Error("a document that is not JSON accepted")
	}
}

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	claims := jwt.MapClaims{"sub": "mallory", "groups": []string{"cp_analysts"}, "exp": testNow.Add(time.Hour).Unix()}
	b, _ := json.Marshal(claims)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

func FuzzAuthenticate(f *testing.F) {
	a, err := NewAuthenticator(Options{
		HMAC:  staticKey(testKey),
		Roles: NewRoleMapper([]string{"u"}, []string{"a"}),
		Now:   func() time.Time { return testNow },
	})
	if err != nil {
		f.Fatal(err)
	}
	valid, _ := Mint(testKey, MintOptions{Subject: "s", Groups: []string{"u"}, TTL: time.Hour, Now: testNow})
	for _, s := range []string{"", "Bearer", "Bearer ", "Bearer " + valid, "Bearer " + tamper(valid), "bearer a.b.c",
		"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "Basic x", "Bearer ..", "Bearer e30.e30.e30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		p, err := a.Authenticate(context.Background(), header)
		if err == nil {
			if p.Subject == "" {
				t.Fatal("accepted a token without subject")
			}
			return
		}
		var aerr *Error
		if !errors.As(err, &aerr) || aerr.Reason >= ReasonCount {
			t.Fatalf("unclassified error %v", err)
		}
	})
}

// The verified-token cache never extends what a token or key allows.
func TestCacheHonoursExpiryAndRotation(t *testing.T) {
	now := testNow
	var current atomic.Pointer[[]byte]
	k := append([]byte(nil), testKey...)
	current.Store(&k)
	a := newHMACAuth(t, func(o *Options) {
		o.HMAC = keyFunc(func() []byte { return *current.Load() })
		o.Now = func() time.Time { return now }
	})
	ctx := context.Background()
	tok := mint(t, testKey, "alice", []string{"cp_users"}, time.Minute, testNow)
	for range 2 { // verify, then hit the cache
		if _, err := a.Authenticate(ctx, "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
	}
	if len(a.cache.entries) != 1 {
		t.Fatalf("cache holds %d entries, want 1", len(a.cache.entries))
	}

	// Past exp + leeway the cached token is refused.
	now = testNow.Add(time.Minute + 31*time.Second)
	_, err := a.Authenticate(ctx, "Bearer "+tok)
	wantReason(t, err, ReasonExpired)

	// A rotated secret refuses tokens cached under the old one, even when
	// the new key has the same bytes length.
	now = testNow
	if _, err := a.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatal(err)
	}
	next := append([]byte(nil), otherKey...)
	current.Store(&next)
	_, err = a.Authenticate(ctx, "Bearer "+tok)
	wantReason(t, err, ReasonBadSignature)

	// Rotating back to a copy of the first key verifies again (fresh entry).
	again := append([]byte(nil), testKey...)
	current.Store(&again)
	if _, err := a.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("token refused after rotating back: %v", err)
	}
}

func BenchmarkAuthenticate(b *testing.B) {
	a, err := NewAuthenticator(Options{HMAC: staticKey(testKey), Roles: NewRoleMapper([]string{"u"}, []string{"a"}), Now: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	header := "Bearer " + mint(b, testKey, "alice", []string{"u", "a"}, time.Hour, testNow)
	ctx := context.Background()
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Authenticate(ctx, header); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(a.cache.entries)
			if _, err := a.Authenticate(ctx, header); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The cache is bound to the key's bytes, not to a slice's identity.
func TestCacheBoundToKeyBytes(t *testing.T) {
	ctx := context.Background()
	markCached := func(a *Authenticator) {
		for sum, e := range a.cache.entries {
			e.principal.Subject = "from-cache"
			a.cache.entries[sum] = e
		}
	}

	t.Run("a source returning a copy still hits", func(t *testing.T) {
		a := newHMACAuth(t, func(o *Options) { o.HMAC = keyFunc(func() []byte { return bytes.Clone(testKey) }) })
		tok := "Bearer " + mint(t, testKey, "alice", []string{"cp_users"}, time.Hour, testNow)
		if _, err := a.Authenticate(ctx, tok); err != nil {
			t.Fatal(err)
		}
		markCached(a)
		if p, err := a.Authenticate(ctx, tok); err != nil || p.Subject != "from-cache" {
			t.Fatalf("second request verified again (%+v, %v), want a cache hit", p, err)
		}
	})

	t.Run("a key rotated in place invalidates at once", func(t *testing.T) {
		first := []byte("in-place-key-one-0123456789abcdef")
		second := []byte("in-place-key-two-0123456789abcdef")
		live := bytes.Clone(first)
		a := newHMACAuth(t, func(o *Options) { o.HMAC = staticKey(live) })
		tok := "Bearer " + mint(t, first, "alice", []string{"cp_users"}, time.Hour, testNow)
		if _, err := a.Authenticate(ctx, tok); err != nil {
			t.Fatal(err)
		}
		copy(live, second) // same slice, new bytes
		_, err := a.Authenticate(ctx, tok)
		wantReason(t, err, ReasonBadSignature)
		if _, err := a.Authenticate(ctx, "Bearer "+mint(t, second, "alice", []string{"cp_users"}, time.Hour, testNow)); err != nil {
			t.Fatalf("token signed with the rewritten key refused: %v", err)
		}
	})
}

// twoKeys is a key source during a rotation's grace period.
type twoKeys struct{ current, previous []byte }

func (k *twoKeys) Keys(time.Time) ([]byte, []byte) { return k.current, k.previous }

func TestPreviousKeyVerifiesDuringGrace(t *testing.T) {
	ctx := context.Background()
	keys := &twoKeys{current: otherKey, previous: testKey}
	a := newHMACAuth(t, func(o *Options) { o.HMAC = keys })
	oldTok := "Bearer " + mint(t, testKey, "alice", []string{"cp_users"}, time.Hour, testNow)
	newTok := "Bearer " + mint(t, otherKey, "bob", []string{"cp_users"}, time.Hour, testNow)
	for range 2 { // verified, then from the cache
		p, err := a.Authenticate(ctx, oldTok)
		if err != nil || p.SigningKey != SigningKeyPrevious {
			t.Fatalf("old token during grace: %+v %v, want verified by the previous key", p, err)
		}
		p, err = a.Authenticate(ctx, newTok)
		if err != nil || p.SigningKey != SigningKeyCurrent {
			t.Fatalf("new token: %+v %v, want verified by the current key", p, err)
		}
	}
	forged := "Bearer " + mint(t, []byte("neither-key-0123456789abcdef-0123456"), "eve", []string{"cp_users"}, time.Hour, testNow)
	_, err := a.Authenticate(ctx, forged)
	wantReason(t, err, ReasonBadSignature)

	// Grace over: the previous key is gone, cached entries included.
	keys.previous = nil
	_, err = a.Authenticate(ctx, oldTok)
	wantReason(t, err, ReasonBadSignature)
	if p, err := a.Authenticate(ctx, newTok); err != nil || p.SigningKey != SigningKeyCurrent {
		t.Fatalf("new token after the grace period: %+v %v", p, err)
	}
}

func TestStricterClaims(t *testing.T) {
	ctx := context.Background()
	a := newHMACAuth(t) // leeway 30s

	// WithValidMethods guards on its own: even a key function that would
	// hand out the key for any algorithm cannot make HS384 verify.
	hs384 := sign(t, jwt.SigningMethodHS384, testKey, jwt.MapClaims{"iss": MintIssuer, "sub": "a", "exp": testNow.Add(time.Hour).Unix()}, nil)
	permissive := func(*jwt.Token) (any, error) { return testKey, nil }
	if _, err := a.parser.ParseWithClaims(hs384, &tokenClaims{groupsClaim: DefaultGroupsClaim}, permissive); err == nil {
		t.Fatal("the parser accepted HS384: WithValidMethods is not in place")
	}

	claims := func(extra jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{"iss": MintIssuer, "sub": "alice", "groups": []string{"cp_users"}, "exp": testNow.Add(time.Hour).Unix()}
		for k, v := range extra {
			if v == nil {
				delete(c, k)
				continue
			}
			c[k] = v
		}
		return c
	}
	for _, tt := range []struct {
		name   string
		claims jwt.MapClaims
		want   Reason // ReasonCount: accepted
	}{
		{"iat in the past", claims(jwt.MapClaims{"iat": testNow.Add(-time.Hour).Unix()}), ReasonCount},
		{"iat in the future within the leeway", claims(jwt.MapClaims{"iat": testNow.Add(20 * time.Second).Unix()}), ReasonCount},
		{"iat in the future beyond the leeway", claims(jwt.MapClaims{"iat": testNow.Add(2 * time.Minute).Unix()}), ReasonNotYetValid},
		{"no issuer", claims(jwt.MapClaims{"iss": nil}), ReasonInvalidClaims},
		{"another issuer", claims(jwt.MapClaims{"iss": "someone-else"}), ReasonInvalidClaims},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Authenticate(ctx, "Bearer "+sign(t, jwt.SigningMethodHS256, testKey, tt.claims, nil))
			if tt.want == ReasonCount {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantReason(t, err, tt.want)
		})
	}

	// A configured issuer replaces the default.
	custom := newHMACAuth(t, func(o *Options) { o.HMACIssuer = "payments" })
	_, err := custom.Authenticate(ctx, "Bearer "+mint(t, testKey, "alice", nil, time.Hour, testNow))
	wantReason(t, err, ReasonInvalidClaims)
	tok, err := Mint(testKey, MintOptions{Subject: "alice", Issuer: "payments", TTL: time.Hour, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := custom.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("token with the configured issuer refused: %v", err)
	}
}

// The cache key is the token's SHA-256 whether the token fits the stack
// buffer or not, and a cache hit allocates nothing.
func TestTokenDigestAndCacheHitCost(t *testing.T) {
	for _, n := range []int{0, 1, 2 << 10, 2<<10 + 1, MaxTokenBytes} {
		tok := strings.Repeat("t", n)
		if tokenDigest(tok) != sha256.Sum256([]byte(tok)) {
			t.Errorf("tokenDigest of %d bytes is not its SHA-256", n)
		}
	}
	a, err := NewAuthenticator(Options{HMAC: staticKey(testKey), Roles: NewRoleMapper([]string{"u"}, nil), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	header := "Bearer " + mint(t, testKey, "alice", []string{"u"}, time.Hour, testNow)
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, header); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = a.Authenticate(ctx, header) }); n != 0 {
		t.Errorf("a cache hit allocates %v times", n)
	}
}
