package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// Test keys are generated per run; nothing here resembles a real secret.
var (
	testKey  = []byte("test-only-hs256-key-0123456789abcdef")
	otherKey = []byte("another-test-only-key-0123456789abcdef")
	testNow  = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
)

type staticKey []byte

func (k staticKey) Key() []byte { return k }

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

func (f keyFunc) Key() []byte { return f() }

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
	tok = sign(t, jwt.SigningMethodHS256, testKey, jwt.MapClaims{"sub": "c", "groups": "cp_dev_users", "exp": testNow.Add(time.Hour).Unix()}, nil)
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

type idp struct {
	server  *httptest.Server
	keys    atomic.Pointer[jose.JSONWebKeySet]
	fetches atomic.Int32
	fail    atomic.Bool
}

func newIDP(t *testing.T, keys ...jose.JSONWebKey) *idp {
	t.Helper()
	p := &idp{}
	p.setKeys(keys...)
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		if p.fail.Load() {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(p.keys.Load())
	}))
	t.Cleanup(p.server.Close)
	return p
}

func (p *idp) setKeys(keys ...jose.JSONWebKey) {
	p.keys.Store(&jose.JSONWebKeySet{Keys: keys})
}

func publicJWK(t *testing.T, key any, kid, alg string) jose.JSONWebKey {
	t.Helper()
	return jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: alg, Use: "sig"}
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

func newOIDCAuth(t *testing.T, p *idp, hmac KeySource) *Authenticator {
	t.Helper()
	j := NewJWKS(p.server.URL, p.server.Client())
	if err := j.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
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
	a := newOIDCAuth(t, p, staticKey(testKey))
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
		{"signed by a stranger", sign(t, jwt.SigningMethodRS256, strangerKey, oidcClaims(nil), map[string]any{"kid": "rsa-1"}), ReasonBadSignature},
		{"unknown kid", sign(t, jwt.SigningMethodRS256, strangerKey, oidcClaims(nil), map[string]any{"kid": "nope"}), ReasonUnknownKey},
		{"ES256 header on an RSA key", sign(t, jwt.SigningMethodES256, ecKey, oidcClaims(nil), map[string]any{"kid": "rsa-1"}), ReasonUnsupportedAlg},
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
	oidcOnly := newOIDCAuth(t, p, nil)
	_, err = oidcOnly.Authenticate(ctx, "Bearer "+sign(t, jwt.SigningMethodHS256, pubPEM, oidcClaims(nil), nil))
	wantReason(t, err, ReasonUnsupportedAlg)
}

func TestJWKSRotationAndOutage(t *testing.T) {
	oldKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	newKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := newIDP(t, publicJWK(t, &oldKey.PublicKey, "k1", "RS256"))
	a := newOIDCAuth(t, p, nil)
	a.opts.JWKS.minRefreshGap = 0
	ctx := context.Background()

	// The issuer rotates: a token with the new kid triggers a refetch.
	p.setKeys(publicJWK(t, &newKey.PublicKey, "k2", "RS256"))
	tok := sign(t, jwt.SigningMethodRS256, newKey, oidcClaims(nil), map[string]any{"kid": "k2"})
	if _, err := a.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("token with rotated key refused: %v", err)
	}

	// Refreshes are rate limited: unknown kids do not hammer the issuer.
	a.opts.JWKS.minRefreshGap = time.Hour
	before := p.fetches.Load()
	for range 5 {
		_, err := a.Authenticate(ctx, "Bearer "+sign(t, jwt.SigningMethodRS256, newKey, oidcClaims(nil), map[string]any{"kid": "unknown"}))
		wantReason(t, err, ReasonUnknownKey)
	}
	if n := p.fetches.Load() - before; n != 0 {
		t.Errorf("%d fetches for unknown kids within the gap, want 0", n)
	}

	// An outage keeps the last good key set.
	p.fail.Store(true)
	if err := a.opts.JWKS.Refresh(ctx); err == nil {
		t.Fatal("refresh against a failing issuer succeeded")
	}
	if _, err := a.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("last good key set dropped during an outage: %v", err)
	}

	// Never loaded: keys_unavailable.
	j := NewJWKS(p.server.URL, p.server.Client())
	b, err := NewAuthenticator(Options{JWKS: j, Issuer: issuer, Audience: audience, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Authenticate(ctx, "Bearer "+tok)
	wantReason(t, err, ReasonKeysUnavailable)
}

func TestParseKeySetSkipsUnusableKeys(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	good, _ := json.Marshal(jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "good", Use: "sig"})
	enc, _ := json.Marshal(jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "enc", Use: "enc"})
	private, _ := json.Marshal(jose.JSONWebKey{Key: rsaKey, KeyID: "private"})
	doc := `{"keys":[` + string(good) + `,` + string(enc) + `,` + string(private) + `,{"kty":"weird"}]}`
	set, err := parseKeySet([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.byID) != 1 || set.byID["good"].KeyID != "good" {
		t.Fatalf("kept keys %v, want only the public signing key", set.byID)
	}
	if _, err := parseKeySet([]byte(`{"keys":[]}`)); err == nil {
		t.Error("empty key set accepted")
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
