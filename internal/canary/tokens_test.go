package canary

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/secret"
)

func verifier(t *testing.T, key string, now func() time.Time) *auth.Authenticator {
	t.Helper()
	src, err := secret.FromValue("test", []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewAuthenticator(auth.Options{HMAC: src, Roles: auth.NewRoleMapper([]string{"cp_users"}, []string{"cp_analysts"}), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestMintedTokensVerifyAndRenew(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(keyFile, []byte(keyA+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := secret.FromFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	clock := func() time.Time { return now }
	toks, err := NewTokens(TokenConfig{Secret: src, UserGroups: []string{"cp_users"}, AnalystGroups: []string{"cp_analysts"},
		TTL: 10 * time.Minute, Refresh: time.Second, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	user, _ := toks.Get(auth.RoleUser)
	analyst, _ := toks.Get(auth.RoleAnalyst)
	a := verifier(t, keyA, clock)
	for tok, role := range map[string]auth.Role{user: auth.RoleUser, analyst: auth.RoleAnalyst} {
		p, err := a.Authenticate(context.Background(), "Bearer "+tok)
		if err != nil || !p.Roles.Has(role) {
			t.Errorf("%s token: %v, %+v", role, err, p)
		}
	}
	if again, _ := toks.Get(auth.RoleUser); again != user {
		t.Error("a fresh token was re-minted")
	}
	now = now.Add(6 * time.Minute) // past half its life
	renewed, _ := toks.Get(auth.RoleUser)
	if renewed == user {
		t.Error("not re-minted at half-life")
	}
	if err := os.WriteFile(keyFile, []byte(keyB), 0o600); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second) // past Refresh: the secret file is re-read
	rotated, _ := toks.Get(auth.RoleUser)
	if _, err := verifier(t, keyB, clock).Authenticate(context.Background(), "Bearer "+rotated); err != nil {
		t.Errorf("after rotation the token is not signed with the new secret: %v", err)
	}
}

func TestTokenFilesAreReread(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "user")
	if err := os.WriteFile(file, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	toks, err := NewTokens(TokenConfig{Roles: []auth.Role{auth.RoleUser}, UserFile: file, Refresh: time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	if tok, _ := toks.Get(auth.RoleUser); tok != "first" {
		t.Errorf("re-read before Refresh: %q", tok)
	}
	now = now.Add(2 * time.Second)
	if tok, _ := toks.Get(auth.RoleUser); tok != "second" {
		t.Errorf("not re-read after Refresh: %q", tok)
	}
	os.Remove(file)
	now = now.Add(2 * time.Second)
	if tok, err := toks.Get(auth.RoleUser); tok != "second" || err != nil {
		t.Errorf("a failed re-read must keep the last token: %q, %v", tok, err)
	}
	if _, err := toks.Get(auth.RoleAnalyst); err == nil {
		t.Error("a role that was not configured has a token")
	}
}
